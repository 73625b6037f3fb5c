// VMSAv8-64 walks over hand-written tables (4 KB granule). Every expected PA, size and attribute
// is worked out by hand from the descriptor formats of spec mmu-cache §1.

import { describe, expect, it } from "vitest";
import { profileMachine, put64, ARM64_A53 } from "../helpers/profile-machine.js";
import { MMU_V8_4K, decodeAttr, type Machine, type WalkResult } from "../../src/hw/machine.js";
import { toVirt } from "../../src/hw/address.js";

const MAIR_49 = 0x0000bbff440c0400n; // 0 nGnRnE, 1 nGnRE, 2 GRE, 3 Normal NC, 4 Normal WB, 5 Normal WT
const AF = 1n << 10n;
const SH_INNER = 3n << 8n;
const SH_OUTER = 2n << 8n;
const AP_RO = 1n << 7n; // AP[2]
const AP_USER = 1n << 6n; // AP[1]
const NG = 1n << 11n;
const PXN = 1n << 53n;
const UXN = 1n << 54n;
const idx = (i: bigint) => i << 2n;
const PAGE = 3n | AF | SH_INNER | idx(4n) | PXN | UXN; // PAGE_KERNEL without the software bits
const BLOCK = 1n | AF | SH_INNER | idx(4n) | PXN | UXN;

const L1 = 0x40000000, L2 = 0x40001000, L3 = 0x40002000;
const K = (off: bigint) => toVirt(0xffffffc000000000n + off); // L1 index 256

/** 39-bit kernel tables: L1[256] → L2 → (L2[0] → L3 pages, L2[1] 2 MB block); L1[257] 1 GB block. */
async function kernel39(): Promise<Machine> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
  put64(m, L1 + 256 * 8, BigInt(L2) | 3n);
  put64(m, L2 + 0 * 8, BigInt(L3) | 3n);
  put64(m, L2 + 1 * 8, 0x40200000n | BLOCK);
  put64(m, L3 + 5 * 8, 0x40345000n | PAGE);
  put64(m, L3 + 7 * 8, 0x40347000n | (PAGE & ~AF));
  put64(m, L3 + 8 * 8, 0x40348000n | (PAGE & ~2n)); // 0b01 at level 3 is reserved
  put64(m, L3 + 9 * 8, 0x40349000n | PAGE | AP_RO);
  put64(m, L3 + 10 * 8, 0x4034a000n | (PAGE & ~idx(7n)) | idx(0n)); // Device-nGnRnE
  put64(m, L3 + 11 * 8, 0x4034b000n | (PAGE & ~idx(7n)) | idx(5n)); // Normal WT
  put64(m, L3 + 12 * 8, 0x4034c000n | (PAGE & ~idx(7n)) | idx(3n)); // Normal NC
  put64(m, L3 + 13 * 8, 0x4034d000n | (PAGE & ~SH_INNER & ~PXN & ~UXN) | AP_USER | AP_RO | NG);
  put64(m, L2 + 3 * 8, 0x10000000n | 3n); // a table pointer to where there is no RAM
  put64(m, L1 + 257 * 8, 0x40000000n | BLOCK); // VA 0xffffffc040000000 → PA 0x40000000
  // L1[259]: a table whose APTable[1] forbids writes to everything below it.
  put64(m, L1 + 259 * 8, 0x40003000n | 3n | (1n << 62n));
  put64(m, 0x40003000, 0x40400000n | BLOCK);
  m.mmu.setMair(MAIR_49);
  m.mmu.setTtbr(1, L1);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}

function ok(r: ReturnType<Machine["mmu"]["walk"]>): WalkResult {
  if (!("pa" in r)) throw new Error(`unexpected fault ${JSON.stringify(r)}`);
  return r;
}

