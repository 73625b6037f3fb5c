// Printing a sweep: a table with one column per parameter and per numeric or short result field,
// or per field asked for (one result's lines are ../sim/result-text.ts).

import { renderTable } from "../sim/table.js";
import type { SweepResult } from "../sim/sweep.js";
import { formatScalar } from "../sim/result-text.js";
import { nestedFields, sweepTable } from "../sim/sweep-columns.js";
import { ranOnText } from "../provenance.js";

/** A sweep comparing Systems (runSweep's `systems`) leads with a column per System axis (`board`,
 *  `kernel`). A failed sweep's rows (SweepError's `partial`) add an `error` column, and a job that
 *  did not finish leaves its result cells empty. Without `columns`, fields holding objects are
 *  named under the table; with them (dotted paths, `cached.totalPs`; `cached` for each of its
 *  figures), the table has those after the parameters, and a field no job has is a RangeError
 *  (sweepTableColumns). When rows ran on
 *  Systems the axis columns do not tell apart (a scenario choosing its board: bug's kind), a last
 *  `ran on` column names each finished row's, as the report's table does. */
export function formatSweep(s: SweepResult, columns?: readonly string[]): string {
  const { header, rows } = sweepTable(s, columns, formatScalar, ranOnText);
  const table = renderTable(header, rows);
  // Said, not dropped silently: a table cell cannot hold an object's figures. Columns asked for
  // leave out what was not asked for, and say nothing of it.
  const nested = columns === undefined ? nestedFields(s) : [];
  return nested.length ? `${table}\n(not in the table: ${nested.join(", ")}, each an object of figures; --json has them)` : table;
}
