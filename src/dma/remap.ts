// Remapping pages for coherent DMA (kernel/dma/remap.c, drivers/base/dma-mapping.c in 4.9):
// a non-cacheable alias of physically contiguous pages, built with 4 KB PTEs in the vmalloc
// area. The cacheable linear-map alias of the same pages stays mapped (spec dma-api §5).

import type { Kernel } from "../kernel/kernel.js";
import type { VirtAddr } from "../hw/address.js";
import type { PageProt } from "../mm/pgtable.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { formatVirt } from "../hw/address.js";

/** dma_common_contiguous_remap: maps size/PAGE_SIZE pages from `pfn` with `prot`; null when
 *  the vmalloc area is exhausted. */
export function dma_common_contiguous_remap(k: Kernel, pfn: number, size: number, vmFlags: number, prot: PageProt, caller: string): VirtAddr | null {
  const pages: number[] = [];
  for (let i = 0; i < Math.ceil(size / PAGE_SIZE); i++) pages.push(pfn + i);
  return k.mm.vmap(pages, prot, vmFlags, caller);
}

/** dma_common_free_remap: the area must be a DMA remap (its flags include `vmFlags`), else
 *  the kernel's warning and nothing is freed. 4.9 unmapped the range with an immediate TLB
 *  flush (unmap_kernel_range) before vunmap; modern kernels just vunmap (lazy flush). */
export function dma_common_free_remap(k: Kernel, cpuAddr: VirtAddr, size: number, vmFlags: number): boolean {
  const area = k.mm.vmalloc.find(cpuAddr);
  if (!area || area.start !== cpuAddr || (area.flags & vmFlags) !== vmFlags) {
    k.printk.warn(`WARNING: trying to free invalid coherent area: ${formatVirt(cpuAddr, k.machine.profile.arch === "arm64" ? 64 : 32).slice(2)}`);
    return false;
  }
  if (k.version === "v4.9") {
    const bytes = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
    for (let off = 0; off < bytes; off += PAGE_SIZE) k.mm.pgt.unmapPage(cpuAddr + off);
    k.mm.pgt.flushTlbKernelRange(cpuAddr, cpuAddr + bytes);
  }
  k.mm.vunmap(cpuAddr);
  return true;
}