describe("VMSAv8-64, 39-bit VA (L1..L3)", () => {
  it("translates a 4 KB page, a 2 MB block and a 1 GB block, with their sizes and leaves", async () => {
    const m = await kernel39();
    const page = ok(m.mmu.walk(K(0x5123n)));
    expect(page).toMatchObject({ pa: 0x40345123, size: 4096, memAttr: 0xff, descriptor: 0x40345000n | PAGE });
    expect(decodeAttr(page.attr)).toEqual({
      memType: "Normal WB", noWriteAllocate: false, readOnly: false, noAccess: false, user: false, userReadOnly: false,
      xn: true, pxn: true, shareability: "inner", global: true, domain: 0, level: 3,
    });
    const block = ok(m.mmu.walk(K(0x200000n + 0x1234n)));
    expect(block).toMatchObject({ pa: 0x40201234, size: 2 << 20 });
    expect(decodeAttr(block.attr).level).toBe(2);
    const gig = ok(m.mmu.walk(K(0x40000000n + 0x3fffffffn)));
    expect(gig).toMatchObject({ pa: 0x7fffffff, size: 1 << 30 });
    expect(decodeAttr(gig.attr).level).toBe(1);
  });

  it("resolves AttrIndx through MAIR_EL1, including a MAIR the kernel changes", async () => {
    const m = await kernel39();
    expect(decodeAttr(ok(m.mmu.walk(K(0xa000n))).attr).memType).toBe("Device");
    expect(decodeAttr(ok(m.mmu.walk(K(0xb000n))).attr).memType).toBe("Normal WT");
    expect(decodeAttr(ok(m.mmu.walk(K(0xc000n))).attr).memType).toBe("Normal NC");
    expect(ok(m.mmu.walk(K(0xc000n))).memAttr).toBe(0x44);
    // Index 4 becomes 0xEE: inner and outer write-back, read-allocate, no write-allocate.
    m.mmu.setMair(0x0000bbee440c0400n);
    const r = ok(m.mmu.walk(K(0x5000n)));
    expect(r.memAttr).toBe(0xee);
    expect(decodeAttr(r.attr)).toMatchObject({ memType: "Normal WB", noWriteAllocate: true });
  });

  it("decodes AP, SH, nG and execute-never per descriptor", async () => {
    const m = await kernel39();
    const r = ok(m.mmu.walk(K(0xd000n)));
    expect(decodeAttr(r.attr)).toMatchObject({
      readOnly: true, user: true, shareability: "non-shareable", global: false, xn: false, pxn: false,
    });
  });

  it("faults: empty entries at each level, a reserved L3 encoding, AF clear, a bad table address", async () => {
    const m = await kernel39();
    expect(m.mmu.walk(K(0x6000n))).toEqual({ fault: 1, level: 3 });
    expect(m.mmu.walk(K(0x400000n))).toEqual({ fault: 1, level: 2 });
    expect(m.mmu.walk(toVirt(0xffffffc080000000n))).toEqual({ fault: 1, level: 1 });
    expect(m.mmu.lastFaultAddress()).toBe(toVirt(0xffffffc080000000n));
    expect(m.mmu.walk(K(0x8000n))).toEqual({ fault: 1, level: 3 });
    expect(m.mmu.walk(K(0x7000n))).toEqual({ fault: 2, level: 3 });
    expect(m.mmu.walk(K(0x600000n))).toEqual({ fault: 4, level: 3 }); // external abort reading L3
    // Bits [63:39] neither all ones nor all zeros: no table translates it.
    expect(m.mmu.walk(toVirt(0xff00000000000000n))).toEqual({ fault: 1, level: 0 });
  });

  it("checks permissions per access: a store to AP[2]=1 or under APTable[1] is a permission fault", async () => {
    const m = await kernel39();
    expect(m.mmu.translate(K(0x9010n))).toMatchObject({ pa: 0x40349010 });
    expect(m.mmu.translate(K(0x9010n), true)).toEqual({ fault: 3, level: 3 });
    expect(m.mmu.lastFaultAddress()).toBe(K(0x9010n));
    const under = toVirt(0xffffffc0c0000000n + 0x10n); // L1 index 259 → L2 block 0x40400000
    expect(m.mmu.translate(under)).toMatchObject({ pa: 0x40400010 });
    expect(m.mmu.translate(under, true)).toEqual({ fault: 3, level: 2 });
    // The CPU port raises the fault with the faulting address, as a data abort would.
    expect(() => m.cpu.store(K(0x9abcn), 4, 1)).toThrow(/paging request at virtual address 0xffffffc000009abc \(permission fault\)/);
  });

  it("a debugger's walk costs nothing: no time, no counters, no cache lines", async () => {
    const m = await kernel39();
    const t = m.now();
    const before = m.backdoor.stats();
    m.mmu.walk(K(0x5000n));
    expect(m.now()).toBe(t);
    expect(m.backdoor.stats()).toEqual(before);
    expect(m.backdoor.lineState(2, L3)).toBe(0);
  });

  it("a timed walk reads one descriptor per level through the caches (3 for a page, 1 for a 1 GB block)", async () => {
    const m = await kernel39();
    const s0 = m.backdoor.stats().tlb;
    m.mmu.translate(K(0x5000n));
    const s1 = m.backdoor.stats().tlb;
    expect(s1.descriptorReads - s0.descriptorReads).toBe(3);
    m.mmu.translate(K(0x40000000n));
    const s2 = m.backdoor.stats().tlb;
    expect(s2.descriptorReads - s1.descriptorReads).toBe(1);
    // The L1 table's line came into L2 with the first walk: the second walk hit it there.
    expect(s2.descriptorCacheHits - s1.descriptorCacheHits).toBe(1);
    expect(m.backdoor.lineState(2, L1 + 256 * 8)).toBe(1);
  });

  it("a descriptor read costs an L2 hit when only L2 holds its line, an L1 hit once the CPU's L1 does", async () => {
    // The A53 profile: 1200 MHz, L1 hit 3 cycles, L2 hit 13 cycles, so a descriptor found in L2
    // costs round(13 × 833.33) − round(3 × 833.33) = 10833 − 2500 = 8333 ps more than one found
    // in L1. Two 1 GB-block walks of one descriptor each, from the same line of an L1 table
    // (entries 257 and 258), differ only in where that descriptor is found. The table sits at
    // 0x40010000, whose tag byte in the 128-set L1 ((PA >> 13) & 0xff = 8) no empty way has.
    const m = await kernel39();
    const top = 0x40010000;
    put64(m, top + 256 * 8, BigInt(L2) | 3n);
    put64(m, top + 257 * 8, 0x40000000n | BLOCK);
    put64(m, top + 258 * 8, 0x40000000n | BLOCK);
    m.mmu.setTtbr(1, top);
    m.mmu.translate(K(0x5000n)); // the walk brings the L1 table's line into L2 (walks allocate there)
    expect(m.backdoor.lineState(2, top + 257 * 8) & 3).not.toBe(0);
    expect(m.backdoor.lineState(1, top + 257 * 8) & 3).toBe(0);
    const before = m.backdoor.stats();
    let t = m.now();
    m.mmu.translate(K(0x40000000n));
    const fromL2 = m.now() - t;
    // One descriptor read, found in L2: counted as a descriptor cache hit and an L2 hit.
    const after = m.backdoor.stats();
    expect(after.tlb.descriptorReads - before.tlb.descriptorReads).toBe(1);
    expect(after.tlb.descriptorCacheHits - before.tlb.descriptorCacheHits).toBe(1);
    expect(after.l2.hits - before.l2.hits).toBe(1);
    // A CPU load through the 1 GB block (PA 0x40000000 up, the table included) fills L1.
    m.cpu.load(Number(K(0x40000000n + BigInt(top - 0x40000000 + 257 * 8))), 4);
    expect(m.backdoor.lineState(1, top + 258 * 8) & 3).not.toBe(0);
    t = m.now();
    m.mmu.translate(K(0x80000000n));
    const fromL1 = m.now() - t;
    expect(fromL2 - fromL1).toBe(8333);
  });
});

