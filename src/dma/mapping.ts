// The DMA mapping API's streaming entry points (kernel/dma/mapping.c; include/linux/
// dma-mapping.h in 4.9) with the kernel's names and argument order. Each checks the direction
// first (an invalid one is a kernel BUG), calls the device's dma_map_ops, then the DMA-API
// debug hook. A `struct page *` is a page frame number here. The coherent allocator and the
// mask functions live in coherent.ts and mask.ts and are re-exported from here.

import type { Device } from "../kernel/device.js";
import { KernelError, EINVAL, EIO, ENOMEM, ENOSYS, EOPNOTSUPP } from "../kernel/errno.js";
import type { VirtAddr, DmaAddr } from "../hw/address.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { DMA_ATTR_REQUIRE_COHERENT, DMA_MAPPING_ERROR, DIRECTION_NAMES, type DmaDirection } from "./constants.js";
import { Scatterlist as ScatterlistEntry, for_each_sg, sg_nents, type Scatterlist, type SgTable } from "./scatterlist.js";
import { checkDevice, checkDirection, checkDmaAddr, checkSize, checkVirt, checkWhole, invalid } from "./arguments.js";
import { IO_TLB_SEGSIZE, IO_TLB_SIZE } from "./swiotlb.js";
import { CpuFault } from "../hw/machine.js";
import { dma_to_phys } from "./dma-address.js";
import { refuseOn49 } from "./kernel-version.js";

/** FAULT_NAMES index of a translation fault (hw/machine.ts). */
const TRANSLATION_FAULT = 1;

export {
  dma_alloc_attrs, dma_alloc_coherent, dma_zalloc_coherent, dma_free_attrs, dma_free_coherent,
  dma_declare_coherent_memory, dma_release_declared_memory, dma_alloc_wc, dma_free_wc,
} from "./coherent.js";
export {
  dma_alloc_pages, dma_free_pages, dma_alloc_noncoherent, dma_free_noncoherent, type DmaPages,
} from "./noncoherent.js";
export {
  dma_set_mask, dma_set_coherent_mask, dma_set_mask_and_coherent, dma_get_required_mask, dma_supported, dma_get_mask,
} from "./mask.js";
export type { CoherentBuffer } from "./ops.js";
export { dma_map_resource, dma_unmap_resource } from "./resource.js";
export { dma_get_sgtable_attrs, dma_get_sgtable } from "./get-sgtable.js";
export {
  dma_alloc_noncontiguous, dma_free_noncontiguous, dma_vmap_noncontiguous, dma_vunmap_noncontiguous, dma_mmap_noncontiguous,
} from "./noncontiguous.js";

/** The checks every streaming call starts with (arguments.ts): the device, the direction (a
 *  BUG, as in Linux), the size and the attributes. */
function checkCall(fn: string, dev: Device, dir: number, size: number, attrs = 0): asserts dir is DmaDirection {
  checkDevice(fn, dev);
  checkDirection(fn, dir);
  checkSize(fn, size);
  checkWhole(fn, attrs, "attrs");
  refuseRequireCoherentOn49(fn, dev, attrs);
}

/** DMA_ATTR_REQUIRE_COHERENT arrived in 7.0: a 4.9 driver could not have named it. */
function refuseRequireCoherentOn49(fn: string, dev: Device, attrs: number): void {
  if (attrs & DMA_ATTR_REQUIRE_COHERENT && dev.kernel.version === "v4.9") {
    throw new KernelError(ENOSYS, `${fn}: Linux 4.9 has no DMA_ATTR_REQUIRE_COHERENT (added in 7.0)`);
  }
}


/** The scatterlist calls' checks: a list, and no more entries than it has (Linux would walk
 *  off its end). */
function checkList(fn: string, dev: Device, sgl: Scatterlist[], nents: number, dir: number, attrs = 0): asserts dir is DmaDirection {
  checkCall(fn, dev, dir, 0, attrs);
  if (!Array.isArray(sgl) || !(sgl[0] instanceof ScatterlistEntry)) throw new KernelError(EINVAL, `${fn}: sgl is not a scatterlist`);
  checkWhole(fn, nents, "nents");
  const n = sg_nents(sgl);
  if (nents > n) throw new KernelError(EINVAL, `${fn}: nents ${nents} is more than the list's ${n} entries`);
}

