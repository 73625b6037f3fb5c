// Data-cache instructions by VA: each acts on the whole line holding its address, so a range
// with unaligned ends touches its partial edge lines too; maintenance by VA reaches the point of
// coherency (L1 + L2 on the A53, L1 only on the A9, whose PL310 is maintained by PA). DC ZVA
// zeroes a 64-byte block without reading memory.

import { describe, expect, it } from "vitest";
import { profileMachine, put32, put64, dramTransferPs, cyclesPs, ARM64_A53, ZYNQ_7000 } from "../helpers/profile-machine.js";
import { DC_CLEAN, DC_CLEAN_INVAL, DC_INVAL, MMU_V7_SHORT, MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import { toVirt } from "../../src/hw/address.js";

const PA = 0x40100000;
const V = (pa: number) => toVirt(0xffffffc000000000n + BigInt(pa));
const NC_PAGE = 0x00e800000000070fn; // AttrIndx 3: Normal non-cacheable

async function arm64(zvaBytes = 64): Promise<Machine> {
  const tweak = (p: typeof ARM64_A53) => ({ ...p, cpu: { ...p.cpu, zvaBytes } });
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }], tweak });
  put64(m, 0x40000000 + 257 * 8, 0x40000000n | 0x00e8000000000711n);
  // L1[256] → L2 → L3 at 0x40002000: VA 0xffffffc0_0000_0000 + page → 4 KB pages chosen below.
  put64(m, 0x40000000 + 256 * 8, 0x40001000n | 3n);
  put64(m, 0x40001000, 0x40002000n | 3n);
  put64(m, 0x40002000 + 0 * 8, 0x40500000n | 0x00e8000000000713n); // page 0 → PA 0x40500000
  put64(m, 0x40002000 + 1 * 8, 0x40900000n | 0x00e8000000000713n); // page 1 → PA 0x40900000
  put64(m, 0x40002000 + 2 * 8, 0x40600000n | NC_PAGE);
  put64(m, 0x40002000 + 4 * 8, 0x40700000n | 0x00e8000000000793n); // page 4: AP[2]=1, read-only
  m.mmu.setMair(0x0000bbff440c0400n);
  m.mmu.setTtbr(1, 0x40000000);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}

const ones = (n: number, v = 0xee) => new Uint8Array(n).fill(v);
/** L1 state (0 absent, 1 clean, 2 dirty) of each of `n` lines from pa. */
const l1 = (m: Machine, pa: number, n: number, line = 64) => Array.from({ length: n }, (_, i) => m.backdoor.lineState(1, pa + i * line) & 3);

describe("maintenance by VA at aligned and unaligned edges (arm64, 64-byte lines)", () => {
  it("clean: every line the range touches is written back and stays valid", async () => {
    const m = await arm64();
    m.cpu.write(V(PA), ones(256)); // four dirty lines
    m.cpu.dcache(DC_CLEAN, V(PA + 63), 2); // bytes 63..64: lines 0 and 1
    expect(l1(m, PA, 4)).toEqual([1, 1, 2, 2]);
    expect(m.backdoor.read(PA, 256)).toEqual(Uint8Array.from([...ones(128), ...new Uint8Array(128)]));
  });

  it("invalidate: dirty data of every touched line is discarded, even a partial edge", async () => {
    const m = await arm64();
    m.cpu.write(V(PA), ones(256));
    m.cpu.dcache(DC_INVAL, V(PA + 65), 1); // line 1 only
    expect(l1(m, PA, 4)).toEqual([2, 0, 2, 2]);
    expect(m.cpu.read(V(PA + 64), 64)).toEqual(new Uint8Array(64)); // DRAM's zeros
    expect(m.backdoor.lineState(2, PA + 64)).toBe(1); // L2 holds the line, refilled clean
  });

  it("clean+invalidate over an aligned range leaves the next line alone", async () => {
    const m = await arm64();
    m.cpu.write(V(PA), ones(256));
    m.cpu.dcache(DC_CLEAN_INVAL, V(PA), 128);
    expect(l1(m, PA, 4)).toEqual([0, 0, 2, 2]);
    expect(m.backdoor.lineState(2, PA)).toBe(0); // to the point of coherency: L2 too
    expect(m.backdoor.read(PA, 128)).toEqual(ones(128));
  });

  it("clean writes back a line that L2 holds dirty while L1 holds it clean (the L2 does not include L1)", async () => {
    const m = await arm64();
    const X = 0x40200000;
    m.cpu.write(V(X), ones(64)); // dirty in L1
    // Four more lines of the same L1 set (32 KB / 4 ways: 8 KB apart) push it out into L2, dirty.
    for (let k = 1; k <= 4; k++) m.cpu.read(V(X + k * 8192), 4);
    m.cpu.read(V(X), 4); // back into L1 as a clean copy of L2's dirty line
    expect([m.backdoor.lineState(1, X) & 3, m.backdoor.lineState(2, X) & 3]).toEqual([1, 2]);
    expect(m.backdoor.read(X, 64)).toEqual(new Uint8Array(64));
    m.cpu.dcache(DC_CLEAN, V(X), 64);
    expect([m.backdoor.lineState(1, X) & 3, m.backdoor.lineState(2, X) & 3]).toEqual([1, 1]);
    expect(m.backdoor.read(X, 64)).toEqual(ones(64));
  });

  it("clean takes each line's maintenance time, dirty or not, and writes back only the dirty ones", async () => {
    const m = await arm64();
    m.cpu.write(V(PA), ones(4096)); // the whole page dirty
    m.cpu.dcache(DC_CLEAN, V(PA), 4096); // now clean, and its translation in the TLB
    m.cpu.write(V(PA + 10 * 64), ones(64, 0x11)); // line 10 dirty again
    const t0 = m.now();
    m.cpu.dcache(DC_CLEAN, V(PA), 4096);
    // 64 lines × 2 cycles at 1.2 GHz (1667 ps each, rounded); the write-back is posted.
    expect(m.now() - t0).toBe(64 * 1667);
    expect(l1(m, PA, 64)).toEqual(new Array(64).fill(1));
    expect(m.backdoor.read(PA + 10 * 64, 64)).toEqual(ones(64, 0x11));
  });

  it("a zero-length range does nothing; a range across a page follows each page's translation", async () => {
    const m = await arm64();
    m.cpu.write(V(0) + 4096 - 64, ones(128)); // last line of page 0, first line of page 1
    m.cpu.dcache(DC_CLEAN, V(0) + 100, 0);
    expect(m.backdoor.lineState(1, 0x40500fc0)).toBe(2 + 4);
    m.cpu.dcache(DC_CLEAN, V(0) + 4096 - 1, 2);
    expect(m.backdoor.read(0x40500fc0, 64)).toEqual(ones(64));
    expect(m.backdoor.read(0x40900000, 64)).toEqual(ones(64));
  });

  it("faults on an unmapped page with its address, after maintaining the lines before it", async () => {
    const m = await arm64();
    m.cpu.write(V(0x2000) - 64, ones(64)); // the last line of page 1
    expect(() => m.cpu.dcache(DC_CLEAN, V(0x2000) - 64, 64 * 3 + 4096)).toThrow(/0xffffffc000003000/);
    expect(m.backdoor.read(0x40900fc0, 64)).toEqual(ones(64)); // page 1's line was cleaned
  });
});

