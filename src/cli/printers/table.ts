// kubectl's table printer: upper-case headers, no borders, columns padded with three spaces
// (kubectl's tabwriter uses padding 3). Colors are applied after padding so they never
// shift columns.

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  color?: (text: string, row: T) => string;
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], opts: { headers: boolean }): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(opts.headers ? c.header.length : 0, ...cells.map((row) => (row[i] ?? '').length)));
  const lines: string[] = [];
  const line = (values: string[], colorize?: (i: number, text: string) => string) =>
    values
      .map((v, i) => {
        const last = i === values.length - 1;
        const padded = last ? v : v.padEnd((widths[i] ?? 0) + 3);
        return colorize ? colorize(i, padded) : padded;
      })
      .join('')
      .trimEnd();
  if (opts.headers) lines.push(line(columns.map((c) => c.header)));
  rows.forEach((row, r) => {
    lines.push(
      line(cells[r] as string[], (i, text) => {
        const col = columns[i];
        return col?.color ? col.color(text, row) : text;
      }),
    );
  });
  return lines.length ? lines.join('\n') + '\n' : '';
}
