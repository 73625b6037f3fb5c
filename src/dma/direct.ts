// dma-direct (kernel/dma/direct.c, direct.h; modern kernels): DMA addresses are physical
// addresses (minus the arm32 dma-ranges offset); a buffer the device cannot reach, or a small
// unaligned kmalloc buffer on a non-coherent device, bounces through swiotlb when there is
// one; a non-coherent device gets the arch cache maintenance of spec dma-api §2.2. Coherent
// buffers for a non-coherent device are pages whose kernel alias is cleaned, remapped Normal
// non-cacheable in the vmalloc area and zeroed through that mapping (§5.2); non-blocking
// requests come from the atomic pools. arm keeps its own coherent allocator (arch_dma_alloc).

import type { Device } from "../kernel/device.js";
import type { DmaAddr, PhysAddr, VirtAddr } from "../hw/address.js";
import {
  GFP_DMA, GFP_DMA32, PAGE_ALIGN, PAGE_SIZE, __GFP_DMA, __GFP_DMA32, __GFP_NOWARN, __GFP_ZERO, get_order, gfpflags_allow_blocking,
} from "../mm/gfp.js";
import { VM_DMA_COHERENT } from "../mm/vmalloc.js";
import {
  DMA_ATTR_NO_KERNEL_MAPPING, DMA_ATTR_NO_WARN, DMA_ATTR_REQUIRE_COHERENT, DMA_ATTR_SKIP_CPU_SYNC, DMA_ATTR_WRITE_COMBINE,
  DMA_MAPPING_ERROR, DMA_TO_DEVICE, type DmaDirection,
} from "./constants.js";
import type { CoherentBuffer, DmaMapOps } from "./ops.js";
import { MAP_CYCLES } from "./constants.js";
import { dma_to_phys, phys_to_dma } from "./dma-address.js";
import type { Scatterlist } from "./scatterlist.js";
import { for_each_sg, sg_next, sg_phys } from "./scatterlist.js";
import { dma_common_contiguous_remap } from "./remap.js";
import { arm_coherent_alloc, arm_coherent_free } from "../arch/arm-dma-mapping.js";
import { EIO } from "../kernel/errno.js";
import { dma_alloc_contiguous, dma_free_contiguous } from "./contiguous.js";

export { phys_to_dma, dma_to_phys };

/** dma_capable (modern): the whole buffer below min_not_zero(dma_mask, bus_dma_limit), and
 *  never the error cookie. */
export function dma_capable(dev: Device, addr: DmaAddr, size: number): boolean {
  if (dev.dmaLimit < 0 || addr === DMA_MAPPING_ERROR) return false;
  let limit = dev.dmaLimit;
  if (dev.busLimit && dev.busLimit < limit) limit = dev.busLimit;
  return addr + size - 1 <= limit;
}

function hexMask(m: bigint | null): string {
  return (m ?? 0n).toString(16);
}

function pad(dev: Device, a: DmaAddr): string {
  return "0x" + a.toString(16).padStart(dev.kernel.machine.profile.arch === "arm64" ? 16 : 8, "0");
}

/** dma_kmalloc_needs_bounce (6.5+, arm64): a kmalloc buffer smaller than 2 × ARCH_DMA_MINALIGN
 *  whose kmalloc size is not cache-line aligned may share lines with other objects, so on a
 *  non-coherent device it bounces unless the device only reads it. */
export function dma_kmalloc_needs_bounce(dev: Device, size: number, dir: DmaDirection): boolean {
  const k = dev.kernel;
  if (!k.dma.kmallocBounce || dev.dma_coherent || dir === DMA_TO_DEVICE) return false;
  if (size >= 256) return false;
  return k.mm.slab.roundup(size) % k.dma.cacheAlignment !== 0;
}

