// Linux 4.9 arm64 DMA ops (arch/arm64/mm/dma-mapping.c over lib/swiotlb.c; spec dma-api §2,
// §4, §5.1): every streaming call goes through swiotlb, which bounces what the device cannot
// reach; the arm64 wrappers add __dma_map_area / __dma_unmap_area for a non-coherent device —
// without looking at DMA_ATTR_SKIP_CPU_SYNC, as the 4.9 tree does. A full pool returns the
// overflow buffer's address (dma_mapping_error detects it), or panics for a single mapping of
// more than 32 KB. With no pool (all RAM within ZONE_DMA, nothing forced: mem_init set
// SWIOTLB_NO_FORCE) every bounce fails with "Cannot do DMA to address" and the overflow
// buffer's address, which is 0 then. Coherent allocations: the 256 KB atomic pool when the
// caller cannot sleep; else the device's CMA area (its own or the default one) when it has
// one — with no fallback when it is full — or whole 2^order blocks from the buddy allocator
// (ZONE_DMA for a 32-bit mask), or a swiotlb region when those are beyond the mask; zeroed and
// flushed through the linear alias, then remapped Normal-NC with 4 KB pages. The cacheable
// alias stays mapped.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, PhysAddr, VirtAddr } from "../hw/address.js";
import { KernelPanic } from "../kernel/errno.js";
import { dev_warn } from "../kernel/dev-printk.js";
import { GFP_DMA, PAGE_ALIGN, PAGE_SIZE, get_order, gfpflags_allow_blocking } from "../mm/gfp.js";
import { VM_USERMAP } from "../mm/vmalloc.js";
import {
  DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection,
} from "../dma/constants.js";
import { sync_each_sg, type CoherentBuffer, type DmaMapOps } from "../dma/ops.js";
import type { Scatterlist } from "../dma/scatterlist.js";
import { for_each_sg, sg_phys } from "../dma/scatterlist.js";
import { dma_common_contiguous_remap } from "../dma/remap.js";
import { IO_TLB_OVERFLOW } from "../dma/swiotlb.js";
import { MAP_CYCLES } from "../dma/constants.js";
import { dma_to_phys, phys_to_dma } from "../dma/dma-address.js";
import { dev_get_cma_area, dma_alloc_from_contiguous, dma_release_from_contiguous } from "../dma/contiguous.js";

/** 4.9 dma_capable: no mask → false, else the last byte below the mask. */
function dma_capable(dev: Device, addr: DmaAddr, size: number): boolean {
  if (dev.dmaLimit < 0) return false;
  return addr + size - 1 <= dev.dmaLimit;
}

/** phys_to_dma(dev, io_tlb_overflow_buffer): 0 when swiotlb_init never ran. */
function overflowAddr(dev: Device): DmaAddr {
  return phys_to_dma(dev, dev.kernel.dma.swiotlb?.overflowBuffer ?? 0);
}

/** Whether lib/swiotlb.c's map_single has anything to do: a pool, or SWIOTLB_NO_FORCE to refuse
 *  with. (A pool that memblock could not give is neither: the mapping passes unbounced.) */
function swiotlb_may_bounce(dev: Device): boolean {
  const d = dev.kernel.dma;
  return !!d.swiotlb || d.swiotlbNoForce;
}

/** map_single: a bounce slot from the pool, or SWIOTLB_MAP_ERROR (-1) under SWIOTLB_NO_FORCE,
 *  said with dev_warn_ratelimited and the buffer's physical address as %pa prints it. */
function map_single(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): PhysAddr {
  const d = dev.kernel.dma;
  if (d.swiotlbNoForce) {
    if (d.noForceWarnLimit.ok(dev.kernel.machine.now())) dev_warn(dev, `Cannot do DMA to address 0x${phys.toString(16).padStart(16, "0")}`);
    return -1;
  }
  return d.swiotlb!.map_single(dev, phys, size, dir, attrs);
}

/** swiotlb_full: "Out of SW-IOMMU space"; a single mapping larger than the overflow buffer
 *  is a kernel panic. Under SWIOTLB_NO_FORCE it returns at once. */
