// dma-direct (kernel/dma/direct.c, modern): DMA addresses are physical addresses (no IOMMU, no
// dma-ranges offset on these boards); a non-coherent device gets the arch cache maintenance of
// spec dma-api §2.2; coherent buffers for a non-coherent device are pages whose kernel alias is
// cleaned, remapped Normal non-cacheable in the vmalloc area, and zeroed through that mapping.

import type { Device } from "../kernel/device.js";
import type { PhysAddr, VirtAddr, DmaAddr } from "../hw/address.js";
import { PAGE_SIZE, PAGE_ALIGN, get_order, __GFP_DMA, __GFP_DMA32, __GFP_ZERO } from "../mm/gfp.js";
import { VM_DMA_COHERENT } from "../mm/vmalloc.js";
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_ATTR_WRITE_COMBINE, DMA_MAPPING_ERROR, type DmaDirection } from "./constants.js";

/** Core cycles of bookkeeping per streaming map/unmap call (an estimate; docs/calibration.md). */
const MAP_CYCLES = 60;

export function phys_to_dma(_dev: Device, pa: PhysAddr): DmaAddr {
  return pa;
}

export function dma_to_phys(_dev: Device, dma: DmaAddr): PhysAddr {
  return dma;
}

/** dma_capable: the whole buffer lies below the device's mask (and bus limit). */
export function dma_capable(dev: Device, addr: DmaAddr, size: number): boolean {
  if (dev.dma_mask === null || addr === DMA_MAPPING_ERROR) return false;
  let limit = dev.dma_mask;
  if (dev.bus_dma_limit && dev.bus_dma_limit < limit) limit = dev.bus_dma_limit;
  return BigInt(addr + Math.max(size, 1) - 1) <= limit;
}

function hexMask(m: bigint): string {
  return "0x" + m.toString(16);
}

export function dma_direct_map_phys(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): DmaAddr {
  const k = dev.kernel;
  k.machine.cpu.spend(MAP_CYCLES);
  const dma = phys_to_dma(dev, phys);
  if (!dma_capable(dev, dma, size)) {
    k.printk.warn(
      `${dev.name}: DMA addr 0x${dma.toString(16)}+${size} overflow (mask ${hexMask(dev.dma_mask ?? 0n)}, bus limit ${hexMask(dev.bus_dma_limit)}).`,
    );
    return DMA_MAPPING_ERROR;
  }
  if (!dev.dma_coherent && !(attrs & DMA_ATTR_SKIP_CPU_SYNC)) k.archDma.syncForDevice(phys, size, dir);
  return dma;
}

export function dma_direct_sync_for_device(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  if (!dev.dma_coherent) dev.kernel.archDma.syncForDevice(dma_to_phys(dev, addr), size, dir);
}

export function dma_direct_sync_for_cpu(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  if (!dev.dma_coherent) dev.kernel.archDma.syncForCpu(dma_to_phys(dev, addr), size, dir);
}

export function dma_direct_unmap_phys(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs: number): void {
  dev.kernel.machine.cpu.spend(MAP_CYCLES);
  if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC)) dma_direct_sync_for_cpu(dev, addr, size, dir);
}

/** The zone modifier that keeps an allocation below the coherent mask
 *  (dma_direct_optimal_gfp_mask), then DMA32 / DMA retries as __dma_direct_alloc_pages does. */
function allocBelowMask(dev: Device, size: number, gfp: number): number {
  const mm = dev.kernel.mm;
  const order = get_order(size);
  const ok = (pfn: number) => BigInt(pfn * PAGE_SIZE + size - 1) <= dev.coherent_dma_mask;
  const base = gfp & ~(__GFP_DMA | __GFP_DMA32 | __GFP_ZERO);
  for (const zone of [0, __GFP_DMA32, __GFP_DMA]) {
    const pfn = mm.alloc_pages(base | zone, order);
    if (pfn < 0) continue;
    if (ok(pfn)) return pfn;
    mm.__free_pages(pfn, order);
  }
  return -1;
}

export interface CoherentBuffer {
  cpuAddr: VirtAddr;
  dmaAddr: DmaAddr;
}

export function dma_direct_alloc(dev: Device, size: number, gfp: number, attrs: number): CoherentBuffer | null {
  const k = dev.kernel;
  size = PAGE_ALIGN(size);
  const pfn = allocBelowMask(dev, size, gfp);
  if (pfn < 0) return null;
  const phys = pfn * PAGE_SIZE;
  const mm = k.mm;
  if (dev.dma_coherent) {
    const va = mm.phys_to_virt(phys);
    k.machine.cpu.fill(va, 0, size);
    return { cpuAddr: va, dmaAddr: phys_to_dma(dev, phys) };
  }
  // Remove dirty lines of the kernel alias, then map the pages non-cacheable.
  k.archDma.prepCoherent(phys, size);
  const pages: number[] = [];
  for (let i = 0; i < size / PAGE_SIZE; i++) pages.push(pfn + i);
  const prot = attrs & DMA_ATTR_WRITE_COMBINE ? "writecombine" : "kernel-nc";
  const va = mm.vmap(pages, prot, VM_DMA_COHERENT, "dma_direct_alloc");
  if (va === null) {
    mm.__free_pages(pfn, get_order(size));
    return null;
  }
  k.machine.cpu.fill(va, 0, size);
  return { cpuAddr: va, dmaAddr: phys_to_dma(dev, phys) };
}

export function dma_direct_free(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr): void {
  const mm = dev.kernel.mm;
  size = PAGE_ALIGN(size);
  if (mm.isVmalloc(cpuAddr)) mm.vunmap(cpuAddr);
  mm.__free_pages(Math.floor(dma_to_phys(dev, dmaAddr) / PAGE_SIZE), get_order(size));
}
