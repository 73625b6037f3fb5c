import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { zynq, arm64 } from "../helpers/system.js";
import { runDemo, formatDemo } from "../../src/sim/demo.js";
import { pattern, countDifferent } from "../../src/sim/phase.js";
import { editedSystem } from "../helpers/edited-system.js";

describe("the headline demo", () => {
  it("moves 1 MiB correctly both ways and exposes the missing sync on zynq-7000", async () => {
    const r = runDemo(await zynq());
    expect(r.coherentOk).toBe(true);
    expect(r.streamingOk).toBe(true);
    expect(r.bug.staleBytes).toBeGreaterThan(0);
    expect(r.bug.withSyncStaleBytes).toBe(0);
    expect(r.bug.bounced).toBe(false);
    const dma = r.coherent.find((p) => p.name === "DMA memcpy")!;
    // Below the 1776 MB/s ceiling of a 64-bit AXI port at 222 MHz, and not absurdly far from it.
    expect(dma.mbPerSec).toBeLessThanOrEqual(1776);
    expect(dma.mbPerSec).toBeGreaterThan(1000);
    // The CPU reads an uncached coherent buffer several times slower than a cached one.
    const ncRead = r.coherent.find((p) => p.name === "CPU verify destination")!;
    const wbRead = r.streaming.find((p) => p.name === "CPU verify destination")!;
    expect(ncRead.timePs).toBeGreaterThan(2 * wbRead.timePs);
    expect(formatDemo(r)).toMatch(/stale bytes/);
  });

  it("is deterministic: two runs give the same cycles", async () => {
    const a = runDemo(await zynq());
    const b = runDemo(await zynq());
    expect(b).toEqual(a);
  });

  it("runs on the arm64 board, where the stale data is the whole cached buffer", async () => {
    const r = runDemo(await arm64(), { size: "256K" });
    expect(r.coherentOk && r.streamingOk).toBe(true);
    expect(r.bug.staleBytes).toBeGreaterThan(0.9 * r.bytes);
  });
});

describe("the demo's breakdown of simulated time", () => {
  it("zynq: the map/unmap phases are cache maintenance, nothing is bounced", async () => {
    const r = runDemo(await zynq(), { size: "256K" });
    const map = r.streaming.find((p) => p.name === "dma_map_single x2")!;
    expect(map.maintenancePs).toBeGreaterThan(0.95 * map.timePs);
    expect(map.bouncePs).toBe(0);
    expect(r.coherent.every((p) => p.maintenancePs === 0)).toBe(true);
    expect(formatDemo(r)).toMatch(/cache maint\.\s+bounce copies/);
  });

  it("arm64 with RAM above 4 GB: the buffers bounce, and the copies are most of the mapping time", async () => {
    const r = runDemo(await createSystem({ board: "arm64-highmem" }), { size: "64K" });
    const map = r.streaming.find((p) => p.name === "dma_map_single x2")!;
    const unmap = r.streaming.find((p) => p.name === "dma_unmap_single x2")!;
    // Modern swiotlb copies both buffers in at map time, and only the FROM_DEVICE one back.
    expect(map.bouncedBytes).toBe(2 * 65536);
    expect(unmap.bouncedBytes).toBe(65536);
    expect(map.bouncePs).toBeGreaterThan(map.maintenancePs);
    expect(r.streamingOk).toBe(true);
    expect(formatDemo(r)).toMatch(/% swiotlb bounce copies/);
  });

  it("refuses a size the device cannot map through swiotlb, saying which size would do", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    expect(() => runDemo(s, { size: "1M" })).toThrow(/dma_max_mapping_size 256 KiB.*use --size 256K/);
  });
});

describe("the demo's bug line names where the stale bytes come from", () => {
  /** The bug line's two lines, from the printed demo. */
  const bugLines = (text: string) => text.split("\n").slice(-2);

  it.each([
    { board: "arm64-highmem", swiotlb: undefined },
    { board: "arm64-ref", swiotlb: { force: true } },
  ])("$board (swiotlb $swiotlb): the receive mapping bounces, so the buffer keeps the first transfer's bytes: the bounce buffer, not the caches", async (options) => {
    const r = runDemo(await createSystem(options), { size: "256K" });
    expect(r.bug.bounced).toBe(true);
    // The device wrote the second transfer into the swiotlb slot only: without the sync that
    // copies it back, the CPU reads exactly the first transfer (pattern 11; the second is 12)
    // wherever the two differ, cached or not.
    const stale = countDifferent(pattern(262144, 11), pattern(262144, 12));
    expect(r.bug.staleBytes).toBe(stale);
    expect(r.bug.withSyncStaleBytes).toBe(0);
    expect(bugLines(formatDemo(r))).toEqual([
      `bug: a reused receive buffer read without dma_sync_single_for_cpu: the CPU saw ${stale.toLocaleString("en-US")} stale bytes`,
      `     of 262,144 (${((100 * stale) / 262144).toFixed(1)} %), from the previous transfer: the device's data is still in the swiotlb bounce buffer; with the sync: 0.`,
    ]);
  });

  it("arm64-ref without swiotlb: the mapping is direct, the stale bytes are the caches'", async () => {
    const r = runDemo(await arm64(), { size: "256K" });
    expect(r.bug.bounced).toBe(false);
    expect(bugLines(formatDemo(r))[1]).toMatch(/^ {5}of 262,144 \(\d+\.\d %\), still in its caches from the previous transfer; with the sync: 0\.$/);
  });

  it("arm64-ref, modern kernel, 96 bytes: only the receive mapping bounces (a kmalloc-96 buffer is not whole 64-byte lines), and the line says so", async () => {
    // dma_kmalloc_needs_bounce bounces a small kmalloc buffer that is not a whole number of cache
    // lines, for DMA_FROM_DEVICE and BIDIRECTIONAL only: the DMA_TO_DEVICE source maps directly.
    // The CPU then reads the first transfer (pattern 11) wherever the second (12) differs.
    const r = runDemo(await arm64(), { size: "96" });
    expect(r.bug.bounced).toBe(true);
    const stale = countDifferent(pattern(96, 11), pattern(96, 12));
    expect(r.bug).toEqual({ staleBytes: stale, bytes: 96, withSyncStaleBytes: 0, bounced: true });
    expect(bugLines(formatDemo(r))[1]).toBe(`     of 96 (${((100 * stale) / 96).toFixed(1)} %), from the previous transfer: the device's data is still in the swiotlb bounce buffer; with the sync: 0.`);
  });

  it("a dma-coherent PL330 leaves nothing stale, and the line names no cause", async () => {
    const s = await editedSystem("zynq-7000", (tree) => {
      for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
    });
    const r = runDemo(s, { size: "64K" });
    expect(r.bug).toEqual({ staleBytes: 0, bytes: 65536, withSyncStaleBytes: 0, bounced: false });
    expect(bugLines(formatDemo(r))[1]).toBe("     of 65,536 (0.0 %); with the sync: 0.");
  });
});