/** dmasim's word on a streaming mapping that failed because swiotlb=noforce left no pool: which
 *  buffer, which address the device would have been given, which limit it is beyond. dma_capable
 *  compares the buffer's end with min_not_zero(dma_mask, bus_dma_limit), so the bus limit is named
 *  only where it is below the mask and the buffer ends past it; a physical address outside every
 *  dma-ranges window has no DMA address at all (translate_phys_to_dma gives DMA_MAPPING_ERROR). */
export function noforceOverflowText(dev: Device, phys: PhysAddr, size: number): string {
  const noPool = "and swiotlb=noforce disabled swiotlb: there is no bounce pool to copy it through (dmasim)";
  const hex = (n: number | bigint) => `0x${n.toString(16)}`;
  const mask = `DMA mask ${hex(dev.dma_mask ?? 0n)}`;
  const dma = phys_to_dma(dev, phys);
  if (dma === DMA_MAPPING_ERROR) {
    return `PA ${hex(phys)}+${size} is outside every dma-ranges window of the device's bus, so it has no DMA address, ${noPool}`;
  }
  const end = dma + size - 1;
  const busBinds = dev.busLimit > 0 && dev.busLimit < dev.dmaLimit && end > dev.busLimit;
  const pa = dma === phys ? "" : ` (PA ${hex(phys)})`;
  const beyond = end > dev.dmaLimit || !busBinds
    ? `the device's ${mask}${busBinds ? ` and bus limit ${hex(dev.busLimit)}` : ""}`
    : `the device's bus limit ${hex(dev.busLimit)} (dma-ranges; its ${mask})`;
  return `DMA address ${hex(dma)}+${size}${pa} is beyond ${beyond}, ${noPool}`;
}

function swiotlb_map(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): DmaAddr {
  const k = dev.kernel;
  const tlb = k.dma.swiotlb!.map_single(dev, phys, size, dir, attrs);
  if (tlb < 0) return DMA_MAPPING_ERROR;
  const dma = phys_to_dma(dev, tlb);
  if (!dma_capable(dev, dma, size)) {
    k.dma.swiotlb!.unmap_single(dev, tlb, size, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC);
    k.dma.warnOnce(dev, "swiotlb-overflow", `swiotlb addr ${pad(dev, dma)}+${size} overflow (mask ${hexMask(dev.dma_mask)}, bus limit ${hexMask(dev.bus_dma_limit)}).`);
    return DMA_MAPPING_ERROR;
  }
  if (!dev.dma_coherent && !(attrs & DMA_ATTR_SKIP_CPU_SYNC)) k.archDma.syncForDevice(tlb, size, dir);
  return dma;
}

export function dma_direct_map_phys(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): DmaAddr {
  const k = dev.kernel;
  k.machine.cpu.spend(MAP_CYCLES);
  const dma = phys_to_dma(dev, phys);
  const tlb = k.dma.swiotlb;
  // DMA_ATTR_REQUIRE_COHERENT (7.0) never bounces: a forced bounce fails quietly, a needed one
  // as an overflow.
  const mayBounce = !(attrs & DMA_ATTR_REQUIRE_COHERENT);
  if (tlb?.force) return mayBounce ? swiotlb_map(dev, phys, size, dir, attrs) : DMA_MAPPING_ERROR;
  if (!dma_capable(dev, dma, size) || dma_kmalloc_needs_bounce(dev, size, dir)) {
    if (tlb && mayBounce) return swiotlb_map(dev, phys, size, dir, attrs);
    k.dma.warnOnce(dev, "overflow", `DMA addr ${pad(dev, dma)}+${size} overflow (mask ${hexMask(dev.dma_mask)}, bus limit ${hexMask(dev.bus_dma_limit)}).`);
    if (k.dma.swiotlbDisabled) k.dma.warnOnce(dev, "noforce-overflow", noforceOverflowText(dev, phys, size));
    return DMA_MAPPING_ERROR;
  }
  if (!dev.dma_coherent && !(attrs & DMA_ATTR_SKIP_CPU_SYNC)) k.archDma.syncForDevice(phys, size, dir);
  return dma;
}

