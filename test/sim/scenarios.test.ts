// Scenarios by name: a name is a built-in scenario only if the table lists it, never a property
// every object inherits.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { runSweep } from "../../src/sim/sweep.js";

describe("scenarios by name", () => {
  it("calls an inherited property's name an unknown scenario, in a System and in a sweep", async () => {
    const system = await createSystem({ board: "zynq-7000" });
    try {
      for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
        expect(() => system.run(name), name).toThrow(`unknown scenario "${name}" (known: demo, `);
        await expect(runSweep({ scenario: name, grid: { size: ["4K"] }, workers: 0 }), name).rejects.toThrow(
          `size=4K: unknown scenario "${name}" (known: demo, `,
        );
      }
    } finally {
      system.dispose();
    }
  });

  it("says how a scenario module runs when an in-thread System's run is given one, a function or its URL, instead of printing its source", async () => {
    const system = await createSystem({ board: "zynq-7000" });
    const byUrl = "runSweep and a worker System's run (createSystem({ worker: true })) take a scenario module by its URL";
    try {
      function run() {
        return { secret: "body" };
      }
      const fn = (() => system.run(run as never)) as () => unknown;
      expect(fn).toThrow(TypeError);
      expect(fn).toThrow(/^run takes a built-in scenario's name \(known: demo, .*\), not a function: in this thread, call the module's run\(system, params\) yourself; /);
      expect(fn).not.toThrow(/secret/);
      // A module's file name alone ("my.mjs") is a path too: built-in names hold no ".".
      for (const url of ["file:///tmp/my.mjs", "./my.mjs", "examples/debugging/mydrv.mjs", "my.mjs"]) {
        expect(() => system.run(url), url).toThrow(TypeError);
        expect(() => system.run(url), url).toThrow(`unknown scenario "${url}" (known: demo, `);
        expect(() => system.run(url), url).toThrow(byUrl);
      }
      expect(() => system.run("memcpyy")).toThrow(/^unknown scenario "memcpyy" \(known: [^)]*\)$/); // a misspelt name: no module advice
    } finally {
      system.dispose();
    }
  });

  it("refuses parameters that are not an object instead of running on the defaults", async () => {
    const system = await createSystem({ board: "zynq-7000" });
    try {
      expect(() => system.run("memcpy", "size=4K" as never)).toThrow('memcpy: params must be an object ({ size: "4K" }), not "size=4K"');
      expect(() => system.run("memcpy", null as never)).toThrow(TypeError);
      expect(() => system.run("memcpy", ["size=4K"] as never)).toThrow('not ["size=4K"]');
      expect((system.run("memcpy", { size: "4K" }) as { size: number }).size).toBe(4096);
    } finally {
      system.dispose();
    }
  });

  it("refuses a parameter the scenario does not read instead of running on its default, in a System and in a sweep", async () => {
    const system = await createSystem({ board: "zynq-7000" });
    try {
      expect(() => system.run("memcpy", { sise: "4K" })).toThrow('memcpy has no parameter "sise" (its parameters: size, burst, channels, buffers, block)');
      expect(() => system.run("calibration", { size: "4K" })).toThrow('calibration has no parameter "size" (it takes none)');
      // fingerprint reads its own two and hands the rest to the scenario it runs.
      expect(() => system.run("fingerprint", { scenario: "memcpy", size: "4K", burts: 4 })).toThrow(
        'fingerprint has no parameter "burts" (its parameters: scenario, records, size, burst, channels, buffers, block)',
      );
      const t0 = system.now();
      expect(() => system.run("memcpy", { size: "4K", bursts: 4 })).toThrow(TypeError);
      expect(system.now()).toBe(t0); // refused before anything ran
      await expect(runSweep({ scenario: "memcpy", grid: { size: ["4K", "8K"] }, fixed: { brust: 4 }, workers: 0 })).rejects.toThrow(
        'memcpy has no parameter "brust"',
      );
      await expect(runSweep({ scenario: "memcpy", grid: { sise: ["4K"] }, workers: 2 })).rejects.toThrow('memcpy has no parameter "sise"');
    } finally {
      system.dispose();
    }
  });
});