/** The shared body of dma_map_page_attrs and dma_map_single_attrs. */
function map(dev: Device, pfn: number, offset: number, size: number, dir: DmaDirection, attrs: number, single: boolean): DmaAddr {
  const k = dev.kernel;
  if (k.version === "modern" && dev.dmaLimit < 0) {
    k.dma.warnOnce(dev, "nomask", "WARNING: dma_map_page_attrs: device has no DMA mask");
    return DMA_MAPPING_ERROR;
  }
  // dma_map_phys: refused before the ops and the debug hook, so nothing is recorded.
  if (attrs & DMA_ATTR_REQUIRE_COHERENT && !dev.dma_coherent) return DMA_MAPPING_ERROR;
  const ops = k.dma.ops;
  const addr = ops.map_page(dev, pfn * PAGE_SIZE + offset, size, dir, attrs);
  const debug = k.dma.debug;
  if (debug.enabled) debug.map_page(dev, pfn, offset, size, dir, addr, ops.mapping_error(dev, addr) !== 0, attrs, single);
  return addr;
}

// ---- single mappings ---------------------------------------------------------------------------

export function dma_map_page_attrs(dev: Device, page: number, offset: number, size: number, dir: DmaDirection, attrs = 0): DmaAddr {
  checkCall("dma_map_page_attrs", dev, dir, size, attrs);
  checkWhole("dma_map_page_attrs", page, "page");
  checkWhole("dma_map_page_attrs", offset, "offset");
  return map(dev, page, offset, size, dir, attrs, false);
}

export function dma_map_page(dev: Device, page: number, offset: number, size: number, dir: DmaDirection): DmaAddr {
  return dma_map_page_attrs(dev, page, offset, size, dir, 0);
}

/** dma_map_single_attrs: modern kernels reject a vmalloc address (5.18+) and check the
 *  address with DMA-API debug; 4.9 takes virt_to_page of whatever it is given. */
export function dma_map_single_attrs(dev: Device, ptr: VirtAddr, size: number, dir: DmaDirection, attrs = 0): DmaAddr {
  checkCall("dma_map_single_attrs", dev, dir, size, attrs);
  ptr = checkVirt("dma_map_single_attrs", ptr, "ptr");
  const k = dev.kernel;
  const mm = k.mm;
  if (k.version === "modern") {
    if (mm.isVmalloc(ptr)) {
      k.dma.warnOnce(dev, "vmalloc", "WARNING: rejecting DMA map of vmalloc memory");
      return DMA_MAPPING_ERROR;
    }
    if (k.dma.debug.enabled) k.dma.debug.map_single(dev, ptr, size);
  }
  const pa = mm.virt_to_phys(ptr);
  // Not `%`: a physical address is a double to V8, whose `%` on doubles calls out to fmod.
  const offset = pa - Math.floor(pa / PAGE_SIZE) * PAGE_SIZE;
  return map(dev, (pa - offset) / PAGE_SIZE, offset, size, dir, attrs, true);
}

export function dma_map_single(dev: Device, ptr: VirtAddr, size: number, dir: DmaDirection): DmaAddr {
  return dma_map_single_attrs(dev, ptr, size, dir, 0);
}

function unmap(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs: number, single: boolean): void {
  const k = dev.kernel;
  const ops = k.dma.ops;
  ops.unmap_page(dev, addr, size, dir, attrs);
  const debug = k.dma.debug;
  if (debug.enabled) debug.unmap_page(dev, addr, size, dir, ops.mapping_error(dev, addr) !== 0, single);
}

export function dma_unmap_page_attrs(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs = 0): void {
  checkCall("dma_unmap_page_attrs", dev, dir, size, attrs);
  checkDmaAddr("dma_unmap_page_attrs", addr, "addr");
  unmap(dev, addr, size, dir, attrs, false);
}

export function dma_unmap_page(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  dma_unmap_page_attrs(dev, addr, size, dir, 0);
}

export function dma_unmap_single_attrs(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs = 0): void {
  checkCall("dma_unmap_single_attrs", dev, dir, size, attrs);
  checkDmaAddr("dma_unmap_single_attrs", addr, "addr");
  unmap(dev, addr, size, dir, attrs, true);
}

