// The result columns of a sweep's table: every scalar field any job's result has, in the order
// they first appear, or the fields the caller names (`--columns cached.totalPs,uncached.totalPs`).
// Jobs of one sweep need not share fields (memcpy's buffers=streaming rows add the cache
// maintenance split, pool rows their descriptors): columns taken from the first row alone would
// hide them.

import type { SweepResult } from "./sweep.js";
import type { Provenance } from "../provenance.js";
import { isFieldPath, resultFieldAt, resultFields } from "./result-fields.js";
import { ranOnVaries, rowProvenance, systemAxes } from "./sweep-systems.js";

type Fields = Record<string, unknown>;

const holdsObject = (v: unknown) => typeof v === "object" && v !== null;

/** The fields of every job's result (its own, or every leaf's dotted path with `resultFields`)
 *  that `keep` accepts, each once, in the order they first appear. */
function fieldsInOrder(s: SweepResult, keep: (key: string, value: unknown) => boolean, entries: (r: Fields) => [string, unknown][] = Object.entries): string[] {
  const keys: string[] = [];
  for (const row of s.rows) {
    if (!holdsObject(row.result)) continue;
    for (const [k, v] of entries(row.result as Fields)) {
      if (!keys.includes(k) && keep(k, v)) keys.push(k);
    }
  }
  return keys;
}

const paramKeys = (s: SweepResult) => new Set(s.rows.flatMap((r) => Object.keys(r.params)));

export function resultColumns(s: SweepResult): string[] {
  const params = paramKeys(s);
  return fieldsInOrder(s, (k, v) => !params.has(k) && !holdsObject(v));
}

/** The result fields a sweep's table leaves out: those holding an object (cpu-process's
 *  `cached`, `uncached`), in the order they first appear. `--json` has them. */
export function nestedFields(s: SweepResult): string[] {
  return fieldsInOrder(s, (_k, v) => holdsObject(v));
}

/** Every figure the finished jobs' results hold, nested ones by their dotted path
 *  (`cached.process.timePs`), the swept parameters' echoes left out, in the order they first
 *  appear: what a chart or a column may name. `keep` picks by value (numbers, for a chart). */
export function sweepFieldPaths(s: SweepResult, keep: (value: unknown) => boolean = () => true): string[] {
  const params = paramKeys(s);
  const finished = { ...s, rows: s.rows.filter((r) => r.error === undefined) };
  return fieldsInOrder(finished, (k, v) => !params.has(k) && keep(v), resultFields);
}

/** One column of a sweep's table: its heading, and its cell's value in a job's result. */
export interface SweepColumn {
  name: string;
  valueIn(result: unknown): unknown;
}

/** Why `columns` cannot be a table of sweep `s`, undefined if they can: a field no finished job
 *  has, or one holding an object of figures rather than a figure. With no job finished there is
 *  nothing to know them by, and every cell stays empty. */
export function sweepColumnsProblem(s: SweepResult, columns: readonly string[]): string | undefined {
  if (!s.rows.some((r) => r.error === undefined && holdsObject(r.result))) return undefined;
  const fields = sweepFieldPaths(s);
  const params = paramKeys(s);
  for (const c of columns) {
    if (params.has(c)) continue;
    const under = fields.filter((f) => f.startsWith(`${c}.`));
    if (under.length) return `${c} is an object of figures, not one a column can show: name one of them (${under.join(", ")})`;
    if (!fields.includes(c)) return `no job's result has ${c} to show in a column (their fields: ${fields.join(", ") || "none"})`;
  }
  return undefined;
}

/** The result columns of `s`'s table, after its parameters: without `columns`, every scalar
 *  field (resultColumns); with them, those fields by their dotted paths, each once, a swept
 *  parameter among them left to its own column. A TypeError for `columns` that are not field
 *  paths, a RangeError (sweepColumnsProblem's) for a field the results do not have. */
export function sweepTableColumns(s: SweepResult, columns?: readonly string[]): SweepColumn[] {
  if (columns === undefined) {
    return resultColumns(s).map((name) => ({ name, valueIn: (r) => (r as Fields | undefined)?.[name] }));
  }
  if (!Array.isArray(columns) || !columns.every(isFieldPath)) {
    throw new TypeError(`${s.scenario}: a sweep table's columns are result fields by their dotted paths (["cached.totalPs", "mbPerSec"]), not ${JSON.stringify(columns)}`);
  }
  const problem = sweepColumnsProblem(s, columns);
  if (problem) throw new RangeError(`${s.scenario}: ${problem}`);
  const params = paramKeys(s);
  return [...new Set(columns)].filter((c) => !params.has(c)).map((name) => ({ name, valueIn: (r) => resultFieldAt(r, name) }));
}

/** A sweep's table as `dmasim sweep` prints it and its report shows it: a column per System axis
 *  compared (runSweep's `systems`), per parameter, per result column (sweepTableColumns), then
 *  `error` when a job failed (SweepError's `partial`) and `ran on` when rows ran on Systems the
 *  axis columns do not tell apart (a scenario choosing its board: bug's kind). `cell` formats a
 *  value and `ranOnText` a row's System; a cell a job did not fill is "". */
export function sweepTable<C>(
  s: SweepResult, columns: readonly string[] | undefined, cell: (v: unknown) => C, ranOnText: (p: Provenance) => string,
): { header: string[]; rows: (C | string)[][] } {
  const systemKeys = systemAxes(s);
  const paramKeys = Object.keys(s.rows[0]?.params ?? {});
  const resultCols = sweepTableColumns(s, columns);
  const errors = s.rows.some((r) => r.error !== undefined);
  const mixed = ranOnVaries(s);
  return {
    header: [...systemKeys, ...paramKeys, ...resultCols.map((c) => c.name), ...(errors ? ["error"] : []), ...(mixed ? ["ran on"] : [])],
    rows: s.rows.map((row) => {
      const p = mixed ? rowProvenance(s, row) : undefined;
      return [
        ...systemKeys.map((k) => cell((row.system as Fields | undefined)?.[k])),
        ...paramKeys.map((k) => cell(row.params[k])),
        ...resultCols.map((c) => {
          const v = c.valueIn(row.result);
          return v === undefined ? "" : cell(v);
        }),
        ...(errors ? [row.error ?? ""] : []),
        ...(mixed ? [p ? ranOnText(p) : ""] : []),
      ];
    }),
  };
}
