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

describe("Backdoor.cacheLines over long ranges", () => {
  it("40 MiB of 32-byte lines: every line's va and L1/L2 state as lineState gives them", async () => {
    const s = await zynq();
    const bd = s.machine.backdoor;
    const len = 40 << 20;
    const start = 0xc0000000 + 0x1000000 + 8; // linear map, 16 MiB into RAM; not line aligned
    // Dirty and clean lines spread over the range, among those the kernel left.
    for (let off = 0; off < len; off += (3 << 20) + 96) s.machine.cpu.store(start + off, 4, off);
    s.machine.cpu.read(start + len - 64, 64);
    const lines = bd.cacheLines(start, len);
    expect(lines.length).toBe(len / 32 + 1);
    const state = ["invalid", "clean", "dirty", "dirty"];
    let dirty = 0;
    for (let i = 0; i < lines.length; i++) {
      const lineVa = i === 0 ? start : start - 8 + i * 32;
      const pa = lineVa - 0xc0000000;
      const l1 = bd.lineState(1, pa);
      const l2 = bd.lineState(2, pa);
      if (lines[i].va !== lineVa || lines[i].l1 !== state[l1 & 3] || lines[i].l2 !== state[l2 & 3] ||
        lines[i].l1DiffersFromDram !== ((l1 & 4) !== 0) || !lines[i].mapped) {
        throw new Error(`line ${i} at 0x${lineVa.toString(16)}: ${JSON.stringify(lines[i])}, lineState ${l1}/${l2}`);
      }
      if (l1 & 2) dirty++;
    }
    expect(dirty).toBeGreaterThanOrEqual(14);
    expect(bd.cacheLineSummary(start, len)).toMatchObject({ lines: len / 32 + 1, l1Dirty: dirty, unmapped: 0 });
  });

  it("a summary of all 512 MiB of lowmem does not grow the wasm memory (one byte a line would be 16 MiB more)", async () => {
    const s = await zynq();
    const before = s.machine.x.memory.buffer.byteLength;
    expect(s.machine.backdoor.cacheLineSummary(0xc0000000, 512 << 20)).toMatchObject({ lines: 1 << 24, unmapped: 0 });
    expect(s.machine.x.memory.buffer.byteLength).toBe(before);
  });

  it("a length that is not whole, or beyond 2^32 lines, is a RangeError, not a silently empty answer", async () => {
    const s = await zynq();
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(() => s.machine.backdoor.cacheLines(va, 1.5)).toThrow("cacheLines: length 1.5 is not a whole number of bytes");
    expect(() => s.machine.backdoor.cacheLineSummary(va, 2 ** 40)).toThrow(RangeError);
    expect(() => s.machine.backdoor.cacheLineSummary(va, 2 ** 40)).toThrow(
      "cacheLineSummary: 1099511627776 bytes span 34359738368 lines of 32 bytes, more than the 4294967295 one query may cover");
  });
});
