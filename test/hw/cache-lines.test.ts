// The cache-line view of a buffer that a debugger (or a report) asks for: per line, valid or
// dirty in each level, and whether the cached bytes differ from DRAM — without disturbing the
// machine.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

describe("Backdoor.cacheLines", () => {
  it("shows dirty lines that differ from DRAM, clean ones that do not, and lines DRAM changed under", async () => {
    const s = await zynq();
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    s.cpu.write(va + 40, new Uint8Array(50).fill(3)); // bytes 40..89: lines 1 and 2 (32 B lines)
    let lines = s.machine.backdoor.cacheLines(va + 8, 100); // bytes 8..107: lines 0..3
    expect(lines.map((l) => l.va - va)).toEqual([8, 32, 64, 96]);
    expect(lines.map((l) => [l.l1, l.l1DiffersFromDram])).toEqual([
      ["invalid", false], ["dirty", true], ["dirty", true], ["invalid", false],
    ]);
    s.machine.cpu.dcache(0, va + 32, 64); // clean lines 1 and 2 (to the PL310: DRAM unchanged)
    lines = s.machine.backdoor.cacheLines(va + 32, 64);
    expect(lines.map((l) => [l.l1, l.l1DiffersFromDram, l.l2, l.l2DiffersFromDram])).toEqual([
      ["clean", true, "dirty", true], ["clean", true, "dirty", true],
    ]);
    s.kernel.archDma.syncForDevice(pa, 4096, 1); // the full DMA_TO_DEVICE clean: L1 and PL310
    expect(s.machine.backdoor.cacheLineSummary(va, 4096)).toMatchObject({ lines: 128, l1Valid: 2, l1Dirty: 0, differFromDram: 0 });
    s.machine.backdoor.write(pa + 32, Uint8Array.of(9)); // a non-coherent master writes DRAM
    expect(s.machine.backdoor.cacheLineSummary(va, 4096).differFromDram).toBe(1);
  });

  it("changes nothing: time, counters and line states stay as they were", async () => {
    const s = await zynq();
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    s.cpu.read(va, 256);
    const t = s.now();
    const before = s.machine.backdoor.stats();
    s.machine.backdoor.cacheLines(va, 4096);
    expect(s.now()).toBe(t);
    expect(s.machine.backdoor.stats()).toEqual(before);
  });

  it("marks lines without a translation", async () => {
    const s = await zynq();
    const lines = s.machine.backdoor.cacheLines(0x1000, 64); // user space: nothing mapped
    expect(lines.every((l) => !l.mapped)).toBe(true);
  });
});
