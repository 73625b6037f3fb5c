// The cpu-process scenario's third way, "noncoherent" (dma_alloc_noncoherent + syncs): on a
// modern kernel the CPU reads it as fast as the cached way's buffer; on 4.9 it gets what the
// kernel really gave, the uncached coherent buffer, and reads it as slowly as the uncached way.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import { run, type CpuProcessResult } from "../../../src/sim/scenarios/cpu-process.js";

/** |a/b - 1| within 5%: the ways read the same bytes from DRAM-backed buffers whose layout
 *  differs, so the model's times differ at most by a few line fills. */
const close = (a: number, b: number) => Math.abs(a / b - 1) <= 0.05;

async function cpuProcess(board: string, kernel?: "v4.9"): Promise<CpuProcessResult> {
  const s = await createSystem({ board, ...(kernel ? { kernel } : {}) });
  return run(s, { size: "16K" });
}

describe.each(["zynq-7000", "arm64-ref"])("cpu-process noncoherent way, %s", (board) => {
  it("modern: cacheable pages read at the cached way's speed, faster than uncached by the board's slowdown", async () => {
    const r = await cpuProcess(board);
    const n = r.noncoherent;
    expect(n.ok).toBe(true);
    expect(n.memType).toBe("Normal WB");
    expect(n.totalPs).toBe(n.receive.timePs + n.sync.timePs + n.process.timePs);
    expect(n.sync.maintenancePs).toBeGreaterThan(0); // dma_sync_single_for_cpu invalidates the range
    expect(close(n.process.timePs, r.cached.process.timePs)).toBe(true);
    const uncachedOverCached = r.uncached.process.timePs / r.cached.process.timePs;
    expect(uncachedOverCached).toBeGreaterThan(2);
    expect(close(r.uncached.process.timePs / n.process.timePs, uncachedOverCached)).toBe(true);
    expect(r.noncoherentProcessSpeedup).toBe(Math.round((r.uncached.process.timePs / n.process.timePs) * 100) / 100);
  });

  it("4.9: DMA_ATTR_NON_CONSISTENT is ignored, the buffer is uncached and reads as slowly as the uncached way", async () => {
    const r = await cpuProcess(board, "v4.9");
    const n = r.noncoherent;
    expect(n.ok).toBe(true);
    expect(n.memType).toBe("Normal NC");
    expect(close(n.process.timePs, r.uncached.process.timePs)).toBe(true);
    expect(n.process.timePs).toBeGreaterThan(2 * r.cached.process.timePs);
    expect(r.fastest).not.toBe("noncoherent");
  });
});