describe("the A53 walk cache (64 entries of non-final descriptors)", () => {
  it("starts a walk at the deepest table it has seen: one read for another page of a known 2 MB", async () => {
    const m = await kernel39();
    const reads = () => m.backdoor.stats().tlb.descriptorReads;
    m.mmu.translate(K(0x5000n));
    const r0 = reads();
    m.mmu.translate(K(0x9000n)); // same L3 table
    expect(reads() - r0).toBe(1);
    const r1 = reads();
    m.mmu.translate(K(0x200000n)); // same L2 table, a block
    expect(reads() - r1).toBe(1);
    expect(m.backdoor.stats().tlb.walkCacheHits).toBe(2);
  });

  it("resumes from the L1 table it knows for a 2 MB block and a 4 KB page alike: one read and two", async () => {
    const m = await kernel39();
    put64(m, L2 + 2 * 8, BigInt(L3) | 3n); // the 2 MB at 0x400000 shares L2[0]'s L3 table
    const l2HitPs = Math.round((ARM64_A53.cpu.l2HitCycles * 1e6) / ARM64_A53.cpu.clockMHz);
    m.mmu.translate(K(0x5000n)); // learns the tables; their lines go to L2 (walks allocate there)
    const cost = (va: bigint) => {
      const s0 = m.backdoor.stats(), t0 = m.now();
      const r = m.mmu.translate(K(va));
      const s1 = m.backdoor.stats();
      return {
        r, ps: m.now() - t0,
        reads: s1.tlb.descriptorReads - s0.tlb.descriptorReads,
        l2Hits: s1.l2.hits - s0.l2.hits,
        walkCacheHits: s1.tlb.walkCacheHits - s0.tlb.walkCacheHits,
      };
    };
    const block = cost(0x200000n); // L2[1]: the walk ends at L2
    const page = cost(0x405000n); // L2[2] → the L3 table's page 5: on to L3
    expect(block.r).toMatchObject({ pa: 0x40200000 });
    expect(page.r).toMatchObject({ pa: 0x40345000 });
    expect([block.reads, block.l2Hits, block.walkCacheHits]).toEqual([1, 1, 1]);
    expect([page.reads, page.l2Hits, page.walkCacheHits]).toEqual([2, 2, 1]);
    expect(page.ps - block.ps).toBe(l2HitPs);
  });

  it("keeps a replaced table pointer until TLB maintenance, as the hardware does", async () => {
    const m = await kernel39();
    m.mmu.translate(K(0x5000n));
    // Point L2[0] at another L3 table (no break-before-make), through the 1 GB alias.
    put64(m, 0x40004000 + 5 * 8, 0x40777000n | PAGE);
    m.cpu.store64(toVirt(0xffffffc040001000n), 0x40004000n | 3n);
    expect(m.mmu.translate(K(0x9000n))).toMatchObject({ pa: 0x40349000 }); // the old L3 table
    m.mmu.tlbiVa(K(0x9000n)); // drops that page's TLB entry and the walk cache's path to it
    expect(m.mmu.translate(K(0x9000n))).toEqual({ fault: 1, level: 3 }); // the new table: empty
    expect(m.mmu.translate(K(0x5000n))).toMatchObject({ pa: 0x40345000 }); // a TLB entry still
    m.mmu.tlbiAll();
    expect(m.mmu.translate(K(0x5000n))).toMatchObject({ pa: 0x40777000 });
  });
});

