// The TLB: 4 KB entries in sets with round-robin replacement (the arm64 profile: 512 entries,
// 4-way, so 128 sets), ASID-tagged non-global entries, and the TLBI operations Linux uses.
// A stale entry keeps translating until it is invalidated, exactly as on hardware.

import { describe, expect, it } from "vitest";
import { profileMachine, put64, ARM64_A53 } from "../helpers/profile-machine.js";
import { MMU_V8_4K, type Machine } from "../../src/hw/machine.js";
import { toVirt } from "../../src/hw/address.js";

const AF = 1n << 10n;
const PAGE = 3n | AF | (3n << 8n) | (4n << 2n);
const BLOCK = 1n | AF | (3n << 8n) | (4n << 2n);
const NG = 1n << 11n;
const L1 = 0x40000000, L2 = 0x40001000, L3 = 0x40002000;
const K = (page: number) => toVirt(0xffffffc000000000n + BigInt(page) * 4096n);
/** The cacheable 1 GB alias of RAM (L1[257]) through which the "kernel" rewrites PTEs. */
const alias = (pa: number) => toVirt(0xffffffc040000000n + BigInt(pa - 0x40000000));

async function machine(): Promise<Machine> {
  const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 64 << 20 }] });
  put64(m, L1 + 256 * 8, BigInt(L2) | 3n);
  put64(m, L1 + 257 * 8, 0x40000000n | BLOCK);
  put64(m, L2 + 0 * 8, BigInt(L3) | 3n);
  put64(m, L2 + 1 * 8, 0x40200000n | BLOCK); // pages 512..1023
  for (let p = 0; p < 512; p++) put64(m, L3 + p * 8, BigInt(0x41000000 + p * 4096) | PAGE);
  m.mmu.setMair(0x0000bbff440c0400n);
  m.mmu.setTtbr(1, L1);
  m.mmu.setFormat(MMU_V8_4K, 39);
  return m;
}

const pa = (m: Machine, va: number) => {
  const r = m.mmu.translate(va);
  return "pa" in r ? r.pa : -r.fault;
};

