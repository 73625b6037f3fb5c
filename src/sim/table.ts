// Plain-text tables for the terminal: a header row, aligned columns (numbers to the right).

export function renderTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  // An empty cell (a field some rows do not have) leaves its column numeric.
  const isNumber = (v: string | number | undefined) => typeof v === "number" || /^[\d.,]+( \S+)?$/.test(String(v));
  const numeric = header.map((_, c) => rows.some((r) => r[c] !== "") && rows.every((r) => r[c] === "" || isNumber(r[c])));
  const line = (r: string[]) =>
    r.map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
