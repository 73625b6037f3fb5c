// Printing a sweep: a table with one column per parameter and per numeric or short result field
// (one result's lines are ../sim/result-text.ts).

import { renderTable } from "../sim/table.js";
import type { SweepResult } from "../sim/sweep.js";
import { formatScalar } from "../sim/result-text.js";
import { nestedFields, resultColumns } from "../sim/sweep-columns.js";
import { ranOnText } from "../provenance.js";

/** A failed sweep's rows (SweepError's `partial`) add an `error` column, and a job that did not
 *  finish leaves its result cells empty. Fields holding objects are named under the table. When
 *  rows ran on different Systems (a scenario choosing its board: bug's kind), a last `ran on`
 *  column names each finished row's, as the report's table does. */
export function formatSweep(s: SweepResult): string {
  const paramKeys = Object.keys(s.rows[0]?.params ?? {});
  const resultKeys = resultColumns(s);
  const errors = s.rows.some((r) => r.error !== undefined);
  const mixed = s.rows.some((r) => r.provenance !== undefined);
  const ranOn = (row: SweepResult["rows"][number]) => {
    const p = row.provenance ?? (row.result !== undefined ? s.provenance : undefined);
    return p ? ranOnText(p) : "";
  };
  const nested = nestedFields(s);
  const table = renderTable(
    [...paramKeys, ...resultKeys, ...(errors ? ["error"] : []), ...(mixed ? ["ran on"] : [])],
    s.rows.map((row) => [
      ...paramKeys.map((k) => formatScalar(row.params[k])),
      ...resultKeys.map((k) => {
        const v = (row.result as Record<string, unknown> | undefined)?.[k];
        return v === undefined ? "" : formatScalar(v);
      }),
      ...(errors ? [row.error ?? ""] : []),
      ...(mixed ? [ranOn(row)] : []),
    ]),
  );
  // Said, not dropped silently: a table cell cannot hold an object's figures.
  return nested.length ? `${table}\n(not in the table: ${nested.join(", ")}, each an object of figures; --json has them)` : table;
}
