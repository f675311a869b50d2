// `serve -f`: the manifests are the cluster, so edits to them are events. Files and
// directories named by -f (and the directories below them) are watched; a burst of writes
// (an editor saving, `git checkout`) becomes one reload. A reload that fails (a half-written
// file) keeps the last good objects and says why. (Not SIGHUP: serve is a foreground
// process, and a hang-up means its terminal went away — it says goodbye and exits.)
import { watch, statSync, readdirSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface ManifestWatch {
  close(): void;
}

/** Directories below `dir` (it included): fs.watch is not recursive on Linux in Node 20. */
function directories(dir: string): string[] {
  const out = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) out.push(...directories(join(dir, entry.name)));
  }
  return out;
}

export function watchManifests(paths: readonly string[], onChange: () => void, debounceMs = 200): ManifestWatch {
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const p of paths) {
    if (p === '-') continue; // stdin was read once
    try {
      const targets = statSync(p).isDirectory() ? directories(p) : [p];
      for (const t of targets) {
        const w = watch(t, { persistent: false }, fire);
        w.on('error', () => w.close()); // a watched directory was removed: the reload reports it
        watchers.push(w);
      }
    } catch {
      // Vanished between load and watch: nothing to watch there.
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