export function dma_direct_sync_for_cpu(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  const k = dev.kernel;
  const paddr = dma_to_phys(dev, addr);
  if (!dev.dma_coherent) k.archDma.syncForCpu(paddr, size, dir);
  const tlb = k.dma.swiotlb;
  if (tlb && tlb.is_swiotlb_buffer(paddr)) tlb.sync_single(dev, paddr, size, dir, true);
}

export function dma_direct_sync_for_device(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  const k = dev.kernel;
  const paddr = dma_to_phys(dev, addr);
  const tlb = k.dma.swiotlb;
  if (tlb && tlb.is_swiotlb_buffer(paddr)) tlb.sync_single(dev, paddr, size, dir, false);
  if (!dev.dma_coherent) k.archDma.syncForDevice(paddr, size, dir);
}

export function dma_direct_unmap_phys(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs: number): void {
  const k = dev.kernel;
  k.machine.cpu.spend(MAP_CYCLES);
  // A DMA_ATTR_REQUIRE_COHERENT mapping is cache-coherent and never bounced: nothing to undo.
  if (attrs & DMA_ATTR_REQUIRE_COHERENT) return;
  if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC)) dma_direct_sync_for_cpu(dev, addr, size, dir);
  const paddr = dma_to_phys(dev, addr);
  const tlb = k.dma.swiotlb;
  if (tlb && tlb.is_swiotlb_buffer(paddr)) tlb.unmap_single(dev, paddr, size, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC);
}

function dma_direct_map_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): number {
  const mm = dev.kernel.mm;
  let sg: Scatterlist | null = sgl[0];
  for (let i = 0; i < nents && sg; i++) {
    sg.dma_address = dma_direct_map_phys(dev, sg_phys(sg, mm), sg.length, dir, attrs);
    if (sg.dma_address === DMA_MAPPING_ERROR) {
      dma_direct_unmap_sg(dev, sgl, i, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC);
      return -EIO;
    }
    sg.dma_length = sg.length;
    sg = sg_next(sg);
  }
  return nents;
}

function dma_direct_unmap_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): void {
  for_each_sg(sgl, nents, (sg) => dma_direct_unmap_phys(dev, sg.dma_address, sg.dma_length, dir, attrs));
}

// ---- coherent allocations --------------------------------------------------------------------

/** dma_direct_optimal_gfp_mask: the zone that keeps a buffer below min(coherent mask, bus
 *  limit), and that limit. */
function optimalGfp(dev: Device): { gfp: number; limit: number } {
  let limit = dev.coherentLimit;
  if (dev.busLimit && dev.busLimit < limit) limit = dev.busLimit;
  const phys = dma_to_phys(dev, limit);
  const mm = dev.kernel.mm;
  // Only arm64 configures ZONE_DMA / ZONE_DMA32.
  if (mm.arch !== "arm64") return { gfp: 0, limit: phys };
  if (phys <= mm.zoneDmaLimit) return { gfp: GFP_DMA, limit: phys };
  if (phys <= 0xffffffff) return { gfp: GFP_DMA32, limit: phys };
  return { gfp: 0, limit: phys };
}

function dma_coherent_ok(dev: Device, phys: PhysAddr, size: number): boolean {
  let limit = dev.coherentLimit;
  if (dev.busLimit && dev.busLimit < limit) limit = dev.busLimit;
  return phys_to_dma(dev, phys) + size - 1 <= limit;
}

/** __dma_direct_alloc_pages: CMA (dma_alloc_contiguous) when its pages are below the coherent
 *  mask (and in lowmem unless the caller can use highmem), else pages from the page allocator,
 *  retrying with GFP_DMA32 then GFP_DMA when the first try lands too high. */