function swiotlb_full(dev: Device, size: number, dir: DmaDirection, doPanic: boolean): void {
  if (dev.kernel.dma.swiotlbNoForce) return;
  dev.kernel.printk.err(`DMA: Out of SW-IOMMU space for ${size} bytes at device ${dev.name}`);
  if (size <= IO_TLB_OVERFLOW || !doPanic) return;
  const what = dir === DMA_BIDIRECTIONAL ? "accessed" : dir === DMA_FROM_DEVICE ? "written" : "read";
  throw new KernelPanic(`DMA: Random memory could be DMA ${what}`);
}

function maskText(dev: Device): string {
  return dev.dma_mask === null ? "(none)" : `0x${dev.dma_mask.toString(16)}`;
}

/** swiotlb_map_page: the failures return the overflow buffer's address, which
 *  dma_mapping_error recognises (mapping_error below). */
function swiotlb_map_page(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): DmaAddr {
  const tlb = dev.kernel.dma.swiotlb;
  const dma = phys_to_dma(dev, phys);
  if (!swiotlb_may_bounce(dev) || (dma_capable(dev, dma, size) && !tlb?.force)) return dma;
  const map = map_single(dev, phys, size, dir, attrs);
  if (map < 0) {
    swiotlb_full(dev, size, dir, true);
    return overflowAddr(dev);
  }
  const d = phys_to_dma(dev, map);
  if (!dma_capable(dev, d, size)) {
    tlb!.unmap_single(dev, map, size, dir, attrs);
    return overflowAddr(dev);
  }
  return d;
}

/** __swiotlb_map_page */
function map_page(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): DmaAddr {
  const k = dev.kernel;
  k.machine.cpu.spend(MAP_CYCLES);
  const dma = swiotlb_map_page(dev, phys, size, dir, attrs);
  if (!dev.dma_coherent) k.archDma.syncForDevice(dma_to_phys(dev, dma), size, dir);
  return dma;
}

/** swiotlb unmap_single: a bounce slot is copied back and freed. */
function swiotlb_unmap(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs: number): void {
  const tlb = dev.kernel.dma.swiotlb;
  const paddr = dma_to_phys(dev, addr);
  if (tlb && tlb.is_swiotlb_buffer(paddr)) tlb.unmap_single(dev, paddr, size, dir, attrs);
}

/** __swiotlb_unmap_page */
function unmap_page(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs: number): void {
  const k = dev.kernel;
  k.machine.cpu.spend(MAP_CYCLES);
  if (!dev.dma_coherent) k.archDma.syncForCpu(dma_to_phys(dev, addr), size, dir);
  swiotlb_unmap(dev, addr, size, dir, attrs);
}

/** swiotlb_sync_single: only the directions the target needs; anything else is a BUG_ON in
 *  4.9 except the harmless pairs (for_cpu with TO_DEVICE, for_device with FROM_DEVICE). */
function swiotlb_sync(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, forCpu: boolean): void {
  const tlb = dev.kernel.dma.swiotlb;
  const paddr = dma_to_phys(dev, addr);
  if (tlb && tlb.is_swiotlb_buffer(paddr)) tlb.sync_single(dev, paddr, size, dir, forCpu);
}

function sync_single_for_cpu(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  if (!dev.dma_coherent) dev.kernel.archDma.syncForCpu(dma_to_phys(dev, addr), size, dir);
  swiotlb_sync(dev, addr, size, dir, true);
}

function sync_single_for_device(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  swiotlb_sync(dev, addr, size, dir, false);
  if (!dev.dma_coherent) dev.kernel.archDma.syncForDevice(dma_to_phys(dev, addr), size, dir);
}

/** __swiotlb_map_sg_attrs: swiotlb_map_sg_attrs (no panic: a full pool unmaps what was mapped
 *  and returns 0), then __dma_map_area on each mapped entry. */
