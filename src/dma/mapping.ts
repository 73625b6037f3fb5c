// The DMA mapping API entry points (kernel/dma/mapping.c) with the kernel's names and argument
// order. Direction is checked first (an invalid one is a kernel BUG), then the call goes to
// dma-direct. A `struct page *` is a page frame number here.

import type { Device } from "../kernel/device.js";
import { KernelBug, EIO } from "../kernel/errno.js";
import type { VirtAddr, DmaAddr } from "../hw/address.js";
import { PAGE_SIZE, __GFP_COMP, __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM } from "../mm/gfp.js";
import {
  DMA_MAPPING_ERROR, DMA_BIT_MASK, valid_dma_direction, DIRECTION_NAMES, type DmaDirection,
} from "./constants.js";
import {
  dma_direct_alloc, dma_direct_free, dma_direct_map_phys, dma_direct_unmap_phys,
  dma_direct_sync_for_cpu, dma_direct_sync_for_device, type CoherentBuffer,
} from "./direct.js";

function checkDirection(fn: string, dir: number): asserts dir is DmaDirection {
  if (!valid_dma_direction(dir)) {
    throw new KernelBug("kernel/dma/mapping.c", `${fn}: invalid DMA direction ${dir}${dir === 3 ? " (DMA_NONE)" : ""}`);
  }
}

function checkSize(fn: string, size: number): void {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`${fn}: size ${size} is not a byte count`);
}

// ---- streaming mappings ----------------------------------------------------------------------

export function dma_map_page_attrs(dev: Device, page: number, offset: number, size: number, dir: DmaDirection, attrs = 0): DmaAddr {
  checkDirection("dma_map_page_attrs", dir);
  checkSize("dma_map_page_attrs", size);
  if (dev.dma_mask === null) {
    dev.kernel.printk.warn(`${dev.name}: dma_map_page_attrs: device has no DMA mask`);
    return DMA_MAPPING_ERROR;
  }
  return dma_direct_map_phys(dev, page * PAGE_SIZE + offset, size, dir, attrs);
}

export function dma_map_page(dev: Device, page: number, offset: number, size: number, dir: DmaDirection): DmaAddr {
  return dma_map_page_attrs(dev, page, offset, size, dir, 0);
}

export function dma_map_single_attrs(dev: Device, ptr: VirtAddr, size: number, dir: DmaDirection, attrs = 0): DmaAddr {
  checkDirection("dma_map_single_attrs", dir);
  const mm = dev.kernel.mm;
  if (mm.isVmalloc(ptr)) {
    dev.kernel.printk.warn(`${dev.name}: rejecting DMA map of vmalloc memory`);
    return DMA_MAPPING_ERROR;
  }
  const pa = mm.virt_to_phys(ptr);
  return dma_map_page_attrs(dev, Math.floor(pa / PAGE_SIZE), pa % PAGE_SIZE, size, dir, attrs);
}

export function dma_map_single(dev: Device, ptr: VirtAddr, size: number, dir: DmaDirection): DmaAddr {
  return dma_map_single_attrs(dev, ptr, size, dir, 0);
}

export function dma_unmap_page_attrs(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs = 0): void {
  checkDirection("dma_unmap_page_attrs", dir);
  dma_direct_unmap_phys(dev, addr, size, dir, attrs);
}

export function dma_unmap_page(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  dma_unmap_page_attrs(dev, addr, size, dir, 0);
}

export function dma_unmap_single_attrs(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs = 0): void {
  dma_unmap_page_attrs(dev, addr, size, dir, attrs);
}

export function dma_unmap_single(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  dma_unmap_page_attrs(dev, addr, size, dir, 0);
}

/** Nonzero (-ENOMEM) when `addr` is the mapping-failure cookie. */
export function dma_mapping_error(_dev: Device, addr: DmaAddr): number {
  return addr === DMA_MAPPING_ERROR ? -12 : 0;
}

