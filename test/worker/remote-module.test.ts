// A RemoteSystem runs a scenario module given by URL on its worker's System, as a sweep job
// does: the browser page's Module view runs a driver writer's module this way.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";

const MYDRV = new URL("../../examples/debugging/mydrv.mjs", import.meta.url).href;

describe("RemoteSystem.run of a scenario module", () => {
  it("runs the module's run(system, params) in the worker, and checks its params as a sweep does", async () => {
    const remote = await createSystem({ board: "zynq-7000", worker: true });
    try {
      // docs/debugging-a-driver.md's bug: frame 1 reads frame 0's 4096 bytes from the cache.
      const result = (await remote.run(MYDRV, { sync: "none", frames: 2 })) as Record<string, number>;
      expect([result.wrongBytes, result.staleBytes, result.badFrames]).toEqual([4096, 4096, 1]);
      await expect(remote.run(MYDRV, { synk: "none" })).rejects.toThrow(`${MYDRV} has no parameter "synk" (its parameters: sync, frames, len, dmesg)`);
    } finally {
      await remote.close();
    }
  });

  it("refuses a result the worker cannot send back, naming the module", async () => {
    const url = `data:text/javascript,${encodeURIComponent("export function run() { return { f() {} }; }")}`;
    const remote = await createSystem({ board: "zynq-7000", worker: true });
    try {
      await expect(remote.run(url)).rejects.toThrow(/^a data: URL scenario module returned a value a worker cannot send back \(/);
    } finally {
      await remote.close();
    }
  });
});