function map_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): number {
  const k = dev.kernel;
  const tlb = k.dma.swiotlb;
  let failed = -1;
  for_each_sg(sgl, nents, (sg, i) => {
    if (failed >= 0) return;
    const paddr = sg_phys(sg, k.mm);
    const dma = phys_to_dma(dev, paddr);
    if (swiotlb_may_bounce(dev) && (tlb?.force || !dma_capable(dev, dma, sg.length))) {
      const map = map_single(dev, paddr, sg.length, dir, attrs);
      if (map < 0) {
        swiotlb_full(dev, sg.length, dir, false);
        failed = i;
        return;
      }
      sg.dma_address = phys_to_dma(dev, map);
      // Unlike swiotlb_map_page, 4.9's map_sg never checks that the slot is dma_capable.
      if (!dma_capable(dev, sg.dma_address, sg.length)) {
        k.dma.warnOnce(dev, "swiotlb-sg-beyond-mask", `WARNING: swiotlb_map_sg_attrs: entry ${i} bounced to 0x${sg.dma_address.toString(16)}+${sg.length}, beyond the device's DMA mask ${maskText(dev)}; 4.9 lib/swiotlb.c does not check the slot and returns it, the device cannot reach it (dmasim)`);
      }
    } else sg.dma_address = dma;
    sg.dma_length = sg.length;
  });
  if (failed >= 0) {
    for_each_sg(sgl, failed, (sg) => swiotlb_unmap(dev, sg.dma_address, sg.dma_length, dir, attrs));
    sgl[0].dma_length = 0;
    return 0;
  }
  if (!dev.dma_coherent) for_each_sg(sgl, nents, (sg) => k.archDma.syncForDevice(dma_to_phys(dev, sg.dma_address), sg.length, dir));
  return nents;
}

function unmap_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): void {
  const k = dev.kernel;
  if (!dev.dma_coherent) for_each_sg(sgl, nents, (sg) => k.archDma.syncForCpu(dma_to_phys(dev, sg.dma_address), sg.length, dir));
  for_each_sg(sgl, nents, (sg) => swiotlb_unmap(dev, sg.dma_address, sg.dma_length, dir, attrs));
}

// ---- coherent allocations --------------------------------------------------------------------

/** swiotlb_alloc_coherent: a whole 2^order block (not trimmed); beyond the coherent mask it is
 *  freed and a swiotlb region taken instead. Zeroed through the linear alias. */
function swiotlb_alloc_coherent(dev: Device, size: number, gfp: number): { phys: PhysAddr } | null {
  const k = dev.kernel;
  const order = get_order(size);
  const mask = dev.coherentLimit || 0xffffffff;
  let phys = -1;
  const pfn = k.mm.alloc_pages(gfp, order);
  if (pfn >= 0) {
    phys = pfn * PAGE_SIZE;
    if (phys_to_dma(dev, phys) + size - 1 > mask) {
      k.mm.__free_pages(pfn, order);
      phys = -1;
    }
  }
  if (phys < 0) {
    const map = swiotlb_may_bounce(dev) ? map_single(dev, 0, size, DMA_FROM_DEVICE, 0) : -1;
    if (map < 0) {
      k.printk.warn(`swiotlb: coherent allocation failed for device ${dev.name} size=${size}`);
      return null;
    }
    if (phys_to_dma(dev, map) + size - 1 > mask) {
      k.dma.swiotlb!.unmap_single(dev, map, size, DMA_TO_DEVICE, 0);
      k.printk.warn(`swiotlb: coherent allocation failed for device ${dev.name} size=${size}`);
      return null;
    }
    phys = map;
  }
  k.machine.cpu.fill(k.mm.phys_to_virt(phys), 0, size);
  return { phys };
}

/** __dma_alloc_coherent: CMA when the device has an area and the caller can sleep (its
 *  failure is final), else swiotlb_alloc_coherent. */
function dma_alloc_coherent_pages(dev: Device, size: number, gfp: number): { phys: PhysAddr } | null {
  const k = dev.kernel;
  if (dev_get_cma_area(dev) && gfpflags_allow_blocking(gfp)) {
    const pfn = dma_alloc_from_contiguous(dev, size / PAGE_SIZE, get_order(size));
    if (pfn < 0) return null;
    k.machine.cpu.fill(k.mm.page_address(pfn), 0, size);
    return { phys: pfn * PAGE_SIZE };
  }
  return swiotlb_alloc_coherent(dev, size, gfp);
}