export function dma_unmap_single(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  dma_unmap_single_attrs(dev, addr, size, dir, 0);
}

/** Nonzero when `addr` is the mapping-failure cookie (modern: -ENOMEM; 4.9 arm64: the swiotlb
 *  overflow buffer while the swiotlb flag is set, else 0; 4.9 arm: ~0). Marks the mapping as
 *  checked for DMA-API debug. */
export function dma_mapping_error(dev: Device, addr: DmaAddr): number {
  checkDevice("dma_mapping_error", dev);
  checkDmaAddr("dma_mapping_error", addr);
  const k = dev.kernel;
  if (k.dma.debug.enabled) k.dma.debug.mapping_error(dev, addr);
  if (k.version === "modern") return addr === DMA_MAPPING_ERROR ? -ENOMEM : 0;
  return k.dma.ops.mapping_error(dev, addr);
}

// ---- partial synchronisation -------------------------------------------------------------------

/** The single syncs: the dma_map_ops call on [addr, addr+size), then the DMA-API debug check on
 *  what the debug hook is given — the same range, except for 4.9's range syncs (below). */
function sync(fn: string, dev: Device, addr: DmaAddr, size: number, dir: number, toCpu: boolean, debugAddr = addr, debugSize = size): void {
  checkCall(fn, dev, dir, size);
  checkDmaAddr(fn, addr, "addr");
  const k = dev.kernel;
  if (toCpu) k.dma.ops.sync_single_for_cpu(dev, addr, size, dir);
  else k.dma.ops.sync_single_for_device(dev, addr, size, dir);
  if (k.dma.debug.enabled) k.dma.debug.sync_single(dev, debugAddr, debugSize, dir, toCpu);
}

export function dma_sync_single_for_cpu(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  sync("dma_sync_single_for_cpu", dev, addr, size, dir, true);
}

export function dma_sync_single_for_device(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void {
  sync("dma_sync_single_for_device", dev, addr, size, dir, false);
}

/** A range sync: modern kernels are dma_sync_single_for_*(addr + offset, size); 4.9 synced
 *  that range but gave DMA-API debug (addr, offset + size), so its reports show the mapping's
 *  address and the offset-plus-size (debug_dma_sync_single_range_for_*). */
function syncRange(fn: string, dev: Device, addr: DmaAddr, offset: number, size: number, dir: number, toCpu: boolean): void {
  checkDevice(fn, dev);
  checkDmaAddr(fn, addr, "addr");
  checkWhole(fn, offset, "offset");
  if (dev.kernel.version === "v4.9") sync(fn, dev, addr + offset, size, dir, toCpu, addr, offset + size);
  else sync(fn, dev, addr + offset, size, dir, toCpu);
}

export function dma_sync_single_range_for_cpu(dev: Device, addr: DmaAddr, offset: number, size: number, dir: DmaDirection): void {
  syncRange("dma_sync_single_range_for_cpu", dev, addr, offset, size, dir, true);
}

export function dma_sync_single_range_for_device(dev: Device, addr: DmaAddr, offset: number, size: number, dir: DmaDirection): void {
  syncRange("dma_sync_single_range_for_device", dev, addr, offset, size, dir, false);
}

// ---- scatter/gather ----------------------------------------------------------------------------

/** The number of DMA segments (no IOMMU: `nents`, entries are never merged), or 0 on failure
 *  (what was mapped is unmapped again). */
export function dma_map_sg_attrs(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs = 0): number {
  const ret = __dma_map_sg_attrs(dev, sgl, nents, dir, attrs);
  return ret < 0 ? 0 : ret;
}

/** An entry no sg_set_page/sg_set_buf filled in has a NULL sg_page in C, and mapping it
 *  dereferences that NULL struct page (arm's dma_cache_maint_page reads its flags; arm64 turns
 *  it into a garbage physical address and faults on its linear alias): an oops. dmasim raises
 *  it for the NULL page on both, before any entry is mapped, so the System stays usable. */
function checkPages(dev: Device, sgl: Scatterlist[], nents: number): void {
  for_each_sg(sgl, nents, (sg) => {
    if (sg.page < 0 && sg.buf === 0) throw new CpuFault(TRANSLATION_FAULT, 0, dev.kernel.machine.profile.arch);
  });
}

function __dma_map_sg_attrs(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): number {
  checkList("dma_map_sg_attrs", dev, sgl, nents, dir, attrs);
  const k = dev.kernel;
  if (attrs & DMA_ATTR_REQUIRE_COHERENT && !dev.dma_coherent) return -EOPNOTSUPP;
  if (nents === 0) {
    if (k.version === "v4.9") return 0;
    // Modern dma-direct maps the empty list and returns its count, 0, which
    // __dma_map_sg_attrs does not accept from a backend: WARN_ON_ONCE and -EIO.
    k.dma.warnOnce(dev, "map_sg-0", "WARNING: __dma_map_sg_attrs: map_sg returned 0, not a negative errno (nents 0)");
    return -EIO;
  }
  checkPages(dev, sgl, nents);
  const ents = k.dma.ops.map_sg(dev, sgl, nents, dir, attrs);
  // 4.9 ran the debug hook whatever the result; modern kernels only for a mapped list.
  if (k.dma.debug.enabled && (ents > 0 || k.version === "v4.9")) k.dma.debug.map_sg(dev, sgl, nents, Math.max(ents, 0), dir, attrs);
  return ents;
}

export function dma_map_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection): number {
  return dma_map_sg_attrs(dev, sgl, nents, dir, 0);
}

