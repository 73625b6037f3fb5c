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

export class WorkerPool {
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly workers: SpawnedWorker<JobApi>[],
    /** Started from the one-file worker (spawn.ts): built-in scenarios only. */
    readonly bundled: boolean,
  ) {}

  /** `size` workers: on Node worker threads, or child processes with `options.process`; Web
   *  Workers in a browser. */
  static async create(size: number, options: SpawnOptions = {}): Promise<WorkerPool> {
    // A pool of no workers would take jobs and never run them.
    if (!isWholeIn(size, 1)) throw new RangeError(`WorkerPool.create: size must be ${wholeNumberIn(1)}, not ${size}`);
    return new WorkerPool(await Promise.all(Array.from({ length: size }, () => spawnWorker<JobApi>(options))), !!options.bundled);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs every job; `onResult` sees each as it finishes (in completion order). Returns the
   *  results in job order. The first failing job rejects the whole run with its error, and no
   *  worker starts another job of it (so the pool is free for the next run once the jobs under
   *  way end); `onFailure` first sees the index and error of each job that throws (a worker that
   *  dies is no job's error). One run at a time. */
  async runAll(
    jobs: JobSpec[],
    onResult?: (index: number, result: unknown) => void,
    onFailure?: (index: number, error: unknown) => void,
  ): Promise<unknown[]> {
    // A closed pool's comlink proxies are released, and their own error names no pool.
    if (this.closed) throw new Error("this WorkerPool was closed (close()); create a new one");
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
        try {
          results[i] = await Promise.race([job, w.died.catch((why: Error) => jobLost(jobs[i], why))]);
        } catch (e) {
          failed = true;
          throw e;
        }
        onResult?.(i, results[i]);
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
