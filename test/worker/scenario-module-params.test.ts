// A scenario module may export `params`, the names its run reads: a sweep (in this thread or in
// workers) or a job given another name is then refused as a built-in scenario refuses one, instead
// of running on that parameter's default. Without it, any name goes, as before.

import { describe, expect, it } from "vitest";
import { runSweep, type SweepError } from "../../src/sim/sweep.js";
import { WorkerPool } from "../../src/worker/pool.js";

const module = (source: string) => "data:text/javascript," + encodeURIComponent(source);
// Returns the len it was given, or its default of 1000, as a driver module's run would.
const RUN = "export function run(system, p) { return p.len ?? 1000; }";
const DECLARES = module(`export const params = ["len", "period", "burst"];\n${RUN}`);
const BARE = module(RUN);
const REFUSED = 'a data: URL scenario module has no parameter "lenn" (its parameters: len, period, burst)';

describe("a scenario module's params", () => {
  it("refuse a sweep over a name the module does not read, in this thread and in workers", async () => {
    for (const how of [{ workers: 0 }, { workers: 1 }, { workers: 1, isolation: "process" as const }]) {
      const e = await runSweep({ scenario: DECLARES, grid: { lenn: [5, 6] }, ...how }).then(() => undefined, (x: unknown) => x as Error);
      expect(e, JSON.stringify(how)).toBeInstanceOf(TypeError);
      expect(e?.message).toBe(REFUSED);
      // Refused before any job ran: no rows.
      expect((e as Partial<SweepError>).partial).toBeUndefined();
    }
    // A fixed parameter is named as well as a swept one, before any job (which would prefix its row's params).
    const fixed = await runSweep({ scenario: DECLARES, grid: { len: [5] }, fixed: { lenn: 6 }, workers: 0 }).then(() => undefined, (x: unknown) => x as Error);
    expect(fixed?.message).toBe(REFUSED);
    expect((fixed as Partial<SweepError>).partial).toBeUndefined();
  }, 30_000);

  it("let the names the module reads through", async () => {
    const r = await runSweep({ scenario: DECLARES, grid: { len: [5, 6], burst: [4] }, workers: 1 });
    expect(r.rows.map((x) => x.result)).toEqual([5, 6]);
  }, 30_000);

  it("are checked by the job itself in a worker, for a pool run without runSweep", async () => {
    const pool = await WorkerPool.create(1);
    try {
      const errors: string[] = [];
      await pool
        .runAll([{ system: {}, scenario: DECLARES, params: { lenn: 5 } }], undefined, (_i, e) => errors.push((e as Error).message))
        .catch(() => undefined);
      expect(errors).toEqual([REFUSED]);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("absent, any name goes, in this thread and in workers", async () => {
    for (const workers of [0, 1]) {
      const r = await runSweep({ scenario: BARE, grid: { lenn: [5] }, workers });
      // The misspelt lenn is not len: run took len's default.
      expect(r.rows, `workers: ${workers}`).toEqual([{ params: { lenn: 5 }, result: 1000 }]);
    }
  }, 30_000);

  it("must be an array of names", async () => {
    const lone = module(`export const params = "len";\n${RUN}`);
    const e = await runSweep({ scenario: lone, grid: { len: [5] }, workers: 0 }).then(() => undefined, (x: unknown) => x as Error);
    expect(e).toBeInstanceOf(TypeError);
    expect(e?.message).toBe('len=5: a data: URL scenario module exports params as "len": it must be an array of the names run reads (["len", "period"])');
    const notAllNames = module(`export const params = ["len", 3];\n${RUN}`);
    const e2 = await runSweep({ scenario: notAllNames, grid: { len: [5] }, workers: 0 }).then(() => undefined, (x: unknown) => x as Error);
    expect(e2?.message).toBe('len=5: a data: URL scenario module exports params as ["len",3]: it must be an array of the names run reads (["len", "period"])');
  });

  it("leave a module that does not load to fail its jobs, each in its row, as before", async () => {
    const broken = module(`throw new RangeError("my driver is broken");\n${RUN}`);
    const e = (await runSweep({ scenario: broken, grid: { n: [1, 2] }, workers: 0 }).then(() => undefined, (x: unknown) => x)) as SweepError;
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe("n=1: my driver is broken");
    expect(e.partial.rows).toEqual([
      { params: { n: 1 }, result: undefined, error: "my driver is broken" },
      { params: { n: 2 }, result: undefined, error: "my driver is broken" },
    ]);
  });
});
