// Non-coherent allocations: memory the CPU maps cacheable and the device reaches at a DMA
// address, whose ownership the driver passes back and forth with dma_sync_single_for_cpu /
// _for_device as for a streaming mapping (Documentation/core-api/dma-api.rst, "non-coherent
// allocations"). The two kernels differ, and the difference is the pitfall this file keeps:
//   - modern (5.10+, kernel/dma/mapping.c): dma_alloc_pages gives lowmem pages from CMA or the
//     buddy allocator below the coherent mask (dma-direct), zeroed through the linear map;
//     dma_alloc_noncoherent is their page_address. DMA-API debug records a "noncoherent" entry.
//   - 4.9 (include/linux/dma-mapping.h): dma_alloc_noncoherent is dma_alloc_attrs(…,
//     DMA_ATTR_NON_CONSISTENT), and neither arm_dma_ops nor arm64's __dma_alloc looks at that
//     attribute: the caller gets the usual uncached coherent buffer, and its syncs maintain a
//     cacheable alias nobody reads through. dma_alloc_pages does not exist (-ENOSYS).
// dmasim keeps the modern C signatures on both kernels (4.9's dma_alloc_noncoherent had no
// direction; it is checked and unused there). The result is { cpuAddr, dmaAddr } or
// { page, dmaAddr } in place of the C out-parameter.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, VirtAddr } from "../hw/address.js";
import { EINVAL, KernelError } from "../kernel/errno.js";
import { refuseOn49 } from "./kernel-version.js";
import { PAGE_ALIGN, PAGE_SIZE, __GFP_COMP, __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM } from "../mm/gfp.js";
import { DMA_ATTR_NON_CONSISTENT, type DmaDirection } from "./constants.js";
import type { CoherentBuffer } from "./ops.js";
import { checkDevice, checkDirection, checkDmaAddr, checkSize, checkVirt, checkWhole } from "./arguments.js";
import { dma_alloc_attrs, dma_free_attrs } from "./coherent.js";
import { dma_direct_alloc_pages, dma_direct_free_pages } from "./direct.js";
import { phys_to_dma } from "./dma-address.js";

/** What dma_alloc_pages returns in place of its out-parameter. */
export interface DmaPages {
  /** The first `struct page *`, as a pfn. */
  page: number;
  dmaAddr: DmaAddr;
}

/** The page-aligned size of each live dma_alloc_pages block of a device, by first pfn. Linux
 *  frees whatever page and size it is given (freeing pages others hold, or leaking some); dmasim
 *  warns and frees the block as allocated, or nothing for a page it never gave, so the System
 *  stays usable. DMA-API debug reports the mistake first, as in Linux. */
const live = new WeakMap<Device, Map<number, number>>();

const refuse = (fn: string, dev: Device) => refuseOn49(fn, dev, "5.10", "dma_alloc_coherent or a streaming mapping");

/** __dma_alloc_pages: the WARN_ON_ONCE checks of kernel/dma/mapping.c, then dma-direct (the
 *  block is recorded as live for __dma_free_pages). Shared by dma_alloc_pages and
 *  dma_alloc_noncontiguous, whose DMA-API debug entries differ. */
export function __dma_alloc_pages(dev: Device, size: number, gfp: number): DmaPages | null {
  const k = dev.kernel;
  if (!dev.coherent_dma_mask) {
    k.dma.warnOnce(dev, "nocohmask-pages", "WARNING: __dma_alloc_pages: coherent DMA mask is unset");
    return null;
  }
  if (gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM)) {
    k.dma.warnOnce(dev, "pages-zone", "WARNING: __dma_alloc_pages: zone modifiers (__GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM) are not allowed; the coherent mask chooses the zone");
    return null;
  }
  if (gfp & __GFP_COMP) {
    k.dma.warnOnce(dev, "pages-gfpcomp", "WARNING: __dma_alloc_pages: __GFP_COMP is not allowed");
    return null;
  }
  size = PAGE_ALIGN(size);
  const pfn = dma_direct_alloc_pages(dev, size, gfp);
  if (pfn < 0) return null;
  if (!live.has(dev)) live.set(dev, new Map());
  live.get(dev)!.set(pfn, size);
  return { page: pfn, dmaAddr: phys_to_dma(dev, pfn * PAGE_SIZE) };
}

/** The page-aligned size of the live block __dma_alloc_pages gave `dev` starting at `page`
 *  (dma_alloc_pages, dma_alloc_noncontiguous), or undefined: what dma_mmap_pages checks its
 *  arguments against for its dmasim WARNING. */
export function dma_pages_block_size(dev: Device, page: number): number | undefined {
  return live.get(dev)?.get(page);
}

