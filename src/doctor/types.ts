// The DoctorReport: one item per name, the same fourteen checks in the same order in every
// item (README.md, "When a name does not open": a check that does not apply is `skip`, with the reason). Its JSON form is
// public (`-o json|yaml`): fields may be added, never renamed.

/** The path a browser takes to open https://NAME/, one step per id, in this order. */
export const CHECK_IDS = [
  'binding',
  'mdns-answer',
  'resolver',
  'hosts-file',
  'nsswitch',
  'nss-mdns',
  'avahi',
  'systemd-resolved',
  'port-5353',
  'firewall',
  'route',
  'tcp',
  'tls',
  'http',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  id: CheckId;
  status: CheckStatus;
  /** One line: what was found. For `skip`, why it does not apply ("because …"). */
  detail: string;
  /** For warn/fail: the exact command or file edit that fixes it; '' otherwise. */
  fix: string;
}

export interface DoctorItem {
  name: string;
  /** False exactly when a check fails (warnings allowed). */
  ok: boolean;
  checks: Check[];
}

export interface DoctorReport {
  apiVersion: 'kubectl-mdns/v1alpha1';
  kind: 'DoctorReport';
  context: string;
  items: DoctorItem[];
  summary: { names: number; ok: number; failing: number };
}

export const pass = (id: CheckId, detail: string): Check => ({ id, status: 'pass', detail, fix: '' });
export const warn = (id: CheckId, detail: string, fix: string): Check => ({ id, status: 'warn', detail, fix });
export const fail = (id: CheckId, detail: string, fix: string): Check => ({ id, status: 'fail', detail, fix });
export const skip = (id: CheckId, detail: string): Check => ({ id, status: 'skip', detail, fix: '' });