describe("VMSAv8-64, 48-bit VA (L0..L3)", () => {
  async function tables48(): Promise<Machine> {
    const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
    const L0 = 0x40010000, T1 = 0x40011000, T2 = 0x40012000, T3 = 0x40013000;
    // TTBR0: VA 0x0000_7f80_0000_0000 has L0 index 255, L1 index 0.
    put64(m, L0 + 255 * 8, BigInt(T1) | 3n);
    put64(m, T1 + 0 * 8, BigInt(T2) | 3n);
    put64(m, T1 + 1 * 8, 0x80000000n | BLOCK); // 0x7f80_4000_0000 → 1 GB at 0x8000_0000
    put64(m, T2 + 0 * 8, BigInt(T3) | 3n);
    put64(m, T3 + 1 * 8, 0x41234000n | 3n | AF | SH_OUTER | AP_USER | NG | idx(3n));
    put64(m, L0 + 254 * 8, 0x40000000n | BLOCK); // no blocks at L0 with a 4 KB granule
    // TTBR1: VA 0xffff_8000_0000_0000 has L0 index 256.
    const L0k = 0x40020000, T1k = 0x40021000;
    put64(m, L0k + 256 * 8, BigInt(T1k) | 3n);
    put64(m, T1k + 0 * 8, 0x40000000n | BLOCK);
    m.mmu.setMair(MAIR_49);
    m.mmu.setTtbr(0, L0);
    m.mmu.setTtbr(1, L0k);
    m.mmu.setFormat(MMU_V8_4K, 48);
    return m;
  }

  it("walks four levels for a page through TTBR0 and two for a 1 GB block", async () => {
    const m = await tables48();
    const r = ok(m.mmu.walk(0x7f8000001abc));
    expect(r).toMatchObject({ pa: 0x41234abc, size: 4096, memAttr: 0x44 });
    expect(decodeAttr(r.attr)).toMatchObject({ memType: "Normal NC", user: true, shareability: "outer", global: false, level: 3 });
    expect(ok(m.mmu.walk(0x7f8040000010))).toMatchObject({ pa: 0x80000010, size: 1 << 30 });
    const s0 = m.backdoor.stats().tlb.descriptorReads;
    m.mmu.translate(0x7f8000001000);
    expect(m.backdoor.stats().tlb.descriptorReads - s0).toBe(4);
  });

  it("translates upper-half addresses through TTBR1", async () => {
    const m = await tables48();
    expect(ok(m.mmu.walk(toVirt(0xffff800000000123n)))).toMatchObject({ pa: 0x40000123 });
  });

  it("faults on an L0 block, a non-canonical address and an empty L0 entry", async () => {
    const m = await tables48();
    expect(m.mmu.walk(0x7f0000000000)).toEqual({ fault: 1, level: 0 });
    expect(m.mmu.walk(0x1000000000000)).toEqual({ fault: 1, level: 0 });
    expect(m.mmu.walk(0x10000000)).toEqual({ fault: 1, level: 0 });
  });

  it("the walk cache keeps L0 table pointers: a walk into another 1 GB under a known L0 entry reads one descriptor", async () => {
    const m = await tables48();
    const reads = () => m.backdoor.stats().tlb.descriptorReads;
    m.mmu.translate(0x7f8000001000); // L0[255] → T1, T1[0] → T2, T2[0] → T3: 4 reads
    const r0 = reads();
    expect(m.mmu.translate(0x7f8040000010)).toMatchObject({ pa: 0x80000010 }); // T1[1] only
    expect(reads() - r0).toBe(1);
  });

  it("TLBI by VA also drops the walk cache's L0 entry on the path: a replaced L0 table pointer is seen", async () => {
    const m = await tables48();
    m.mmu.translate(0x7f8000001000);
    // A new level-1 table whose entry 1 maps the 1 GB at 0xc000_0000; L0[255] now points at it,
    // written through TTBR1's cacheable 1 GB alias of RAM (0xffff_8000_0000_0000 → 0x4000_0000).
    put64(m, 0x40014000 + 1 * 8, 0xc0000000n | BLOCK);
    m.cpu.store64(toVirt(0xffff800000000000n + BigInt(0x40010000 + 255 * 8 - 0x40000000)), 0x40014000n | 3n);
    expect(m.mmu.translate(0x7f8040000010)).toMatchObject({ pa: 0x80000010 }); // the old T1, from the walk cache
    m.mmu.tlbiVa(0x7f8040000010);
    expect(m.mmu.translate(0x7f8040000010)).toMatchObject({ pa: 0xc0000010 });
  });
});

