// 32-bit ARM DMA mapping (arch/arm/mm/dma-mapping.c; spec dma-api §2.2, §5.3). Streaming (4.9
// arm_dma_ops): the DMA address is the page's, cache maintenance by __dma_page_cpu_to_dev /
// __dma_page_dev_to_cpu unless DMA_ATTR_SKIP_CPU_SYNC; mapping never fails and nothing
// bounces (Zynq has no swiotlb). Coherent allocations (both generations: modern kernels call
// this allocator through arch_dma_alloc): CMA when the caller can sleep and the device has an
// area (its own or the default one) — zeroed and flushed, then a lowmem buffer's linear-map
// PTEs (4 KB pages since boot) rewritten to the coherent type in place, a highmem one remapped
// in the vmalloc area; else the atomic pool when the caller cannot sleep, the remap allocator —
// alloc_pages, the excess pages of the 2^order block freed, zeroed and flushed (L1 and PL310),
// remapped with 4 KB pages (pgprot_dmacoherent, or writecombine) — or the simple allocator for
// a coherent device.

import type { Device } from "../kernel/device.js";
import type { Kernel } from "../kernel/kernel.js";
import type { DmaAddr, PhysAddr, VirtAddr } from "../hw/address.js";
import { dev_warn } from "../kernel/dev-printk.js";
import { GFP_DMA, PAGE_ALIGN, PAGE_SIZE, __GFP_COMP, __GFP_NOWARN, get_order, gfpflags_allow_blocking } from "../mm/gfp.js";
import type { PageProt } from "../mm/pgtable.js";
import { VM_DMA_COHERENT, VM_USERMAP } from "../mm/vmalloc.js";
import {
  DMA_ATTR_NO_KERNEL_MAPPING, DMA_ATTR_SKIP_CPU_SYNC, DMA_ATTR_WRITE_COMBINE, DMA_MAPPING_ERROR, type DmaDirection,
} from "../dma/constants.js";
import { sync_each_sg, type CoherentBuffer, type DmaMapOps } from "../dma/ops.js";
import type { Scatterlist } from "../dma/scatterlist.js";
import { for_each_sg, sg_phys } from "../dma/scatterlist.js";
import { dma_common_contiguous_remap, dma_common_free_remap } from "../dma/remap.js";
import { MAP_CYCLES } from "../dma/constants.js";
import { dma_to_phys, phys_to_dma } from "../dma/dma-address.js";
import { dev_get_cma_area, dma_alloc_from_contiguous, dma_alloc_from_default_contiguous, dma_release_from_contiguous, dma_release_from_default_contiguous } from "../dma/contiguous.js";

/** VM_ARM_DMA_CONSISTENT (arch/arm/mm/mm.h). */
export const VM_ARM_DMA_CONSISTENT = 0x20000000;

export type ArmAllocator = "cma" | "simple" | "remap" | "pool";

/** struct arm_dma_buffer: what arm_dma_free needs to find again. */
export interface ArmDmaBuffer {
  allocator: ArmAllocator;
  pfn: number;
  size: number;
}

// ---- streaming (4.9 arm_dma_ops) ----------------------------------------------------------------

function map_page(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): DmaAddr {
  const k = dev.kernel;
  k.machine.cpu.spend(MAP_CYCLES);
  if (!dev.dma_coherent && !(attrs & DMA_ATTR_SKIP_CPU_SYNC)) k.archDma.syncForDevice(phys, size, dir);
  return phys_to_dma(dev, phys);
}

function unmap_page(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs: number): void {
  const k = dev.kernel;
  k.machine.cpu.spend(MAP_CYCLES);
  if (!dev.dma_coherent && !(attrs & DMA_ATTR_SKIP_CPU_SYNC)) k.archDma.syncForCpu(dma_to_phys(dev, addr), size, dir);
}

function sync_single_for_cpu(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  if (!dev.dma_coherent) dev.kernel.archDma.syncForCpu(dma_to_phys(dev, addr), size, dir);
}

function sync_single_for_device(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  if (!dev.dma_coherent) dev.kernel.archDma.syncForDevice(dma_to_phys(dev, addr), size, dir);
}

