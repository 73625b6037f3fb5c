// runSweep: one scenario over the cartesian product of parameter values (and of System option
// values: sweep-systems.ts), fanned out over a worker pool (or run in this thread with
// workers: 0). Results come back in grid order, so a sweep's table is the same whatever the
// worker count.

import { abortError, WorkerPool } from "../worker/pool.js";
import { runJob, isScenarioModule, namesBoard, resultToSend, type JobOutcome, type JobSpec } from "../worker/job.js";
import { importScenarioModuleHere, scenarioName } from "../worker/scenario-module.js";
import type { Provenance } from "../provenance.js";
import type { SystemOptions } from "../system.js";
import { modelParamText, paramsText, SCENARIO_COSTS, unknownParamText, type ScenarioParams } from "./scenarios.js";
import { isWholeIn, wholeNumberIn } from "../whole-number.js";
import {
  comparedSystems, expandSystemRuns, productOf, systemParams, type ComparedSystems, type SystemAxis, type SystemGrid, type SystemPoint,
} from "./sweep-systems.js";

export type Grid = Record<string, (string | number | boolean)[]>;

export interface SweepOptions {
  scenario: string;
  grid: Grid;
  /** Workers to use (default 1); 0 runs every job in this thread. */
  workers?: number;
  /** On Node, what a worker is: "thread" (worker_threads, the default) or "process" (a child
   *  process; bench/RESULTS.md compares them). Browsers always use Web Workers. */
  isolation?: "process" | "thread";
  /** Runs on this pool (WorkerPool.create) instead of starting one, and leaves it open for the
   *  next sweep: its workers are warm by then (compiled, with memories handed on to boot on),
   *  which makes a sweep faster and scale better (bench/RESULTS.md, sweep.warmPool.*).
   *  `workers` and `isolation` are then the pool's. */
  pool?: WorkerPool;
  system?: Omit<SystemOptions, "worker">;
  /** System options to compare, as axes (`{ board: ["zynq-7000", "arm64-ref"], kernel:
   *  ["modern", "v4.9"] }`, sweep-systems.ts's SYSTEM_AXES): the grid runs on every combination,
   *  these varying slowest. An option is given here or in `system`, not both. Trees are compared
   *  by `dts` or `dtb`, each with its name: `{ dts: [{ name: "a.dts", dts: textA }, { name:
   *  "b.dts", dts: textB }] }` (sweep-trees.ts). */
  systems?: SystemGrid;
  /** Parameters given to every job. */
  fixed?: ScenarioParams;
  /** Stops the sweep: once aborted no job starts, the jobs under way are ended by terminating
   *  their workers (a caller's `pool` replaces them at its next run), and the sweep rejects with
   *  the signal's reason if it is an Error, else a DOMException named AbortError, carrying the
   *  rows as `partial` (SweepError). With `workers: 0` it is checked between jobs. */
  signal?: AbortSignal;
  /** After each job, finished or failed (`last.error`). */
  onProgress?: (done: number, total: number, last: SweepRow) => void;
}

export interface SweepRow {
  params: ScenarioParams;
  /** What the scenario returned; undefined for a job that failed. */
  result: unknown;
  /** Why the job failed (`-ENOMEM: …`, `dmasim worker thread ended (…)`): only in the rows of a
   *  failed sweep's `partial`. */
  error?: string;
  /** What this job ran on, only when it differs from the sweep's `provenance`: a scenario that
   *  chooses its board by a parameter (bug's kind, uart-tx's baud) swept over it. */
  provenance?: Provenance;
  /** The values of the sweep's System axes (SweepOptions.systems) this row ran with; only in a
   *  sweep that has them. */
  system?: SystemPoint;
}

/** What a failed sweep rejects with: the first failing job's error (in grid order), carrying
 *  every row as `partial`, those of the jobs that finished with their results and those that
 *  failed with their `error`, so that one job's -ENOMEM or crash loses no other job's result.
 *  An aborted sweep's error (SweepOptions.signal) carries them too; the rows of the jobs it
 *  stopped or never started have neither. */
export type SweepError = Error & { partial: SweepResult };

