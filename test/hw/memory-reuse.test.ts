// A disposed System's wasm memory is zeroed and handed to the next System of the thread
// (src/hw/memory-reuse.ts, assembly/memory-handover.ts). Were a write path left unmarked, the
// next System would start with another's bytes; so whole memories are checked, every byte.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { takeMemory } from "../../src/hw/memory-reuse.js";
import { runJob } from "../../src/worker/job.js";
import { editedSystem } from "../helpers/edited-system.js";
import type { DeviceTree } from "../../src/of/node.js";
import { releaseSilicon } from "../../src/hw/wasm.js";
import { profileMachine, put64, ARM64_A53 } from "../helpers/profile-machine.js";
import { MMU_V8_4K, DC_CLEAN, type Machine } from "../../src/hw/machine.js";
import { toVirt } from "../../src/hw/address.js";

const PAGE = 1 << 16;
const ZERO_PAGE = Buffer.alloc(PAGE);

/** Offset of the first byte that is not 0, or -1. */
function firstNonZero(memory: WebAssembly.Memory): number {
  const b = Buffer.from(memory.buffer);
  for (let at = 0; at < b.length; at += PAGE) {
    const end = Math.min(at + PAGE, b.length);
    if (b.compare(ZERO_PAGE, 0, end - at, at, end) !== 0) return at + b.subarray(at, end).findIndex((v) => v !== 0);
  }
  return -1;
}

/** Offset of the first byte where a and b differ (b being no longer than a, a's bytes past b's
 *  end must be 0), or -1. */
function firstDifference(a: WebAssembly.Memory, b: WebAssembly.Memory): number {
  const x = Buffer.from(a.buffer);
  const y = Buffer.from(b.buffer);
  for (let at = 0; at < x.length; at += PAGE) {
    const end = Math.min(at + PAGE, x.length);
    const other = at < y.length ? y.subarray(at, Math.min(end, y.length)) : ZERO_PAGE.subarray(0, 0);
    const mine = x.subarray(at, end);
    const want = Buffer.concat([other, ZERO_PAGE.subarray(0, mine.length - other.length)]);
    if (mine.compare(want) !== 0) return at + mine.findIndex((v, i) => v !== want[i]);
  }
  return -1;
}

const coherentPl330 = (tree: DeviceTree) => {
  for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
};

/** Systems that write RAM every way the silicon can: CPU stores through the caches and their
 *  write-backs, non-cacheable stores, the prefetcher's fills, PL330 copies (page windows),
 *  peripheral DMA into memory, swiotlb bounces, and a dma-coherent PL330 whose writes snoop. */
const WRITERS: [string, () => Promise<System>, (s: System) => void][] = [
  ["zynq-7000: demo, memcpy, cpu-process, the bugs", () => createSystem({ board: "zynq-7000" }), (s) => {
    s.run("demo");
    s.run("memcpy", { size: "256K", burst: 4, buffers: "streaming" });
    s.run("cpu-process");
    s.run("bug", { kind: "invalidate-only-before" });
  }],
  ["arm64-highmem: swiotlb bounces", () => createSystem({ board: "arm64-highmem" }), (s) => {
    s.run("demo", { size: "64K" });
  }],
  ["arm64-ref: adc-rx and uart-tx", () => createSystem({ board: "arm64-ref" }), (s) => {
    s.run("adc-rx");
    s.run("uart-tx");
  }],
  ["zynq-7000 with a dma-coherent PL330", () => editedSystem("zynq-7000", coherentPl330), (s) => {
    s.run("memcpy", { size: "64K", buffers: "coherent" });
    s.run("memcpy", { size: "64K", buffers: "streaming" });
  }],
];

describe("a disposed System's memory, handed to the next System", () => {
  it.each(WRITERS)("is all zeros once %s is disposed", async (_, boot, use) => {
    const s = await boot();
    const memory = s.machine.x.memory;
    use(s);
    expect(firstNonZero(memory)).toBeGreaterThan(0); // it was used
    s.dispose();
    const next = takeMemory();
    expect(next).toBe(memory);
    expect(firstNonZero(next)).toBe(-1);
  }, 60_000);

  it("gives a System that is byte for byte the one a fresh memory gives, and the same results", async () => {
    const first = await createSystem({ board: "zynq-7000" });
    first.run("memcpy", { size: "1M", burst: 16 });
    const handedOn = first.machine.x.memory;
    first.dispose();
    const a = await createSystem({ board: "zynq-7000" }); // takes the memory `first` left
    const b = await createSystem({ board: "zynq-7000" }); // a fresh one: there is no other
    expect(a.machine.x.memory).toBe(handedOn);
    expect(b.machine.x.memory).not.toBe(handedOn);
    expect(firstDifference(a.machine.x.memory, b.machine.x.memory)).toBe(-1);
    const ra = a.run("demo", { size: "16K" });
    const rb = b.run("demo", { size: "16K" });
    expect(ra).toEqual(rb);
    expect(a.now()).toBe(b.now());
    expect(firstDifference(a.machine.x.memory, b.machine.x.memory)).toBe(-1);
    a.dispose();
    b.dispose();
  }, 60_000);

  it("is not kept when it has more than 256 MiB to zero: its pages would stay resident", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const memory = s.machine.x.memory;
    const block = new Uint8Array(64 << 20).fill(1);
    for (let i = 0; i < 5; i++) s.machine.backdoor.write(0x8000000 + i * block.length, block); // 128…448 MiB of its 512
    s.dispose();
    const next = takeMemory();
    expect(next).not.toBe(memory);
    expect(next.buffer.byteLength).toBe(2 << 16); // a fresh one
  }, 60_000);

  it("lets a large DRAM boot on a memory a larger System grew: room is counted from the heap", async () => {
    const highDts = readFileSync(new URL("../../examples/boards/arm64-ref.dts", import.meta.url), "utf8")
      .replace("memory@40000000", "memory@100000000")
      .replace("reg = <0x0 0x40000000 0x0 0x40000000>;", "reg = <0x1 0x0 0x0 0x0>;");
    const big = await createSystem({ dts: highDts, memory: "3900M" });
    const grown = big.machine.x.memory;
    expect(grown.buffer.byteLength).toBeGreaterThan(3900 * 2 ** 20);
    big.dispose();
    const s = await createSystem({ board: "zynq-7000", memory: "3.5G" });
    expect(s.machine.x.memory).toBe(grown);
    expect(s.kernel.mm.ramEnd).toBe(3.5 * 2 ** 30);
    s.dispose();
  }, 60_000);

  it("is what each sweep job boots on: a job disposes its System, and a failed boot gives its memory back", async () => {
    await runJob({ system: { board: "zynq-7000" }, scenario: "memcpy", params: { size: "4K" } });
    const afterJob = takeMemory();
    expect(afterJob.buffer.byteLength).toBeGreaterThan(2 ** 30); // a zynq-7000's, not a fresh one
    expect(firstNonZero(afterJob)).toBe(-1);
    await expect(createSystem({ board: "zynq-7000", memory: "8M" })).rejects.toThrow(/does not fit in the first RAM bank/);
    const afterFailure = takeMemory();
    expect(afterFailure.buffer.byteLength).toBeGreaterThan(8 * 2 ** 20);
    expect(firstNonZero(afterFailure)).toBe(-1);
  }, 60_000);
});

