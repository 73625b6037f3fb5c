// Machine profiles a user configures (PROFILES + createSystem's `profile`): geometry the silicon
// cannot be built from is a BoardError naming the field before anything boots, not a wasm trap,
// a hang or a cache indexed by garbage.

import { afterEach, describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { BoardError } from "../../src/hw/board.js";
import { PROFILES, ARM64_A53, ZYNQ_7000, type MachineProfile } from "../../src/hw/profile.js";

async function boot(over: Partial<MachineProfile>, base = ARM64_A53, board = "arm64-ref") {
  PROFILES.custom = { ...base, name: "custom", ...over };
  return createSystem({ board, profile: "custom" });
}

afterEach(() => {
  delete PROFILES.custom;
});

const a = ARM64_A53;
const cases: [string, Partial<MachineProfile>, string][] = [
  ["0 L1 ways", { l1d: { ...a.l1d, ways: 0 } }, "l1d ways 0 is not a whole number ≥ 1"],
  ["a 0-byte L1", { l1d: { ...a.l1d, sizeBytes: 0 } }, "l1d sizeBytes 0 is not a whole number from 1 to 67108864 (64 MiB)"],
  ["a NaN-byte L1", { l1d: { ...a.l1d, sizeBytes: NaN } }, "l1d sizeBytes NaN is not a whole number from 1 to 67108864 (64 MiB)"],
  ["a 1 GiB L1", { l1d: { ...a.l1d, sizeBytes: 2 ** 30 } }, "l1d sizeBytes 1073741824 is not a whole number from 1 to 67108864 (64 MiB)"],
  ["32 KB in 3 ways", { l1d: { ...a.l1d, ways: 3 } }, "l1d: 32768 bytes / (3 ways × 64-byte lines) = 170.667 sets, not a power of two"],
  ["40 KB in 4 ways", { l1d: { ...a.l1d, sizeBytes: 40 * 1024 } }, "l1d: 40960 bytes / (4 ways × 64-byte lines) = 160 sets, not a power of two"],
  ["48-byte lines", { l1d: { ...a.l1d, lineBytes: 48 }, l2: { ...a.l2!, lineBytes: 48 } }, "l1d lineBytes 48 is not a power of two from 16 to 128"],
  ["8-byte lines", { l1d: { ...a.l1d, lineBytes: 8 }, l2: { ...a.l2!, lineBytes: 8 } }, "l1d lineBytes 8 is not a power of two from 16 to 128"],
  ["0 L2 ways", { l2: { ...a.l2!, ways: 0 } }, "l2 ways 0 is not a whole number ≥ 1"],
  ["an L2 of fewer lines than ways", { l2: { ...a.l2!, sizeBytes: 1024, ways: 32 } }, "l2: 1024 bytes / (32 ways × 64-byte lines) = 0.5 sets, not a power of two"],
  ["L1 and L2 lines differ", { l2: { ...a.l2!, lineBytes: 32 } }, "L1 and L2 line sizes differ (64 / 32); the model needs one line size"],
  ["a TLB of 512 entries in 3 ways", { tlb: { entries: 512, ways: 3 } }, "tlb: 512 entries / 3 ways = 170.667 sets, not a power of two"],
  ["a TLB of 0 ways", { tlb: { entries: 512, ways: 0 } }, "tlb ways 0 is not a whole number from 1 to 255"],
  ["a walk cache of 64 entries in 3 ways", { walk: { ...a.walk, cacheWays: 3 } }, "walk cache: 64 entries / 3 ways = 21.333 sets, not a power of two"],
  ["a 48-byte DC ZVA block", { cpu: { ...a.cpu, zvaBytes: 48 } }, "cpu zvaBytes 48 is not 0 or a power of two from the line size (64) to 2048"],
  ["a 0 MHz CPU", { cpu: { ...a.cpu, clockMHz: 0 } }, "cpu clockMHz 0 is not a positive number"],
  ["DRAM of 0 MB/s", { dram: { ...a.dram, bandwidthMBps: 0 } }, "dram bandwidthMBps 0 is not a positive number"],
  ["a negative snoop lookup", { cpu: { ...a.cpu, snoopLookupCycles: -1 } }, "cpu snoopLookupCycles -1 is not a number ≥ 0"],
  ["a NaN snoop hit", { cpu: { ...a.cpu, snoopHitCycles: NaN } }, "cpu snoopHitCycles NaN is not a number ≥ 0"],
];

describe("profile checks", () => {
  for (const [what, over, message] of cases) {
    it(`${what}: BoardError "${message}"`, async () => {
      const err = await boot(over).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(BoardError);
      expect((err as Error).message).toBe(`profile custom: ${message}`);
    });
  }

  it("geometry that is unusual but consistent boots and holds data: 48 KB 3-way L1, 4-entry direct-mapped TLB, no L2", async () => {
    const s = await boot({ l1d: { ...a.l1d, sizeBytes: 48 * 1024, ways: 3 }, l2: undefined, tlb: { entries: 4, ways: 1 } });
    const va = s.kernel.kmalloc(8192, 0);
    s.cpu.fill(va, 0x5a, 8192);
    expect(s.cpu.read(va, 8192).every((b) => b === 0x5a)).toBe(true);
    s.dispose();
  });

  it("an L2 smaller than L1 is unusual, not inconsistent: it boots, and a DMA copy through it is exact", async () => {
    // The L2 takes L1's victims (non-inclusive, hierarchy.ts), so any size works.
    const s = await boot({ l2: { ...a.l2!, sizeBytes: 4096, ways: 4 } });
    const r = s.run("memcpy", { size: "64K", buffers: "streaming" }) as { ok: boolean };
    expect(r.ok).toBe(true);
    s.dispose();
  });

  it("the built-in profiles pass", async () => {
    const z = await boot({}, ZYNQ_7000, "zynq-7000");
    expect(z.machine.profile.l2?.outer).toBe(true);
    z.dispose();
  });
});