/** __dma_free_coherent: CMA pages back to the area, anything else to swiotlb_free_coherent. */
function dma_free_coherent_pages(dev: Device, size: number, phys: PhysAddr): void {
  if (!dma_release_from_contiguous(dev, Math.floor(phys / PAGE_SIZE), size / PAGE_SIZE)) swiotlb_free_coherent(dev, size, phys);
}

function swiotlb_free_coherent(dev: Device, size: number, phys: PhysAddr): void {
  const k = dev.kernel;
  const tlb = k.dma.swiotlb;
  if (tlb && tlb.is_swiotlb_buffer(phys)) tlb.unmap_single(dev, phys, size, DMA_TO_DEVICE, 0);
  else k.mm.__free_pages(Math.floor(phys / PAGE_SIZE), get_order(size));
}

/** __dma_alloc */
function alloc(dev: Device, size: number, gfp: number, _attrs: number): CoherentBuffer | null {
  const k = dev.kernel;
  size = PAGE_ALIGN(size);
  if (!dev.dma_coherent && !gfpflags_allow_blocking(gfp)) {
    const pool = k.dma.legacyPool;
    if (!pool) {
      k.printk.warn("WARNING: coherent pool not initialised!");
      return null;
    }
    const blk = pool.alloc(size);
    if (!blk) return null;
    k.machine.cpu.fill(blk.va, 0, size);
    return { cpuAddr: blk.va, dmaAddr: phys_to_dma(dev, blk.phys) };
  }
  // __dma_alloc_coherent: ZONE_DMA for a coherent mask of 32 bits or less.
  if (dev.coherentLimit <= 0xffffffff) gfp |= GFP_DMA;
  const buf = dma_alloc_coherent_pages(dev, size, gfp);
  if (!buf) return null;
  const linear = k.mm.phys_to_virt(buf.phys);
  if (dev.dma_coherent) return { cpuAddr: linear, dmaAddr: phys_to_dma(dev, buf.phys) };
  // Remove any dirty lines of the kernel alias, then the non-cacheable remap.
  k.archDma.flushRange(buf.phys, size);
  const va = dma_common_contiguous_remap(k, Math.floor(buf.phys / PAGE_SIZE), size, VM_USERMAP, "kernel-nc", "");
  if (va === null) {
    dma_free_coherent_pages(dev, size, buf.phys);
    return null;
  }
  return { cpuAddr: va, dmaAddr: phys_to_dma(dev, buf.phys) };
}

/** __dma_free: the atomic pool, else vunmap (lazy TLB flush) and the pages back. */
function free(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr, _attrs: number): void {
  const k = dev.kernel;
  size = PAGE_ALIGN(size);
  if (!dev.dma_coherent) {
    if (k.dma.legacyPool?.has(cpuAddr, size)) {
      k.dma.legacyPool.free(cpuAddr, size);
      return;
    }
    k.mm.vunmap(cpuAddr);
  }
  dma_free_coherent_pages(dev, size, dma_to_phys(dev, dmaAddr));
}

/** swiotlb_dma_mapping_error, which 4.9's swiotlb_dma_ops use directly: the overflow buffer's
 *  address, 0 without a pool (the flag-checking __swiotlb_dma_mapping_error came in 4.10). */
function mapping_error(dev: Device, addr: DmaAddr): number {
  return addr === overflowAddr(dev) ? 1 : 0;
}

/** __swiotlb_dma_supported: with the swiotlb flag set the mask must cover the pool. */
function dma_supported(dev: Device, mask: bigint): boolean {
  const d = dev.kernel.dma;
  if (!d.swiotlbActive || !d.swiotlb) return true;
  return BigInt(phys_to_dma(dev, d.swiotlb.end - 1)) <= mask;
}

export const arm64_swiotlb_dma_ops: DmaMapOps = {
  name: "swiotlb_dma_ops",
  map_page,
  unmap_page,
  sync_single_for_cpu,
  sync_single_for_device,
  map_sg,
  unmap_sg,
  sync_sg_for_cpu: sync_each_sg(sync_single_for_cpu),
  sync_sg_for_device: sync_each_sg(sync_single_for_device),
  alloc,
  free,
  mapping_error,
  dma_supported,
};

