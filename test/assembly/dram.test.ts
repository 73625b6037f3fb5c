// The DRAM controller's bus calendar (assembly/dram.ts) keeps bookings in a ring of buckets of
// bus time. On an idle machine the same uncached read costs the same whenever it starts, so a
// booking a whole ring earlier must not be found again in a recycled bucket. The ring's span
// (8192 buckets of 16.384 ns) only picks start times that would land on the same buckets.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const RING_PS = 8192 * 16384;
const LEN = 16 * 1024;

describe("DRAM bus calendar", () => {
  it("an uncached read started one ring span after the same read takes the same time", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const buf = dma_alloc_coherent(s.device("ff6e0000.dma-controller"), LEN, GFP_KERNEL)!;
    s.cpu.read(buf.cpuAddr, LEN); // TLB warm for both timed reads
    const timedAt = (t: number) => {
      s.machine.idleUntil(t);
      const t0 = s.now();
      s.cpu.read(buf.cpuAddr, LEN);
      return s.now() - t0;
    };
    const start = (Math.floor(s.now() / RING_PS) + 2) * RING_PS;
    const first = timedAt(start);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(RING_PS);
    // One span later the read finds the buckets it booked before, recycled: the bus is idle.
    expect(timedAt(start + RING_PS)).toBe(first);
    expect(timedAt(start + 3 * RING_PS)).toBe(first);
  });
});
