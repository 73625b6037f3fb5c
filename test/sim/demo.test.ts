import { describe, expect, it } from "vitest";
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
