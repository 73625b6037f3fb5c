import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { zynq, arm64 } from "../helpers/system.js";
import { runDemo, formatDemo } from "../../src/sim/demo.js";

describe("the headline demo", () => {
  it("moves 1 MiB correctly both ways and exposes the missing sync on zynq-7000", async () => {
    const r = runDemo(await zynq());
    expect(r.coherentOk).toBe(true);
    expect(r.streamingOk).toBe(true);
    expect(r.bug.staleBytes).toBeGreaterThan(0);
    expect(r.bug.withSyncStaleBytes).toBe(0);
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
