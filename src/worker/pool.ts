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
    await Promise.all(
      this.workers.map(async (w, k) => {
        if (!this.ended.delete(w)) return;
        const fresh = await spawnWorker<JobApi>(this.options);
        // close() while it started did not know it.
        if (this.closed) return void (await fresh.terminate());
        this.workers[k] = fresh;
        this.watch(fresh);
      }),
    );
    if (this.closed) throw closedError();
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs every job; `onResult` sees each as it finishes (in completion order). Returns the
   *  results in job order. The first failing job rejects the whole run with its error, and no
   *  worker starts another job of it (so the pool is free for the next run once the jobs under
   *  way end), as when `onResult` throws; `onFailure` first sees the index and error of each job that throws (a worker that
   *  dies is no job's error). One run at a time. */
  async runAll(
    jobs: JobSpec[],
    onResult?: (index: number, result: unknown) => void,
    onFailure?: (index: number, error: unknown) => void,
  ): Promise<unknown[]> {
    // A closed pool's comlink proxies are released, and their own error names no pool.
    if (this.closed) throw closedError();
    // Only then does the run wait before its first job (a close() right after it starts is the
    // run's, naming a job, not this check's).
    if (this.ended.size) await this.replaceEnded();
    const results = new Array<unknown>(jobs.length);
    let next = 0;
    let failed = false;
    const drive = async (w: SpawnedWorker<JobApi>) => {
      while (!failed && next < jobs.length) {
        const i = next++;
        // A job's own error is the job's; a worker that dies (or never loads) is not a job's.
        const job = w.api.runJob(jobs[i]).catch((e: unknown) => {
          onFailure?.(i, e);
          throw e;
        });
        // An onResult that throws ends the run as a failing job does. Once a run has failed its
        // caller has its error: the jobs still under way end unheard.
        try {
          results[i] = await Promise.race([job, w.died.catch((why: Error) => jobLost(jobs[i], why))]);
          if (failed) return;
          onResult?.(i, results[i]);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    await Promise.all(this.workers.map(drive));
    return results;
  }

  /** Ends the workers; a run under way rejects, naming a job it held. Idempotent. */
  close(): Promise<void> {
    const why = new Error("the pool was closed (WorkerPool.close()) before the job ended");
    return (this.closed ??= Promise.all(this.workers.map((w) => w.terminate(why))).then(() => {}));
  }
}