/** arm_dma_map_sg: each entry through map_page; no merging. */
function map_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): number {
  const mm = dev.kernel.mm;
  for_each_sg(sgl, nents, (s) => {
    s.dma_length = s.length;
    s.dma_address = map_page(dev, sg_phys(s, mm), s.length, dir, attrs);
  });
  return nents;
}

function unmap_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): void {
  for_each_sg(sgl, nents, (s) => unmap_page(dev, s.dma_address, s.dma_length, dir, attrs));
}

/** __dma_supported: the mask (as a pfn) must reach the last pfn of RAM (arm_dma_pfn_limit is
 *  ~0 without a DMA zone). */
export function arm_dma_supported(dev: Device, mask: bigint, warn: boolean): boolean {
  const mm = dev.kernel.mm;
  const maxPfn = Math.floor(mm.ramEnd / PAGE_SIZE) - 1;
  const m = mask > 0xffffffffn ? 0xffffffff : Number(mask);
  const maskPfn = Math.floor(dma_to_phys(dev, m) / PAGE_SIZE);
  if (maskPfn < maxPfn) {
    if (warn) {
      const h = (n: number) => "0x" + n.toString(16);
      dev_warn(dev, `Coherent DMA mask ${h(m)} (pfn ${h(Math.floor(dma_to_phys(dev, 0) / PAGE_SIZE))}-${h(maskPfn + 1)}) covers a smaller range of system memory than the DMA zone pfn 0x0-${h(maxPfn + 1)}`);
    }
    return false;
  }
  return true;
}

// ---- coherent allocations -----------------------------------------------------------------------

/** get_coherent_dma_mask: 0 (with a warning) when unset or unsatisfiable. */
function get_coherent_dma_mask(dev: Device): number {
  const mask = dev.coherent_dma_mask;
  if (mask === 0n) {
    dev_warn(dev, "coherent DMA mask is unset");
    return 0;
  }
  if (!arm_dma_supported(dev, mask, true)) return 0;
  return dev.coherentLimit;
}

/** The vm_struct flags of a coherent buffer's vmalloc-area mapping: modern kernels mark it
 *  VM_DMA_COHERENT (dma_common_contiguous_remap), 4.9's arm allocator VM_ARM_DMA_CONSISTENT |
 *  VM_USERMAP, which arm_dma_free looks for again. */
function remapFlags(k: Kernel): number {
  return k.version === "modern" ? VM_DMA_COHERENT : VM_ARM_DMA_CONSISTENT | VM_USERMAP;
}

/** __dma_alloc_buffer: 2^order pages, the tail beyond `size` freed, zeroed and (unless the
 *  device is coherent) flushed from L1 and the outer cache. */
function dma_alloc_buffer(dev: Device, size: number, gfp: number, coherent: boolean): number {
  const k = dev.kernel;
  const order = get_order(size);
  const pfn = k.mm.alloc_pages(gfp, order);
  if (pfn < 0) return -1;
  k.mm.buddy.splitAndTrim(pfn, order, size / PAGE_SIZE);
  dma_clear_buffer(k, pfn, size, coherent);
  return pfn;
}

function free_buffer(dev: Device, pfn: number, size: number): void {
  for (let i = 0; i < size / PAGE_SIZE; i++) dev.kernel.mm.__free_pages(pfn + i, 0);
}

/** __dma_clear_buffer: zeroed through the linear map (a highmem page through kmap_atomic),
 *  then, unless the device is coherent, flushed from L1 and the outer cache. */
function dma_clear_buffer(k: Kernel, pfn: number, size: number, coherent: boolean): void {
  const mm = k.mm;
  if (mm.PageHighMem(pfn)) {
    for (let i = 0; i < size / PAGE_SIZE; i++) {
      const va = mm.kmap_atomic(pfn + i);
      k.machine.cpu.fill(va, 0, PAGE_SIZE);
      mm.kunmap_atomic(va);
    }
  } else k.machine.cpu.fill(mm.page_address(pfn), 0, size);
  if (!coherent) k.archDma.flushRange(pfn * PAGE_SIZE, size);
}

/** __dma_remap: the linear-map PTEs of lowmem pages rewritten with `prot` (the CMA region is
 *  mapped with 4 KB pages from boot), then the kernel TLB flushed for the range. */
