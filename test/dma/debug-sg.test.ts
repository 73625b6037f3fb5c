// DMA-API debugging of scatterlists (kernel/dma/debug.c debug_dma_map_sg, check_sg_segment,
// debug_dma_unmap_sg, debug_dma_sync_sg_for_*; lib/dma-debug.c in 4.9), with the kernel's texts.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";
import { dma_map_sg, dma_sync_sg_for_cpu, dma_sync_sg_for_device, dma_unmap_sg } from "../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_set_buf, sg_set_page } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL, PAGE_SIZE, __GFP_HIGHMEM } from "../../src/mm/gfp.js";

const ZDMAC = "f8003000.dma-controller";
const P = "DMA-API: dma-pl330 f8003000.dma-controller: ";
const P49 = "dma-pl330 f8003000.dma-controller: DMA-API: ";

async function sys(o: SystemOptions = {}, entries?: number): Promise<System> {
  return createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, allErrors: true, entries }, ...o });
}

/** Three 1 KB entries of one kmalloc'ed page. */
function threeEntries(s: System) {
  const va = s.kernel.kmalloc(4096, GFP_KERNEL);
  const sgl = sg_alloc(3);
  [0, 1, 2].forEach((i) => sg_set_buf(sgl[i], va + i * 1024, 1024));
  return sgl;
}

describe("nents other than the count dma_map_sg was given", () => {
  for (const [kernel, prefix] of [["modern", P], ["v4.9", P49]] as const) {
    it(`${kernel}: sync_sg and unmap_sg with 2 of 3 entries report each segment they check`, async () => {
      const s = await sys({ kernel });
      const dev = s.device(ZDMAC);
      const sgl = threeEntries(s);
      const before = s.kernel.dma.debug.entries(dev);
      expect(dma_map_sg(dev, sgl, 3, DMA_FROM_DEVICE)).toBe(3);
      dma_sync_sg_for_cpu(dev, sgl, 2, DMA_FROM_DEVICE);
      dma_sync_sg_for_device(dev, sgl, 2, DMA_FROM_DEVICE);
      dma_unmap_sg(dev, sgl, 2, DMA_FROM_DEVICE);
      const sync = `${prefix}device driver syncs DMA sg list with different entry count [map count=3] [sync count=2]`;
      const free = `${prefix}device driver frees DMA sg list with different entry count [map count=3] [unmap count=2]`;
      expect(s.kernel.dma.debug.reports).toEqual([sync, sync, sync, sync, free, free]);
      // The third segment is still mapped: only the two checked entries were freed.
      expect(s.kernel.dma.debug.entries(dev)).toBe(before + 1);
    });
  }
});

describe("check_sg_segment (CONFIG_DMA_API_DEBUG_SG)", () => {
  it("4.9 has no segment checks: a segment past max_segment_size is not reported", async () => {
    const s = await sys({ kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    dev.dma_parms = { max_segment_size: 1024, segment_boundary_mask: 0xfffn };
    const va = s.kernel.kmalloc(8192, GFP_KERNEL);
    const sgl = sg_alloc(1);
    sg_set_buf(sgl[0], va + 4096 - 512, 2048);
    expect(dma_map_sg(dev, sgl, 1, DMA_TO_DEVICE)).toBe(1);
    expect(s.kernel.dma.debug.reports).toEqual([]);
  });
});

describe("highmem pages on Zynq (1 GB: 256 MB of it above the linear map)", () => {
  for (const kernel of ["modern", "v4.9"] as const) {
    it(`${kernel}: mapped by pfn, with no stack or text check, and their first lines tracked`, async () => {
      const s = await sys({ kernel, memory: "1G" });
      const dev = s.device(ZDMAC);
      const mm = s.kernel.mm;
      const pfn = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 0);
      expect(mm.page_address(pfn)).toBe(0);
      const sgl = sg_alloc(2);
      const before = s.kernel.dma.debug.entries(dev);
      sg_set_page(sgl[0], pfn, 32, 0);
      sg_set_page(sgl[1], pfn, 32, 32);
      expect(dma_map_sg(dev, sgl, 2, DMA_FROM_DEVICE)).toBe(2);
      const pa = pfn * PAGE_SIZE;
      // %pa of a 32-bit phys_addr_t: 0x and 8 digits.
      const pa8 = (a: number) => "0x" + a.toString(16).padStart(8, "0");
      expect(s.kernel.dma.debug.dump().split("\n").filter((l) => l.includes("scather-gather")).map((l) => l.match(/P=(\w+)/)![1])).toEqual([pa8(pa), pa8(pa + 32)]);
      // Both entries key the page's first 64-byte line: modern kernels report the second.
      const overlap = `${kernel === "modern" ? P : P49}cacheline tracking EEXIST, overlapping mappings aren't supported`;
      expect(s.kernel.dma.debug.reports).toEqual(kernel === "modern" ? [overlap] : []);
      dma_unmap_sg(dev, sgl, 2, DMA_FROM_DEVICE);
      expect(s.kernel.dma.debug.entries(dev)).toBe(before);
      expect(s.kernel.dma.debug.reports).toHaveLength(kernel === "modern" ? 1 : 0);
    });
  }
});

describe("the entry pool running out inside dma_map_sg", () => {
  it("4.9 prints its out-of-memory line once and records nothing more (dma_entry_alloc fails, debug_dma_map_sg returns)", async () => {
    const booted = (await sys({ kernel: "v4.9" })).kernel.dma.debug.entries();
    const s = await sys({ kernel: "v4.9" }, booted + 1);
    const dev = s.device(ZDMAC);
    const sgl = threeEntries(s);
    expect(s.kernel.dma.debug.numFreeEntries).toBe(1);
    expect(dma_map_sg(dev, sgl, 3, DMA_TO_DEVICE)).toBe(3);
    expect(s.dmesg().split("\n").filter((l) => l.includes("DMA-API: debugging out of memory - disabling"))).toHaveLength(1);
    expect(s.kernel.dma.debug.disabled).toBe(true);
    expect(s.kernel.dma.debug.numFreeEntries).toBe(0);
  });
});