describe("TLB (arm64 profile: 128 sets x 4 ways, round robin)", () => {
  it("replaces round robin within a set: pages 128 apart share one", async () => {
    const m = await machine();
    const s0 = m.backdoor.stats().tlb;
    for (const p of [0, 128, 256, 384, 512, 128, 256, 384, 512, 0, 128]) pa(m, K(p));
    const s1 = m.backdoor.stats().tlb;
    // Ways: 0→p0 1→p128 2→p256 3→p384; p512 evicts p0 (way 0); four hits; p0 evicts p128 (way 1);
    // p128 misses again and evicts p256 (way 2).
    expect(s1.misses - s0.misses).toBe(7);
    expect(s1.hits - s0.hits).toBe(4);
  });

  it("keeps translating through a stale entry until TLBI by VA or TLBI ALL", async () => {
    const m = await machine();
    expect(pa(m, K(5) + 8)).toBe(0x41005008);
    m.cpu.store64(alias(L3 + 5 * 8), 0x42000000n | PAGE); // the new PTE, seen by walks
    expect(pa(m, K(5) + 8)).toBe(0x41005008); // still the TLB's
    m.mmu.tlbiVa(K(6)); // another page: no effect
    expect(pa(m, K(5))).toBe(0x41005000);
    m.mmu.tlbiVa(K(5) + 0x123); // any address in the page
    expect(pa(m, K(5) + 8)).toBe(0x42000008);
    m.cpu.store64(alias(L3 + 5 * 8), 0x43000000n | PAGE);
    expect(pa(m, K(5))).toBe(0x42000000);
    m.mmu.tlbiAll();
    expect(pa(m, K(5))).toBe(0x43000000);
  });

  it("TLBI by VA of one page of a 2 MB block drops the whole block, not just that page", async () => {
    // Spec mmu-cache §5.3: TLBI VAAE1 removes the entry that translates the VA; for a block
    // that entry maps all 2 MB, so no page of the block may keep the old translation.
    const m = await machine();
    expect(pa(m, K(512))).toBe(0x40200000);
    expect(pa(m, K(700) + 4)).toBe(0x402bc004);
    expect(pa(m, K(5))).toBe(0x41005000);
    m.cpu.store64(alias(L2 + 1 * 8), 0x40600000n | BLOCK); // break-before-make elided
    m.cpu.store64(alias(L3 + 5 * 8), 0x42000000n | PAGE);
    m.mmu.tlbiVa(K(512));
    expect(pa(m, K(512))).toBe(0x40600000);
    expect(pa(m, K(700) + 4)).toBe(0x406bc004); // page 188 of the new block
    expect(pa(m, K(5))).toBe(0x41005000); // a page outside the block keeps its entry
  });

  it("tags non-global entries with the ASID; TLBI by ASID and by VA+ASID drop only theirs", async () => {
    const m = await machine();
    m.cpu.store64(alias(L3 + 7 * 8), 0x41007000n | PAGE | NG);
    m.mmu.tlbiAll();
    m.mmu.setAsid(1);
    expect(pa(m, K(7))).toBe(0x41007000);
    expect(pa(m, K(8))).toBe(0x41008000); // global
    m.mmu.setAsid(2);
    const s0 = m.backdoor.stats().tlb;
    expect(pa(m, K(7))).toBe(0x41007000); // ASID 2 has no entry: a walk
    expect(pa(m, K(8))).toBe(0x41008000); // the global entry serves every ASID
    const s1 = m.backdoor.stats().tlb;
    expect([s1.misses - s0.misses, s1.hits - s0.hits]).toEqual([1, 1]);

    m.cpu.store64(alias(L3 + 7 * 8), 0x45007000n | PAGE | NG);
    m.cpu.store64(alias(L3 + 8 * 8), 0x45008000n | PAGE);
    m.mmu.tlbiAsid(1); // ASID 1's entry for page 7 goes; ASID 2's and the global one stay
    expect(pa(m, K(7))).toBe(0x41007000);
    expect(pa(m, K(8))).toBe(0x41008000);
    m.mmu.setAsid(1);
    expect(pa(m, K(7))).toBe(0x45007000);
    expect(pa(m, K(8))).toBe(0x41008000);
    m.mmu.setAsid(2);
    m.mmu.tlbiVaAsid(K(8), 3); // a global entry goes whatever the ASID
    expect(pa(m, K(8))).toBe(0x45008000);
    expect(pa(m, K(7))).toBe(0x41007000);
    m.mmu.tlbiVaAsid(K(7), 2);
    expect(pa(m, K(7))).toBe(0x45007000);
  });

  it("TLBI by VA for all ASIDs (TLBI VAAE1) drops the page's non-global entries of every ASID", async () => {
    const m = await machine();
    m.cpu.store64(alias(L3 + 7 * 8), 0x41007000n | PAGE | NG);
    m.mmu.tlbiAll();
    m.mmu.setAsid(1);
    expect(pa(m, K(7))).toBe(0x41007000);
    m.mmu.setAsid(2);
    expect(pa(m, K(7))).toBe(0x41007000);
    m.cpu.store64(alias(L3 + 7 * 8), 0x45007000n | PAGE | NG);
    m.mmu.tlbiVa(K(7)); // issued under ASID 2, for every ASID
    expect(pa(m, K(7))).toBe(0x45007000);
    m.mmu.setAsid(1);
    expect(pa(m, K(7))).toBe(0x45007000); // ASID 1's entry went too
  });

  it("enters only successful walks: a fault is walked again after the PTE appears", async () => {
    const m = await machine();
    m.cpu.store64(alias(L3 + 9 * 8), 0n);
    expect(pa(m, K(9))).toBe(-1);
    m.cpu.store64(alias(L3 + 9 * 8), 0x41009000n | PAGE); // installing into an empty slot: no TLBI
    expect(pa(m, K(9))).toBe(0x41009000);
  });

  it("charges the walk only on a miss: a hit costs no time", async () => {
    const m = await machine();
    const t0 = m.now();
    m.mmu.translate(K(10));
    const miss = m.now() - t0;
    const t1 = m.now();
    m.mmu.translate(K(10) + 64);
    expect(m.now() - t1).toBe(0);
    expect(miss).toBeGreaterThan(0);
  });

  it("TLBI by VA of a block's last page drops the pieces of the block entered from its other pages", async () => {
    const m = await machine();
    // The PTE writes go through an alias of RAM below the kernel's tables (L1[255]), so that no
    // block the TLB holds reaches past the 2 MB block at pages 512..1023.
    put64(m, L1 + 255 * 8, 0x40000000n | BLOCK);
    const below = (pa: number) => toVirt(0xffffffbfc0000000n + BigInt(pa - 0x40000000));
    expect(pa(m, K(512))).toBe(0x40200000);
    expect(pa(m, K(700) + 4)).toBe(0x402bc004);
    m.cpu.store64(below(L2 + 1 * 8), 0x40600000n | BLOCK);
    m.mmu.tlbiVa(K(1023)); // page 511 of the block: never looked up, but the same TLB entry
    expect(pa(m, K(512))).toBe(0x40600000);
    expect(pa(m, K(700) + 4)).toBe(0x406bc004);
  });

  it("counts a walk for every miss, across a TLB reconfigured, and none for a debugger's walk", async () => {
    const m = await machine();
    const walks = () => m.backdoor.stats().tlb.walks;
    const w0 = walks();
    for (const p of [1, 2, 1, 3]) pa(m, K(p)); // three misses, one hit
    expect(walks() - w0).toBe(3);
    m.x.configureTlb(0, 0, 0); // TLB off: a new, empty one whose own misses start at 0
    expect(m.backdoor.stats().tlb.misses).toBe(0);
    expect(walks() - w0).toBe(3);
    for (const p of [1, 1]) pa(m, K(p)); // no TLB: both walk
    expect(m.backdoor.stats().tlb.misses).toBe(2);
    expect(walks() - w0).toBe(5);
    expect(m.mmu.walk(K(4))).toMatchObject({ pa: 0x41004000 }); // ptdump's walk: not counted
    expect(walks() - w0).toBe(5);
  });
});
