// Non-contiguous allocations (kernel/dma/mapping.c, 5.13+; Documentation/core-api/dma-api.rst):
// memory a V4L2 or DRM driver gets as an already DMA-mapped sg_table, whose ownership it passes
// with dma_sync_sgtable_for_cpu / _for_device like a reused streaming mapping. Without an
// IOMMU (every board here) mainline takes alloc_single_sgt: ONE physically contiguous block
// from __dma_alloc_pages (dma-direct: lowmem below the coherent mask, zeroed through the
// cacheable linear map, no cache maintenance), described by a one-entry table whose DMA
// address and length are filled in. dma_vmap_noncontiguous is then the block's page_address —
// the linear map, not a vmalloc-area mapping (only dma-iommu vmaps its scattered pages), and
// dma_vunmap_noncontiguous has nothing to undo. DMA-API debug records the table as a mapped
// scatterlist (debug_dma_map_sg) and checks the free as its unmap (debug_dma_unmap_sg).
// dma_mmap_noncontiguous maps the block into a process with dma_mmap_pages.

import type { Device } from "../kernel/device.js";
import type { VirtAddr } from "../hw/address.js";
import { PAGE_ALIGN, __GFP_COMP } from "../mm/gfp.js";
import { DMA_ATTR_ALLOC_SINGLE_PAGES, type DmaDirection } from "./constants.js";
import { checkDevice, checkDirection, checkSize, checkVirt, checkWhole, invalid } from "./arguments.js";
import { refuseOn49 } from "./kernel-version.js";
import { __dma_alloc_pages, __dma_free_pages } from "./noncoherent.js";
import { Scatterlist, sg_alloc, sg_free_table, sg_set_page, type SgTable } from "./scatterlist.js";
import { checkVma, type VmAreaStruct } from "../mm/mmap.js";
import { dma_mmap_pages } from "./mmap.js";

const refuse = (fn: string, dev: Device) => refuseOn49(fn, dev, "5.13", "dma_alloc_coherent, or dma_map_sg of pages you allocate");

/** `struct sg_table *` as dma_alloc_noncontiguous returned it. */
function checkTable(fn: string, sgt: unknown): asserts sgt is SgTable {
  const t = sgt as SgTable | null;
  if (t === null || typeof t !== "object" || !Array.isArray(t.sgl) || !(t.sgl[0] instanceof Scatterlist)) {
    invalid(fn, "sgt", sgt, "a struct sg_table from dma_alloc_noncontiguous");
  }
}

/** alloc_single_sgt: one entry of PAGE_ALIGN(size) bytes at offset 0, already "mapped". */
function alloc_single_sgt(dev: Device, size: number, gfp: number): SgTable | null {
  const got = __dma_alloc_pages(dev, size, gfp);
  if (!got) return null;
  const sgl = sg_alloc(1);
  sg_set_page(sgl[0], got.page, PAGE_ALIGN(size), 0);
  sgl[0].dma_address = got.dmaAddr;
  sgl[0].dma_length = sgl[0].length;
  return { sgl, orig_nents: 1, nents: 1 };
}

/** dma_alloc_noncontiguous(dev, size, dir, gfp, attrs) → the table (nents 1) or null. attrs may
 *  only be DMA_ATTR_ALLOC_SINGLE_PAGES and gfp may not carry __GFP_COMP (WARN_ON_ONCE, null);
 *  __dma_alloc_pages refuses zone modifiers and an unset coherent mask the same way. */
export function dma_alloc_noncontiguous(dev: Device, size: number, dir: DmaDirection, gfp: number, attrs = 0): SgTable | null {
  const fn = "dma_alloc_noncontiguous";
  checkDevice(fn, dev);
  refuse(fn, dev);
  checkSize(fn, size);
  checkDirection(fn, dir);
  checkWhole(fn, gfp, "gfp");
  checkWhole(fn, attrs, "attrs");
  const k = dev.kernel;
  if (attrs & ~DMA_ATTR_ALLOC_SINGLE_PAGES) {
    k.dma.warnOnce(dev, "noncontig-attrs", `WARNING: ${fn}: attrs other than DMA_ATTR_ALLOC_SINGLE_PAGES are not allowed`);
    return null;
  }
  if (gfp & __GFP_COMP) {
    k.dma.warnOnce(dev, "noncontig-gfpcomp", `WARNING: ${fn}: __GFP_COMP is not allowed`);
    return null;
  }
  if (size === 0) return null;
  const sgt = alloc_single_sgt(dev, size, gfp);
  if (sgt && k.dma.debug.enabled) k.dma.debug.map_sg(dev, sgt.sgl, sgt.orig_nents, 1, dir, attrs);
  return sgt;
}

/** dma_free_noncontiguous(dev, size, sgt, dir): the debug unmap of the table, then
 *  free_single_sgt (the block, then sg_free_table). */
export function dma_free_noncontiguous(dev: Device, size: number, sgt: SgTable, dir: DmaDirection): void {
  const fn = "dma_free_noncontiguous";
  checkDevice(fn, dev);
  refuse(fn, dev);
  checkSize(fn, size);
  checkTable(fn, sgt);
  checkDirection(fn, dir);
  const k = dev.kernel;
  if (k.dma.debug.enabled) k.dma.debug.unmap_sg(dev, sgt.sgl, sgt.orig_nents, dir);
  const sg = sgt.sgl[0];
  __dma_free_pages(fn, "dma_alloc_noncontiguous", dev, size, sg.page);
  sg_free_table(sgt);
}

/** dma_vmap_noncontiguous(dev, size, sgt): without an IOMMU, page_address(sg_page(sgt->sgl)) —
 *  the block's cacheable linear address, which dma_sync_sgtable_* maintain. */
export function dma_vmap_noncontiguous(dev: Device, size: number, sgt: SgTable): VirtAddr {
  const fn = "dma_vmap_noncontiguous";
  checkDevice(fn, dev);
  refuse(fn, dev);
  checkSize(fn, size);
  checkTable(fn, sgt);
  return dev.kernel.mm.page_address(sgt.sgl[0].page);
}

/** dma_vunmap_noncontiguous(dev, vaddr): nothing to undo without an IOMMU. */
export function dma_vunmap_noncontiguous(dev: Device, vaddr: VirtAddr): void {
  checkDevice("dma_vunmap_noncontiguous", dev);
  refuse("dma_vunmap_noncontiguous", dev);
  checkVirt("dma_vunmap_noncontiguous", vaddr, "vaddr");
}

/** dma_mmap_noncontiguous(dev, vma, size, sgt): without an IOMMU, dma_mmap_pages(dev, vma,
 *  size, sg_page(sgt->sgl)) — the block's pages with the VMA's cacheable protection; 0 or
 *  -ENXIO (vm_pgoff past the block, or a VMA larger than what is left of it). Only dma-iommu
 *  maps scattered pages, and only a kernel without CONFIG_HAS_DMA answers -EINVAL. */
export function dma_mmap_noncontiguous(dev: Device, vma: VmAreaStruct, size: number, sgt: SgTable): number {
  const fn = "dma_mmap_noncontiguous";
  checkDevice(fn, dev);
  refuse(fn, dev);
  checkVma(fn, vma);
  checkSize(fn, size);
  checkTable(fn, sgt);
  return dma_mmap_pages(dev, vma, size, sgt.sgl[0].page);
}
