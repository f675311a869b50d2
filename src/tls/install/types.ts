// One trust store: install or remove the CA, and say what happened in one of three words.
import type { LocalCA } from '../ca.js';

export type StoreStatus = 'done' | 'already' | 'skipped' | 'failed';

export interface StoreResult {
  /** "system (Debian)", "NSS ~/.pki/nssdb (Chromium)", "Firefox profile abc.default", "macOS keychain". */
  store: string;
  status: StoreStatus;
  /** done/already: what was done; skipped/failed: the reason. */
  detail: string;
  /** skipped/failed: the exact command to run by hand. */
  command?: string;
}

export interface TrustStore {
  install(ca: LocalCA): Promise<StoreResult[]>;
  uninstall(ca: LocalCA): Promise<StoreResult[]>;
}

/** The nickname/file stem a CA gets in stores: stable per CA (its fingerprint), so re-runs find it. */
export function caNickname(ca: LocalCA): string {
  return `kubectl-mdns CA ${ca.fingerprintSHA256.replace(/:/g, '').slice(0, 16).toLowerCase()}`;
}
export function caFileStem(ca: LocalCA): string {
  return `kubectl-mdns_${ca.fingerprintSHA256.replace(/:/g, '').slice(0, 16).toLowerCase()}`;
}
