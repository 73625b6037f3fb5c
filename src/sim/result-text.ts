// A scenario's result as `dmasim run` prints it: one "field  value" line per field (nested ones
// by their dotted path, result-fields.ts). The CLI and the browser page both print it from here,
// so the two read the same.

import { resultFields } from "./result-fields.js";

/** A number as a person reads it: integers whole, others to one decimal, except below 10 where
 *  one decimal would hide what matters (a share of 0.59 read "0.6", a slowdown of 4.32× "4.3"):
 *  three significant digits there. */
function formatNumber(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return Math.abs(v) < 10 ? String(Number(v.toPrecision(3))) : v.toFixed(1);
}

/** One value as a table cell or a result line shows it. */
export function formatScalar(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export function formatResult(r: unknown): string {
  if (r === null || typeof r !== "object") return formatScalar(r);
  const entries = resultFields(r as Record<string, unknown>);
  const w = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(w)}  ${formatScalar(v)}`).join("\n");
}