describe("a DSB after DC CVAC waits for the cleaned lines to reach DRAM", () => {
  // Cortex-A53 at 1.2 GHz: DC CVAC costs 2 cycles (1667 ps) a line; DRAM 90 ns latency, 7680
  // MB/s, so a 64-byte write-back holds the bus 8333 ps. The cleans issue faster than DRAM takes
  // them: the write-backs queue on the bus, and the DSB ends when the last one has moved.
  const maintPs = cyclesPs(ARM64_A53, ARM64_A53.cpu.maintCycles); // 1667
  const latencyPs = ARM64_A53.dram.latencyNs * 1000;
  const xferPs = dramTransferPs(ARM64_A53, 64);

  it("a clean of 64 dirty lines and a DSB end when the 64th write-back is in DRAM", async () => {
    const m = await arm64();
    m.cpu.write(V(PA), ones(4096)); // 64 dirty lines, translation in the TLB, fills done
    const t0 = m.now();
    m.cpu.dcache(DC_CLEAN, V(PA), 4096);
    expect(m.now() - t0).toBe(64 * maintPs); // the cleans themselves: the write-backs are posted
    m.cpu.barrier();
    // The first write-back leaves after one DC CVAC and starts on the bus after the latency; the
    // other 63 follow it back to back. At least 64 lines' DRAM time in any case.
    expect(m.now() - t0).toBe(maintPs + latencyPs + 64 * xferPs);
    expect(m.now() - t0).toBeGreaterThanOrEqual(latencyPs + 64 * xferPs);
  });

  it("clean+invalidate is waited for as a clean is; a clean of clean lines adds nothing", async () => {
    const m = await arm64();
    m.cpu.write(V(PA), ones(4096));
    let t0 = m.now();
    m.cpu.dcache(DC_CLEAN_INVAL, V(PA), 4096);
    m.cpu.barrier();
    expect(m.now() - t0).toBe(maintPs + latencyPs + 64 * xferPs);
    m.cpu.read(V(PA), 4096); // back in the caches, clean
    t0 = m.now();
    m.cpu.dcache(DC_CLEAN, V(PA), 4096);
    m.cpu.barrier();
    expect(m.now() - t0).toBe(64 * maintPs);
  });

  it("does not wait for a dirty victim that a load evicted to DRAM", async () => {
    const m = await arm64();
    // Lines 64 KB apart share one set of the L1 (4 ways) and of the 16-way L2, both LRU. A stays
    // dirty in L1, kept recent by reads, while 16 dirty lines D1..D16 go through the set: the
    // L2, which a hit in L1 does not touch, drops A's clean copy, and holds dirty Ds.
    const A = V(0x40200000);
    const D = (k: number) => A + k * 0x10000;
    m.cpu.write(A, ones(64));
    for (let k = 1; k <= 16; k++) {
      m.cpu.write(D(k), ones(64, k));
      if (k <= 13) m.cpu.read(A, 4);
    }
    expect([m.backdoor.lineState(1, 0x40200000) & 3, m.backdoor.lineState(2, 0x40200000)]).toEqual([2, 0]);
    // Reading D13 back (an L2 hit) evicts A from L1 into L2, whose LRU line, dirty, leaves for
    // DRAM: the load ends long before that write-back does.
    const written = m.backdoor.stats().dram.bytesWritten;
    const t0 = m.now();
    m.cpu.read(D(13), 4);
    expect(m.backdoor.stats().dram.bytesWritten - written).toBe(64);
    expect(m.now() - t0).toBeLessThan(latencyPs);
    const t1 = m.now();
    m.cpu.barrier();
    expect(m.now()).toBe(t1);
  });
});

