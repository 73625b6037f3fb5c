// A DSB completes when the memory accesses before it have completed (Arm ARM). A store that no
// cache keeps — write-through, or no-write-allocate missing every level — completes only when it
// has reached DRAM, so a DSB right after it waits for that; a store into the cache completes
// there, and a DSB after it waits for nothing.

import { describe, expect, it } from "vitest";
import { ARM64_A53, dramTransferPs } from "../helpers/profile-machine.js";
import { memoryTypesMachine, P } from "../helpers/memory-types-machine.js";
import type { Machine } from "../../src/hw/machine.js";

// Cortex-A53 profile: DRAM answers 90 ns after a request and moves 7680 MB/s, so a 4-byte store
// holds the bus 520 ps. Nothing else is on the bus when each store leaves.
const wordOut = ARM64_A53.dram.latencyNs * 1000 + dramTransferPs(ARM64_A53, 4); // 90520

/** How long a DSB takes the CPU. */
function dsb(m: Machine): number {
  const t = m.now();
  m.cpu.barrier();
  return m.now() - t;
}

/** The walks to P(0)..P(3), and every write they caused gone to DRAM. */
function warm(m: Machine): void {
  for (let n = 0; n < 4; n++) m.cpu.load(P(n) + 0x800, 4);
  m.cpu.spend(1000);
  expect(dsb(m)).toBe(0);
}

describe("a DSB waits for stores that went around the caches to reach DRAM", () => {
  it("a write-through store: the store ends at once, the DSB right after it waits for DRAM", async () => {
    const m = await memoryTypesMachine();
    warm(m);
    const t0 = m.now();
    m.cpu.store(P(2) + 64, 4, 0x1234); // misses L1 and L2, allocates nothing
    expect(m.now() - t0).toBeLessThan(ARM64_A53.dram.latencyNs * 1000);
    expect(m.backdoor.lineState(1, 0x40600040)).toBe(0);
    expect(dsb(m)).toBe(wordOut);
    expect(dsb(m)).toBe(0);
  });

  it("a no-write-allocate store that misses every level is waited for; one that hits L1 stays in the cache", async () => {
    const m = await memoryTypesMachine();
    warm(m);
    m.cpu.store(P(3) + 64, 4, 0x1111);
    expect(m.backdoor.lineState(1, 0x40700040)).toBe(0);
    expect(dsb(m)).toBe(wordOut);
    m.cpu.load(P(3) + 128, 4); // the line comes into L1
    m.cpu.store(P(3) + 128, 4, 0x2222); // a hit: the line is dirty, DRAM untouched
    expect(m.backdoor.lineState(1, 0x40700080)).toBe(2 + 4);
    expect(dsb(m)).toBe(0);
  });

  it("a DSB long after the store waits for nothing", async () => {
    const m = await memoryTypesMachine();
    warm(m);
    m.cpu.store(P(2) + 64, 4, 0x1234);
    m.cpu.spend(1000); // 0.83 us of instructions
    expect(dsb(m)).toBe(0);
  });

  it("write-back stores complete into the cache: a DSB after them waits for nothing", async () => {
    const m = await memoryTypesMachine();
    warm(m);
    m.cpu.write(P(0), new Uint8Array(256).fill(7)); // misses, whose fills the stores wait for
    m.cpu.store(P(0) + 8, 4, 9);
    expect(dsb(m)).toBe(0);
  });
});