/** A bare arm64 machine whose one 4 KB page at VA 0 maps PA 0x40500000 with MAIR index `attr`:
 *  its tables are written by the backdoor, which marks their pages, but not that one. */
async function onePage(attr: number): Promise<Machine> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
  put64(m, 0x40000000 + 256 * 8, 0x40001000n | 3n);
  put64(m, 0x40001000, 0x40002000n | 3n);
  put64(m, 0x40002000, 0x40500000n | 3n | (1n << 10n) | (3n << 8n) | (BigInt(attr) << 2n));
  m.mmu.setMair(0x00eebbff440c0400n); // 4.9's: 4 Normal WB, 3 Normal NC, 5 Normal WT, 0 Device; 6 = WB no write-allocate
  m.mmu.setTtbr(1, 0x40000000);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}

describe("every way the CPU writes RAM marks the page it writes", () => {
  const VA = toVirt(0xffffffc000000000n);
  it.each([
    ["a write-back line cleaned to DRAM", 4, (m: Machine) => {
      m.cpu.store(VA + 8, 4, 0xaa55);
      m.cpu.dcache(DC_CLEAN, VA, 64);
    }],
    ["a write-through store", 5, (m: Machine) => m.cpu.store(VA + 8, 4, 0xaa55)],
    ["a store that misses no-write-allocate memory", 6, (m: Machine) => m.cpu.store(VA + 8, 4, 0xaa55)],
    ["a non-cacheable store", 3, (m: Machine) => m.cpu.store(VA + 8, 4, 0xaa55)],
    ["a store to Device memory", 0, (m: Machine) => m.cpu.store(VA + 8, 4, 0xaa55)],
  ] as const)("%s", async (_, attr, write) => {
    const m = await onePage(attr);
    write(m);
    expect(m.backdoor.read(0x40500008, 2)).toEqual(Uint8Array.of(0x55, 0xaa)); // it reached DRAM
    const memory = m.x.memory;
    releaseSilicon(m.x, () => new Error("gone"));
    expect(takeMemory()).toBe(memory);
    expect(firstNonZero(memory)).toBe(-1);
  });
});

describe("zeros written back over RAM nothing has written", () => {
  const VA = toVirt(0xffffffc000000000n);
  /** Whether the 64 KiB host page holding `pa` (in the machine's one RAM region) is marked written. */
  const marked = (m: Machine, pa: number) => {
    const host = (m.x.memoryRamHost(0) >>> 0) + (pa - 0x40000000);
    return new Uint8Array(m.x.memory.buffer, m.x.memoryWrittenPages() >>> 0, 1 << 16)[Math.floor(host / PAGE)];
  };

  it("leave the host page untouched, as a fresh buffer's memset does; other bytes are written", async () => {
    const m = await onePage(4);
    expect(marked(m, 0x40500000)).toBe(0);
    m.cpu.fill(VA, 0, 4096);
    m.cpu.dcache(DC_CLEAN, VA, 4096);
    expect(marked(m, 0x40500000)).toBe(0);
    expect(m.backdoor.read(0x40500000, 4096).every((b) => b === 0)).toBe(true);
    m.cpu.fill(VA + 64, 0x5a, 4);
    m.cpu.dcache(DC_CLEAN, VA, 4096);
    expect(marked(m, 0x40500000)).toBe(1);
    expect([...m.backdoor.read(0x40500040, 5)]).toEqual([0x5a, 0x5a, 0x5a, 0x5a, 0]);
  });

  it("but reach DRAM over bytes something wrote", async () => {
    const m = await onePage(4);
    m.backdoor.write(0x40500000, new Uint8Array(4096).fill(0xee));
    m.cpu.fill(VA, 0, 4096);
    m.cpu.dcache(DC_CLEAN, VA, 4096);
    expect(m.backdoor.read(0x40500000, 4096).every((b) => b === 0)).toBe(true);
  });
});
