// swiotlb misuse on both kernels, against kernel/dma/swiotlb.c (modern) and lib/swiotlb.c (4.9):
// exhausting the pool, a mapping or scatterlist entry larger than one segment (IO_TLB_SEGSIZE ×
// IO_TLB_SIZE = 256 KiB), and unmapping out of order. Swiotlb exists only on arm64 (arm gets one
// only with LPAE, which the Zynq-7000's Cortex-A9 lacks), so the 32-bit PL330 on arm64-highmem
// with a 512 KiB pool (256 slots, two segments) is the device that bounces, as in the bug
// scenario's swiotlb-exhaustion kind.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_sg, dma_map_sgtable, dma_map_single, dma_mapping_error, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_dma_len, sg_set_buf } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { KernelPanic } from "../../src/kernel/errno.js";

const DMAC = "ff6e0000.dma-controller";
const KB = 1024;
const SEGMENT = 128 * 2048;
const KERNELS = ["modern", "v4.9"] as const;

async function bouncing(kernel: (typeof KERNELS)[number]) {
  const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: 512 * KB } });
  const dev = s.device(DMAC);
  const tlb = s.kernel.dma.swiotlb!;
  expect(tlb.nslabs).toBe(256);
  const va = s.kernel.kmalloc(SEGMENT + 8 * KB, GFP_KERNEL);
  expect(s.kernel.mm.virt_to_phys(va)).toBeGreaterThanOrEqual(2 ** 32); // beyond the 32-bit mask
  return { s, dev, tlb, va };
}

describe("swiotlb misuse", () => {
  it("exhausting the pool: each kernel's failure value, dma_mapping_error and dmesg lines", async () => {
    for (const kernel of KERNELS) {
      const { s, dev, tlb, va } = await bouncing(kernel);
      const maps: number[] = [];
      for (;;) {
        const dma = dma_map_single(dev, va, 16 * KB, DMA_TO_DEVICE);
        if (dma_mapping_error(dev, dma)) break;
        maps.push(dma);
        expect(maps.length).toBeLessThanOrEqual(32);
      }
      expect(maps.length).toBe(32); // 256 slots / 8 slots each
      expect(tlb.usage().used).toBe(256);
      const dma = dma_map_single(dev, va, 16 * KB, DMA_TO_DEVICE);
      if (kernel === "modern") {
        expect(dma).toBe(DMA_MAPPING_ERROR);
        expect(dma_mapping_error(dev, dma)).toBe(-12);
        expect(s.kernel.printk.grep("swiotlb buffer is full")[0]).toContain(`dma-pl330 ${DMAC}: swiotlb buffer is full (sz: 16384 bytes), total 256 (slots), used 256 (slots)`);
      } else {
        // 16 KiB is within the 32 KiB overflow buffer: it is returned, no panic.
        expect(dma).toBe(tlb.overflowBuffer);
        expect(dma_mapping_error(dev, dma)).toBe(1);
        expect(s.kernel.printk.grep("swiotlb buffer is full")[0]).toContain(`dma-pl330 ${DMAC}: swiotlb buffer is full (sz: 16384 bytes)`);
        expect(s.dmesg()).toContain(`DMA: Out of SW-IOMMU space for 16384 bytes at device ${DMAC}`);
      }
    }
  });

  it("a mapping larger than a segment never fits: modern fails with the pool empty, 4.9 panics", async () => {
    for (const kernel of KERNELS) {
      const { s, dev, tlb, va } = await bouncing(kernel);
      const size = SEGMENT + 4 * KB; // 130 slots; no run of free slots is longer than 128
      if (kernel === "modern") {
        expect(dma_map_single(dev, va, size, DMA_TO_DEVICE)).toBe(DMA_MAPPING_ERROR);
        expect(s.kernel.printk.grep("swiotlb buffer is full")[0]).toContain(`swiotlb buffer is full (sz: 266240 bytes), total 256 (slots), used 0 (slots)`);
      } else {
        // swiotlb_full with do_panic: more than the 32 KiB overflow buffer.
        expect(() => dma_map_single(dev, va, size, DMA_TO_DEVICE)).toThrow(KernelPanic);
        expect(() => dma_map_single(dev, va, size, DMA_TO_DEVICE)).toThrow("Kernel panic - not syncing: DMA: Random memory could be DMA read");
      }
      expect(tlb.usage().used).toBe(0);
      // Exactly one segment still fits.
      expect(dma_mapping_error(dev, dma_map_single(dev, va, SEGMENT, DMA_TO_DEVICE))).toBe(0);
    }
  });

  it("a scatterlist entry larger than a segment: dma_map_sg says 0 and unmaps the entries before it", async () => {
    for (const kernel of KERNELS) {
      const { s, dev, tlb, va } = await bouncing(kernel);
      const sgl = sg_alloc(2);
      sg_set_buf(sgl[0], va, 4 * KB);
      sg_set_buf(sgl[1], va + 4 * KB, SEGMENT + 4 * KB);
      expect(dma_map_sg(dev, sgl, 2, DMA_TO_DEVICE)).toBe(0);
      expect(tlb.usage().used).toBe(0); // entry 0's two slots were given back
      expect(s.kernel.printk.grep("swiotlb buffer is full")[0]).toContain("(sz: 266240 bytes)");
      if (kernel === "modern") {
        // dma_direct_map_sg: -EIO from the failed entry; dma_map_sgtable passes it on.
        expect(dma_map_sgtable(dev, { sgl, orig_nents: 2, nents: 0 }, DMA_TO_DEVICE)).toBe(-5);
      } else {
        // swiotlb_map_sg_attrs: no panic for a list, sg_dma_len of the first entry is 0.
        expect(sg_dma_len(sgl[0])).toBe(0);
        expect(s.dmesg()).toContain(`DMA: Out of SW-IOMMU space for 266240 bytes at device ${DMAC}`);
      }
    }
  });

  it("unmapping in another order than mapping leaks no slot: the full pool can be mapped again", async () => {
    for (const kernel of KERNELS) {
      const { dev, tlb, va } = await bouncing(kernel);
      const maps = Array.from({ length: 32 }, () => dma_map_single(dev, va, 16 * KB, DMA_TO_DEVICE));
      expect(maps.every((d) => !dma_mapping_error(dev, d))).toBe(true);
      expect(tlb.usage().used).toBe(256);
      // Odd ones first, then the even ones from the top down.
      const order = [...maps.filter((_, i) => i % 2), ...maps.filter((_, i) => i % 2 === 0).reverse()];
      for (const d of order) dma_unmap_single(dev, d, 16 * KB, DMA_TO_DEVICE);
      expect(tlb.usage().used).toBe(0);
      // Each segment is whole again: two full-segment mappings, then the pool is full.
      const a = dma_map_single(dev, va, SEGMENT, DMA_TO_DEVICE);
      const b = dma_map_single(dev, va, SEGMENT, DMA_TO_DEVICE);
      expect([dma_mapping_error(dev, a), dma_mapping_error(dev, b)]).toEqual([0, 0]);
      expect(new Set([a - tlb.start, b - tlb.start])).toEqual(new Set([0, SEGMENT]));
      expect(tlb.usage().used).toBe(256);
      expect(dma_mapping_error(dev, dma_map_single(dev, va, 2 * KB, DMA_TO_DEVICE))).not.toBe(0);
    }
  });
});
