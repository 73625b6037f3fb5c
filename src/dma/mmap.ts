// Mapping a coherent buffer into user space (a driver's file mmap): dma_mmap_attrs and
// dma_mmap_coherent. The VMA's protection becomes the coherent mapping's memory type first
// (dma_pgprot), so the process's view agrees with the kernel's: uncached for a non-coherent
// device, cacheable for a `dma-coherent` one. Then the buffer's pages from vm_pgoff are
// remapped, or -ENXIO when the VMA asks for more than the buffer has. Modern kernels do this in
// dma_direct_mmap; 4.9 in arm_dma_mmap / arm_coherent_dma_mmap (arm) and __swiotlb_mmap
// (arm64), with the same checks.
// Two more entry points map what is not a coherent buffer: dma_mmap_pages (a dma_alloc_pages
// block, 5.13+) and dma_can_mmap, whether dma_mmap_* can work for a device at all (5.4+).

import type { Device } from "../kernel/device.js";
import type { DmaAddr, VirtAddr } from "../hw/address.js";
import { ENXIO } from "../kernel/errno.js";
import { refuseOn49 } from "./kernel-version.js";
import { dma_pages_block_size } from "./noncoherent.js";
import { PAGE_ALIGN, PAGE_SIZE } from "../mm/gfp.js";
import { userPgprots, type Pgprot } from "../mm/pgprot.js";
import { checkVma, vma_pages, type VmAreaStruct } from "../mm/mmap.js";
import { remap_pfn_range } from "../mm/remap-pfn-range.js";
import { checkDevice, checkDmaAddr, checkSize, checkVirt, checkWhole } from "./arguments.js";
import { DMA_ATTR_WRITE_COMBINE } from "./constants.js";
import { coherent_buffer_size, dev_get_coherent_memory } from "./coherent.js";
import { formatVirt } from "../hw/address.js";
import { dma_to_phys } from "./dma-address.js";

/** dma_pgprot (modern), __get_dma_pgprot (4.9): the protection a user mapping of a coherent
 *  buffer gets. */
export function dma_pgprot(dev: Device, prot: Pgprot, attrs: number): Pgprot {
  const k = dev.kernel;
  const arch = k.machine.profile.arch;
  const p = userPgprots(arch, k.version);
  const wc = (attrs & DMA_ATTR_WRITE_COMBINE) !== 0;
  if (k.version === "v4.9" && arch === "arm64") {
    // arm64 4.9: write-combined whenever the device is not coherent or asks for it.
    return !dev.dma_coherent || wc ? p.pgprot_writecombine(prot) : prot;
  }
  // arm_coherent_dma_mmap and dev_is_dma_coherent leave the protection as it is.
  if (dev.dma_coherent) return prot;
  return wc ? p.pgprot_writecombine(prot) : p.pgprot_dmacoherent(prot);
}

/** dma_mmap_from_dev_coherent: a buffer from the device's declared memory is remapped from that
 *  memory's pages; null when the buffer is not from there. */
function dma_mmap_from_dev_coherent(dev: Device, vma: VmAreaStruct, cpuAddr: VirtAddr, size: number): number | null {
  const mem = dev_get_coherent_memory(dev);
  if (!mem || cpuAddr < mem.virtBase || cpuAddr >= mem.virtBase + mem.pages * PAGE_SIZE) return null;
  return remapBuffer(vma, size, mem.physBase / PAGE_SIZE + Math.floor((cpuAddr - mem.virtBase) / PAGE_SIZE));
}

/** The check and remap both paths make (dma_mmap_from_dev_coherent, dma_direct_mmap): the VMA's
 *  pages from the buffer's page vm_pgoff on, whose first page is `firstPfn`, or -ENXIO when
 *  vm_pgoff lies beyond the buffer or the VMA is larger than what is left of it. */
function remapBuffer(vma: VmAreaStruct, size: number, firstPfn: number): number {
  const count = PAGE_ALIGN(size) / PAGE_SIZE;
  const userCount = vma_pages(vma);
  const off = vma.vm_pgoff;
  if (off >= count || userCount > count - off) return -ENXIO;
  return remap_pfn_range(vma, vma.vm_start, firstPfn + off, userCount * PAGE_SIZE, vma.vm_page_prot);
}

/** 0, or -ENXIO when vm_pgoff lies beyond the buffer or the VMA is larger than what is left of
 *  it, or what remap_pfn_range returns. A `cpu_addr` that is no live coherent buffer of `dev`, or
 *  a `size` beyond it, is mapped as Linux maps it (it cannot tell), with a dmasim WARNING. */
