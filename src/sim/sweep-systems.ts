// A sweep's System axes: the System options a sweep compares (board A against board B, the 4.9
// kernel against a modern one), each a list of values like a grid parameter's, expanded as a
// product with the scenario's grid. A grid of options rather than a list of SystemOptions objects:
// it reads as the question is asked ("these boards, on these kernels"), names its axes (the table's
// leading columns, the charts' series), and cannot hold two unlike objects that differ in an
// option no column shows.

import type { SystemOptions } from "../system.js";
import { optionValueText, type Provenance } from "../provenance.js";
import { checkSystemOptions } from "../system-options.js";
import { BOARDS, unknownBoardText } from "../boards.js";
import { PROFILES, unknownProfileText } from "../hw/profile.js";
import type { ScenarioParams } from "./scenarios.js";
import type { SweepResult, SweepRow } from "./sweep.js";
import { buildSweepTrees, isTreeAxis, type BuiltTree, type SweepTree, type TreeAxis } from "./sweep-trees.js";

/** The options a sweep may vary: those that choose the machine or change results and read well
 *  as a column. Others (dmaPeripherals, coherentPool, …) are given once, in `system`, and worker,
 *  debug and printkLevel change no result. `dtb` and `dts` compare trees (sweep-trees.ts);
 *  `memory` and `cma` are sizes, shown as given ("1G", or bytes). */
export const SYSTEM_AXES = ["board", "kernel", "profile", "swiotlb", "dmaDebug", "dtb", "dts", "memory", "cma"] as const;

export type SystemAxis = (typeof SYSTEM_AXES)[number];

/** `{ board: ["zynq-7000", "arm64-ref"], kernel: ["modern", "v4.9"] }`: every combination runs
 *  the whole grid, the first key varying slowest. A tree axis's values are trees with their names
 *  (SweepTree: `{ name: "a.dts", dts: text }`). */
export type SystemGrid = { [K in SystemAxis]?: (K extends TreeAxis ? SweepTree : NonNullable<SystemOptions[K]>)[] };

/** One combination of a SystemGrid's values: what a row ran on, by its axes; a tree by its name. */
export type SystemPoint = { [K in SystemAxis]?: K extends TreeAxis ? string : NonNullable<SystemOptions[K]> };

/** A SystemGrid as a sweep's result names it (SweepResult.systems): trees by their names. */
export type ComparedSystems = { [K in SystemAxis]?: NonNullable<SystemPoint[K]>[] };

/** One System a sweep runs its grid on: its axes' values, and the options its jobs boot with. */
export interface SystemRun {
  point: SystemPoint;
  options: Partial<Fixed>;
}

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

/** The System combinations a sweep runs, by their axes' values: one `{}` without axes. */
export function expandSystems(systems: SystemGrid | undefined, fixed: Fixed = {}): SystemPoint[] {
  return expandSystemRuns(systems, fixed).map((r) => r.point);
}

/** The Systems a sweep runs, checked before any job starts: one `{}` without axes. Each
 *  combined with `fixed` must be options createSystem takes (a misspelt board would otherwise
 *  fail every one of its jobs, one by one), and each tree compared must build. */
export function expandSystemRuns(systems: SystemGrid | undefined, fixed: Fixed = {}): SystemRun[] {
  if (systems === undefined) return [{ point: {}, options: {} }];
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
  if (systems.board !== undefined && (fixed.dtb !== undefined || fixed.dts !== undefined || fixed.variant !== undefined)) {
    throw new TypeError(`runSweep: systems varies the board, but system gives a tree (${givenTree(fixed)}) that every job boots instead`);
  }
  refuseTwoMachines(systems, fixed);
  const fail = (message: string) => new RangeError(`runSweep: systems: ${message}`);
  const combos = productOf(systems as Record<string, unknown[]>, (k) => `runSweep: systems "${k}"`);
  // Each tree built once, however many combinations boot it.
  const built = new Map<unknown, BuiltTree>();
  for (const [k, values] of Object.entries(systems)) {
    if (!isTreeAxis(k)) continue;
    buildSweepTrees(k, values, fixed.dtsIncludeDirs, fail).forEach((t, i) => built.set(values[i], t));
  }
  return combos.map((combo) => {
    const point: Record<string, unknown> = {};
    let options: Partial<Fixed> = {};
    for (const [k, v] of Object.entries(combo)) {
      const tree = isTreeAxis(k) ? built.get(v) : undefined;
      point[k] = tree ? tree.name : v;
      options = { ...options, ...(tree ? tree.options : { [k]: v }) };
    }
    if (options.board !== undefined && !BOARDS[options.board]) throw fail(unknownBoardText(options.board, "give system a dtb"));
    if (options.profile !== undefined && !PROFILES[options.profile]) throw fail(unknownProfileText(options.profile));
    checkSystemOptions({ ...fixed, ...options }, fail);
    return { point: point as SystemPoint, options };
  });
}

/** A tree axis decides the machine itself: a board or another tree beside it, varied or given
 *  in `system`, would be a second answer to the same question. */
function refuseTwoMachines(systems: SystemGrid, fixed: Fixed): void {
  const [axis, second] = (Object.keys(systems) as SystemAxis[]).filter(isTreeAxis);
  if (axis === undefined) return;
  const other = systems.board !== undefined ? "systems varies the board"
    : second !== undefined ? `systems compares trees by ${second} too`
    : fixed.board !== undefined ? `system names a board (${fixed.board})`
    : fixed.dtb !== undefined || fixed.dts !== undefined || fixed.variant !== undefined ? `system gives a tree (${givenTree(fixed)})`
    : undefined;
  if (other) throw new TypeError(`runSweep: systems compares trees (${axis}), but ${other}: every job boots the tree it compares, so give one or the other`);
}

/** SweepResult.systems: the axes as given, trees by their names (their text or bytes would fill
 *  a JSON file, and the rows name them so). */
export function comparedSystems(systems: SystemGrid): ComparedSystems {
  return Object.fromEntries(Object.entries(systems).map(([k, values]) => [
    k, isTreeAxis(k) ? (values as SweepTree[]).map((t) => t.name) : structuredClone(values),
  ])) as ComparedSystems;
}

/** The values of `axes` in a job's options, as its row names them (a tree by its name). */
export function pointOf(options: Fixed, axes: readonly SystemAxis[]): SystemPoint {
  return Object.fromEntries(axes.map((k) => [k, isTreeAxis(k) ? options.dtbName : options[k]])) as SystemPoint;
}

/** A System axis's value as a person reads it, in a sweep's heading, its table's cells and its
 *  rows' names: an object value as a run heading writes it (swiotlb's { size, force, noforce }
 *  as the kernel parameter, `1024,force`; others as JSON), any other as it is. */
export function systemValue(axis: string, v: unknown): unknown {
  return typeof v === "object" && v !== null ? optionValueText(axis, v) : v;
}

/** A row's System values as parameters read (`board=arm64-ref kernel=v4.9`), for series names,
 *  error messages and charts (systemValue). */
export function systemParams(point: SystemPoint | undefined): ScenarioParams {
  return Object.fromEntries(Object.entries(point ?? {}).map(([k, v]) => [k, systemValue(k, v) as string | boolean]));
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

/** Which option gives the tree: "dtb", "dts" or "variant". */
function givenTree(o: Omit<SystemOptions, "worker">): string {
  return o.dtb !== undefined ? "dtb" : o.dts !== undefined ? "dts" : "variant";
}