function __dma_direct_alloc_pages(dev: Device, size: number, gfp: number, allowHighmem: boolean): number {
  const mm = dev.kernel.mm;
  const order = get_order(size);
  const opt = optimalGfp(dev);
  gfp |= opt.gfp;
  const cma = dma_alloc_contiguous(dev, size, gfp);
  if (cma >= 0) {
    if (dma_coherent_ok(dev, cma * PAGE_SIZE, size) && (allowHighmem || !mm.PageHighMem(cma))) return cma;
    dma_free_contiguous(dev, cma, size);
  }
  for (;;) {
    const pfn = mm.alloc_pages(gfp, order);
    if (pfn >= 0 && dma_coherent_ok(dev, pfn * PAGE_SIZE, size)) return pfn;
    if (pfn >= 0) mm.__free_pages(pfn, order);
    if (mm.arch !== "arm64") return -1;
    if (pfn >= 0 && opt.limit < 2 ** 53 - 1 && !(gfp & (__GFP_DMA32 | __GFP_DMA))) {
      gfp |= GFP_DMA32;
      continue;
    }
    if (pfn >= 0 && !(gfp & __GFP_DMA)) {
      gfp = (gfp & ~__GFP_DMA32) | GFP_DMA;
      continue;
    }
    return -1;
  }
}

function dma_direct_alloc_from_pool(dev: Device, size: number, gfp: number): CoherentBuffer | null {
  const k = dev.kernel;
  const pools = k.dma.modernPools;
  if (!pools) return null;
  gfp |= optimalGfp(dev).gfp;
  const candidates = pools.candidates(gfp);
  for (const pool of candidates) {
    const blk = pool.alloc(size);
    if (!blk) continue;
    if (!dma_coherent_ok(dev, blk.phys, size)) {
      pool.free(blk.va, size);
      continue;
    }
    if (pool.pool.avail < pools.size) k.dma.scheduleWork(() => pools.refill());
    k.machine.cpu.fill(blk.va, 0, size);
    return { cpuAddr: blk.va, dmaAddr: phys_to_dma(dev, blk.phys) };
  }
  if (!candidates.length) k.printk.warn(`WARNING: Failed to get suitable pool for ${dev.name}`);
  else if (!(gfp & __GFP_NOWARN)) k.printk.warn(`WARNING: DMA pool exhausted for ${dev.name}`);
  return null;
}

export function dma_direct_alloc(dev: Device, size: number, gfp: number, attrs: number): CoherentBuffer | null {
  const k = dev.kernel;
  size = PAGE_ALIGN(size);
  if (attrs & DMA_ATTR_NO_WARN) gfp |= __GFP_NOWARN;
  if (attrs & DMA_ATTR_NO_KERNEL_MAPPING) {
    // The struct page (a pfn) is the cookie; only the linear alias is cleaned.
    const pfn = __dma_direct_alloc_pages(dev, size, gfp & ~__GFP_ZERO, true);
    if (pfn < 0) return null;
    if (!dev.dma_coherent && !k.mm.PageHighMem(pfn)) k.archDma.cleanRange(pfn * PAGE_SIZE, size);
    return { cpuAddr: pfn, dmaAddr: phys_to_dma(dev, pfn * PAGE_SIZE) };
  }
  if (!dev.dma_coherent && k.machine.profile.arch === "arm") return arm_coherent_alloc(dev, size, gfp, attrs);
  if (!dev.dma_coherent && !gfpflags_allow_blocking(gfp)) return dma_direct_alloc_from_pool(dev, size, gfp);
  const pfn = __dma_direct_alloc_pages(dev, size, gfp & ~__GFP_ZERO, true);
  if (pfn < 0) return null;
  const phys = pfn * PAGE_SIZE;
  let va: VirtAddr;
  if (!dev.dma_coherent) {
    k.archDma.cleanRange(phys, size);
    const prot = attrs & DMA_ATTR_WRITE_COMBINE ? "writecombine" : "kernel-nc";
    const r = dma_common_contiguous_remap(k, pfn, size, VM_DMA_COHERENT, prot, "dma_common_contiguous_remap");
    if (r === null) {
      dma_free_contiguous(dev, pfn, size);
      return null;
    }
    va = r;
  } else {
    va = k.mm.page_address(pfn);
  }
  k.machine.cpu.fill(va, 0, size);
  return { cpuAddr: va, dmaAddr: phys_to_dma(dev, phys) };
}