/** __dma_free_pages: dma-direct frees the block __dma_alloc_pages gave (see `live` for what
 *  dmasim does where Linux would free whatever it is given). `fn` and `allocFn` name the
 *  caller's pair in the warnings. */
export function __dma_free_pages(fn: string, allocFn: string, dev: Device, size: number, page: number): void {
  const k = dev.kernel;
  const blocks = live.get(dev);
  const was = blocks?.get(page);
  if (was === undefined) {
    k.printk.warn(`WARNING: ${fn}: pfn 0x${page.toString(16)} is not a block ${allocFn} gave ${dev.name}; Linux would free it anyway, dmasim leaves it`);
    return;
  }
  blocks!.delete(page);
  if (PAGE_ALIGN(size) !== was) {
    k.printk.warn(`WARNING: ${fn}: freeing ${size} bytes of a ${was}-byte block; dmasim frees the block as allocated`);
  }
  dma_direct_free_pages(dev, was, page);
}

/** dma_alloc_pages(dev, size, dir, gfp) → { page, dmaAddr } or null (5.10+). */
export function dma_alloc_pages(dev: Device, size: number, dir: DmaDirection, gfp: number): DmaPages | null {
  checkDevice("dma_alloc_pages", dev);
  refuse("dma_alloc_pages", dev);
  checkSize("dma_alloc_pages", size);
  checkDirection("dma_alloc_pages", dir);
  checkWhole("dma_alloc_pages", gfp, "gfp");
  if (size === 0) return null;
  const k = dev.kernel;
  const got = __dma_alloc_pages(dev, size, gfp);
  if (got && k.dma.debug.enabled) k.dma.debug.alloc_pages(dev, got.page, size, dir, got.dmaAddr);
  return got;
}

/** dma_free_pages(dev, size, page, dmaAddr, dir) (5.10+). */
export function dma_free_pages(dev: Device, size: number, page: number, dmaAddr: DmaAddr, dir: DmaDirection): void {
  checkDevice("dma_free_pages", dev);
  refuse("dma_free_pages", dev);
  checkSize("dma_free_pages", size);
  checkWhole("dma_free_pages", page, "page");
  checkDmaAddr("dma_free_pages", dmaAddr, "dma_handle");
  checkDirection("dma_free_pages", dir);
  const k = dev.kernel;
  if (k.dma.debug.enabled) k.dma.debug.free_pages(dev, page, size, dir, dmaAddr);
  __dma_free_pages("dma_free_pages", "dma_alloc_pages", dev, size, page);
}

/** dma_alloc_noncoherent(dev, size, dir, gfp) → { cpuAddr, dmaAddr } or null. Modern: the pages'
 *  cacheable linear address. 4.9: dma_alloc_attrs with DMA_ATTR_NON_CONSISTENT, which arm and
 *  arm64 ignore — an uncached coherent buffer (see the file's header). */
export function dma_alloc_noncoherent(dev: Device, size: number, dir: DmaDirection, gfp: number): CoherentBuffer | null {
  checkDevice("dma_alloc_noncoherent", dev);
  checkDirection("dma_alloc_noncoherent", dir);
  if (dev.kernel.version === "v4.9") return dma_alloc_attrs(dev, size, gfp, DMA_ATTR_NON_CONSISTENT);
  const got = dma_alloc_pages(dev, size, dir, gfp);
  return got ? { cpuAddr: dev.kernel.mm.page_address(got.page), dmaAddr: got.dmaAddr } : null;
}

/** dma_free_noncoherent(dev, size, cpuAddr, dmaAddr, dir). Modern: dma_free_pages of
 *  virt_to_page(cpuAddr). 4.9: dma_free_attrs with DMA_ATTR_NON_CONSISTENT. */
export function dma_free_noncoherent(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr, dir: DmaDirection): void {
  checkDevice("dma_free_noncoherent", dev);
  checkDirection("dma_free_noncoherent", dir);
  if (dev.kernel.version === "v4.9") {
    dma_free_attrs(dev, size, cpuAddr, dmaAddr, DMA_ATTR_NON_CONSISTENT);
    return;
  }
  cpuAddr = checkVirt("dma_free_noncoherent", cpuAddr, "vaddr");
  const mm = dev.kernel.mm;
  if (!mm.virt_addr_valid(cpuAddr)) {
    // virt_to_page of a vmalloc or stray address is a meaningless struct page in C.
    throw new KernelError(EINVAL, "dma_free_noncoherent: vaddr is not a linear-map address, as every noncoherent buffer's is (virt_to_page would be garbage)");
  }
  dma_free_pages(dev, size, mm.virt_to_page(cpuAddr), dmaAddr, dir);
}
