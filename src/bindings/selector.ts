// Kubernetes metav1.LabelSelector semantics, for allowedRoutes.namespaces.selector and
// allowedListeners.namespaces.selector: matchLabels AND every matchExpression. As in
// LabelSelectorAsSelector, `{}` selects everything; a malformed selector selects nothing and
// says why (the API server would have rejected it, but -f files never went through one).

export type SelectorResult = { matches: true } | { matches: false; error?: string };

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function matchLabelSelector(selector: unknown, labels: Readonly<Record<string, string>>): SelectorResult {
  if (!isRecord(selector)) return { matches: false, error: 'the selector is not an object' };
  const has = (key: string): boolean => Object.hasOwn(labels, key);
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isRecord(matchLabels)) return { matches: false, error: 'matchLabels is not a map' };
    for (const [key, value] of Object.entries(matchLabels)) {
      if (typeof value !== 'string') return { matches: false, error: `matchLabels["${key}"] is not a string` };
      if (!has(key) || labels[key] !== value) return { matches: false };
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) return { matches: false, error: 'matchExpressions is not a list' };
    for (const [i, expr] of (matchExpressions as unknown[]).entries()) {
      const checked = checkExpression(expr, i);
      if (typeof checked === 'string') return { matches: false, error: checked };
      const { key, operator, values } = checked;
      const present = has(key);
      const ok =
        operator === 'In'
          ? present && values.includes(labels[key] as string)
          : operator === 'NotIn'
            ? !present || !values.includes(labels[key] as string)
            : operator === 'Exists'
              ? present
              : !present;
      if (!ok) return { matches: false };
    }
  }
  return { matches: true };
}

interface Expression {
  key: string;
  operator: string;
  values: string[];
}

function checkExpression(expr: unknown, i: number): Expression | string {
  const where = `matchExpressions[${i}]`;
  if (!isRecord(expr)) return `${where} is not an object`;
  const { key, operator, values } = expr;
  if (typeof key !== 'string' || key === '') return `${where} has no key`;
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
    return `${where} has operator ${JSON.stringify(operator) ?? 'undefined'}; use In, NotIn, Exists or DoesNotExist`;
  }
  const list = values === undefined || values === null ? [] : values;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) return `${where} values is not a list of strings`;
  // Same validation as apimachinery: In/NotIn need values, Exists/DoesNotExist must have none.
  if ((operator === 'In' || operator === 'NotIn') && list.length === 0) return `${where} (${operator}) needs at least one value`;
  if ((operator === 'Exists' || operator === 'DoesNotExist') && list.length > 0) return `${where} (${operator}) must not have values`;
  return { key, operator, values: list as string[] };
}
