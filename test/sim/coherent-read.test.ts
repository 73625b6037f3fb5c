// The coherent-read bug kind's fix measures the cacheable buffer twice: the first read after
// dma_unmap_single (its lines invalidated, so they come from DRAM, as a receive's first pass
// does) and a second read from the caches. Its text used to call the warm read "synced once",
// a sync it never made, and gave only the warm ratio (17.8× on Zynq): more than twice what a
// driver reading a device-filled buffer once gains.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { BugResult } from "../../src/sim/scenarios/bugs.js";
import type { CpuProcessResult } from "../../src/sim/scenarios/cpu-process.js";

const LEN = 256 * 1024;

describe("bug coherent-read", () => {
  it("on zynq-7000: a first pass from DRAM as cpu-process measures it, and the unmap's PL310 invalidation", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    try {
      const r = s.run("bug", { kind: "coherent-read" }) as BugResult;
      const d = r.details as Record<string, number>;
      expect(r.reproduced).toBe(true);
      // The first pass misses every line, the second hits the 512 KiB L2: slower, but still far
      // faster than the uncached buffer.
      expect(d.firstPassCachedPs).toBeGreaterThan(d.cachedPs);
      expect(d.firstPassCachedPs).toBeLessThan(d.uncachedPs);
      expect(d.firstPassSlowdown).toBe(Math.round((d.uncachedPs / d.firstPassCachedPs) * 10) / 10);
      // On the same board, cpu-process reads a device-filled, unmapped buffer of the same size
      // and the uncached one: the same two reads by another path, so the same ratio.
      const cp = s.run("cpu-process", { size: LEN }) as CpuProcessResult;
      expect(d.firstPassSlowdown).toBeCloseTo(cp.processSlowdown, 1);
      // The unmap invalidates the PL310 by physical address, one register write per 32-byte
      // line, each at least the 24 ns of the A9's private bus (docs/calibration.md): 8192 lines.
      expect(d.unmapPs).toBeGreaterThanOrEqual((LEN / 32) * 24_000);
      expect(r.fixed).not.toMatch(/synced once/);
      expect(r.fixed).toContain(`first read after dma_unmap_single took ${(d.firstPassCachedPs / 1e6).toFixed(1)} µs, ${d.firstPassSlowdown}× faster`);
      expect(r.fixed).toContain(`second read from the caches ${(d.cachedPs / 1e6).toFixed(1)} µs, ${d.slowdown}× faster`);
    } finally {
      s.dispose();
    }
  });

  it("on arm64-ref: the unmap is DC by VA, 64-byte lines, far cheaper than the first pass's line fills", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    try {
      const d = (s.run("bug", { kind: "coherent-read" }) as BugResult).details as Record<string, number>;
      expect(d.firstPassCachedPs).toBeGreaterThan(d.cachedPs);
      expect(d.unmapPs).toBeLessThan(d.firstPassCachedPs);
      const cp = s.run("cpu-process", { size: LEN }) as CpuProcessResult;
      expect(d.firstPassSlowdown).toBeCloseTo(cp.processSlowdown, 1);
    } finally {
      s.dispose();
    }
  });

  it("on arm64-highmem: a bounced unmap's copy leaves the lines cached, and without swiotlb no first pass is claimed", async () => {
    const bouncing = await createSystem({ board: "arm64-highmem" });
    try {
      const r = bouncing.run("bug", { kind: "coherent-read" }) as BugResult;
      // The copy out of the slot wrote every byte through the caches: the first read hits them.
      expect(r.details.firstPassCachedPs).toBe(r.details.cachedPs);
      expect(r.fixed).toContain("the unmap's bounce copy left the lines in the caches");
      expect(r.fixed).not.toContain("the lines come from DRAM");
    } finally {
      bouncing.dispose();
    }
    const unreachable = await createSystem({ board: "arm64-highmem", swiotlb: "0" });
    try {
      const r = unreachable.run("bug", { kind: "coherent-read" }) as BugResult;
      expect(r.reproduced).toBe(true);
      expect(r.details).not.toHaveProperty("firstPassCachedPs");
      expect(r.fixed).toContain("not measured: dma_map_single failed, DMA_MAPPING_ERROR");
    } finally {
      unreachable.dispose();
    }
  });
});
