// kubectl's `-l` selector string (`app=shop,tier!=db,env in (a,b),!legacy,team`), parsed
// so that -f manifests are filtered exactly as the API server filters a cluster list.
import { UserError } from './errors.js';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type LabelPredicate = (labels: Record<string, string> | undefined) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key)) throw new UserError(`invalid label selector "${selector}": "${key}" is not a valid label key`);
  return key;
}

function parseRequirement(part: string, selector: string): Requirement {
  let m = /^(\S+?)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
  if (m) {
    const values = (m[3] as string)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    return { op: m[2] === 'in' ? 'in' : 'notin', key: checkKey(m[1] as string, selector), values };
  }
  m = /^(\S+?)\s*(!=|==|=)\s*(\S*)$/.exec(part);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: checkKey(m[1] as string, selector), value: m[3] as string };
  m = /^!\s*(\S+)$/.exec(part);
  if (m) return { op: 'notexists', key: checkKey(m[1] as string, selector) };
  return { op: 'exists', key: checkKey(part, selector) };
}

export function parseLabelSelector(selector: string | undefined): LabelPredicate {
  if (!selector || selector.trim() === '') return () => true;
  const reqs = splitTopLevel(selector).map((p) => parseRequirement(p, selector));
  return (labels) => {
    const l = labels ?? {};
    return reqs.every((r) => {
      const has = Object.hasOwn(l, r.key);
      const v = l[r.key];
      switch (r.op) {
        case 'eq':
          return has && v === r.value;
        case 'neq':
          return !has || v !== r.value;
        case 'in':
          return has && r.values.includes(v as string);
        case 'notin':
          return !has || !r.values.includes(v as string);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
    });
  };
}
