// The modern atomic pools (kernel/dma/pool.c, spec dma-api §5.2): one pool per zone that has
// memory (has_managed_zone(ZONE_NORMAL), has_managed_dma(), has_managed_dma32), each 128 KB
// per GB of totalram_pages (min 128 KB), taken from the default CMA area when it lies in the
// pool's zone; dma_guess_pool falls back to the nearest pool that exists.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { dma_set_coherent_mask } from "../../src/dma/mask.js";
import { GFP_ATOMIC, __GFP_NOWARN } from "../../src/mm/gfp.js";
import type { System } from "../../src/system.js";

const KiB = 1024;
const DMAC = "ff6e0000.dma-controller";
/** The arm64 reference board with its 1 GiB of DRAM moved from 1 GiB to 4 GiB. */
const above4G = readFileSync(new URL("../../examples/boards/arm64-ref.dts", import.meta.url), "utf8")
  .replace("memory@40000000", "memory@100000000")
  .replace("reg = <0x0 0x40000000 0x0 0x40000000>;", "reg = <0x1 0x0 0x0 0x40000000>;");

/** arm64-highmem with its 256 MiB above 4 GiB (all of ZONE_NORMAL) made the default CMA area by
 *  a `reg`-placed reusable shared-dma-pool. */
const normalAllCma = readFileSync(new URL("../../examples/boards/arm64-highmem.dts", import.meta.url), "utf8").replace(
  "\tcpus {",
  `\treserved-memory {
\t\t#address-cells = <2>;
\t\t#size-cells = <2>;
\t\tranges;
\t\tlinux,cma@880000000 {
\t\t\tcompatible = "shared-dma-pool";
\t\t\treusable;
\t\t\treg = <0x8 0x80000000 0x0 0x10000000>;
\t\t\tlinux,cma-default;
\t\t};
\t};

\tcpus {`,
);

const preallocated = (s: System) => s.kernel.printk.grep("DMA: preallocated");
function pools(s: System) {
  const p = s.kernel.dma.modernPools!;
  return { kernel: p.kernel?.pool.size ?? null, dma: p.dma?.pool.size ?? null, dma32: p.dma32?.pool.size ?? null };
}
function cmaArea(s: System) {
  const c = s.kernel.mm.cma.defaultArea!;
  return { base: c.basePfn * 4096, pages: c.count, used: c.count - s.kernel.mm.cma.freePages };
}
/** A GFP_ATOMIC buffer for a device whose coherent mask is `bits` wide. */
function atomicBuffer(s: System, bits: number) {
  const dev = s.device(DMAC)!;
  expect(dma_set_coherent_mask(dev, (1n << BigInt(bits)) - 1n)).toBe(0);
  return dma_alloc_coherent(dev, 8 * KiB, GFP_ATOMIC)!;
}

describe("modern atomic pools: one per zone with memory", () => {
  it("RAM all below 4 GiB (arm64-ref, 1 GiB at 1 GiB): all of it is ZONE_DMA, so only the DMA pool", async () => {
    const s = await createSystem({ board: "arm64-ref", cma: "64M" });
    expect(preallocated(s)).toEqual(["DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations"]);
    expect(pools(s)).toEqual({ kernel: null, dma: 128 * KiB, dma32: null });
    // One pool of 32 pages from the bottom of the area; three pools took 96 before.
    const a = cmaArea(s);
    expect(a.used).toBe(32);
    // A 64-bit coherent mask asks for no zone: no kernel pool, no DMA32 pool, so the DMA pool.
    expect(atomicBuffer(s, 64).dmaAddr).toBe(a.base);
    expect(s.kernel.printk.grep("WARNING")).toEqual([]);
  });

  it("RAM all above 4 GiB (1 GiB at 4 GiB): ZONE_DMA still covers it (max_zone_phys), so only the DMA pool", async () => {
    const s = await createSystem({ dts: above4G });
    expect(preallocated(s)).toEqual(["DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations"]);
    expect(pools(s)).toEqual({ kernel: null, dma: 128 * KiB, dma32: null });
    const buf = atomicBuffer(s, 64);
    expect(buf.dmaAddr).toBeGreaterThanOrEqual(2 ** 32);
    expect(s.kernel.dma.modernPools!.dma!.has(buf.cpuAddr, 8 * KiB)).toBe(true);
  });

  it("RAM on both sides of 4 GiB (arm64-highmem): kernel and DMA pools, none for the empty DMA32 zone", async () => {
    const s = await createSystem({ board: "arm64-highmem", cma: "64M" });
    expect(preallocated(s)).toEqual([
      "DMA: preallocated 128 KiB GFP_KERNEL pool for atomic allocations",
      "DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations",
    ]);
    expect(pools(s)).toEqual({ kernel: 128 * KiB, dma: 128 * KiB, dma32: null });
    // The area is below 4 GiB, in ZONE_DMA, so it serves both pools, kernel first.
    const a = cmaArea(s);
    expect(a.used).toBe(64);
    expect(atomicBuffer(s, 64).dmaAddr).toBe(a.base);
    expect(atomicBuffer(s, 32).dmaAddr).toBe(a.base + 128 * KiB);
  });

  it("without CMA the one pool takes its pages from the page allocator", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    expect(pools(s)).toEqual({ kernel: null, dma: 128 * KiB, dma32: null });
    const buf = atomicBuffer(s, 32);
    expect(s.kernel.dma.modernPools!.dma!.has(buf.cpuAddr, 8 * KiB)).toBe(true);
  });

  it("an allocation no pool can hold warns 'DMA pool exhausted', unless __GFP_NOWARN", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device(DMAC)!;
    expect(dma_alloc_coherent(dev, 256 * KiB, GFP_ATOMIC | __GFP_NOWARN)).toBeNull();
    expect(s.kernel.printk.grep("DMA pool exhausted")).toEqual([]);
    expect(dma_alloc_coherent(dev, 256 * KiB, GFP_ATOMIC)).toBeNull();
    expect(s.kernel.printk.grep("DMA pool exhausted")).toEqual([`WARNING: DMA pool exhausted for ${DMAC}`]);
  });
});

