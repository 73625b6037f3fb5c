// A sweep's System axes: the System options a sweep compares (board A against board B, the 4.9
// kernel against a modern one), each a list of values like a grid parameter's, expanded as a
// product with the scenario's grid. A grid of options rather than a list of SystemOptions objects:
// it reads as the question is asked ("these boards, on these kernels"), names its axes (the table's
// leading columns, the charts' series), and cannot hold two unlike objects that differ in an
// option no column shows.

import type { SystemOptions } from "../system.js";
import type { Provenance } from "../provenance.js";
import { checkSystemOptions } from "../system-options.js";
import { BOARDS, unknownBoardText } from "../boards.js";
import { PROFILES, unknownProfileText } from "../hw/profile.js";
import type { ScenarioParams } from "./scenarios.js";
import type { SweepResult, SweepRow } from "./sweep.js";

/** The options a sweep may vary: those that choose the machine or change results and read well
 *  as a column. Others (memory, cma, dmaPeripherals, …) are given once, in `system`, and worker,
 *  debug and printkLevel change no result. */
export const SYSTEM_AXES = ["board", "kernel", "profile", "swiotlb", "dmaDebug"] as const;

export type SystemAxis = (typeof SYSTEM_AXES)[number];

/** `{ board: ["zynq-7000", "arm64-ref"], kernel: ["modern", "v4.9"] }`: every combination runs
 *  the whole grid, the first key varying slowest. */
export type SystemGrid = { [K in SystemAxis]?: NonNullable<SystemOptions[K]>[] };

/** One combination of a SystemGrid's values: what a row ran on, by its axes. */
export type SystemPoint = { [K in SystemAxis]?: NonNullable<SystemOptions[K]> };

type Fixed = Omit<SystemOptions, "worker">;

/** Every combination of `axes`' values, the first key varying slowest; `what` names a key in an
 *  error (`sweep parameter "size"`). Shared by the grid and the System axes. */
export function productOf<T>(axes: Record<string, T[]>, what: (key: string) => string): Record<string, T>[] {
  let out: Record<string, T>[] = [{}];
  for (const [k, values] of Object.entries(axes)) {
    // A lone value would be taken apart (a string by characters) or not be a list at all.
    if (!Array.isArray(values)) throw new TypeError(`${what(k)} takes a list of values ([${JSON.stringify(values)}]), not ${JSON.stringify(values)}`);
    if (!values.length) throw new RangeError(`${what(k)} has no values`);
    out = out.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  }
  return out;
}

/** The System combinations a sweep runs, checked before any job starts: one `{}` without axes.
 *  Each combined with `fixed` must be options createSystem takes (a misspelt board would
 *  otherwise fail every one of its jobs, one by one). */
export function expandSystems(systems: SystemGrid | undefined, fixed: Fixed = {}): SystemPoint[] {
  if (systems === undefined) return [{}];
  if (typeof systems !== "object" || systems === null || Array.isArray(systems)) {
    throw new TypeError(`runSweep: systems is an object of option value lists ({ board: ["zynq-7000", "arm64-ref"] }), not ${JSON.stringify(systems)}`);
  }
  for (const k of Object.keys(systems)) {
    if (!(SYSTEM_AXES as readonly string[]).includes(k)) {
      throw new RangeError(`runSweep: systems cannot vary "${k}" (it varies ${SYSTEM_AXES.join(", ")}); give it once, in system`);
    }
    if ((fixed as Record<string, unknown>)[k] !== undefined) {
      throw new TypeError(`runSweep: "${k}" is given both in system and in systems: give it in one`);
    }
  }
  if (systems.board !== undefined && (fixed.dtb !== undefined || fixed.dts !== undefined)) {
    throw new TypeError(`runSweep: systems varies the board, but system gives a tree (${fixed.dtb !== undefined ? "dtb" : "dts"}) that every job boots instead`);
  }
  const points = productOf(systems as Record<string, unknown[]>, (k) => `runSweep: systems "${k}"`) as SystemPoint[];
  for (const p of points) {
    const fail = (message: string) => new RangeError(`runSweep: systems: ${message}`);
    if (p.board !== undefined && !BOARDS[p.board]) throw fail(unknownBoardText(p.board, "give system a dtb"));
    if (p.profile !== undefined && !PROFILES[p.profile]) throw fail(unknownProfileText(p.profile));
    checkSystemOptions({ ...fixed, ...p }, fail);
  }
  return points;
}

/** A row's System values as parameters read (`board=arm64-ref kernel=v4.9`), for series names,
 *  error messages and charts: an object value (swiotlb's { size, force }) as JSON. */
export function systemParams(point: SystemPoint | undefined): ScenarioParams {
  return Object.fromEntries(Object.entries(point ?? {}).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : v as string | boolean]));
}

/** What a row ran on: its own provenance, else the sweep's if it finished, else nothing known. */
export function rowProvenance(s: Pick<SweepResult, "provenance">, row: SweepRow): Provenance | undefined {
  return row.provenance ?? (row.result !== undefined ? s.provenance : undefined);
}

/** Whether rows ran on Systems their System axes do not tell apart, so that a table needs its
 *  `ran on` column: without axes, any two finished rows on different Systems (a scenario choosing
 *  its board: bug's kind); with them, two rows of the same board and kernel that differ still. */
export function ranOnVaries(s: Pick<SweepResult, "rows" | "provenance">): boolean {
  const seen = new Map<string, string>();
  for (const row of s.rows) {
    const p = rowProvenance(s, row);
    if (p === undefined) continue;
    const key = JSON.stringify(row.system ?? {});
    const text = JSON.stringify(p);
    if ((seen.get(key) ?? text) !== text) return true;
    seen.set(key, text);
  }
  return false;
}

/** The System axes of a sweep's rows, the table's leading columns. */
export function systemAxes(s: Pick<SweepResult, "rows" | "systems">): string[] {
  return Object.keys(s.systems ?? s.rows[0]?.system ?? {});
}
