// What an uncached coherent buffer costs the CPU: reading 1 MiB through the Normal non-cacheable
// mapping dma_alloc_coherent gives a non-coherent device, against reading 1 MiB of cold
// cacheable kmalloc memory — in simulated time, on both boards. Zynq users report about 5×;
// bench/RESULTS.md records the model's figures (also `dmasim bench`, cpu.read1M.*).

import { describe, expect, it } from "vitest";
import { zynq, arm64, ZYNQ_DMAC, ARM64_DMAC } from "../helpers/system.js";
import type { System } from "../../src/system.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";

const MiB = 1 << 20;

function readTimes(s: System, dmac: string) {
  const nc = dma_alloc_coherent(s.device(dmac), MiB, GFP_KERNEL)!;
  const wb = s.kernel.kmalloc(MiB, GFP_KERNEL);
  const time = (va: number) => {
    const t0 = s.now();
    s.cpu.read(va, MiB);
    return s.now() - t0;
  };
  return { uncached: time(nc.cpuAddr), cached: time(wb) };
}

describe("reading 1 MiB uncached vs cached", () => {
  it("zynq-7000: several times slower through the non-cacheable mapping", async () => {
    const t = readTimes(await zynq(), ZYNQ_DMAC);
    expect(t.uncached / t.cached).toBeGreaterThan(3);
    expect(t.uncached / t.cached).toBeLessThan(10);
  });

  it("arm64: several times slower through the non-cacheable mapping", async () => {
    const t = readTimes(await arm64(), ARM64_DMAC);
    expect(t.uncached / t.cached).toBeGreaterThan(3);
    expect(t.uncached / t.cached).toBeLessThan(10);
  });
});
