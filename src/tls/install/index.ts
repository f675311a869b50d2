// `tls ca --install` / `--uninstall`: every store this platform has, in order; each says done,
// already trusted, or skipped/failed with the reason and the exact command to run.
import type { LocalCA } from '../ca.js';
import { MacKeychainStore } from './macos.js';
import { NssStore } from './nss.js';
import { execRunner, type Runner } from './runner.js';
import { SystemStore } from './system.js';
import type { StoreResult, TrustStore } from './types.js';

export interface InstallEnv {
  home: string;
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** "/" except in tests and chroots (KUBECTL_MDNS_SYSTEM_ROOT). */
  systemRoot: string;
  runner?: Runner;
}

export function trustStores(env: InstallEnv): TrustStore[] {
  const runner = env.runner ?? execRunner;
  const stores: TrustStore[] = [];
  if (env.platform === 'darwin') stores.push(new MacKeychainStore({ home: env.home, runner, isRoot: env.isRoot }));
  else if (env.platform === 'linux') stores.push(new SystemStore({ root: env.systemRoot, runner, isRoot: env.isRoot }));
  stores.push(new NssStore({ home: env.home, platform: env.platform, runner }));
  return stores;
}

export async function installCA(ca: LocalCA, env: InstallEnv): Promise<StoreResult[]> {
  const out: StoreResult[] = [];
  for (const s of trustStores(env)) out.push(...(await s.install(ca)));
  return out;
}

export async function uninstallCA(ca: LocalCA, env: InstallEnv): Promise<StoreResult[]> {
  const out: StoreResult[] = [];
  for (const s of trustStores(env)) out.push(...(await s.uninstall(ca)));
  return out;
}

export type { StoreResult, TrustStore } from './types.js';
export type { Runner, RunResult } from './runner.js';