export function dma_sync_single_for_cpu(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  checkDirection("dma_sync_single_for_cpu", dir);
  dma_direct_sync_for_cpu(dev, addr, size, dir);
}

export function dma_sync_single_for_device(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  checkDirection("dma_sync_single_for_device", dir);
  dma_direct_sync_for_device(dev, addr, size, dir);
}

export function dma_sync_single_range_for_cpu(dev: Device, addr: DmaAddr, offset: number, size: number, dir: DmaDirection): void {
  dma_sync_single_for_cpu(dev, addr + offset, size, dir);
}

export function dma_sync_single_range_for_device(dev: Device, addr: DmaAddr, offset: number, size: number, dir: DmaDirection): void {
  dma_sync_single_for_device(dev, addr + offset, size, dir);
}

// ---- coherent allocations --------------------------------------------------------------------

export function dma_alloc_attrs(dev: Device, size: number, gfp: number, attrs = 0): CoherentBuffer | null {
  checkSize("dma_alloc_attrs", size);
  const k = dev.kernel;
  if (!dev.coherent_dma_mask) {
    k.printk.warn(`${dev.name}: dma_alloc_attrs: coherent DMA mask is unset`);
    return null;
  }
  if (gfp & __GFP_COMP) {
    k.printk.warn(`${dev.name}: dma_alloc_attrs: __GFP_COMP is not allowed`);
    return null;
  }
  if (size === 0) return null;
  // The zone is chosen from the coherent mask, never by the caller.
  return dma_direct_alloc(dev, size, gfp & ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM), attrs);
}

export function dma_alloc_coherent(dev: Device, size: number, gfp: number): CoherentBuffer | null {
  return dma_alloc_attrs(dev, size, gfp, 0);
}

export function dma_free_attrs(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr, _attrs = 0): void {
  if (!cpuAddr) return;
  dma_direct_free(dev, size, cpuAddr, dmaAddr);
}

export function dma_free_coherent(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr): void {
  dma_free_attrs(dev, size, cpuAddr, dmaAddr, 0);
}

// ---- masks ---------------------------------------------------------------------------------

function toMask(mask: bigint | number): bigint {
  return BigInt.asUintN(64, typeof mask === "bigint" ? mask : BigInt(mask));
}

/** dma_direct_supported: masks of 32 bits or more always work; smaller ones must reach the
 *  lowest of the last RAM byte and the end of ZONE_DMA. */
export function dma_supported(dev: Device, mask: bigint): boolean {
  if (mask >= DMA_BIT_MASK(32)) return true;
  const mm = dev.kernel.mm;
  const lastRam = mm.layout.physOffset + mm.linearBytes - 1;
  const dmaZone = mm.buddy.zones.find((z) => z.name === "DMA");
  const limit = Math.min(lastRam, dmaZone ? dmaZone.endPfn * PAGE_SIZE - 1 : lastRam);
  return mask >= BigInt(Math.floor(limit));
}

export function dma_set_mask(dev: Device, mask: bigint | number): number {
  const m = toMask(mask);
  if (dev.dma_mask === null || !dma_supported(dev, m)) return -EIO;
  dev.dma_mask = m;
  return 0;
}

export function dma_set_coherent_mask(dev: Device, mask: bigint | number): number {
  const m = toMask(mask);
  if (!dma_supported(dev, m)) return -EIO;
  dev.coherent_dma_mask = m;
  return 0;
}

export function dma_set_mask_and_coherent(dev: Device, mask: bigint | number): number {
  const rc = dma_set_mask(dev, mask);
  if (rc === 0) dma_set_coherent_mask(dev, mask);
  return rc;
}

/** The smallest all-ones mask covering the highest RAM address (modern: 2^fls64(last) − 1). */
export function dma_get_required_mask(dev: Device): bigint {
  const mm = dev.kernel.mm;
  const last = BigInt(mm.layout.physOffset + mm.linearBytes - 1);
  return (1n << BigInt(last.toString(2).length)) - 1n;
}

export { DIRECTION_NAMES };
