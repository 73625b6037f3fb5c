// A Node worker (thread or child process) whose messages cannot be read, whose job's result
// cannot be sent, or which cannot start: its calls fail saying so, naming the job, instead of
// waiting forever or ending the host; a pool goes on with a new worker.
//
// The unreadable messages are real ones: a value nested a few thousand deep is written by a
// worker thread (4 MB of stack) that this thread (under 1 MB) cannot read back, and one this
// process writes is more than a child process can read (its reader needs more stack per level
// than the writer).

import { EventEmitter } from "node:events";
import * as v8 from "node:v8";
import { describe, expect, it } from "vitest";
import { runSweep } from "../../src/sim/sweep.js";
import { WorkerPool } from "../../src/worker/pool.js";
import { spawnWorker } from "../../src/worker/spawn.js";
import { announceUnreadable, closingNotice } from "../../src/worker/closing.js";
import { childEndpoint } from "../../src/worker/process-endpoint.js";
import type { JobSpec } from "../../src/worker/job.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";

const module = (source: string) => "data:text/javascript," + encodeURIComponent(source);

/** Only the job n=2 returns `value` (a JavaScript expression); the others return n. */
const returning = (value: string) => module(`export function run(s, p) { return p.n === 2 ? ${value} : p.n; }`);

const DEEP = "(() => { let o = {}; for (let i = 0; i < 4000; i++) o = { o }; return o; })()";

describe("a Node worker's messages that cannot be read", () => {
  it("a worker thread's reply this thread cannot read ends the worker, fails the sweep naming the job, and the pool goes on", async () => {
    const pool = await WorkerPool.create(2);
    try {
      await expect(runSweep({ scenario: returning(DEEP), grid: { n: [1, 2, 3] }, pool })).rejects.toThrow(
        /^job a data: URL scenario module n=2: a message from the dmasim worker thread could not be read \(RangeError: Maximum call stack size exceeded\); the worker was ended$/,
      );
      const next = await runSweep({ scenario: "memcpy", grid: { size: ["4K", "8K"] }, pool });
      expect(next.rows.map((r) => (r.result as MemcpyResult).ok)).toEqual([true, true]);
    } finally {
      await pool.close();
    }
  }, 20_000);

  it("a child process's reply: the child refuses to send what its parent could not read, by job, and the pool goes on", async () => {
    const pool = await WorkerPool.create(2, { process: true });
    try {
      const e = await runSweep({ scenario: returning(DEEP), grid: { n: [1, 2, 3] }, pool }).then(() => undefined, (x: unknown) => x as Error);
      expect(e?.message).toMatch(/^n=2: a data: URL scenario module returned a value a worker cannot send back \(RangeError: Maximum call stack size exceeded\); return plain data/);
      const next = await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, pool });
      expect((next.rows[0].result as MemcpyResult).ok).toBe(true);
    } finally {
      await pool.close();
    }
  }, 20_000);

  it("a call a child process cannot read is told to the parent, which ends the child and fails the call", async () => {
    const w = await spawnWorker<{ runJob(spec: JobSpec): Promise<unknown> }>({ process: true });
    let deep: unknown = "x";
    for (let i = 0; i < 2500; i++) deep = { deep };
    const call = w.api.runJob({ system: {}, scenario: "memcpy", params: { size: "4K", deep } as never });
    await expect(Promise.race([call, w.died])).rejects.toThrow(
      "dmasim worker process could not read a message from its parent (RangeError: Maximum call stack size exceeded)",
    );
    await w.terminate();
  }, 20_000);

  it("bytes a process's end cannot read go to its `unreadable`, not to its listeners or the host", () => {
    // A stand-in for the ChildProcess: a child writing past its reader's stack is covered above
    // only on the child's side, as a job's result is refused before it is sent.
    const child = Object.assign(new EventEmitter(), { connected: true, sent: [] as unknown[], send(m: unknown) { this.sent.push(m); return true; } });
    const unread: unknown[] = [];
    const heard: unknown[] = [];
    const end = childEndpoint(child as never, v8, (e) => unread.push(e));
    end.on("message", (m) => heard.push(m));
    end.postMessage({ id: "1", value: [1n, new Uint8Array([7])] });
    child.emit("message", child.sent[0]);
    child.emit("message", new Uint8Array([0xff, 0x0f, 0x99, 0x99]));
    expect(heard).toEqual([{ id: "1", value: [1n, new Uint8Array([7])] }]);
    expect(unread).toHaveLength(1);
    expect(unread[0]).toBeInstanceOf(Error);
  });

  it("a call a worker thread cannot read (its messageerror) is told to the parent as the closing notice", () => {
    // A stand-in for the thread's parentPort: a parent's message cannot be provoked to fail there.
    const port = Object.assign(new EventEmitter(), { sent: [] as unknown[], postMessage(m: unknown) { this.sent.push(m); } });
    announceUnreadable(port);
    port.emit("messageerror", new RangeError("Maximum call stack size exceeded"));
    expect(port.sent.map(closingNotice)).toEqual([
      "dmasim worker thread could not read a message from its parent (RangeError: Maximum call stack size exceeded)",
    ]);
  });
});