function dma_remap(k: Kernel, pfn: number, size: number, prot: PageProt): void {
  const mm = k.mm;
  const start = mm.page_address(pfn);
  for (let off = 0; off < size; off += PAGE_SIZE) mm.pgt.mapPage(start + off, pfn * PAGE_SIZE + off, prot);
  mm.pgt.flushTlbKernelRange(start, start + size);
}

/** __alloc_from_contiguous: the first pfn and the CPU address (the cookie pfn without a kernel
 *  mapping), or null. A failure does not fall back to another allocator. */
function alloc_from_contiguous(dev: Device, size: number, gfp: number, prot: PageProt, wantVaddr: boolean, caller: string): { pfn: number; va: VirtAddr } | null {
  const k = dev.kernel;
  const count = size / PAGE_SIZE;
  const pfn = dma_alloc_from_contiguous(dev, count, get_order(size), !!(gfp & __GFP_NOWARN));
  if (pfn < 0) return null;
  dma_clear_buffer(k, pfn, size, dev.dma_coherent);
  if (!wantVaddr) return { pfn, va: pfn };
  const va = contiguous_kernel_mapping(k, pfn, size, prot, caller);
  if (va === null) dma_release_from_contiguous(dev, pfn, count);
  return va === null ? null : { pfn, va };
}

/** The CPU address of CMA pages: highmem gets a vmalloc remap, lowmem its linear-map PTEs
 *  rewritten in place. Null when the remap fails. */
function contiguous_kernel_mapping(k: Kernel, pfn: number, size: number, prot: PageProt, caller: string): VirtAddr | null {
  if (k.mm.PageHighMem(pfn)) {
    const flags = remapFlags(k);
    return dma_common_contiguous_remap(k, pfn, size, flags, prot, caller);
  }
  dma_remap(k, pfn, size, prot);
  return k.mm.page_address(pfn);
}

/** atomic_pool_init's CMA branch, __alloc_from_contiguous(NULL, …): the pool's pages from the
 *  default area (align get_order(size)), zeroed, flushed (the pool serves non-coherent devices)
 *  and mapped with `prot`; null when the area cannot give them — there is no fallback. */
export function arm_pool_from_contiguous(k: Kernel, size: number, prot: PageProt, caller: string): { pfn: number; va: VirtAddr } | null {
  const count = size / PAGE_SIZE;
  const pfn = dma_alloc_from_default_contiguous(k.mm.cma, count, get_order(size), false);
  if (pfn < 0) return null;
  dma_clear_buffer(k, pfn, size, false);
  const va = contiguous_kernel_mapping(k, pfn, size, prot, caller);
  if (va === null) dma_release_from_default_contiguous(k.mm.cma, pfn, count);
  return va === null ? null : { pfn, va };
}

/** __free_from_contiguous: the kernel mapping undone (a highmem remap unmapped, lowmem PTEs
 *  back to PAGE_KERNEL), then the pages back to the area. */
function free_from_contiguous(dev: Device, pfn: number, cpuAddr: VirtAddr, size: number, wantVaddr: boolean): void {
  const k = dev.kernel;
  if (wantVaddr) {
    if (k.mm.PageHighMem(pfn)) {
      const flags = remapFlags(k);
      dma_common_free_remap(k, cpuAddr, size, flags);
    } else dma_remap(k, pfn, size, "kernel");
  }
  dma_release_from_contiguous(dev, pfn, size / PAGE_SIZE);
}

