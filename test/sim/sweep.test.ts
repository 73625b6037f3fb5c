import { describe, expect, it } from "vitest";
import { runSweep, expandGrid, type SweepError } from "../../src/sim/sweep.js";
import { WorkerPool } from "../../src/worker/pool.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";

describe("sweeps", () => {
  it("expands a grid into every combination, the first key slowest", () => {
    expect(expandGrid({ a: [1, 2], b: ["x", "y", "z"] })).toEqual([
      { a: 1, b: "x" }, { a: 1, b: "y" }, { a: 1, b: "z" },
      { a: 2, b: "x" }, { a: 2, b: "y" }, { a: 2, b: "z" },
    ]);
    expect(() => expandGrid({ a: [] })).toThrow(/no values/);
    expect(() => expandGrid({ size: "4K" } as never)).toThrow('sweep parameter "size" takes a list of values (["4K"]), not "4K"');
    expect(() => expandGrid(null as never)).toThrow(/grid is an object of value lists/);
  });

  it("gives identical results in grid order with 0, 1 and 2 workers, as processes or threads", async () => {
    const grid = { size: ["4K", "64K", "256K"], burst: [1, 16] };
    const progress: number[] = [];
    const r0 = await runSweep({ scenario: "memcpy", grid, workers: 0 });
    const r1 = await runSweep({ scenario: "memcpy", grid, workers: 1 });
    const r2 = await runSweep({ scenario: "memcpy", grid, workers: 2, onProgress: (d) => progress.push(d) });
    const threads = await runSweep({ scenario: "memcpy", grid, workers: 2, isolation: "thread" });
    expect(r1.rows).toEqual(r0.rows);
    expect(r2.rows).toEqual(r0.rows);
    expect(threads.rows).toEqual(r0.rows);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    const res = r0.rows.map((r) => r.result as MemcpyResult);
    expect(res.every((r) => r.ok)).toBe(true);
    expect(r0.rows.map((r) => r.params)).toEqual(expandGrid(grid));
  });

  it("shows the burst length matters: 16-beat bursts beat 1-beat ones, near the AXI ceiling", async () => {
    const r = await runSweep({ scenario: "memcpy", grid: { size: ["1M"], burst: [1, 4, 16] }, workers: 0 });
    const [b1, b4, b16] = r.rows.map((x) => (x.result as MemcpyResult).mbPerSec);
    expect(b1).toBeLessThan(b4);
    expect(b4).toBeLessThan(b16);
    // 1-beat: 1 MiB is 131072 bursts, more than two nested loops of 256 cover, so pl330's _loop
    // puts two DMALD DMAST pairs in the inner body: five PL330 instructions per 16 bytes, one
    // per 4.5 ns AXI cycle at 222 MHz, is at most 16 B / 22.5 ns = 711 MB/s.
    expect(b1).toBeLessThanOrEqual(711);
    expect(b16).toBeLessThanOrEqual(1776);
  });

  it("runs a scenario module that calls dmasim's own kernel functions on the worker's System", async () => {
    // As a user's module does: it imports "dmasim" (dist/src/index.js), so the worker it runs in
    // must use those same modules, or dma_alloc_coherent would not know the worker's Device.
    const index = new URL("../../dist/src/index.js", import.meta.url).href;
    const mine = "data:text/javascript," + encodeURIComponent(
      `import { dma_request_chan_by_mask, dma_alloc_coherent, DMA_MEMCPY, GFP_KERNEL } from ${JSON.stringify(index)};
       export function run(system, params) {
         const dev = dma_request_chan_by_mask(system, DMA_MEMCPY).device.dev;
         const buf = dma_alloc_coherent(dev, params.size, GFP_KERNEL);
         system.cpu.fill(buf.cpuAddr, 0xa5, params.size);
         return { bytes: [...system.cpu.read(buf.cpuAddr + params.size - 2, 2)] };
       }`);
    const r = await runSweep({ scenario: mine, grid: { size: [4096, 8192] }, workers: 2 });
    expect(r.rows.map((x) => x.result)).toEqual([{ bytes: [0xa5, 0xa5] }, { bytes: [0xa5, 0xa5] }]);
  }, 30_000);

  it("runs sweep after sweep on one pool, with the same rows as without it, and goes on after a failing job", async () => {
    const grid = { size: ["4K", "64K"], burst: [1, 16] };
    const alone = await runSweep({ scenario: "memcpy", grid, workers: 0 });
    const pool = await WorkerPool.create(2);
    try {
      const first = await runSweep({ scenario: "memcpy", grid, pool });
      await expect(runSweep({ scenario: "memcpy", grid: { burst: [99, 1, 2, 3] }, pool })).rejects.toThrow(/burst must be/);
      const again = await runSweep({ scenario: "memcpy", grid, pool, workers: 7 });
      expect(first.rows).toEqual(alone.rows);
      expect(again.rows).toEqual(alone.rows);
      expect(again.workers).toBe(2);
    } finally {
      await pool.close();
    }
    const oneFile = await WorkerPool.create(1, { bundled: true });
    try {
      const mine = "data:text/javascript," + encodeURIComponent("export function run() { return 1; }");
      await expect(runSweep({ scenario: mine, grid: { n: [1] }, pool: oneFile })).rejects.toThrow(/runs built-in scenarios only/);
      expect((await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, pool: oneFile })).rows).toHaveLength(1);
    } finally {
      await oneFile.close();
    }
  }, 30_000);

  it("fails a sweep whose pool is closed under it, naming a job it held, instead of hanging", async () => {
    for (const process of [false, true]) {
      const pool = await WorkerPool.create(2, { process });
      const sweep = runSweep({ scenario: "memcpy", grid: { size: ["1M", "2M", "3M", "4M"] }, pool });
      const fails = expect(sweep, process ? "processes" : "threads").rejects.toThrow(/^job memcpy size=\dM: the pool was closed/);
      await pool.close();
      await fails;
    }
  }, 30_000);

  it("closes a pool once however often it is asked, and refuses a sweep on a closed pool", async () => {
    const pool = await WorkerPool.create(1);
    await Promise.all([pool.close(), pool.close()]);
    await pool.close();
    await expect(runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, pool })).rejects.toThrow(
      /^this WorkerPool was closed \(close\(\)\); create a new one$/,
    );
  });

  it("reports the workers that ran the jobs, not more than there were jobs", async () => {
    expect((await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, workers: 0 })).workers).toBe(0);
    expect((await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, workers: 5 })).workers).toBe(1);
    expect((await runSweep({ scenario: "memcpy", grid: { size: ["4K", "8K", "16K"] }, workers: 2 })).workers).toBe(2);
    const pool = await WorkerPool.create(3);
    try {
      expect((await runSweep({ scenario: "memcpy", grid: { size: ["4K", "8K"] }, pool })).workers).toBe(2);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("refuses a worker count that is not a whole number instead of losing the jobs", async () => {
    for (const workers of [NaN, 2.5, -1]) {
      await expect(runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, workers })).rejects.toThrow(
        `runSweep: workers must be a whole number ≥ 0, not ${workers}`,
      );
    }
    for (const size of [0, NaN, 1.5]) {
      await expect(WorkerPool.create(size)).rejects.toThrow(`WorkerPool.create: size must be a whole number ≥ 1, not ${size}`);
    }
  });

  it("refuses an isolation it does not know instead of running threads", async () => {
    await expect(runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, isolation: "processes" as never })).rejects.toThrow(
      'runSweep: isolation must be "thread" or "process", not "processes"',
    );
  });

  it("reports a failing job instead of hanging", async () => {
    await expect(runSweep({ scenario: "memcpy", grid: { burst: [99] }, workers: 1 })).rejects.toThrow(/burst must be/);
  });

  it("names the grid point of a failing job, keeping the error's class and errno, however it ran", async () => {
    // As a user's module would fail: a KernelError from dmasim's own classes, for one point only.
    const index = new URL("../../dist/src/index.js", import.meta.url).href;
    const fails = "data:text/javascript," + encodeURIComponent(
      `import { KernelError } from ${JSON.stringify(index)};
       export function run(system, p) { if (p.n === 2 && p.kind === "b") throw new KernelError(12, "no room"); return p.n; }`);
    const grid = { n: [1, 2], kind: ["a", "b"] };
    for (const how of [{ workers: 0 }, { workers: 1 }, { workers: 2 }, { workers: 2, isolation: "process" as const }]) {
      const e = await runSweep({ scenario: fails, grid, ...how }).then(() => undefined, (x: unknown) => x as Error & { errno?: number });
      expect(e?.message, JSON.stringify(how)).toBe("n=2 kind=b: -ENOMEM: no room");
      expect(e?.name).toBe("KernelError");
      expect(e?.errno).toBe(-12);
    }
    // A built-in scenario's cost estimate reads the parameters first: the same words for it.
    const bad = await runSweep({ scenario: "memcpy", grid: { size: ["4K", "abc"], burst: [4] }, workers: 0 }).then(() => undefined, (x: unknown) => x);
    expect(bad).toBeInstanceOf(RangeError);
    expect((bad as Error).message).toBe('size=abc burst=4: not a size: "abc" (try 64K, 512M, 1G or a byte count)');
  }, 30_000);

  it("reports a worker that dies part way instead of hanging, and runs the next sweep", async () => {
    const dies = "data:text/javascript," + encodeURIComponent("export function run() { process.exit(3); }");
    await expect(runSweep({ scenario: dies, grid: { n: [1, 2] }, workers: 2 })).rejects.toThrow(/worker thread ended \(exit code 3\)/);
    await expect(runSweep({ scenario: dies, grid: { n: [1, 2] }, workers: 2, isolation: "process" })).rejects.toThrow(/worker process ended \(exit code 3\)/);
    const after = await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, workers: 2 });
    expect((after.rows[0].result as MemcpyResult).ok).toBe(true);
  }, 30_000);

  it("stops a sweep whose progress callback throws: the callback's error, no progress after it, and the pool goes on", async () => {
    const boom = new Error("progress boom");
    const pool = await WorkerPool.create(2);
    try {
      for (const how of [{ workers: 0 }, { workers: 2 }, { pool }]) {
        const seen: number[] = [];
        const sweep = runSweep({
          scenario: "memcpy", grid: { size: ["4K", "8K", "16K", "32K", "64K", "128K"] }, ...how,
          onProgress: (done) => {
            seen.push(done);
            if (done === 1) throw boom;
          },
        });
        await expect(sweep, JSON.stringify(Object.keys(how))).rejects.toBe(boom);
        // Both workers' next jobs queue behind any of the failed sweep's still under way.
        const next = await runSweep({ scenario: "memcpy", grid: { size: ["4K", "8K", "16K", "32K"] }, pool });
        expect(next.rows.map((r) => (r.result as MemcpyResult).ok)).toEqual([true, true, true, true]);
        expect(seen).toEqual([1]);
      }
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("names the grid point of a job that cannot be sent to its worker, keeping the host's words", async () => {
    const mine = "data:text/javascript," + encodeURIComponent("export function run() { return 1; }");
    for (const isolation of ["thread", "process"] as const) {
      const e = await runSweep({ scenario: mine, grid: { n: [() => 1] as never }, workers: 1, isolation }).then(() => undefined, (x: unknown) => x as Error);
      expect(e?.message, isolation).toBe("n=() => 1: () => 1 could not be cloned.");
    }
    const e = await runSweep({ scenario: mine, grid: { n: [() => 1] as never }, workers: 1 }).then(() => undefined, (x: unknown) => x as Error);
    expect(e?.name).toBe("DataCloneError");
  }, 20_000);

  it("names the job a worker was running when it ended", async () => {
    // Only the job n=2 ends its worker: by exit in a thread, by SIGKILL in a process.
    const module = (end: string) =>
      "data:text/javascript," + encodeURIComponent(`export function run(s, p) { if (p.n === 2) ${end}; return p.n; }`);
    await expect(runSweep({ scenario: module("process.exit(3)"), grid: { n: [1, 2, 3] }, workers: 2 })).rejects.toThrow(
      "job a data: URL scenario module n=2: dmasim worker thread ended (exit code 3)",
    );
    await expect(
      runSweep({ scenario: module("process.kill(process.pid, 'SIGKILL')"), grid: { n: [1, 2, 3] }, workers: 2, isolation: "process" }),
    ).rejects.toThrow("job a data: URL scenario module n=2: dmasim worker process ended (SIGKILL)");
  }, 30_000);

  it("keeps the results of the jobs around one whose worker ended, and runs the rest on a new worker", async () => {
    const module = (end: string) =>
      "data:text/javascript," + encodeURIComponent(`export function run(s, p) { if (p.n === 2) ${end}; return p.n * 10; }`);
    // One worker: every job after n=2 runs only if the pool puts a new worker in its place.
    for (const [end, isolation, why] of [
      ["process.exit(3)", "thread", "dmasim worker thread ended (exit code 3)"],
      ["process.kill(process.pid, 'SIGKILL')", "process", "dmasim worker process ended (SIGKILL)"],
    ] as const) {
      const e = await runSweep({ scenario: module(end), grid: { n: [1, 2, 3, 4] }, workers: 1, isolation }).then(
        () => undefined,
        (x: unknown) => x as SweepError,
      );
      expect(e?.message, isolation).toBe(`job a data: URL scenario module n=2: ${why}`);
      expect(e?.partial.rows).toEqual([
        { params: { n: 1 }, result: 10 },
        { params: { n: 2 }, result: undefined, error: why },
        { params: { n: 3 }, result: 30 },
        { params: { n: 4 }, result: 40 },
      ]);
    }
  }, 30_000);

  it("runs every job of a sweep in which some fail in the kernel, and throws the first failure in grid order", async () => {
    const seen: (string | undefined)[] = [];
    // 64 MiB of DRAM holds no 64 MiB source beside its destination: the kernel's -ENOMEM.
    const e = await runSweep({
      scenario: "memcpy", grid: { size: ["4K", "64M", "8K", "32M"] }, workers: 0, system: { memory: "64M" },
      onProgress: (_done, _total, last) => void seen.push(last.error === undefined ? "ok" : "failed"),
    }).then(() => undefined, (x: unknown) => x as SweepError & { errno: number });
    expect(e?.name).toBe("KernelError");
    expect(e?.errno).toBe(-12);
    expect(e?.message).toMatch(/^size=64M: -ENOMEM: /);
    const rows = e!.partial.rows;
    expect(rows.map((r) => (r.result as MemcpyResult | undefined)?.ok)).toEqual([true, undefined, true, undefined]);
    expect(rows.map((r) => r.error?.slice(0, 7))).toEqual([undefined, "-ENOMEM", undefined, "-ENOMEM"]);
    expect(seen.sort()).toEqual(["failed", "failed", "ok", "ok"]);
  }, 30_000);
});
