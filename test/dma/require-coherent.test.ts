// DMA_ATTR_REQUIRE_COHERENT (Linux 7.0, commit e6a58fa25562): dma_map_phys refuses it for a
// non-coherent device (DMA_MAPPING_ERROR, nothing recorded), __dma_map_sg_attrs with
// -EOPNOTSUPP; dma-direct never bounces it; dma-debug's add_dma_entry treats it like
// DMA_ATTR_DEBUGGING_IGNORE_CACHELINES (is_cache_clean), so such mappings may share a line.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_map_sg_attrs, dma_map_sgtable, dma_map_single_attrs, dma_mapping_error, dma_unmap_single_attrs,
} from "../../src/dma/mapping.js";
import { DMA_ATTR_REQUIRE_COHERENT, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { sg_alloc, sg_set_buf } from "../../src/dma/scatterlist.js";
import { ENOSYS, EOPNOTSUPP, KernelError } from "../../src/kernel/errno.js";

const ZDMAC = "f8003000.dma-controller";
const ADMAC = "ff6e0000.dma-controller";
const R = DMA_ATTR_REQUIRE_COHERENT;

describe("DMA_ATTR_REQUIRE_COHERENT", () => {
  it("a non-coherent device: the single map fails with nothing recorded, map_sg says 0, map_sgtable -EOPNOTSUPP", async () => {
    const s = await createSystem({ board: "zynq-7000", dmaDebug: true });
    const dev = s.device(ZDMAC);
    const before = s.kernel.dma.debug.entries(dev);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, R)).toBe(DMA_MAPPING_ERROR);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before);
    const sgl = sg_alloc(1);
    sg_set_buf(sgl[0], va, 4096);
    expect(dma_map_sg_attrs(dev, sgl, 1, DMA_TO_DEVICE, R)).toBe(0);
    expect(dma_map_sgtable(dev, { sgl, orig_nents: 1, nents: 1 }, DMA_TO_DEVICE, R)).toBe(-EOPNOTSUPP);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before);
  });

  it("a coherent device maps directly, but never through swiotlb: swiotlb=force fails it and leaves the pool unused", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 2 << 20, force: true } });
    const dev = s.device(ADMAC);
    dev.dma_coherent = true;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, R)).toBe(DMA_MAPPING_ERROR);
    expect(s.kernel.dma.swiotlb!.usage().used).toBe(0);
    const plain = await createSystem({ board: "arm64-ref" });
    const pdev = plain.device(ADMAC);
    pdev.dma_coherent = true;
    const pva = plain.kernel.kmalloc(4096, GFP_KERNEL);
    const dma = dma_map_single_attrs(pdev, pva, 4096, DMA_TO_DEVICE, R);
    expect(dma).toBe(plain.kernel.mm.virt_to_phys(pva));
    expect(dma_mapping_error(pdev, dma)).toBe(0);
    dma_unmap_single_attrs(pdev, dma, 4096, DMA_TO_DEVICE, R);
  });

  it("a coherent device's buffer beyond its mask is not bounced either: the overflow fails it, where the plain map bounces", async () => {
    // arm64-highmem: kmalloc memory above 4 GiB, a 32-bit PL330, the default swiotlb pool.
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device(ADMAC);
    dev.dma_coherent = true;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    expect(pa).toBeGreaterThan(0xffffffff);
    expect(dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, R)).toBe(DMA_MAPPING_ERROR);
    expect(s.kernel.dma.swiotlb!.usage().used).toBe(0);
    expect(s.dmesg()).toContain(`DMA addr 0x${pa.toString(16).padStart(16, "0")}+4096 overflow (mask ffffffff, bus limit 0).`);
    const dma = dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, 0);
    expect(s.kernel.dma.swiotlb!.is_swiotlb_buffer(dma)).toBe(true);
    dma_unmap_single_attrs(dev, dma, 4096, DMA_TO_DEVICE, 0);
  });

  it("DMA-API debug: two such FROM_DEVICE mappings may share a cache line; without the attribute it is EEXIST", async () => {
    const run = async (attrs: number) => {
      const s = await createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, allErrors: true } });
      const dev = s.device(ZDMAC);
      dev.dma_coherent = true;
      const va = s.kernel.kmalloc(128, GFP_KERNEL); // starts a 64-byte line (ARCH_DMA_MINALIGN 64)
      dma_map_single_attrs(dev, va, 32, DMA_FROM_DEVICE, attrs);
      dma_map_single_attrs(dev, va + 32, 32, DMA_FROM_DEVICE, attrs);
      return s.kernel.dma.debug.reports.filter((r) => r.includes("cacheline tracking EEXIST"));
    };
    expect(await run(0)).toHaveLength(1);
    expect(await run(R)).toEqual([]);
  });

  it("4.9 has no such attribute: -ENOSYS", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    let e: unknown;
    try { dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, R); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(KernelError);
    expect((e as KernelError).errno).toBe(-ENOSYS);
    expect((e as KernelError).message).toBe("-ENOSYS: dma_map_single_attrs: Linux 4.9 has no DMA_ATTR_REQUIRE_COHERENT (added in 7.0)");
  });
});
