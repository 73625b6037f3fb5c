// Stopping a sweep with an AbortSignal: the rows that finished are kept, the jobs under way are
// ended with their workers (none left running), a caller's pool goes on as a fresh one would.
// The jobs that are under way when the test aborts loop forever (fixtures/endless-job.mjs): a
// sweep that did not end them would never settle.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runSweep, type SweepError, type SweepOptions } from "../../src/sim/sweep.js";
import { WorkerPool } from "../../src/worker/pool.js";
import { tempFile } from "../helpers/temp-dir.js";

const endless = new URL("./fixtures/endless-job.mjs", import.meta.url).href;
const grid = { n: [1, 2, 3, 4] };

const childProcesses = () => spawnSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);

/** Waits (bounded) until every looping job has created its marker file: it is then under way. */
async function started(marker: string, ns: number[]): Promise<void> {
  for (let i = 0; i < 800 && !ns.every((n) => existsSync(`${marker}.${n}`)); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ns.filter((n) => !existsSync(`${marker}.${n}`)), "jobs not started").toEqual([]);
}

/** With w workers the jobs n ≥ 5 − w loop: each worker takes one once the jobs before have
 *  finished (jobs go out in grid order), so when all have started the others' rows are in. */
async function abortMidSweep(opts: Omit<SweepOptions, "scenario" | "grid">, workers: number, reason?: unknown): Promise<SweepError> {
  const marker = tempFile("dmasim-abort-", "job");
  const loopFrom = 5 - workers;
  const stop = new AbortController();
  const progress: number[] = [];
  const sweep = runSweep({ ...opts, scenario: endless, grid, fixed: { loopFrom, marker }, signal: stop.signal, onProgress: (d) => progress.push(d) });
  const settled = sweep.then(() => undefined, (e: unknown) => e as SweepError);
  await started(marker, [4, 3].slice(0, workers));
  stop.abort(reason);
  const e = await settled;
  expect(progress).toEqual([1, 2, 3, 4].slice(0, 4 - workers));
  expect(e?.partial.rows).toEqual(grid.n.map((n) => ({ params: { n }, result: n < loopFrom ? { tenfold: n * 10 } : undefined })));
  return e!;
}

