// A fill records that a line's bytes are DRAM's and copies them when first needed (cache.ts).
// Lines filled and never read — here by the cache benchmark's trace replay, which moves no data —
// must still behave as copies made at fill time: when a master then writes DRAM beneath them,
// every level keeps the old bytes.

import { describe, expect, it } from "vitest";
import { profileMachine, put32, put64, ZYNQ_7000, ARM64_A53 } from "../helpers/profile-machine.js";
import { DC_INVAL, MMU_V7_SHORT, MMU_V8_4K } from "../../src/hw/machine.js";
import { toVirt } from "../../src/hw/address.js";

describe("deferred line fills", () => {
  it("keep the bytes DRAM had at fill time when DRAM changes beneath them", async () => {
    const m = await profileMachine(ZYNQ_7000, { ram: [{ base: 0, size: 0x0c000000 }] });
    const ttb = 0x00f00000; // away from the trace's addresses
    for (let mb = 0; mb < 16; mb++) put32(m, ttb + (0xc00 + mb) * 4, (mb << 20) | 0x1140e);
    m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
    m.mmu.setDacr(0x55555555);
    m.mmu.setTtbr(0, ttb);
    m.mmu.setFormat(MMU_V7_SHORT);
    // cache.c's trace starts with the stride-4 sweep from address 0: line 0 is filled, unread.
    m.x.benchCacheTraceGenerate(8);
    m.x.benchCacheTraceReplay(0, 8);
    expect(m.backdoor.lineState(1, 0) & 3).not.toBe(0);
    m.backdoor.write(0, Uint8Array.of(1, 2, 3, 4)); // a non-coherent master writes DRAM
    expect(m.backdoor.lineState(1, 0) & 4).toBe(4); // both cached copies now differ
    expect(m.backdoor.lineState(2, 0) & 4).toBe(4);
    expect(m.cpu.load(0xc0000000, 4)).toBe(0);
    m.cpu.dcache(DC_INVAL, 0xc0000000, 32); // L1 only: the PL310's copy is as old
    expect(m.cpu.load(0xc0000000, 4)).toBe(0);
    expect(m.backdoor.read(0, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it("a table walk that finds its descriptor in a deferred L2 line reads DRAM's bytes, then the copy made when DRAM changes", async () => {
    // A53 profile: L1 32 KB, 4 ways, 64-byte lines (128 sets, LRU); walks allocate in L2.
    const m = await profileMachine(ARM64_A53, { ram: [{ base: 0, size: 0x0c000000 }] });
    const BLOCK = 1n | (1n << 10n) | (3n << 8n) | (4n << 2n); // 1 GB block: AF, inner shareable, AttrIndx 4
    // TTBR0's level-1 table at PA 0, the line the trace fills: entry 0 maps VA 0 → PA 0, entry 1
    // VA 0x4000_0000 → PA 0x8000_0000. TTBR1's table elsewhere maps 0xffff_ffc0_0000_0000 → PA 0.
    put64(m, 0, 0x00000000n | BLOCK);
    put64(m, 8, 0x80000000n | BLOCK);
    put64(m, 0x00f00000 + 256 * 8, 0x00000000n | BLOCK);
    m.mmu.setMair(0x0000bbff440c0400n); // index 4: Normal WB
    m.mmu.setTtbr(0, 0);
    m.mmu.setTtbr(1, 0x00f00000);
    m.mmu.setFormat(MMU_V8_4K, 39);
    m.x.benchCacheTraceGenerate(8); // fills line 0 into L1 and L2, its bytes left in DRAM
    m.x.benchCacheTraceReplay(0, 8);
    // Four loads of lines 8 KB apart (set 0, tag bytes 1..4) push line 0 out of L1: only L2's
    // deferred copy is left.
    for (let k = 1; k <= 4; k++) m.cpu.load(Number(toVirt(0xffffffc000000000n + BigInt(k * 8192))), 4);
    expect(m.backdoor.lineState(1, 0) & 3).toBe(0);
    expect(m.backdoor.lineState(2, 0) & 3).not.toBe(0);
    // The walk of VA 0x1234 reads L1 entry 0 from that L2 line: the descriptor written at PA 0.
    expect(m.mmu.translate(0x1234)).toMatchObject({ pa: 0x1234 });
    // A non-coherent master rewrites entry 1 in DRAM: L2's copy keeps the old descriptor, and the
    // walk (an L2 hit, no snoop of DRAM) still maps VA 0x4000_0010 to PA 0x8000_0010.
    put64(m, 8, 0xc0000000n | BLOCK);
    expect(m.backdoor.lineState(2, 0) & 4).toBe(4);
    expect(m.mmu.translate(0x40000010)).toMatchObject({ pa: 0x80000010 });
  });
});
