// The same System in a worker thread gives the same results as in this thread.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { spawnWorker } from "../../src/worker/spawn.js";
import type { JobSpec } from "../../src/worker/job.js";
import { CpuFault } from "../../src/hw/machine.js";
import { KernelError } from "../../src/kernel/errno.js";
import { SystemError } from "../../src/system.js";

describe("System in a worker (Node worker_threads + comlink)", () => {
  it("runs the demo with identical cycles", async () => {
    const local = await createSystem({ board: "zynq-7000" });
    const here = local.run("demo", { size: "256K" });
    const remote = await createSystem({ board: "zynq-7000", worker: true });
    try {
      const there = await remote.run("demo", { size: "256K" });
      expect(there).toEqual(here);
      expect(await remote.now()).toBe(local.now());
    } finally {
      await remote.close();
    }
  });

  it("offers the CPU port and kmalloc across the thread boundary", async () => {
    const remote = await createSystem({ board: "zynq-7000", worker: true });
    try {
      const va = await remote.kernel.kmalloc(4096, GFP_KERNEL);
      await remote.cpu.write(va, Uint8Array.of(1, 2, 3, 4));
      expect(await remote.cpu.read(va, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
      await remote.cpu.copy(va + 64, va, 4);
      expect(await remote.cpu.read(va + 64, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
      expect(await remote.deviceNames()).toContain("f8003000.dma-controller");
    } finally {
      await remote.close();
    }
  });

  it("tells a caller when its worker thread dies, instead of leaving the call unanswered", async () => {
    const w = await spawnWorker<{ runJob(spec: JobSpec): Promise<unknown> }>();
    const dies = "data:text/javascript," + encodeURIComponent("export function run() { process.exit(7); }");
    const call = w.api.runJob({ system: {}, scenario: dies, params: {} });
    await expect(Promise.race([call, w.died])).rejects.toThrow(/worker thread ended \(exit code 7\)/);
    await w.terminate();
  });

  it("throws the same error classes, with the same fields, as a System in this thread", async () => {
    const local = await createSystem({ board: "zynq-7000" });
    const remote = await createSystem({ board: "zynq-7000", worker: true });
    const caught = async (f: () => unknown): Promise<Error> => {
      try {
        await f();
      } catch (e) {
        return e as Error;
      }
      throw new Error("no error");
    };
    try {
      const calls: [string, (s: typeof local | typeof remote) => unknown, new (...a: never[]) => Error][] = [
        ["a CPU read of an unmapped address", (s) => s.cpu.read(0x12, 4), CpuFault],
        ["more memcpy channels than the board has", (s) => s.run("memcpy", { channels: 9, size: "4K" }), KernelError],
        ["a bad burst", (s) => s.run("memcpy", { burst: 99 }), RangeError],
        ["a file /proc does not have", (s) => s.readFile("/proc/nope"), KernelError],
      ];
      for (const [what, call, cls] of calls) {
        const here = await caught(() => call(local));
        const there = await caught(() => call(remote));
        expect(here, what).toBeInstanceOf(cls);
        expect(there, what).toBeInstanceOf(cls);
        expect([there.name, there.message], what).toEqual([here.name, here.message]);
        expect({ ...there }, what).toEqual({ ...here });
      }
      const fault = (await caught(() => remote.cpu.read(0x12, 4))) as CpuFault;
      expect([fault.kind, fault.address, fault.arch]).toEqual([1, 0x12, "arm"]);
      expect(((await caught(() => remote.readFile("/proc/nope"))) as KernelError).errno).toBe(-2);
    } finally {
      local.dispose();
      await remote.close();
    }
    await expect(remote.now()).rejects.toBeInstanceOf(SystemError);
  });

  it("rejects a call under way when the System is disposed, instead of leaving it unanswered", async () => {
    const remote = await createSystem({ board: "zynq-7000", worker: true });
    const run = expect(remote.run("memcpy", { size: "1M" })).rejects.toThrow(SystemError);
    const read = expect(remote.dmesg()).rejects.toThrow(/disposed .* before the call returned/);
    await remote.dispose();
    await run;
    await read;
  });

  it("reports boot errors from the worker", async () => {
    await expect(createSystem({ worker: true, dtb: new Uint8Array(64) })).rejects.toThrow(/bad magic/);
  });
});
