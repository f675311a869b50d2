// Where the CA lives. mkcert-compatible (its README, "Changing the location of the CA
// files", and its getCAROOT()): --ca-dir, else $CAROOT, else mkcert's own folder when it
// already holds a CA (so a user who ran `mkcert -install` is trusted at once), else our own
// folder under $XDG_DATA_HOME. Pure: environment, platform and home directory are arguments.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CA_CERT_FILE = 'rootCA.pem';
export const CA_KEY_FILE = 'rootCA-key.pem';

export type CaDirSource = 'flag' | 'CAROOT' | 'mkcert' | 'default';

export interface CaDirInput {
  flag?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  home: string;
  /** For tests; defaults to fs.existsSync. */
  exists?: (path: string) => boolean;
}

export interface CaDirChoice {
  dir: string;
  source: CaDirSource;
}

function dataHome(input: CaDirInput): string {
  const xdg = input.env.XDG_DATA_HOME;
  return xdg?.startsWith('/') ? xdg : join(input.home, '.local', 'share');
}

/** mkcert's default CAROOT for this platform (mkcert/main.go getCAROOT). */
export function mkcertDefaultDir(input: CaDirInput): string {
  if (input.platform === 'darwin') return join(input.home, 'Library', 'Application Support', 'mkcert');
  if (input.platform === 'win32') return join(input.env.LocalAppData ?? join(input.home, 'AppData', 'Local'), 'mkcert');
  return join(dataHome(input), 'mkcert');
}

/** Our own default, created on first use. */
export function ownDefaultDir(input: CaDirInput): string {
  if (input.platform === 'darwin') return join(input.home, 'Library', 'Application Support', 'kubectl-mdns', 'ca');
  return join(dataHome(input), 'kubectl-mdns', 'ca');
}

export function resolveCaDir(input: CaDirInput): CaDirChoice {
  const exists = input.exists ?? existsSync;
  if (input.flag) return { dir: input.flag, source: 'flag' };
  if (input.env.CAROOT) return { dir: input.env.CAROOT, source: 'CAROOT' };
  const mkcert = mkcertDefaultDir(input);
  if (exists(join(mkcert, CA_CERT_FILE)) && exists(join(mkcert, CA_KEY_FILE))) return { dir: mkcert, source: 'mkcert' };
  return { dir: ownDefaultDir(input), source: 'default' };
}