/** dma_map_sgtable: 0 or the negative errno (-EINVAL, -ENOMEM, -EIO, -EOPNOTSUPP) instead of a count; the
 *  table's nents becomes the DMA segment count. It arrived in 5.8: a 4.9 caller could not
 *  have compiled, so dmasim refuses it as it refuses kmap_local there. */
export function dma_map_sgtable(dev: Device, sgt: { sgl: Scatterlist[]; orig_nents: number; nents: number }, dir: DmaDirection, attrs = 0): number {
  checkDevice("dma_map_sgtable", dev);
  refuseOn49("dma_map_sgtable", dev, "5.8", "dma_map_sg");
  if (sgt === null || typeof sgt !== "object") invalid("dma_map_sgtable", "sgt", sgt, "a struct sg_table");
  const n = __dma_map_sg_attrs(dev, sgt.sgl, sgt.orig_nents, dir, attrs);
  if (n < 0) return n;
  if (n === 0) return -EINVAL;
  sgt.nents = n;
  return 0;
}

/** dma_unmap_sgtable: unmaps the table's orig_nents entries, as dma_map_sgtable mapped them. */
export function dma_unmap_sgtable(dev: Device, sgt: { sgl: Scatterlist[]; orig_nents: number; nents: number }, dir: DmaDirection, attrs = 0): void {
  checkDevice("dma_unmap_sgtable", dev);
  refuseOn49("dma_unmap_sgtable", dev, "5.8", "dma_unmap_sg");
  if (sgt === null || typeof sgt !== "object") invalid("dma_unmap_sgtable", "sgt", sgt, "a struct sg_table");
  dma_unmap_sg_attrs(dev, sgt.sgl, sgt.orig_nents, dir, attrs);
}

/** dma_sync_sgtable_for_cpu (include/linux/dma-mapping.h, 5.8+): dma_sync_sg_for_cpu of the
 *  table's orig_nents entries — the count passed to the map, not the segments it returned. */
export function dma_sync_sgtable_for_cpu(dev: Device, sgt: SgTable, dir: DmaDirection): void {
  checkDevice("dma_sync_sgtable_for_cpu", dev);
  refuseOn49("dma_sync_sgtable_for_cpu", dev, "5.8", "dma_sync_sg_for_cpu");
  if (sgt === null || typeof sgt !== "object") invalid("dma_sync_sgtable_for_cpu", "sgt", sgt, "a struct sg_table");
  dma_sync_sg_for_cpu(dev, sgt.sgl, sgt.orig_nents, dir);
}

