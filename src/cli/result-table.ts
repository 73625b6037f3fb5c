// Printing scenario results: an object becomes key/value lines; a sweep becomes a table with
// one column per parameter and per numeric or short result field.

import { renderTable } from "../sim/table.js";
import type { SweepResult } from "../sim/sweep.js";
import { resultFields } from "../sim/result-fields.js";
import { nestedFields, resultColumns } from "../sim/sweep-columns.js";

/** A number as a person reads it: integers whole, others to one decimal, except below 10 where
 *  one decimal would hide what matters (a share of 0.59 read "0.6", a slowdown of 4.32× "4.3"):
 *  three significant digits there. */
function formatNumber(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return Math.abs(v) < 10 ? String(Number(v.toPrecision(3))) : v.toFixed(1);
}

function scalar(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export function formatResult(r: unknown): string {
  if (r === null || typeof r !== "object") return scalar(r);
  const entries = resultFields(r as Record<string, unknown>);
  const w = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(w)}  ${scalar(v)}`).join("\n");
}

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
      ...paramKeys.map((k) => scalar(row.params[k])),
      ...resultKeys.map((k) => {
        const v = (row.result as Record<string, unknown> | undefined)?.[k];
        return v === undefined ? "" : scalar(v);
      }),
      ...(errors ? [row.error ?? ""] : []),
    ]),
  );
  // Said, not dropped silently: a table cell cannot hold an object's figures.
  return nested.length ? `${table}\n(not in the table: ${nested.join(", ")}, each an object of figures; --json has them)` : table;
}