export interface SweepResult {
  scenario: string;
  rows: SweepRow[];
  /** Workers that ran the jobs: 0 in this thread, and never more than there are jobs. */
  workers: number;
  elapsedMs: number;
  /** What the jobs ran on: that of the first job in grid order that finished (absent when none
   *  did). Each job boots its own System in its worker, and only a System knows what the options
   *  came to: the profile chosen from the tree, its model, what was assumed about it, the board
   *  a scenario chose; the options alone do not say. A row that ran on something else says so. */
  provenance?: Provenance;
  /** The System axes compared (SweepOptions.systems), as given, trees by their names; absent
   *  without them. */
  systems?: ComparedSystems;
}

/** Every combination of the grid's values, the first key varying slowest. */
export function expandGrid(grid: Grid): ScenarioParams[] {
  if (typeof grid !== "object" || grid === null) throw new TypeError(`a sweep's grid is an object of value lists ({ size: ["4K", "1M"] }), not ${grid}`);
  return productOf(grid, (k) => `sweep parameter "${k}"`);
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const gridPoints = expandGrid(opts.grid);
  // Every job would fail on a name its scenario does not read: say so before any worker starts.
  const unknown = unknownParamText(opts.scenario, { ...opts.fixed, ...gridPoints[0] });
  if (unknown) throw new TypeError(unknown);
  const systems = expandSystemRuns(opts.systems, opts.system);
  const both = Object.keys(opts.systems ?? {}).find((k) => k in opts.grid);
  if (both !== undefined) throw new TypeError(`runSweep: "${both}" is both a System axis (systems) and a grid parameter: give it in one`);
  // The whole grid on each System in turn: the System axes are the table's leading columns.
  const points = systems.flatMap(({ point, options }) => gridPoints.map((params) => ({ system: point, options, params })));
  const axes = Object.keys(opts.systems ?? {}) as SystemAxis[];
  const jobs: JobSpec[] = points.map((p) => ({
    system: { ...opts.system, ...p.options }, scenario: opts.scenario, params: { ...opts.fixed, ...p.params }, ...(axes.length ? { axes } : {}),
  }));
  // A job on a named board would run that board's own peripheral model while its row showed the
  // parameter that shapes only the default board's: say so before any worker starts.
  const asGiven = { ...opts.fixed, ...Object.fromEntries(Object.entries(opts.grid).map(([k, v]) => [k, v.join(",")])) };
  const unused = modelParamText(opts.scenario, asGiven, jobs.some((j) => namesBoard(j.system)));
  if (unused) throw new TypeError(unused);
  const rows: SweepRow[] = points.map(({ system, params }) => ({ params, result: undefined, ...(opts.systems ? { system } : {}) }));
  const ranOn: (Provenance | undefined)[] = points.map(() => undefined);
  let done = 0;
  const finished = (i: number, outcome: JobOutcome) => {
    rows[i].result = outcome.result;
    ranOn[i] = outcome.provenance;
    opts.onProgress?.(++done, jobs.length, rows[i]);
  };
  // Longest first (when the scenario can tell), so the last workers do not wait on one big job.
  // A cost reads the parameters, so a bad one fails here, before any job runs.
  const cost = SCENARIO_COSTS[opts.scenario];
  const costs = jobs.map((j, i) => {
    try {
      return cost?.(j.params) ?? 0;
    } catch (e) {
      throw atPoint(e, pointParams(points[i]));
    }
  });
  const order = jobs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const ordered = order.map((i) => jobs[i]);
  const workers = opts.pool?.size ?? opts.workers ?? 1;
  if (!isWholeIn(workers, 0)) throw new RangeError(`runSweep: workers must be ${wholeNumberIn(0)}, not ${workers}`);
  if (opts.isolation !== undefined && opts.isolation !== "thread" && opts.isolation !== "process") {
    throw new RangeError(`runSweep: isolation must be "thread" or "process", not ${JSON.stringify(opts.isolation)}`);
  }
  if (opts.pool?.bundled && isScenarioModule(opts.scenario)) {
    throw new TypeError(`${opts.scenario}: a pool created with { bundled: true } runs built-in scenarios only (spawn.ts, workerEntryUrl)`);
  }
  // A module's own params (scenario-module.ts) are checked here too, once, rather than by each job.
  if (isScenarioModule(opts.scenario)) {
    const declared = (await importScenarioModuleHere(opts.scenario))?.params;
    const unknownToModule = declared && unknownParamText(scenarioName(opts.scenario), { ...opts.fixed, ...gridPoints[0] }, declared);
    if (unknownToModule) throw new TypeError(unknownToModule);
  }
  // Each failed job's error as the sweep would throw it, by grid index.
  const failures = new Map<number, unknown>();
  const thrown = new Set<unknown>();
  const failed = (k: number, e: unknown, lost = false) => {
    const i = order[k];
    thrown.add(e);
    // A lost job's error names the job already; the row keeps why its worker ended.
    rows[i].error = lost && e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    failures.set(i, lost ? e : atPoint(e, pointParams(points[i])));
    opts.onProgress?.(++done, jobs.length, rows[i]);
  };
  const used = Math.min(workers, jobs.length);
  const signal = opts.signal;
  const partial = (): SweepResult => {
    const provenance = ranOn.find((p) => p !== undefined);
    const text = JSON.stringify(provenance);
    rows.forEach((r, i) => {
      if (ranOn[i] !== undefined && JSON.stringify(ranOn[i]) !== text) r.provenance = ranOn[i];
    });
    return {
      scenario: opts.scenario, rows, workers: used, elapsedMs: performance.now() - t0,
      ...(provenance ? { provenance } : {}), ...(opts.systems ? { systems: comparedSystems(opts.systems) } : {}),
    };
  };
  if (signal?.aborted) throw withPartial(abortError(signal), partial());
  try {
    if (opts.pool) {
      await opts.pool.runAll(ordered, (k, result, provenance) => finished(order[k], { result, provenance }), failed, { signal });
    } else if (workers <= 0) {
      // A job in this thread cannot be interrupted: the signal is heard between jobs.
      for (let k = 0; k < ordered.length && !signal?.aborted; k++) {
        // The same refusal a worker gives a result it cannot send, so that rows do not depend
        // on the worker count.
        let outcome: JobOutcome;
        try {
          const { result, provenance } = await runJob(ordered[k]);
          outcome = { result: resultToSend(ordered[k], result, structuredClone), provenance };
        } catch (e) {
          failed(k, e);
          continue;
        }
        finished(order[k], outcome);
      }
    } else {
      // Built-in scenarios start from the one-file worker (spawn.ts, workerEntryUrl says why).
      const pool = await WorkerPool.create(used, {
        process: opts.isolation === "process",
        bundled: !isScenarioModule(opts.scenario),
      });
      try {
        await pool.runAll(ordered, (k, result, provenance) => finished(order[k], { result, provenance }), failed, { signal });
      } finally {
        await pool.close();
      }
    }
  } catch (e) {
    // The pool's own error (a closed pool, an onProgress that threw) is not a job's.
    if (!thrown.has(e) && !signal?.aborted) throw e;
  }
  const result = partial();
  // An abort that came after the last job changes nothing, as for fetch().
  if (signal?.aborted && done < jobs.length) throw withPartial(abortError(signal), result);
  if (!failures.size) return result;
  throw withPartial(failures.get(Math.min(...failures.keys())), result);
}