/** dma_sync_sgtable_for_device: dma_sync_sg_for_device of orig_nents entries (5.8+). */
export function dma_sync_sgtable_for_device(dev: Device, sgt: SgTable, dir: DmaDirection): void {
  checkDevice("dma_sync_sgtable_for_device", dev);
  refuseOn49("dma_sync_sgtable_for_device", dev, "5.8", "dma_sync_sg_for_device");
  if (sgt === null || typeof sgt !== "object") invalid("dma_sync_sgtable_for_device", "sgt", sgt, "a struct sg_table");
  dma_sync_sg_for_device(dev, sgt.sgl, sgt.orig_nents, dir);
}

/** `nents` must be what was passed to dma_map_sg, not the count it returned. */
export function dma_unmap_sg_attrs(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs = 0): void {
  checkList("dma_unmap_sg_attrs", dev, sgl, nents, dir, attrs);
  const k = dev.kernel;
  if (k.dma.debug.enabled) k.dma.debug.unmap_sg(dev, sgl, nents, dir);
  k.dma.ops.unmap_sg(dev, sgl, nents, dir, attrs);
}

export function dma_unmap_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection): void {
  dma_unmap_sg_attrs(dev, sgl, nents, dir, 0);
}

export function dma_sync_sg_for_cpu(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection): void {
  checkList("dma_sync_sg_for_cpu", dev, sgl, nents, dir);
  const k = dev.kernel;
  k.dma.ops.sync_sg_for_cpu(dev, sgl, nents, dir);
  if (k.dma.debug.enabled) k.dma.debug.sync_sg(dev, sgl, nents, dir, true);
}

export function dma_sync_sg_for_device(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection): void {
  checkList("dma_sync_sg_for_device", dev, sgl, nents, dir);
  const k = dev.kernel;
  k.dma.ops.sync_sg_for_device(dev, sgl, nents, dir);
  if (k.dma.debug.enabled) k.dma.debug.sync_sg(dev, sgl, nents, dir, false);
}

// ---- limits ----------------------------------------------------------------------------------

/** dma_get_cache_alignment: ARCH_DMA_MINALIGN (4.9 arm64 128; modern arm64 and arm 64). */
export function dma_get_cache_alignment(dev: Device): number {
  checkDevice("dma_get_cache_alignment", dev);
  return dev.kernel.dma.cacheAlignment;
}

/** dma_max_mapping_size: one swiotlb segment when mappings may bounce, else unlimited. */
export function dma_max_mapping_size(dev: Device): number {
  checkDevice("dma_max_mapping_size", dev);
  const d = dev.kernel.dma;
  if (d.swiotlb && (d.swiotlb.force || dev.kernel.mm.ramEnd - 1 > dev.dmaLimit)) return IO_TLB_SIZE * IO_TLB_SEGSIZE;
  return Number.MAX_SAFE_INTEGER;
}

/** dma_opt_mapping_size (kernel/dma/mapping.c, 6.0+): min(dma_max_mapping_size, the ops'
 *  opt_mapping_size). dma-direct has no such op (SIZE_MAX), so the answer is
 *  dma_max_mapping_size: a swiotlb segment when mappings may bounce, else unlimited. */
export function dma_opt_mapping_size(dev: Device): number {
  checkDevice("dma_opt_mapping_size", dev);
  refuseOn49("dma_opt_mapping_size", dev, "6.0", "dma_max_mapping_size");
  return dma_max_mapping_size(dev);
}

/** dma_need_sync (kernel/dma/mapping.c __dma_need_sync → dma_direct_need_sync in
 *  kernel/dma/direct.h): whether the dma_sync_* calls on this mapping do anything. True for a
 *  non-coherent device; for a coherent one only when `dma_addr` lies in the swiotlb pool (a
 *  bounced mapping, whose syncs copy). dev->dma_skip_sync is only a shortcut to the same
 *  answer, and CONFIG_DMA_API_DEBUG bypasses it anyway. */
export function dma_need_sync(dev: Device, dma_addr: DmaAddr): boolean {
  checkDevice("dma_need_sync", dev);
  checkDmaAddr("dma_need_sync", dma_addr, "dma_addr");
  refuseOn49("dma_need_sync", dev, "5.8", "the dma_sync_* calls unconditionally");
  if (!dev.dma_coherent) return true;
  const tlb = dev.kernel.dma.swiotlb;
  return !!tlb && tlb.is_swiotlb_buffer(dma_to_phys(dev, dma_addr));
}

export { DIRECTION_NAMES };
