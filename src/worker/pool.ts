// A pool of dmasim workers: jobs are queued and each goes to the next free worker; results come
// back as they finish. One System per job, so jobs never share state. A pool may serve many
// sweeps (runSweep's `pool`); close() ends its workers.

import { spawnWorker, type SpawnedWorker, type SpawnOptions } from "./spawn.js";
import { describeJob, type JobOutcome, type JobSpec } from "./job.js";
import { startTimeoutProblem } from "./start-deadline.js";
import type { Provenance } from "../provenance.js";
import { isWholeIn, wholeNumberIn } from "../whole-number.js";

interface JobApi {
  runJob(spec: JobSpec): Promise<JobOutcome>;
}

/** A worker that ends while it holds a job leaves no result and no error of the job's own: the
 *  error names the job, so a sweep of many says which one to rerun in this thread to see why. */
function jobLost(spec: JobSpec, why: Error): never {
  throw new Error(`job ${describeJob(spec)}: ${why.message}`, { cause: why });
}

/** What a run stopped by its signal rejects with: the signal's reason if it is an Error, else a
 *  DOMException named AbortError, as fetch() does. */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError");
}

export interface RunOptions {
  /** Once aborted, no job starts and those under way are ended by terminating their workers (a
   *  simulation in wasm cannot be interrupted otherwise); the pool replaces them at its next run. */
  signal?: AbortSignal;
}

function closedError(): Error {
  return new Error("this WorkerPool was closed (close()); create a new one");
}

export class WorkerPool {
  private closed: Promise<void> | undefined;
  /** Workers that have ended by themselves (a crash, a reply they could not send or one this
   *  side could not read): the next run replaces them. */
  private readonly ended = new Set<SpawnedWorker<JobApi>>();

  private constructor(
    private readonly workers: SpawnedWorker<JobApi>[],
    private readonly options: SpawnOptions,
  ) {
    for (const w of workers) this.watch(w);
  }

  /** `size` workers: on Node worker threads, or child processes with `options.process`; Web
   *  Workers in a browser. A worker that cannot start (its script fails to load, or says nothing
   *  by `options.startTimeoutMs` in a browser) does not fail the pool: the job it is given fails
   *  naming it and how, and a new worker takes its place, as for one that ends later. */
  static async create(size: number, options: SpawnOptions = {}): Promise<WorkerPool> {
    // A pool of no workers would take jobs and never run them.
    if (!isWholeIn(size, 1)) throw new RangeError(`WorkerPool.create: size must be ${wholeNumberIn(1)}, not ${size}`);
    const badTimeout = options.startTimeoutMs === undefined ? undefined : startTimeoutProblem(options.startTimeoutMs);
    if (badTimeout) throw new RangeError(`WorkerPool.create: ${badTimeout}`);
    return new WorkerPool(await Promise.all(Array.from({ length: size }, () => spawnWorker<JobApi>(options))), { ...options });
  }

  /** Started from the one-file worker (spawn.ts): built-in scenarios only. */
  get bundled(): boolean {
    return !!this.options.bundled;
  }

  private watch(w: SpawnedWorker<JobApi>): void {
    w.died.catch(() => this.ended.add(w));
  }

  /** A new worker in place of each that has ended, so that one job that ended its worker does not
   *  fail every later run of the pool. */
  private async replaceEnded(): Promise<void> {
    await Promise.all(this.workers.map((_, k) => this.replaceWorker(k)));
    if (this.closed) throw closedError();
  }

