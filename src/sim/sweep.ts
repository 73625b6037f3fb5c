// runSweep: one scenario over the cartesian product of parameter values, fanned out over a
// worker pool (or run in this thread with workers: 0). Results come back in grid order, so a
// sweep's table is the same whatever the worker count.

import { WorkerPool } from "../worker/pool.js";
import { runJob, isScenarioModule, type JobSpec } from "../worker/job.js";
import type { SystemOptions } from "../system.js";
import { SCENARIO_COSTS, type ScenarioParams } from "./scenarios.js";
import { isWholeIn, wholeNumberIn } from "../whole-number.js";

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
  /** Parameters given to every job. */
  fixed?: ScenarioParams;
  onProgress?: (done: number, total: number, last: SweepRow) => void;
}

export interface SweepRow {
  params: ScenarioParams;
  result: unknown;
}

export interface SweepResult {
  scenario: string;
  rows: SweepRow[];
  workers: number;
  elapsedMs: number;
}

/** Every combination of the grid's values, the first key varying slowest. */
export function expandGrid(grid: Grid): ScenarioParams[] {
  let out: ScenarioParams[] = [{}];
  for (const [k, values] of Object.entries(grid)) {
    if (!values.length) throw new RangeError(`sweep parameter "${k}" has no values`);
    out = out.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  }
  return out;
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const points = expandGrid(opts.grid);
  const jobs: JobSpec[] = points.map((p) => ({ system: opts.system ?? {}, scenario: opts.scenario, params: { ...opts.fixed, ...p } }));
  const rows: SweepRow[] = points.map((params) => ({ params, result: undefined }));
  let done = 0;
  const finished = (i: number, result: unknown) => {
    rows[i].result = result;
    opts.onProgress?.(++done, jobs.length, rows[i]);
  };
  // Longest first (when the scenario can tell), so the last workers do not wait on one big job.
  const cost = SCENARIO_COSTS[opts.scenario];
  const order = jobs.map((_, i) => i);
  if (cost) order.sort((a, b) => cost(jobs[b].params) - cost(jobs[a].params) || a - b);
  const ordered = order.map((i) => jobs[i]);
  const workers = opts.pool?.size ?? opts.workers ?? 1;
  if (!isWholeIn(workers, 0)) throw new RangeError(`runSweep: workers must be ${wholeNumberIn(0)}, not ${workers}`);
  if (opts.pool?.bundled && isScenarioModule(opts.scenario)) {
    throw new TypeError(`${opts.scenario}: a pool created with { bundled: true } runs built-in scenarios only (spawn.ts, workerEntryUrl)`);
  }
  if (opts.pool) {
    await opts.pool.runAll(ordered, (k, r) => finished(order[k], r));
  } else if (workers <= 0) {
    for (let k = 0; k < ordered.length; k++) finished(order[k], await runJob(ordered[k]));
  } else {
    // Built-in scenarios start from the one-file worker (spawn.ts, workerEntryUrl says why).
    const pool = await WorkerPool.create(Math.min(workers, jobs.length), {
      process: opts.isolation === "process",
      bundled: !isScenarioModule(opts.scenario),
    });
    try {
      await pool.runAll(ordered, (k, r) => finished(order[k], r));
    } finally {
      await pool.close();
    }
  }
  return { scenario: opts.scenario, rows, workers, elapsedMs: performance.now() - t0 };
}
