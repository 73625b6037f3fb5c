// The CPU port honours each access's memory type from its descriptor (spec mmu-cache §1.3):
// Normal write-back through the caches, Normal non-cacheable and Device straight to DRAM,
// write-through updating DRAM on every store, no-write-allocate stores bypassing L1 on a miss.

import { describe, expect, it } from "vitest";
import { profileMachine, ARM64_A53 } from "../helpers/profile-machine.js";
import { memoryTypesMachine, P } from "../helpers/memory-types-machine.js";

/** The same page twice: P(0) write-back, P(1) its non-cacheable alias. */
const arm64 = () => memoryTypesMachine({ ncAliasesWriteBack: true });

describe("memory types per access", () => {
  it("Normal non-cacheable: reads and writes go to DRAM and allocate nothing", async () => {
    const m = await arm64();
    m.cpu.store(P(1) + 64, 4, 0x12345678);
    expect(m.backdoor.read(0x40500040, 4)).toEqual(Uint8Array.of(0x78, 0x56, 0x34, 0x12));
    expect(m.cpu.load(P(1) + 64, 4)).toBe(0x12345678);
    expect(m.backdoor.lineState(1, 0x40500040)).toBe(0);
    expect(m.backdoor.lineState(2, 0x40500040)).toBe(0);
  });

  it("a non-cacheable alias does not see a cacheable alias's dirty line (mismatched attributes)", async () => {
    const m = await arm64();
    m.cpu.store(P(0), 4, 0xcafe);
    expect(m.cpu.load(P(1), 4)).toBe(0);
    m.cpu.dcache(0, P(0), 4);
    expect(m.cpu.load(P(1), 4)).toBe(0xcafe);
  });

  it("write-through: every store reaches DRAM; a store miss allocates nothing; lines stay clean", async () => {
    const m = await arm64();
    m.cpu.store(P(2) + 8, 4, 0xaa55);
    expect(m.backdoor.read(0x40600008, 2)).toEqual(Uint8Array.of(0x55, 0xaa));
    expect(m.backdoor.lineState(1, 0x40600000)).toBe(0);
    expect(m.cpu.load(P(2), 4)).toBe(0); // a load allocates
    expect(m.backdoor.lineState(1, 0x40600000)).toBe(1);
    m.cpu.store(P(2), 4, 0x77);
    expect(m.backdoor.lineState(1, 0x40600000)).toBe(1);
    expect(m.cpu.load(P(2), 4)).toBe(0x77);
    expect(m.backdoor.read(0x40600000, 1)).toEqual(Uint8Array.of(0x77));
  });

  it("no write-allocate: a store miss goes below L1; a store hit dirties the line", async () => {
    const m = await arm64();
    m.cpu.store(P(3), 4, 0x1111);
    expect(m.backdoor.lineState(1, 0x40700000)).toBe(0);
    expect(m.backdoor.read(0x40700000, 2)).toEqual(Uint8Array.of(0x11, 0x11));
    expect(m.cpu.load(P(3) + 4, 4)).toBe(0);
    m.cpu.store(P(3) + 4, 4, 0x2222);
    expect(m.backdoor.lineState(1, 0x40700000)).toBe(2 + 4);
  });

  it("Device memory on RAM is uncached and costs a bus round trip per access", async () => {
    const m = await arm64();
    m.cpu.store(P(4), 4, 5);
    expect(m.backdoor.read(0x40800000, 1)).toEqual(Uint8Array.of(5));
    m.mmu.translate(P(4));
    const t = m.now();
    expect(m.cpu.load(P(4), 4)).toBe(5);
    expect(m.now() - t).toBeGreaterThanOrEqual(ARM64_A53.dram.latencyNs * 1000);
    expect(m.backdoor.lineState(1, 0x40800000)).toBe(0);
  });

  it("with the MMU off every access is Device: VA = PA, uncached", async () => {
    const m = await profileMachine(ARM64_A53, { ram: [{ base: 0x40000000, size: 1 << 20 }] });
    m.cpu.store(0x40000100, 4, 9);
    expect(m.backdoor.read(0x40000100, 1)).toEqual(Uint8Array.of(9));
    expect(m.backdoor.lineState(1, 0x40000100)).toBe(0);
  });
});
