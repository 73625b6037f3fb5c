// dma_get_sgtable_attrs / dma_get_sgtable: a one-entry sg_table describing a coherent buffer,
// so a dma-buf exporter can hand it to another device's dma_map_sgtable. Every path these
// boards take builds it from the DMA address, never from cpu_addr:
//   - modern: dma_direct_get_sgtable (kernel/dma/direct.c): dma_direct_to_page(dma_addr);
//   - 4.9 arm: arm_dma_get_sgtable: pfn_to_page(dma_to_pfn(dev, handle));
//   - 4.9 arm64: __swiotlb_get_sgtable: phys_to_page(dma_to_phys(dev, handle)).
// So a buffer remapped into the vmalloc area (a non-coherent device's) and a
// DMA_ATTR_NO_KERNEL_MAPPING buffer (cpu_addr a cookie) both give the page of their physical
// address, PAGE_ALIGN(size) bytes at offset 0. Only dma_common_get_sgtable, for ops without a
// get_sgtable, looks at cpu_addr (4.9: virt_to_page, garbage for a remapped buffer; modern:
// vmalloc_to_page) — none of these boards' ops. -ENXIO is what dma_get_sgtable_attrs answers
// for ops without get_sgtable, and what arm_dma_get_sgtable answers for a pfn without a struct
// page once it checks pfn_valid (a check 4.9.0 lacks: its body is pfn_to_page(dma_to_pfn()),
// sg_alloc_table, sg_set_page; stable backports added it later, and 6.0 replaced arm's ops with
// dma-direct, which has none); the paths here have no such check, so memory outside RAM (a declared coherent pool in no-map
// memory) gets an entry for a page that has no struct page, with a dmasim WARNING. There is no
// DMA-API debug hook.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, VirtAddr } from "../hw/address.js";
import { ENXIO } from "../kernel/errno.js";
import { PAGE_ALIGN, PAGE_SIZE } from "../mm/gfp.js";
import { checkDevice, checkDmaAddr, checkSize, checkVirt, checkWhole, invalid } from "./arguments.js";
import { dma_to_phys } from "./dma-address.js";
import { sg_alloc, sg_set_page, type SgTable } from "./scatterlist.js";

/** dma_get_sgtable_attrs(dev, sgt, cpu_addr, dma_addr, size, attrs): fills `sgt` (the C
 *  out-parameter) with one entry and returns 0; -ENXIO when dma_addr has no physical address
 *  (outside every dma-range: no page to name). */
export function dma_get_sgtable_attrs(dev: Device, sgt: SgTable, cpu_addr: VirtAddr, dma_addr: DmaAddr, size: number, attrs = 0): number {
  const fn = "dma_get_sgtable_attrs";
  checkDevice(fn, dev);
  if (sgt === null || typeof sgt !== "object") invalid(fn, "sgt", sgt, "a struct sg_table to fill");
  checkVirt(fn, cpu_addr, "cpu_addr");
  checkDmaAddr(fn, dma_addr, "dma_addr");
  checkSize(fn, size);
  checkWhole(fn, attrs, "attrs");
  const phys = dma_to_phys(dev, dma_addr);
  if (phys < 0) return -ENXIO;
  const pfn = Math.floor(phys / PAGE_SIZE);
  const k = dev.kernel;
  if (!k.mm.buddy.pfnValid(pfn)) {
    k.printk.warn(`WARNING: ${fn}: ${dev.name}: pfn 0x${pfn.toString(16)} is no page of RAM, so it has no struct page; Linux builds the entry from pfn_to_page anyway (dmasim)`);
  }
  // sg_alloc_table(sgt, 1) then sg_set_page(sgt->sgl, page, PAGE_ALIGN(size), 0).
  sgt.sgl = sg_alloc(1);
  sg_set_page(sgt.sgl[0], pfn, PAGE_ALIGN(size), 0);
  sgt.orig_nents = 1;
  sgt.nents = 1;
  return 0;
}

/** dma_get_sgtable: dma_get_sgtable_attrs with no attributes. */
export function dma_get_sgtable(dev: Device, sgt: SgTable, cpu_addr: VirtAddr, dma_addr: DmaAddr, size: number): number {
  return dma_get_sgtable_attrs(dev, sgt, cpu_addr, dma_addr, size, 0);
}