/** __dma_alloc (arm_dma_alloc / arm_coherent_dma_alloc, and arch_dma_alloc in modern kernels). */
export function arm_coherent_alloc(dev: Device, size: number, gfp: number, attrs: number): CoherentBuffer | null {
  const k = dev.kernel;
  const mask = get_coherent_dma_mask(dev);
  size = PAGE_ALIGN(size);
  if (k.dma.debug.enabled) {
    const limit = Number((BigInt(mask) + 1n) & ~BigInt(mask));
    if (limit && size >= limit) {
      dev_warn(dev, `coherent allocation too big (requested 0x${size.toString(16)} mask 0x${mask.toString(16)})`);
      return null;
    }
  }
  if (!mask) return null;
  if (mask < 0xffffffff) gfp |= GFP_DMA;
  gfp &= ~__GFP_COMP;
  const wantVaddr = !(attrs & DMA_ATTR_NO_KERNEL_MAPPING);
  const blocking = gfpflags_allow_blocking(gfp);
  const allocator: ArmAllocator = blocking && dev_get_cma_area(dev) ? "cma" : dev.dma_coherent ? "simple" : blocking ? "remap" : "pool";
  const prot: PageProt = dev.dma_coherent ? "kernel" : attrs & DMA_ATTR_WRITE_COMBINE ? "writecombine" : "kernel-nc";
  let pfn = -1;
  let va: VirtAddr = 0;
  if (allocator === "cma") {
    const got = alloc_from_contiguous(dev, size, gfp, prot, wantVaddr, k.version === "modern" ? "dma_common_contiguous_remap" : "arm_dma_alloc");
    if (!got) return null;
    pfn = got.pfn;
    va = got.va;
  } else if (allocator === "pool") {
    const pool = k.dma.legacyPool;
    if (!pool) {
      k.printk.warn("WARNING: coherent pool not initialised!");
      return null;
    }
    const blk = pool.alloc(size);
    if (!blk) {
      k.dma.errorOnce(`ERROR: ${pool.initialSize / 1024} KiB atomic DMA coherent pool is too small!\nPlease increase it with coherent_pool= kernel parameter!`);
      return null;
    }
    k.machine.cpu.fill(blk.va, 0, size);
    pfn = Math.floor(blk.phys / PAGE_SIZE);
    va = blk.va;
  } else {
    pfn = dma_alloc_buffer(dev, size, gfp, allocator === "simple");
    if (pfn < 0) return null;
    va = k.mm.page_address(pfn);
    if (allocator === "remap" && wantVaddr) {
      const flags = remapFlags(k);
      const r = dma_common_contiguous_remap(k, pfn, size, flags, prot, k.version === "modern" ? "dma_common_contiguous_remap" : "arm_dma_alloc");
      if (r === null) {
        free_buffer(dev, pfn, size);
        return null;
      }
      va = r;
    }
  }
  const cpuAddr = wantVaddr ? va : pfn;
  k.dma.armBuffers.set(cpuAddr, { allocator, pfn, size });
  return { cpuAddr, dmaAddr: phys_to_dma(dev, pfn * PAGE_SIZE) };
}

/** __arm_dma_free: the buffer must be one __dma_alloc handed out ("Freeing invalid buffer"). */
export function arm_coherent_free(dev: Device, size: number, cpuAddr: VirtAddr, _dmaAddr: DmaAddr, attrs: number): void {
  const k = dev.kernel;
  const buf = k.dma.armBuffers.get(cpuAddr);
  if (!buf) {
    k.printk.warn(`WARNING: Freeing invalid buffer ${cpuAddr.toString(16).padStart(8, "0")}`);
    return;
  }
  // dma_free_attrs (dma/coherent.ts) has already warned about, and replaced, a size other than
  // the allocation's.
  size = buf.size;
  k.dma.armBuffers.delete(cpuAddr);
  if (buf.allocator === "pool") {
    k.dma.legacyPool?.free(cpuAddr, size);
    return;
  }
  if (buf.allocator === "cma") {
    free_from_contiguous(dev, buf.pfn, cpuAddr, size, !(attrs & DMA_ATTR_NO_KERNEL_MAPPING));
    return;
  }
  if (buf.allocator === "remap" && !(attrs & DMA_ATTR_NO_KERNEL_MAPPING)) {
    const flags = remapFlags(k);
    dma_common_free_remap(k, cpuAddr, size, flags);
  }
  free_buffer(dev, buf.pfn, size);
}

export const arm_dma_ops: DmaMapOps = {
  name: "arm_dma_ops",
  map_page,
  unmap_page,
  sync_single_for_cpu,
  sync_single_for_device,
  map_sg,
  unmap_sg,
  sync_sg_for_cpu: sync_each_sg(sync_single_for_cpu),
  sync_sg_for_device: sync_each_sg(sync_single_for_device),
  alloc: arm_coherent_alloc,
  free: arm_coherent_free,
  mapping_error: (_dev, addr) => (addr === DMA_MAPPING_ERROR ? 1 : 0),
  dma_supported: (dev, mask) => arm_dma_supported(dev, mask, false),
};