describe("VMSAv8-64, a first level that resolves fewer than 9 bits (TCR.TnSZ between the level boundaries)", () => {
  // The first level indexes only the VA bits left above the levels below it (3 bits at L0 for a
  // 42-bit VA, 6 at L1 for 36 bits, 7 at L2 for 28 bits); every later level indexes a full 9.
  async function machine(vaBits: number, which: 0 | 1, top: number, entries: [number, bigint][]): Promise<Machine> {
    const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
    for (const [pa, d] of entries) put64(m, pa, d);
    m.mmu.setMair(MAIR_49);
    m.mmu.setTtbr(which, top);
    m.mmu.setFormat(MMU_V8_4K, vaBits);
    return m;
  }

  it("42-bit VA from L0: L0 takes VA[41:39], L1, L2 and L3 each take 9 bits", async () => {
    const L0 = 0x40030000, T1 = 0x40031000, T2 = 0x40032000, T3 = 0x40033000;
    const m = await machine(42, 0, L0, [
      [L0 + 1 * 8, BigInt(T1) | 3n],
      [T1 + 10 * 8, 0x80000000n | BLOCK], // index 10: above the 3 bits L0 had
      [T1 + 9 * 8, BigInt(T2) | 3n],
      [T2 + 300 * 8, BigInt(T3) | 3n],
      [T3 + 400 * 8, 0x41234000n | PAGE],
    ]);
    // VA 0x82_8000_1234: L0 index 1 (bit 39), L1 index 10 → the 1 GB block at 0x8000_0000.
    expect(ok(m.mmu.walk(0x8280001234))).toMatchObject({ pa: 0x80001234, size: 1 << 30 });
    // VA 0x82_6599_0abc = 1<<39 | 9<<30 | 300<<21 | 400<<12 | 0xabc → page 0x41234000.
    expect(ok(m.mmu.walk(0x8265990abc))).toMatchObject({ pa: 0x41234abc, size: 4096 });
    expect(m.mmu.translate(0x8265990abc)).toMatchObject({ pa: 0x41234abc });
    expect(m.mmu.translate(0x8280001234)).toMatchObject({ pa: 0x80001234 });
  });

  it("36-bit VA from L1: L1 takes VA[35:30], L2 a full 9 bits", async () => {
    const L1t = 0x40040000, T2 = 0x40041000;
    const m = await machine(36, 0, L1t, [
      [L1t + 1 * 8, BigInt(T2) | 3n],
      [T2 + 100 * 8, 0x40600000n | BLOCK], // index 100: above the 6 bits L1 had
    ]);
    // VA 0x4c80_5678 = 1<<30 | 100<<21 | 0x5678 → the 2 MB block at 0x4060_0000.
    expect(ok(m.mmu.walk(0x4c805678))).toMatchObject({ pa: 0x40605678, size: 2 << 20 });
    expect(m.mmu.translate(0x4c805678)).toMatchObject({ pa: 0x40605678 });
  });

  it("28-bit VA from L2 through TTBR1: L2 takes VA[27:21] only, not the ones above", async () => {
    const L2t = 0x40050000;
    const m = await machine(28, 1, L2t, [[L2t + 5 * 8, 0x40800000n | BLOCK]]);
    // VA 0xffff_ffff_f0a0_0042: VA[27:21] = 5 (VA[29:21] would be 389, an empty entry).
    const va = toVirt(0xfffffffff0a00042n);
    expect(ok(m.mmu.walk(va))).toMatchObject({ pa: 0x40800042, size: 2 << 20 });
    expect(m.mmu.translate(va)).toMatchObject({ pa: 0x40800042 });
  });
});
