// The L1 data cache holds real data: what the CPU writes stays in the cache until it is
// cleaned, and what DRAM changes underneath stays invisible until the line is invalidated.

import { describe, expect, it } from "vitest";
import { bareMachine, put64, ARM64_A53 } from "../helpers/bare-machine.js";
import { DC_CLEAN, DC_CLEAN_INVAL, DC_INVAL, MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import { toVirt } from "../../src/hw/address.js";

const BLOCK_WB = 0x00e8000000000711n;
const VA = toVirt(0xffffffc040000000n); // 1 GB block → PA 0x40000000

async function cached(): Promise<Machine> {
  const m = await bareMachine({ profile: ARM64_A53, ram: [{ base: 0x40000000, size: 64 << 20 }] });
  put64(m, 0x40000000 + 257 * 8, 0x40000000n | BLOCK_WB);
  m.mmu.setMair(0x0000bbff440c0400n);
  m.mmu.setTtbr(1, 0x40000000);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}

const off = 0x100000; // test data lives 1 MB into RAM, away from the table page
const pattern = Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 1) & 0xff);

describe("L1 data cache (write-back, write-allocate, real data)", () => {
  it("keeps CPU writes out of DRAM until the lines are cleaned", async () => {
    const m = await cached();
    m.cpu.write(VA + off, pattern);
    expect(m.backdoor.read(0x40000000 + off, 256)).toEqual(new Uint8Array(256));
    expect(m.cpu.read(VA + off, 256)).toEqual(pattern);
    expect(m.backdoor.lineState(1, 0x40000000 + off)).toBe(2 + 4);
    m.cpu.dcache(DC_CLEAN, VA + off, 256);
    expect(m.backdoor.read(0x40000000 + off, 256)).toEqual(pattern);
    expect(m.backdoor.lineState(1, 0x40000000 + off)).toBe(1); // still cached, now clean
  });

  it("serves stale data after DRAM changes underneath, until invalidated", async () => {
    const m = await cached();
    m.cpu.read(VA + off, 256); // lines now cached (zeros)
    m.backdoor.write(0x40000000 + off, pattern); // a non-coherent device writes DRAM
    expect(m.cpu.read(VA + off, 256)).toEqual(new Uint8Array(256));
    m.cpu.dcache(DC_INVAL, VA + off, 256);
    expect(m.cpu.read(VA + off, 256)).toEqual(pattern);
  });

  it("invalidate discards dirty data; clean+invalidate writes it back first", async () => {
    const m = await cached();
    m.cpu.write(VA + off, pattern.subarray(0, 64));
    m.cpu.dcache(DC_INVAL, VA + off, 64);
    expect(m.cpu.read(VA + off, 64)).toEqual(new Uint8Array(64));
    m.cpu.write(VA + off, pattern.subarray(0, 64));
    m.cpu.dcache(DC_CLEAN_INVAL, VA + off, 64);
    expect(m.backdoor.lineState(1, 0x40000000 + off)).toBe(0);
    expect(m.backdoor.read(0x40000000 + off, 64)).toEqual(pattern.subarray(0, 64));
  });

  it("counts a miss per line on first touch and hits afterwards (64-byte lines)", async () => {
    const m = await cached();
    const s0 = m.backdoor.stats().l1;
    m.cpu.read(VA + off, 4096); // 64 lines
    const s1 = m.backdoor.stats().l1;
    m.cpu.read(VA + off, 4096);
    const s2 = m.backdoor.stats().l1;
    expect(s1.misses - s0.misses).toBe(64);
    expect(s2.hits - s1.hits).toBe(64);
    expect(s2.misses - s1.misses).toBe(0);
  });

  it("writes dirty victims back when a set overflows (4 ways)", async () => {
    const m = await cached();
    // Five lines 8 KB apart share a set of the 32 KB 4-way cache (128 sets × 64 B).
    for (let i = 0; i < 5; i++) m.cpu.store(VA + off + i * 8192, 4, 0x1000 + i);
    const st = m.backdoor.stats().l1;
    expect(st.evictions).toBeGreaterThanOrEqual(1);
    expect(st.writebacks).toBeGreaterThanOrEqual(1);
    // The victim (the least recently used, the first line) reached the level below.
    expect(m.backdoor.lineState(1, 0x40000000 + off)).toBe(0);
    expect(m.cpu.load(VA + off, 4)).toBe(0x1000);
  });

  it("costs more simulated time to read 64 KB cold than warm", async () => {
    const m = await cached();
    const t0 = m.now();
    m.cpu.read(VA + off, 16384);
    const cold = m.now() - t0;
    const t1 = m.now();
    m.cpu.read(VA + off, 16384);
    const warm = m.now() - t1;
    expect(cold).toBeGreaterThan(2 * warm);
  });
});