export function dma_mmap_attrs(dev: Device, vma: VmAreaStruct, cpu_addr: VirtAddr, dma_addr: DmaAddr, size: number, attrs: number): number {
  checkDevice("dma_mmap_attrs", dev);
  checkVma("dma_mmap_attrs", vma);
  const cpuAddr = checkVirt("dma_mmap_attrs", cpu_addr, "cpu_addr");
  checkDmaAddr("dma_mmap_attrs", dma_addr);
  checkSize("dma_mmap_attrs", size);
  checkWhole("dma_mmap_attrs", attrs, "attrs");
  vma.vm_page_prot = dma_pgprot(dev, vma.vm_page_prot, attrs);
  const declared = dma_mmap_from_dev_coherent(dev, vma, cpuAddr, size);
  if (declared !== null) return declared;
  // Linux maps whatever pages the arguments name; a freed buffer, another device's or a size
  // beyond the buffer gives the process pages the kernel uses for something else. The mapping
  // goes ahead as in Linux, so the driver runs on as it would there; dmesg names the bug.
  const live = coherent_buffer_size(dev, cpuAddr);
  if (live === undefined || PAGE_ALIGN(size) > live) {
    dev.kernel.printk.warn(
      `WARNING: dma_mmap_attrs: ${dev.name}: ${live === undefined ? `cpu_addr ${formatVirt(cpuAddr, dev.kernel.machine.profile.arch === "arm64" ? 64 : 32)} is no live coherent buffer of this device (freed, or another device's)` : `size ${size} is larger than the ${live}-byte buffer`}; mapped as Linux maps it, the process sees pages the kernel uses for something else (dmasim)`,
    );
  }
  const phys = dma_to_phys(dev, dma_addr);
  if (phys < 0) return -ENXIO; // outside every dma-range: no page behind it
  return remapBuffer(vma, size, Math.floor(phys / PAGE_SIZE));
}

export function dma_mmap_coherent(dev: Device, vma: VmAreaStruct, cpu_addr: VirtAddr, dma_addr: DmaAddr, size: number): number {
  return dma_mmap_attrs(dev, vma, cpu_addr, dma_addr, size, 0);
}

/** dma_mmap_pages(dev, vma, size, page) (kernel/dma/mapping.c, 5.13+): maps a dma_alloc_pages
 *  block into the VMA with the VMA's own protection — the pages are cacheable lowmem, the same
 *  memory type as the kernel's linear map of them, so the driver passes ownership with
 *  dma_sync_single_for_* as for the kernel's view. 0, or -ENXIO when vm_pgoff lies beyond the
 *  block or the VMA is larger than what is left of it (the check dma_direct_mmap makes), or
 *  what remap_pfn_range returns. A `page` that starts no live block of `dev`, or a `size`
 *  beyond it, is mapped as Linux maps it, with a dmasim WARNING. */
export function dma_mmap_pages(dev: Device, vma: VmAreaStruct, size: number, page: number): number {
  const fn = "dma_mmap_pages";
  checkDevice(fn, dev);
  refuseOn49(fn, dev, "5.13", "dma_mmap_coherent of a dma_alloc_coherent buffer");
  checkVma(fn, vma);
  checkSize(fn, size);
  checkWhole(fn, page, "page");
  const block = dma_pages_block_size(dev, page);
  if (block === undefined || PAGE_ALIGN(size) > block) {
    dev.kernel.printk.warn(
      `WARNING: ${fn}: ${dev.name}: ${block === undefined ? `pfn 0x${page.toString(16)} starts no live dma_alloc_pages block of this device (freed, or another device's)` : `size ${size} is larger than the ${block}-byte block`}; mapped as Linux maps it, the process sees pages the kernel uses for something else (dmasim)`,
    );
  }
  return remapBuffer(vma, size, page);
}

/** dma_can_mmap(dev) (kernel/dma/mapping.c, 5.4+): whether dma_mmap_coherent / dma_mmap_attrs
 *  can map this device's buffers. Every device here takes dma-direct, where it is
 *  dma_direct_can_mmap: dev_is_dma_coherent(dev) || IS_ENABLED(CONFIG_DMA_NONCOHERENT_MMAP).
 *  arm selects DMA_NONCOHERENT_MMAP whenever it has an MMU, arm64 through DMA_DIRECT_REMAP: the
 *  non-coherent device's mapping is made uncached (dma_pgprot), so the answer is true for every
 *  device on both. */
export function dma_can_mmap(dev: Device): boolean {
  checkDevice("dma_can_mmap", dev);
  refuseOn49("dma_can_mmap", dev, "5.4", "dma_mmap_coherent and its -ENXIO");
  const CONFIG_DMA_NONCOHERENT_MMAP = true;
  return dev.dma_coherent || CONFIG_DMA_NONCOHERENT_MMAP;
}
