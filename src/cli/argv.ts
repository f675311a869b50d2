// kubectl accepts `-ojson`, `-owide`, `-nfoo`, `-lapp=shop`, `-o=json`; yargs reads `-ojson`
// as the short flags -o -j -s -o -n (docs/decisions.md, yargs). Split them before parsing.

const VALUE_SHORT_FLAGS = new Set(['o', 'n', 'l', 'f']);

export function normaliseArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^-([a-zA-Z])(=?)(.+)$/.exec(arg);
    if (m && VALUE_SHORT_FLAGS.has(m[1] as string)) {
      out.push(`-${m[1]}`, m[3] as string);
      continue;
    }
    out.push(arg);
  }
  return out;
}
