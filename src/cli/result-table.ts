// Printing a sweep: a table with one column per parameter and per numeric or short result field
// (one result's lines are ../sim/result-text.ts).

import { renderTable } from "../sim/table.js";
import type { SweepResult } from "../sim/sweep.js";
import { formatScalar } from "../sim/result-text.js";
import { nestedFields, resultColumns } from "../sim/sweep-columns.js";

/** A failed sweep's rows (SweepError's `partial`) add an `error` column, and a job that did not
 *  finish leaves its result cells empty. Fields holding objects are named under the table. */
export function formatSweep(s: SweepResult): string {
  const paramKeys = Object.keys(s.rows[0]?.params ?? {});
  const resultKeys = resultColumns(s);
  const errors = s.rows.some((r) => r.error !== undefined);
  const nested = nestedFields(s);
  const table = renderTable(
    [...paramKeys, ...resultKeys, ...(errors ? ["error"] : [])],
    s.rows.map((row) => [
      ...paramKeys.map((k) => formatScalar(row.params[k])),
      ...resultKeys.map((k) => {
        const v = (row.result as Record<string, unknown> | undefined)?.[k];
        return v === undefined ? "" : formatScalar(v);
      }),
      ...(errors ? [row.error ?? ""] : []),
    ]),
  );
  // Said, not dropped silently: a table cell cannot hold an object's figures.
  return nested.length ? `${table}\n(not in the table: ${nested.join(", ")}, each an object of figures; --json has them)` : table;
}