export function dma_direct_free(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr, attrs: number): void {
  const k = dev.kernel;
  const mm = k.mm;
  if (attrs & DMA_ATTR_NO_KERNEL_MAPPING) {
    dma_free_contiguous(dev, cpuAddr, size);
    return;
  }
  if (!dev.dma_coherent && k.machine.profile.arch === "arm") {
    arm_coherent_free(dev, size, cpuAddr, dmaAddr, attrs);
    return;
  }
  const pool = k.dma.modernPools?.find(cpuAddr, PAGE_ALIGN(size));
  if (pool) {
    pool.free(cpuAddr, PAGE_ALIGN(size));
    return;
  }
  if (mm.isVmalloc(cpuAddr)) mm.vunmap(cpuAddr);
  dma_free_contiguous(dev, Math.floor(dma_to_phys(dev, dmaAddr) / PAGE_SIZE), size);
}

/** dma_direct_alloc_pages (5.10+; the backend of dma_alloc_pages and dma_alloc_noncoherent):
 *  lowmem pages below the coherent mask, zeroed through their cacheable linear alias with no
 *  cache maintenance — the driver's dma_sync_single_for_device hands them to the device. No
 *  atomic pool and no swiotlb: those serve only encrypted or restricted-pool devices, which
 *  these boards do not have. The first page's pfn, or -1. */
export function dma_direct_alloc_pages(dev: Device, size: number, gfp: number): number {
  const k = dev.kernel;
  const pfn = __dma_direct_alloc_pages(dev, size, gfp & ~__GFP_ZERO, false);
  if (pfn < 0) return -1;
  k.machine.cpu.fill(k.mm.page_address(pfn), 0, size);
  return pfn;
}

/** dma_direct_free_pages */
export function dma_direct_free_pages(dev: Device, size: number, pfn: number): void {
  dma_free_contiguous(dev, pfn, size);
}

function mapping_error(_dev: Device, addr: DmaAddr): number {
  return addr === DMA_MAPPING_ERROR ? -12 : 0;
}

/** dma_direct_supported: masks of 32 bits or more always work; smaller ones must reach the
 *  start of the last page of RAM, or the end of ZONE_DMA if that is lower. */
function dma_direct_supported(dev: Device, mask: bigint): boolean {
  if (mask >= 0xffffffffn) return true;
  const mm = dev.kernel.mm;
  let minMask = mm.ramEnd - PAGE_SIZE;
  if (mm.arch === "arm64") minMask = Math.min(minMask, mm.zoneDmaLimit);
  return mask >= BigInt(phys_to_dma(dev, minMask));
}

export const dma_direct_ops: DmaMapOps = {
  name: "dma-direct",
  map_page: dma_direct_map_phys,
  unmap_page: dma_direct_unmap_phys,
  sync_single_for_cpu: dma_direct_sync_for_cpu,
  sync_single_for_device: dma_direct_sync_for_device,
  map_sg: dma_direct_map_sg,
  unmap_sg: dma_direct_unmap_sg,
  sync_sg_for_cpu: (dev, sgl, nents, dir) => for_each_sg(sgl, nents, (sg) => dma_direct_sync_for_cpu(dev, sg.dma_address, sg.dma_length, dir)),
  sync_sg_for_device: (dev, sgl, nents, dir) => for_each_sg(sgl, nents, (sg) => dma_direct_sync_for_device(dev, sg.dma_address, sg.dma_length, dir)),
  alloc: dma_direct_alloc,
  free: dma_direct_free,
  mapping_error,
  dma_supported: dma_direct_supported,
};

