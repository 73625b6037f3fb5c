// Printing a sweep: a table with one column per parameter and per numeric or short result field
// (one result's lines are ../sim/result-text.ts).

import { renderTable } from "../sim/table.js";
import type { SweepResult } from "../sim/sweep.js";
import { formatScalar } from "../sim/result-text.js";
import { nestedFields, resultColumns } from "../sim/sweep-columns.js";
import { ranOnVaries, rowProvenance, systemAxes } from "../sim/sweep-systems.js";
import { ranOnText } from "../provenance.js";

/** A sweep comparing Systems (runSweep's `systems`) leads with a column per System axis (`board`,
 *  `kernel`). A failed sweep's rows (SweepError's `partial`) add an `error` column, and a job that
 *  did not finish leaves its result cells empty. Fields holding objects are named under the table.
 *  When rows ran on Systems those columns do not tell apart (a scenario choosing its board: bug's
 *  kind), a last `ran on` column names each finished row's, as the report's table does. */
export function formatSweep(s: SweepResult): string {
  const systemKeys = systemAxes(s);
  const paramKeys = Object.keys(s.rows[0]?.params ?? {});
  const resultKeys = resultColumns(s);
  const errors = s.rows.some((r) => r.error !== undefined);
  const mixed = ranOnVaries(s);
  const ranOn = (row: SweepResult["rows"][number]) => {
    const p = rowProvenance(s, row);
    return p ? ranOnText(p) : "";
  };
  const nested = nestedFields(s);
  const table = renderTable(
    [...systemKeys, ...paramKeys, ...resultKeys, ...(errors ? ["error"] : []), ...(mixed ? ["ran on"] : [])],
    s.rows.map((row) => [
      ...systemKeys.map((k) => formatScalar((row.system as Record<string, unknown> | undefined)?.[k])),
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