describe("a job's result that a worker cannot send", () => {
  const cases: [string, string, RegExp][] = [
    ["a function", "{ f() {} }", /\(DataCloneError: f\(\) \{\} could not be cloned\.\)/],
    ["a symbol", "Symbol('x')", /\(DataCloneError: Symbol\(x\) could not be cloned\.\)/],
  ];
  for (const [what, value, host] of cases) {
    it(`${what}: the sweep fails naming the scenario, the grid point and the host's words, in a thread or a process, and the pool goes on`, async () => {
      for (const process of [false, true]) {
        const pool = await WorkerPool.create(2, { process });
        try {
          const e = await runSweep({ scenario: returning(value), grid: { n: [1, 2, 3] }, pool }).then(() => undefined, (x: unknown) => x as Error);
          expect(e, `process: ${process}`).toBeInstanceOf(TypeError);
          expect(e?.message).toMatch(/^n=2: a data: URL scenario module returned a value a worker cannot send back \(/);
          // v8's serializer in a child process calls the same refusal an Error.
          expect(e?.message.replace("(Error: ", "(DataCloneError: ")).toMatch(host);
          expect(e?.message).toMatch(/; return plain data \(numbers, strings, booleans, bigints, arrays, plain objects, typed arrays\), not functions/);
          const next = await runSweep({ scenario: "memcpy", grid: { size: ["4K", "8K"] }, pool });
          expect(next.rows.map((r) => (r.result as MemcpyResult).ok)).toEqual([true, true]);
        } finally {
          await pool.close();
        }
      }
    }, 30_000);

    it(`${what}: a sweep in this thread (workers: 0) refuses it the same way`, async () => {
      const e = await runSweep({ scenario: returning(value), grid: { n: [1, 2, 3] }, workers: 0 }).then(() => undefined, (x: unknown) => x as Error);
      expect(e).toBeInstanceOf(TypeError);
      expect(e?.message).toMatch(/^n=2: a data: URL scenario module returned a value a worker cannot send back \(/);
      expect(e?.message).toMatch(host);
    });
  }

});

describe("a Node worker that cannot start", () => {
  it("a child process with no executable fails its calls instead of ending the host, and terminates", async () => {
    const execPath = process.execPath;
    process.execPath = "/nonexistent/dmasim-test/node";
    let w;
    try {
      w = await spawnWorker<{ runJob(spec: JobSpec): Promise<unknown> }>({ process: true });
    } finally {
      process.execPath = execPath;
    }
    await expect(Promise.race([w.api.runJob({ system: {}, scenario: "memcpy", params: {} }), w.died])).rejects.toThrow(
      "dmasim worker process failed: spawn /nonexistent/dmasim-test/node ENOENT",
    );
    await w.terminate();
  });
});

describe("a worker lost under a run's last job", () => {
  it("is replaced at the pool's next run, not waited for by the run that lost it", async () => {
    const pool = await WorkerPool.create(1);
    try {
      const dies = { system: {}, scenario: module("export function run() { process.exit(3); }"), params: {} };
      await expect(pool.runAll([dies])).rejects.toThrow("job a data: URL scenario module: dmasim worker thread ended (exit code 3)");
      // No job was left for a new worker: the run returned without starting one.
      expect([pool.size, pool.alive]).toEqual([1, 0]);
      const [next] = (await pool.runAll([{ system: {}, scenario: "memcpy", params: { size: "4K" } }])) as MemcpyResult[];
      expect(next.ok).toBe(true);
      expect(pool.alive).toBe(1);
    } finally {
      await pool.close();
    }
  }, 20_000);
});