describe("modern atomic pools and the CMA area, as mainline has them", () => {
  it("RAM all above 4 GiB: zone_dma_limit is PHYS_ADDR_MAX, so the area is in ZONE_DMA and the DMA pool takes from it (cma_in_zone)", async () => {
    const s = await createSystem({ dts: above4G, cma: "64M" });
    expect(pools(s)).toEqual({ kernel: null, dma: 128 * KiB, dma32: null });
    const a = cmaArea(s);
    expect(a.base).toBeGreaterThanOrEqual(2 ** 32);
    // Before 6.12 cma_in_zone compared with DMA_BIT_MASK(zone_dma_bits) = 4 GiB - 1: no pages.
    expect(a.used).toBe(128 * KiB / 4096);
    const buf = atomicBuffer(s, 64);
    expect(buf.dmaAddr).toBe(a.base);
    expect(buf.dmaAddr + 8 * KiB).toBeLessThanOrEqual(a.base + a.pages * 4096);
  });

  it("a zone that is all CMA has managed pages: arm64-highmem's ZONE_NORMAL as the area gets a kernel pool, taken from the area", async () => {
    const s = await createSystem({ dts: normalAllCma });
    expect(s.kernel.mm.buddy.zones.find((z) => z.name === "Normal")!.managedPages).toBe(0);
    expect(preallocated(s)).toEqual([
      "DMA: preallocated 128 KiB GFP_KERNEL pool for atomic allocations",
      "DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations",
    ]);
    const a = cmaArea(s);
    expect(a).toEqual({ base: 0x880000000, pages: 65536, used: 32 }); // the kernel pool only
    // A 64-bit mask asks for no zone: the kernel pool, at the bottom of the area.
    expect(atomicBuffer(s, 64).dmaAddr).toBe(0x880000000);
    // A 32-bit mask (GFP_DMA32, no DMA32 pool): the DMA pool, from the page allocator below 4 GiB.
    const low = atomicBuffer(s, 32).dmaAddr;
    expect(low).toBeGreaterThanOrEqual(0x80000000);
    expect(low).toBeLessThan(0x90000000);
  });
});

/** arm64-ref with `mib` MiB of DRAM at 1 GiB (all below 4 GiB: ZONE_DMA, one pool) and the given
 *  /reserved-memory children. */
function refWithRam(mib: number, reserved = ""): string {
  return readFileSync(new URL("../../examples/boards/arm64-ref.dts", import.meta.url), "utf8")
    .replace("reg = <0x0 0x40000000 0x0 0x40000000>;", `reg = <0x0 0x40000000 0x0 0x${(mib * 2 ** 20).toString(16)}>;`)
    .replace("\tcpus {", `\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n${reserved}\t};\n\n\tcpus {`);
}

describe("modern atomic pool size: 128 KiB per GiB of totalram_pages()", () => {
  // pages = totalram_pages / (1 GiB / 128 KiB) = totalram_MiB / 32; atomic_pool_expand rounds
  // the size up to a power of two (get_order), and the boot line prints gen_pool_size.
  it("memory the page allocator never gets does not count: 2080 MiB with a 64 MiB no-map carveout is a 256 KiB pool", async () => {
    // memblock has 2080 MiB: 65 pages, 260 KiB, order 7 — 512 KiB. totalram is at most
    // 2080 - 64 = 2016 MiB (less the image, page tables, swiotlb): at most 63 pages, 252 KiB,
    // and at least 32 pages: order 6 — 256 KiB.
    const fw = "\t\tfw@60000000 {\n\t\t\treg = <0x0 0x60000000 0x0 0x4000000>;\n\t\t\tno-map;\n\t\t};\n";
    const s = await createSystem({ dts: refWithRam(2080, fw) });
    expect(preallocated(s)).toEqual(["DMA: preallocated 256 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations"]);
  });

  it("CMA pages are managed pages: 2304 MiB with a 512 MiB CMA area is a 512 KiB pool", async () => {
    // totalram = 2304 MiB less the image, page tables and swiotlb (well under 256 MiB): more than
    // 2048 MiB, so 65..72 pages, order 7 — 512 KiB. Without the area's 512 MiB it would be under
    // 1792 MiB: 256 KiB.
    const s = await createSystem({ dts: refWithRam(2304), cma: "512M" });
    expect(s.kernel.mm.cma.totalPages).toBe(512 * 256);
    expect(preallocated(s)).toEqual(["DMA: preallocated 512 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations"]);
  });
});