describe("aborting a sweep", () => {
  afterEach(() => vi.restoreAllMocks());

  for (const isolation of ["thread", "process"] as const) {
    for (const workers of [1, 2]) {
      it(`mid-sweep on ${workers} worker(s), ${isolation}: the finished rows kept, the jobs under way ended with their workers`, async () => {
        const before = childProcesses();
        const e = await abortMidSweep({ workers, isolation }, workers);
        expect(e).toBeInstanceOf(DOMException);
        expect(e.name).toBe("AbortError");
        expect(e.partial.workers).toBe(workers);
        // The sweep's own pool was closed, and its processes have exited.
        expect(childProcesses()).toEqual(before);
      }, 30_000);
    }

    it(`on a caller's pool (${isolation}): its ended workers are replaced, and it then gives a fresh pool's rows`, async () => {
      const pool = await WorkerPool.create(2, { process: isolation === "process" });
      try {
        await abortMidSweep({ pool }, 2);
        // Both workers held a looping job: both were ended.
        expect([pool.size, pool.alive]).toEqual([2, 0]);
        if (isolation === "process") expect(childProcesses()).toHaveLength(0);
        const again = await runSweep({ scenario: endless, grid, pool });
        const fresh = await runSweep({ scenario: endless, grid, workers: 2, isolation });
        expect(again.rows).toEqual(fresh.rows);
        expect(again.rows.map((r) => r.result)).toEqual([10, 20, 30, 40].map((tenfold) => ({ tenfold })));
        expect([pool.size, pool.alive]).toEqual([2, 2]);
      } finally {
        await pool.close();
      }
    }, 30_000);
  }

  describe("a worker process whose scenario module traps SIGTERM", () => {
    /** Whether process `pid` is gone: signal 0 tests for it, and ESRCH says there is none. */
    const gone = (pid: number) => {
      try {
        process.kill(pid, 0);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === "ESRCH";
      }
    };
    const pids: number[] = [];
    afterEach(() => {
      for (const pid of pids.splice(0)) if (!gone(pid)) process.kill(pid, "SIGKILL");
    });

    /** Starts the stubborn endless job n=1 on a pool of 1 process; its pid once it loops. */
    async function stubbornJob(pool: WorkerPool, signal?: AbortSignal) {
      const marker = tempFile("dmasim-abort-", "job");
      const sweep = runSweep({ scenario: endless, grid: { n: [1] }, fixed: { loopFrom: 1, marker, stubborn: true }, pool, signal });
      const settled = sweep.then(() => undefined, (e: unknown) => e as SweepError);
      await started(marker, [1]);
      const pid = Number(readFileSync(`${marker}.1`, "utf8"));
      pids.push(pid);
      expect(pid).toBeGreaterThan(0);
      return { pid, settled };
    }

    it("is killed once the grace after SIGTERM has passed, and the aborted sweep returns with it gone", async () => {
      const pool = await WorkerPool.create(1, { process: true });
      try {
        const stop = new AbortController();
        const { pid, settled } = await stubbornJob(pool, stop.signal);
        stop.abort();
        expect((await settled)?.name).toBe("AbortError");
        expect(gone(pid)).toBe(true);
        expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
      } finally {
        await pool.close();
      }
    }, 30_000);

    it("is killed by a pool's close() too, which returns with it gone", async () => {
      const pool = await WorkerPool.create(1, { process: true });
      const { pid, settled } = await stubbornJob(pool);
      await pool.close();
      expect(gone(pid)).toBe(true);
      expect((await settled)?.message).toContain("the pool was closed");
    }, 30_000);
  });

  it("ends only the workers that held a job: the idle workers of the pool stay", async () => {
    const pool = await WorkerPool.create(3);
    try {
      const marker = tempFile("dmasim-abort-", "job");
      const stop = new AbortController();
      const sweep = runSweep({ scenario: endless, grid: { n: [1] }, fixed: { loopFrom: 1, marker }, pool, signal: stop.signal });
      const settled = sweep.then(() => undefined, (e: unknown) => e as SweepError);
      await started(marker, [1]);
      stop.abort();
      expect((await settled)?.partial.rows).toEqual([{ params: { n: 1 }, result: undefined }]);
      expect([pool.size, pool.alive]).toEqual([3, 2]);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("rejects with the signal's reason when it is an Error, else an AbortError", async () => {
    const mine = new Error("stopped by the user");
    expect(await abortMidSweep({ workers: 1 }, 1, mine)).toBe(mine);
    const e = await abortMidSweep({ workers: 1 }, 1, "not an error");
    expect(e).toBeInstanceOf(DOMException);
    expect([e.name, e.message]).toEqual(["AbortError", "This operation was aborted"]);
  }, 30_000);

  it("refuses at once on an already-aborted signal, starting no worker and no job", async () => {
    const create = vi.spyOn(WorkerPool, "create");
    const pool = await WorkerPool.create(1);
    const runAll = vi.spyOn(pool, "runAll");
    try {
      const reason = new Error("too late");
      const progress: number[] = [];
      for (const how of [{ workers: 2 }, { workers: 2, isolation: "process" as const }, { workers: 0 }, { pool }]) {
        const e = await runSweep({ scenario: endless, grid, fixed: { loopFrom: 1 }, ...how, signal: AbortSignal.abort(reason), onProgress: (d) => progress.push(d) }).then(
          () => undefined,
          (x: unknown) => x as SweepError,
        );
        expect(e, JSON.stringify(how)).toBe(reason);
        expect(e!.partial.rows.map((r) => r.result)).toEqual([undefined, undefined, undefined, undefined]);
      }
      expect(progress).toEqual([]);
      expect(create).toHaveBeenCalledTimes(1); // the test's own pool
      expect(runAll).not.toHaveBeenCalled();
      expect(pool.alive).toBe(1);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("in this thread (workers: 0) starts no job after the abort", async () => {
    const stop = new AbortController();
    const progress: number[] = [];
    const e = await runSweep({
      scenario: endless, grid, workers: 0, signal: stop.signal,
      onProgress: (d) => {
        progress.push(d);
        if (d === 2) stop.abort();
      },
    }).then(() => undefined, (x: unknown) => x as SweepError);
    expect(e?.name).toBe("AbortError");
    expect(progress).toEqual([1, 2]);
    expect(e?.partial.rows.map((r) => r.result)).toEqual([{ tenfold: 10 }, { tenfold: 20 }, undefined, undefined]);
    expect(e?.partial.workers).toBe(0);
  }, 30_000);
});
