// The result columns of a sweep's table: every scalar field any job's result has, in the order
// they first appear, or the fields the caller names (`--columns cached.totalPs,uncached.totalPs`,
// or `--columns cached` for every figure cached holds).
// Jobs of one sweep need not share fields (memcpy's buffers=streaming rows add the cache
// maintenance split, pool rows their descriptors): columns taken from the first row alone would
// hide them.

import type { SweepResult } from "./sweep.js";
import type { Provenance } from "../provenance.js";
import { isFieldPath, resultFieldAt, resultFields } from "./result-fields.js";
import { ranOnVaries, rowProvenance, systemAxes, systemValue } from "./sweep-systems.js";
import { fieldListing } from "./field-listing.js";

type Fields = Record<string, unknown>;

const holdsObject = (v: unknown) => typeof v === "object" && v !== null;
const isList = (v: unknown) => Array.isArray(v) || ArrayBuffer.isView(v);

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

/** The columns named, resolved against sweep `s`'s finished jobs: a figure by its path as named,
 *  an object (`cached`) as every figure under it (`cached.receive.name`, …, nested objects'
 *  too), in the order the rows hold them; each once, where first named; a swept parameter left
 *  to its own column. Or why they cannot be: a field no finished job has (listing those they
 *  have, fieldListing), or one holding a list or no figures at all. `note` (the caller's: what it
 *  printed instead) goes before the listing. With no job finished there is nothing to know the
 *  fields by: the columns are taken as named, and every cell stays empty. */
function resolveColumns(s: SweepResult, columns: readonly string[], note?: string): { names: string[] } | { problem: string } {
  const params = paramKeys(s);
  const named = columns.filter((c) => !params.has(c));
  if (!s.rows.some((r) => r.error === undefined && holdsObject(r.result))) return { names: [...new Set(named)] };
  const figures = sweepFieldPaths(s, (v) => !holdsObject(v));
  const under = (paths: string[], c: string) => paths.filter((p) => p === c || p.startsWith(`${c}.`));
  const then = note ? `; ${note}` : "";
  const names: string[] = [];
  for (const c of named) {
    const leaves = under(figures, c);
    if (leaves.length) {
      names.push(...leaves.filter((l) => !names.includes(l)));
      continue;
    }
    // What resultFields keeps whole: arrays (typed ones too) and empty objects.
    if (under(sweepFieldPaths(s, isList), c).length) return { problem: `${c} holds a list, not figures a column can show${then}` };
    if (under(sweepFieldPaths(s, holdsObject), c).length) return { problem: `${c} holds no figure a column can show${then}` };
    return { problem: `no job's result has ${c}${then}; their fields:\n${fieldListing(figures) || "  none"}` };
  }
  return { names };
}

/** Why `columns` cannot be a table of sweep `s`, undefined if they can (resolveColumns; `note`
 *  goes before the fields listed). */
export function sweepColumnsProblem(s: SweepResult, columns: readonly string[], note?: string): string | undefined {
  const resolved = resolveColumns(s, columns, note);
  return "problem" in resolved ? resolved.problem : undefined;
}

/** The result columns of `s`'s table, after its parameters: without `columns`, every scalar
 *  field (resultColumns); with them, those figures by their dotted paths, an object's as its
 *  figures (resolveColumns). A TypeError for `columns` that are not field paths, a RangeError
 *  (sweepColumnsProblem's) for a field the results do not have or a column cannot show. */
export function sweepTableColumns(s: SweepResult, columns?: readonly string[]): SweepColumn[] {
  if (columns === undefined) {
    return resultColumns(s).map((name) => ({ name, valueIn: (r) => (r as Fields | undefined)?.[name] }));
  }
  if (!Array.isArray(columns) || !columns.every(isFieldPath)) {
    throw new TypeError(`${s.scenario}: a sweep table's columns are result fields by their dotted paths (["cached.totalPs", "mbPerSec"]), not ${JSON.stringify(columns)}`);
  }
  const resolved = resolveColumns(s, columns);
  if ("problem" in resolved) throw new RangeError(`${s.scenario}: ${resolved.problem}`);
  return resolved.names.map((name) => ({ name, valueIn: (r) => resultFieldAt(r, name) }));
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
        ...systemKeys.map((k) => cell(systemValue(k, (row.system as Fields | undefined)?.[k]))),
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
