// -o json|yaml: the same object either way, so scripts can switch freely.
import yaml from 'js-yaml';

export function renderStructured(value: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n';
  return yaml.dump(value, { noRefs: true, lineWidth: -1, sortKeys: false });
}
