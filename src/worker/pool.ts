// A pool of dmasim workers: jobs are queued and each goes to the next free worker; results come
// back as they finish. One System per job, so jobs never share state. A pool may serve many
// sweeps (runSweep's `pool`); close() ends its workers.

import { spawnWorker, type SpawnedWorker, type SpawnOptions } from "./spawn.js";
import { describeJob, type JobSpec } from "./job.js";
import { isWholeIn, wholeNumberIn } from "../whole-number.js";

interface JobApi {
  runJob(spec: JobSpec): Promise<unknown>;
}

/** A worker that ends while it holds a job leaves no result and no error of the job's own: the
 *  error names the job, so a sweep of many says which one to rerun in this thread to see why. */
function jobLost(spec: JobSpec, why: Error): never {
  throw new Error(`job ${describeJob(spec)}: ${why.message}`, { cause: why });
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
   *  Workers in a browser. */
  static async create(size: number, options: SpawnOptions = {}): Promise<WorkerPool> {
    // A pool of no workers would take jobs and never run them.
    if (!isWholeIn(size, 1)) throw new RangeError(`WorkerPool.create: size must be ${wholeNumberIn(1)}, not ${size}`);
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

  /** Runs every job; `onResult` sees each as it finishes (in completion order). Returns the
   *  results in job order. A job that fails does not stop the others: `onFailure` sees its index
   *  and error (`lost` when its worker ended under it: a crash, out of memory, close()), and
   *  once every job has run the run rejects with the first failure in job order, so that what
   *  the other jobs found is not thrown away with it. A worker that ended is replaced for the
   *  jobs still to run, unless the pool was closed. An `onResult` or `onFailure` that throws
   *  stops the run: no worker starts another job of it, and once the jobs under way end (unheard)
   *  the run rejects with that error. One run at a time. */
  async runAll(
    jobs: JobSpec[],
    onResult?: (index: number, result: unknown) => void,
    onFailure?: (index: number, error: unknown, lost: boolean) => void,
  ): Promise<unknown[]> {
    // A closed pool's comlink proxies are released, and their own error names no pool.
    if (this.closed) throw closedError();
    // Only then does the run wait before its first job (a close() right after it starts is the
    // run's, naming a job, not this check's).
    if (this.ended.size) await this.replaceEnded();
    const results = new Array<unknown>(jobs.length);
    const failures = new Map<number, unknown>();
    let next = 0;
    let stopped: { error: unknown } | undefined;
    const drive = async (k: number) => {
      while (!stopped && !this.closed && next < jobs.length) {
        const w = this.workers[k];
        const i = next++;
        let lost = false;
        try {
          // A job's own error is the job's; a worker that dies (or never loads) is not a job's.
          results[i] = await Promise.race([
            w.api.runJob(jobs[i]),
            w.died.catch((why: Error) => {
              lost = true;
              return jobLost(jobs[i], why);
            }),
          ]);
        } catch (e) {
          failures.set(i, e);
          if (stopped) return;
          try {
            onFailure?.(i, e, lost);
          } catch (thrown) {
            stopped = { error: thrown };
          }
          // A worker that cannot be replaced leaves its share to the others.
          if (lost && !(await this.replaceWorker(k).catch(() => false))) return;
          continue;
        }
        // Once a run has been stopped its caller has its error: the jobs still under way end
        // unheard.
        if (stopped) return;
        try {
          onResult?.(i, results[i]);
        } catch (e) {
          stopped = { error: e };
        }
      }
    };
    await Promise.all(this.workers.map((_, k) => drive(k)));
    if (stopped) throw stopped.error;
    if (failures.size) throw failures.get(Math.min(...failures.keys()));
    return results;
  }

  /** Ends the workers; a run under way rejects, naming a job it held. Idempotent. */
  close(): Promise<void> {
    const why = new Error("the pool was closed (WorkerPool.close()) before the job ended");
    return (this.closed ??= Promise.all(this.workers.map((w) => w.terminate(why))).then(() => {}));
  }
}