/** A job's point as its error names it: the System axes' values, then the parameters
 *  (`board=arm64-ref size=4K`). */
function pointParams(p: { system: SystemPoint; params: ScenarioParams }): ScenarioParams {
  return { ...systemParams(p.system), ...p.params };
}

/** The error a failed sweep rejects with: `e`, with the sweep's rows (SweepError). */
function withPartial(e: unknown, partial: SweepResult): unknown {
  if (typeof e !== "object" || e === null) return e;
  Object.defineProperty(e, "partial", { value: partial, enumerable: true, configurable: true, writable: true });
  return e;
}

/** A job's error with the job's grid point leading its message ("size=abc burst=4: not a size…"),
 *  as a copy of the same class with the same fields (a KernelError keeps its errno): the error
 *  itself may be thrown again (a dead worker's, to every later job it is raced against). */
function atPoint(e: unknown, params: ScenarioParams): unknown {
  // A DOMException (a job that could not be cloned into its worker) keeps its message on its
  // prototype, out of reach of a copy: it is made anew.
  if (e instanceof DOMException) return new DOMException(`${paramsText(params)}: ${e.message}`, e.name);
  if (!(e instanceof Error)) return e;
  const copy = Object.create(Object.getPrototypeOf(e), Object.getOwnPropertyDescriptors(e)) as Error;
  copy.message = `${paramsText(params)}: ${e.message}`;
  return copy;
}
