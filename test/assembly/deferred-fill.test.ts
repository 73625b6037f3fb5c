// A fill records that a line's bytes are DRAM's and copies them when first needed (cache.ts).
// Lines filled and never read — here by the cache benchmark's trace replay, which moves no data —
// must still behave as copies made at fill time: when a master then writes DRAM beneath them,
// every level keeps the old bytes.

import { describe, expect, it } from "vitest";
import { profileMachine, put32, ZYNQ_7000 } from "../helpers/profile-machine.js";
import { DC_INVAL, MMU_V7_SHORT } from "../../src/hw/machine.js";

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
});