  /** Whether worker k is alive: a new one in its place if it had ended (and the pool is open). */
  private async replaceWorker(k: number): Promise<boolean> {
    if (!this.ended.delete(this.workers[k])) return !this.closed;
    const fresh = await spawnWorker<JobApi>(this.options);
    // close() while it started did not know it.
    if (this.closed) {
      await fresh.terminate();
      return false;
    }
    this.workers[k] = fresh;
    this.watch(fresh);
    return true;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers that have not ended: `size` less those ended (a crash, an aborted run's) that the
   *  next run will replace; 0 once closed. */
  get alive(): number {
    return this.closed ? 0 : this.workers.filter((w) => !this.ended.has(w)).length;
  }

  /** Runs every job; `onResult` sees each as it finishes (in completion order), with what it ran
   *  on (its System's provenance). Returns the results in job order. A job that fails does not stop the others: `onFailure` sees its index
   *  and error (`lost` when its worker ended under it: a crash, out of memory, close()), and
   *  once every job has run the run rejects with the first failure in job order, so that what
   *  the other jobs found is not thrown away with it. A worker that ended is replaced for the
   *  jobs still to run, unless the pool was closed. An `onResult` or `onFailure` that throws
   *  stops the run: no worker starts another job of it, and once the jobs under way end (unheard)
   *  the run rejects with that error. One run at a time. An aborted `signal` stops the run the
   *  same way, except that the workers holding its jobs are terminated (and replaced at the next
   *  run), and the run rejects with abortError(signal) once they have gone. */
  async runAll(
    jobs: JobSpec[],
    onResult?: (index: number, result: unknown, provenance: Provenance) => void,
    onFailure?: (index: number, error: unknown, lost: boolean) => void,
    { signal }: RunOptions = {},
  ): Promise<unknown[]> {
    // A closed pool's comlink proxies are released, and their own error names no pool.
    if (this.closed) throw closedError();
    if (signal?.aborted) throw abortError(signal);
    // Only then does the run wait before its first job (a close() right after it starts is the
    // run's, naming a job, not this check's).
    if (this.ended.size) await this.replaceEnded();
    if (signal?.aborted) throw abortError(signal);
    const outcomes = new Array<JobOutcome>(jobs.length);
    const failures = new Map<number, unknown>();
    let next = 0;
    let stopped: { error: unknown } | undefined;
    const busy = new Set<SpawnedWorker<JobApi>>();
    const ending: Promise<void>[] = [];
    const abort = () => {
      stopped ??= { error: abortError(signal!) };
      const why = new Error("the run was aborted (its AbortSignal) before the job ended");
      for (const w of busy) ending.push(w.terminate(why));
    };
    signal?.addEventListener("abort", abort, { once: true });
    const drive = async (k: number) => {
      while (!stopped && !this.closed && next < jobs.length) {
        const w = this.workers[k];
        const i = next++;
        let lost = false;
        busy.add(w);
        try {
          // A job's own error is the job's; a worker that dies (or never loads) is not a job's.
          outcomes[i] = await Promise.race([
            w.api.runJob(jobs[i]),
            w.died.catch((why: Error) => {
              lost = true;
              return jobLost(jobs[i], why);
            }),
          ]);
        } catch (e) {
          busy.delete(w);
          failures.set(i, e);
          if (stopped) return;
          try {
            onFailure?.(i, e, lost);
          } catch (thrown) {
            stopped = { error: thrown };
          }
          // A worker that cannot be replaced leaves its share to the others. With no job left to
          // run, the next run replaces it (replaceEnded): this one need not wait for a new worker
          // to start (in a browser, one that never starts takes its whole start deadline).
          if (lost && (next >= jobs.length || !(await this.replaceWorker(k).catch(() => false)))) return;
          continue;
        }
        busy.delete(w);
        // Once a run has been stopped its caller has its error: the jobs still under way end
        // unheard.
        if (stopped) return;
        try {
          onResult?.(i, outcomes[i].result, outcomes[i].provenance);
        } catch (e) {
          stopped = { error: e };
        }
      }
    };
    try {
      await Promise.all(this.workers.map((_, k) => drive(k)));
    } finally {
      signal?.removeEventListener("abort", abort);
    }
    // The caller learns of the abort once no worker runs its jobs any more.
    await Promise.all(ending);
    if (stopped) throw stopped.error;
    if (failures.size) throw failures.get(Math.min(...failures.keys()));
    return outcomes.map((o) => o.result);
  }

  /** Ends the workers; a run under way rejects, naming a job it held. Idempotent. */
  close(): Promise<void> {
    const why = new Error("the pool was closed (WorkerPool.close()) before the job ended");
    return (this.closed ??= Promise.all(this.workers.map((w) => w.terminate(why))).then(() => {}));
  }
}