describe("permissions: DC IVAC counts as a write, DC CVAC and DC CIVAC as reads", () => {
  it("on a read-only page an invalidate is a permission fault and leaves the line; clean and clean+invalidate work", async () => {
    const m = await arm64();
    const ro = V(0x4000);
    m.backdoor.write(0x40700000, ones(64, 0x5a));
    expect(m.cpu.read(ro, 64)).toEqual(ones(64, 0x5a)); // the line is now in L1, clean
    expect(l1(m, 0x40700000, 1)).toEqual([1]);
    expect(() => m.cpu.dcache(DC_INVAL, ro, 64)).toThrow(/0xffffffc000004000 \(permission fault\)/);
    expect(l1(m, 0x40700000, 1)).toEqual([1]);
    m.cpu.dcache(DC_CLEAN, ro, 64);
    expect(l1(m, 0x40700000, 1)).toEqual([1]);
    m.cpu.dcache(DC_CLEAN_INVAL, ro, 64);
    expect(l1(m, 0x40700000, 1)).toEqual([0]);
  });
});

describe("the point of coherency on Zynq is the L1 (the PL310 is maintained by PA)", () => {
  it("DC CIVAC by VA moves a dirty line into L2, not to DRAM", async () => {
    const m = await profileMachine(ZYNQ_7000, { ram: [{ base: 0, size: 64 << 20 }] });
    put32(m, 0x4000 + 0xc00 * 4, 0x1140e);
    m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
    m.mmu.setTtbr(0, 0x4000);
    m.mmu.setFormat(MMU_V7_SHORT);
    m.cpu.write(0xc0080000, ones(32));
    m.cpu.dcache(DC_CLEAN_INVAL, 0xc0080000, 32);
    expect(m.backdoor.lineState(1, 0x80000)).toBe(0);
    expect(m.backdoor.lineState(2, 0x80000)).toBe(2 + 4);
    expect(m.backdoor.read(0x80000, 32)).toEqual(new Uint8Array(32));
  });
});

describe("DC ZVA", () => {
  it("zeroes the aligned 64-byte block holding the address, dirty in L1, without reading DRAM", async () => {
    const m = await arm64();
    m.backdoor.write(PA, ones(192, 0x11));
    m.mmu.translate(V(PA));
    const before = m.backdoor.stats().dram.bytesRead;
    m.cpu.zva(V(PA + 64 + 17));
    expect(m.backdoor.stats().dram.bytesRead).toBe(before);
    expect(m.backdoor.lineState(1, PA + 64)).toBe(2 + 4);
    expect(m.backdoor.lineState(1, PA)).toBe(0);
    expect(m.cpu.read(V(PA), 192)).toEqual(Uint8Array.from([...ones(64, 0x11), ...new Uint8Array(64), ...ones(64, 0x11)]));
    expect(m.backdoor.read(PA + 64, 64)).toEqual(ones(64, 0x11)); // DRAM: until cleaned
    m.cpu.dcache(DC_CLEAN, V(PA + 64), 64);
    expect(m.backdoor.read(PA + 64, 64)).toEqual(new Uint8Array(64));
  });

  it("zeroes the block of DCZID's size, aligned to it: 256 bytes on a core whose block is four lines", async () => {
    const m = await arm64(256);
    m.cpu.write(V(PA), ones(320, 0x11));
    m.cpu.zva(V(PA + 64 + 17)); // block [PA, PA + 256): the address's line is its second
    expect(m.cpu.read(V(PA), 320)).toEqual(Uint8Array.from([...new Uint8Array(256), ...ones(64, 0x11)]));
  });

  it("writes zeros straight to DRAM on a non-cacheable page", async () => {
    const m = await arm64();
    m.backdoor.write(0x40600000, ones(128, 0x22));
    m.cpu.zva(toVirt(0xffffffc000002000n + 0x40n));
    expect(m.backdoor.read(0x40600000, 128)).toEqual(Uint8Array.from([...ones(64, 0x22), ...new Uint8Array(64)]));
    expect(m.backdoor.lineState(1, 0x40600040)).toBe(0);
  });

  it("is an undefined instruction on the Cortex-A9", async () => {
    const m = await profileMachine(ZYNQ_7000);
    expect(() => m.cpu.zva(0x1000)).toThrow(/undefined instruction/);
  });
});
