// A worker that dies under a job of a sweep comparing Systems: the error names the System the
// job ran on (its axes' values) before its parameters, as a job's own error does, so that the
// user knows which of the Systems to rerun it on.

import { describe, expect, it } from "vitest";
import { runSweep, type SweepError } from "../../src/sim/sweep.js";
import { WorkerPool } from "../../src/worker/pool.js";

/** A scenario module whose job ends its worker (`end`) on arm64-ref with the v4.9 kernel only,
 *  and returns what it ran on elsewhere. */
const diesOnArm64V49 = (end: string) =>
  "data:text/javascript," +
  encodeURIComponent(`export function run(s) { const p = s.provenance(); if (p.board === "arm64-ref" && p.kernel === "v4.9") ${end}; return p.board + " " + p.kernel; }`);

describe("a lost job of a sweep comparing Systems", () => {
  it("names the System axes' values before the parameters, in a thread and in a process", async () => {
    for (const [end, isolation, why] of [
      ["process.exit(3)", "thread", "dmasim worker thread ended (exit code 3)"],
      ["process.kill(process.pid, 'SIGKILL')", "process", "dmasim worker process ended (SIGKILL)"],
    ] as const) {
      const e = await runSweep({
        scenario: diesOnArm64V49(end), grid: { size: ["1M"] }, workers: 1, isolation,
        systems: { board: ["zynq-7000", "arm64-ref"], kernel: ["modern", "v4.9"] },
      }).then(() => undefined, (x: unknown) => x as SweepError);
      expect(e?.message, isolation).toBe(`job a data: URL scenario module board=arm64-ref kernel=v4.9 size=1M: ${why}`);
      // The other Systems' jobs ran on the workers that took the lost one's place.
      expect(e?.partial.rows.map((r) => r.result ?? r.error)).toEqual(["zynq-7000 modern", "zynq-7000 v4.9", "arm64-ref modern", why]);
    }
  }, 60_000);

  it("names only the axes a sweep compares: a System option given once is not one", async () => {
    const e = await runSweep({
      scenario: diesOnArm64V49("process.exit(3)"), grid: { size: ["1M"] }, workers: 1,
      system: { board: "arm64-ref" }, systems: { kernel: ["v4.9"] },
    }).then(() => undefined, (x: unknown) => x as Error);
    expect(e?.message).toBe("job a data: URL scenario module kernel=v4.9 size=1M: dmasim worker thread ended (exit code 3)");
  }, 30_000);

  it("names the axes a WorkerPool's job lists, and none for a job without them", async () => {
    const pool = await WorkerPool.create(1);
    try {
      const scenario = diesOnArm64V49("process.exit(3)");
      const system = { board: "arm64-ref", kernel: "v4.9" as const };
      const named = await pool.runAll([{ scenario, system, params: { n: 1 }, axes: ["board", "kernel"] }]).then(() => undefined, (x: unknown) => x as Error);
      expect(named?.message).toBe("job a data: URL scenario module board=arm64-ref kernel=v4.9 n=1: dmasim worker thread ended (exit code 3)");
      const plain = await pool.runAll([{ scenario, system, params: { n: 1 } }]).then(() => undefined, (x: unknown) => x as Error);
      expect(plain?.message).toBe("job a data: URL scenario module n=1: dmasim worker thread ended (exit code 3)");
    } finally {
      await pool.close();
    }
  }, 30_000);
});
