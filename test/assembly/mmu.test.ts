// Table walks over hand-written tables: expected translations and faults follow from the
// descriptor formats of spec mmu-cache §1 and §3, computed by hand here.

import { describe, expect, it } from "vitest";
import { bareMachine, put32, put64, ARM64_A53 } from "../helpers/bare-machine.js";
import { MMU_V7_SHORT, MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import { toVirt } from "../../src/hw/address.js";

const MAIR_49 = 0x0000bbff440c0400n; // 4.9: index 4 Normal WB, 3 Normal NC, 1 Device-nGnRE
const PAGE = 0x00e8000000000713n; // AttrIndx 4, AF, SH inner, page
const BLOCK = 0x00e8000000000711n;
const NC_PAGE = 0x00e800000000070fn; // AttrIndx 3

async function v8machine(): Promise<Machine> {
  const m = await bareMachine({ profile: ARM64_A53, ram: [{ base: 0x40000000, size: 64 << 20 }] });
  const L1 = 0x40000000, L2 = 0x40001000, L3 = 0x40002000;
  // Kernel VA 0xffffffc000000000: L1 index 256 → L2 table; its L2[0] → L3 table, L2[1] a 2 MB block.
  put64(m, L1 + 256 * 8, BigInt(L2) | 3n);
  put64(m, L2 + 0 * 8, BigInt(L3) | 3n);
  put64(m, L2 + 1 * 8, 0x40200000n | BLOCK); // VA +2 MB → PA 0x40200000
  put64(m, L3 + 5 * 8, 0x40345000n | PAGE); // VA +0x5000 → PA 0x40345000
  put64(m, L3 + 6 * 8, 0x40346000n | NC_PAGE);
  put64(m, L3 + 7 * 8, 0x40347000n | (PAGE & ~(1n << 10n))); // AF clear
  // L1[257]: a 1 GB block of the first GB of RAM (VA 0xffffffc040000000 → PA 0x40000000).
  put64(m, L1 + 257 * 8, 0x40000000n | BLOCK);
  m.mmu.setMair(MAIR_49);
  m.mmu.setTtbr(1, L1);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}

const K = (off: bigint) => toVirt(0xffffffc000000000n + off);

describe("VMSAv8-64 4 KB granule walk (39-bit VA)", () => {
  it("translates pages, 2 MB blocks and 1 GB blocks", async () => {
    const m = await v8machine();
    expect(m.mmu.walk(K(0x5123n))).toEqual({ pa: 0x40345123, attr: 0 });
    expect(m.mmu.walk(K(0x200000n + 0x1234n))).toMatchObject({ pa: 0x40201234 });
    expect(m.mmu.walk(K(0x40000000n + 0x777n))).toMatchObject({ pa: 0x40000777 });
  });
  it("resolves the memory type through MAIR (AttrIndx 3 = Normal NC)", async () => {
    const m = await v8machine();
    expect(m.mmu.walk(K(0x6000n))).toMatchObject({ pa: 0x40346000, attr: 1 });
  });
  it("reports translation faults with their level and access-flag faults", async () => {
    const m = await v8machine();
    expect(m.mmu.walk(K(0x8000n))).toEqual({ fault: 1, level: 3 }); // empty L3 entry
    expect(m.mmu.walk(K(0x400000n))).toEqual({ fault: 1, level: 2 }); // empty L2 entry
    expect(m.mmu.walk(toVirt(0xffffffc080000000n))).toEqual({ fault: 1, level: 1 });
    expect(m.mmu.walk(K(0x7000n))).toEqual({ fault: 2, level: 3 });
    // Bits [63:39] neither all ones nor all zeros: no table translates it.
    expect(m.mmu.walk(toVirt(0xff00000000000000n))).toEqual({ fault: 1, level: 0 });
  });
  it("fills the TLB on a miss and hits it afterwards", async () => {
    const m = await v8machine();
    const before = m.backdoor.stats().tlb;
    m.mmu.translate(K(0x5000n));
    m.mmu.translate(K(0x5008n));
    m.mmu.translate(K(0x5ff0n));
    const after = m.backdoor.stats().tlb;
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(2);
  });
  it("loads through the walk and the caches: bytes come from the mapped PA", async () => {
    const m = await v8machine();
    m.backdoor.write(0x40345100, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    expect(m.cpu.load(K(0x5100n), 4)).toBe(0xefbeadde);
  });
  it("sees a descriptor the CPU just wrote through a cacheable alias (walks are coherent)", async () => {
    const m = await v8machine();
    // Map VA +0x9000 by storing the PTE through the 1 GB block alias of the L3 table.
    const l3Alias = K(0x40000000n + 0x2000n + 9n * 8n);
    m.cpu.store64(l3Alias, 0x40350000n | PAGE);
    expect(m.backdoor.lineState(1, 0x40002048)).toBe(2 + 4); // dirty in L1, DRAM still empty
    expect(m.mmu.walk(K(0x9abcn))).toMatchObject({ pa: 0x40350abc });
  });
});

describe("ARMv7 short-descriptor walk with Linux's TEX remap", () => {
  async function v7machine(): Promise<Machine> {
    const m = await bareMachine({ ram: [{ base: 0, size: 64 << 20 }] });
    const TTB = 0x4000;
    put32(m, TTB + 0xc00 * 4, 0x00000000 | 0x1140e); // 1 MB section, n = 7 (WBWA)
    put32(m, TTB + 0xe08 * 4, 0x00100000 | 0x1); // coarse table at PA 0x100000
    put32(m, 0x100000 + 0x03 * 4, 0x00123000 | 0x417); // small page, n = 1 (Normal NC)
    put32(m, 0x100000 + 0x04 * 4, 0x00124000 | 0x453); // small page, n = 4 (Device)
    // A 64 KB large page is repeated in 16 consecutive entries.
    for (let i = 0x10; i < 0x20; i++) put32(m, 0x100000 + i * 4, 0x00200000 | 0x1 | 0x10 | 0xc | 0x400 | 0x1000);
    m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
    m.mmu.setDacr(0x55555555);
    m.mmu.setTtbr(0, TTB);
    m.mmu.setFormat(MMU_V7_SHORT);
    return m;
  }
  it("translates sections, small pages and large pages", async () => {
    const m = await v7machine();
    expect(m.mmu.walk(0xc0012345)).toEqual({ pa: 0x00012345, attr: 0 });
    expect(m.mmu.walk(0xe0803abc)).toMatchObject({ pa: 0x00123abc, attr: 1 });
    expect(m.mmu.walk(0xe0804000)).toMatchObject({ pa: 0x00124000, attr: 2 });
    expect(m.mmu.walk(0xe081abcd)).toMatchObject({ pa: 0x0020abcd });
  });
  it("faults on empty first- and second-level entries, and on domain 'no access'", async () => {
    const m = await v7machine();
    expect(m.mmu.walk(0xd0000000)).toEqual({ fault: 1, level: 1 });
    expect(m.mmu.walk(0xe0805000)).toEqual({ fault: 1, level: 2 });
    m.mmu.setDacr(0x55555554); // domain 0: no access
    expect(m.mmu.walk(0xc0000000)).toEqual({ fault: 5, level: 1 });
  });
});
