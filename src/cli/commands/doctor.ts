// kubectl mdns doctor [NAME…]: why a name does or does not open in the browser on this
// machine (src/doctor). Flags and rendering only. Exit 0 when every name passes end to end
// (warnings allowed), 1 when a check fails, 2 on error. Read-only: it only reads and asks.
import { openSource } from '../../cluster/open.js';
import { readOnce } from '../../reconcile/once.js';
import type { CommonFlags, MdnsFlags } from '../flags.js';
import { bindingOptions, sourceOptions } from '../load.js';
import { chosenLinks, timeoutSeconds } from '../link-flags.js';
import { renderStructured } from '../printers/structured.js';
import { renderDoctorText } from '../printers/doctor.js';
import { colorsFor } from '../colors.js';
import { printWarnings } from '../warnings.js';

export interface DoctorFlags extends Omit<CommonFlags, 'output'>, MdnsFlags {
  names?: string[];
  /** undefined: text */
  output?: 'text' | 'json' | 'yaml';
}

export async function runDoctorCommand(flags: DoctorFlags): Promise<number> {
  const timeout = timeoutSeconds(flags.timeout);
  await chosenLinks(flags.interface); // an unknown --interface is an error before anything is asked
  // The source flags are list's; only -o differs (text, not a table).
  const common: CommonFlags = { ...flags, output: 'table' };
  const loaded = await readOnce(await openSource(sourceOptions(common)), bindingOptions(common));
  const { bindings, warnings } = loaded;
  printWarnings(warnings);
  const { publishedNames, runDoctor } = await import('../../doctor/doctor.js');
  const names = (flags.names ?? []).map(String);
  const wanted = names.length ? names : publishedNames(bindings);
  if (wanted.length === 0) process.stderr.write('No Ready .local names to check; kubectl mdns list says why.\n');
  if (wanted.length === 0 && flags.output !== 'json' && flags.output !== 'yaml') return 0;
  const report = await runDoctor(wanted, bindings, loaded.context, {
    timeoutMs: Math.round(timeout * 1000),
    ...(flags.interface?.length ? { interfaces: flags.interface } : {}),
  });
  if (flags.output === 'json' || flags.output === 'yaml') process.stdout.write(renderStructured(report, flags.output));
  else process.stdout.write(renderDoctorText(report, colorsFor(process.stdout)));
  return report.items.every((i) => i.ok) ? 0 : 1;
}
