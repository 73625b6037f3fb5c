// swiotlb, the software IO TLB (lib/swiotlb.c 4.9, kernel/dma/swiotlb.c modern; spec dma-api
// §4): a pool of 2 KB slots in low memory, grouped in 128-slot segments, that stands in for
// buffers a device cannot reach. Mapping takes a run of free slots and copies the original
// buffer in; unmapping and syncing copy back in the directions the kernel does. The copies are
// kernel memcpys through the CPU port (they cost simulated time and go through the caches).
//
// Free-slot bookkeeping is the kernel's: list[i] counts the free slots from i to the end of its
// segment (0 = used). 4.9 searches from a rotating index with a stride of 2 for mappings of a
// page or more; modern kernels search per-CPU areas and can keep the low bits of the original
// address (min_align_mask). A full pool is "swiotlb buffer is full".

import type { Machine } from "../hw/machine.js";
import type { PhysAddr } from "../hw/address.js";
import type { MemoryManager } from "../mm/mm.js";
import type { Printk } from "../kernel/printk.js";
import type { Device } from "../kernel/device.js";
import { dev_warn, RateLimit } from "../kernel/dev-printk.js";
import type { KernelVersion } from "../mm/layout.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import type { DmaTime } from "./accounting.js";
import { DMA_ATTR_NO_WARN, DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from "./constants.js";
import { dma_get_min_align_mask, dma_get_seg_boundary_limit } from "./device-params.js";

export const IO_TLB_SHIFT = 11;
export const IO_TLB_SIZE = 1 << IO_TLB_SHIFT;
export const IO_TLB_SEGSIZE = 128;
/** IO_TLB_DEFAULT_SIZE: 64 MB. */
export const IO_TLB_DEFAULT_SIZE = 64 << 20;
/** 4.9: the overflow buffer returned instead of a mapping when the pool is full. */
export const IO_TLB_OVERFLOW = 32 * 1024;

/** swiotlb_tbl_map_single's failure value. */
export const SWIOTLB_MAP_ERROR = -1;

const INVALID = -1;

/** is_swiotlb_active: the device's pool has slots. Every device uses the default pool
 *  (dmasim has no restricted-dma-pool), so this is whether the kernel set one up. */
export function is_swiotlb_active(dev: Device): boolean {
  const mem = dev.kernel.dma.swiotlb;
  return !!mem && mem.nslabs > 0;
}

/** is_swiotlb_buffer(dev, paddr): `paddr` is a slot of the device's pool. dma-direct asks it of
 *  dma_to_phys(dev, addr) before a sync or an unmap: whether that streaming mapping bounced. */
export function is_swiotlb_buffer(dev: Device, paddr: PhysAddr): boolean {
  const mem = dev.kernel.dma.swiotlb;
  return !!mem && mem.is_swiotlb_buffer(paddr);
}

export interface SwiotlbUsage {
  /** io_tlb_nslabs */
  nslabs: number;
  /** io_tlb_used */
  used: number;
  /** io_tlb_used_hiwater */
  hiwater: number;
  start: PhysAddr;
  end: PhysAddr;
}

interface Env {
  machine: Machine;
  mm: MemoryManager;
  printk: Printk;
  time: DmaTime;
}

export class Swiotlb {
  readonly end: PhysAddr;
  private readonly list: Int32Array;
  private readonly orig: Float64Array;
  private readonly allocSize: Int32Array;
  /** 4.9: where the next search starts. */
  private index = 0;
  private readonly nareas: number;
  private readonly areaNslabs: number;
  private readonly areaIndex: Int32Array;
  private readonly areaUsed: Int32Array;
  used = 0;
  hiwater = 0;
  private readonly rl = new RateLimit();
  private warnedOverflow = false;

  constructor(
    private readonly env: Env,
    readonly version: KernelVersion,
    readonly start: PhysAddr,
    readonly nslabs: number,
    /** 4.9 io_tlb_overflow_buffer (0 when none). */
    readonly overflowBuffer: PhysAddr,
    /** swiotlb=force: bounce every streaming mapping. */
    readonly force: boolean,
    nareas: number,
  ) {
    this.end = start + nslabs * IO_TLB_SIZE;
    this.list = new Int32Array(nslabs);
    this.orig = new Float64Array(nslabs).fill(INVALID);
    this.allocSize = new Int32Array(nslabs);
    for (let i = 0; i < nslabs; i++) this.list[i] = IO_TLB_SEGSIZE - (i % IO_TLB_SEGSIZE);
    // swiotlb_adjust_nareas / limit_nareas: a power of two, each area at least one segment.
    let n = version === "v4.9" ? 1 : 2 ** Math.ceil(Math.log2(Math.max(1, nareas)));
    while (n > 1 && nslabs / n < IO_TLB_SEGSIZE) n /= 2;
    this.nareas = n;
    this.areaNslabs = nslabs / n;
    this.areaIndex = new Int32Array(n);
    this.areaUsed = new Int32Array(n);
  }

  /** swiotlb_init: the pool from memblock below `limit` (the DMA zone), page aligned. */
  static init(env: Env, version: KernelVersion, bytes: number, limit: PhysAddr, force: boolean, ncpus: number): Swiotlb | null {
    const nslabs = Math.ceil(bytes / IO_TLB_SIZE / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE;
    if (nslabs === 0) return null;
    let start: PhysAddr;
    let overflow = 0;
    try {
      start = env.mm.memblock.alloc(nslabs * IO_TLB_SIZE, PAGE_SIZE, limit);
      if (version === "v4.9") overflow = env.mm.memblock.alloc(IO_TLB_OVERFLOW, PAGE_SIZE, limit);
    } catch {
      env.printk.warn("Cannot allocate SWIOTLB buffer");
      return null;
    }
    const t = new Swiotlb(env, version, start, nslabs, overflow, force, ncpus);
    const mb = (nslabs * IO_TLB_SIZE) >> 20;
    const end = start + nslabs * IO_TLB_SIZE;
    if (version === "v4.9") {
      const va = (pa: number) => (env.mm.phys_to_virt(pa) < 0 ? BigInt(env.mm.phys_to_virt(pa)) + (1n << 64n) : BigInt(env.mm.phys_to_virt(pa))).toString(16);
      env.printk.info(`software IO TLB [mem 0x${start.toString(16).padStart(8, "0")}-0x${end.toString(16).padStart(8, "0")}] (${mb}MB) mapped at [${va(start)}-${va(end - 1)}]`);
    } else {
      const pa = (a: number) => "0x" + a.toString(16).padStart(16, "0");
      env.printk.info(`software IO TLB: mapped [mem ${pa(start)}-${pa(end)}] (${mb}MB)`);
    }
    return t;
  }

  is_swiotlb_buffer(pa: PhysAddr): boolean {
    return pa >= this.start && pa < this.end;
  }

  /** swiotlb_max_mapping_size: one segment. */
  get maxMappingSize(): number {
    return IO_TLB_SIZE * IO_TLB_SEGSIZE;
  }

  // ---- slot search -------------------------------------------------------------------------

  /** The slot range [offsetSlots, maxSlots) test of iommu_is_span_boundary. */
  private crossesBoundary(index: number, nslots: number, offsetSlots: number, maxSlots: number): boolean {
    if (maxSlots === Infinity) return false;
    const shift = (index + offsetSlots) % maxSlots;
    return shift + nslots > maxSlots;
  }

  private boundary(dev: Device): { offsetSlots: number; maxSlots: number } {
    const limit = dma_get_seg_boundary_limit(dev);
    if (limit === Infinity) return { offsetSlots: Math.ceil(this.start / IO_TLB_SIZE), maxSlots: Infinity };
    const tbl = this.start % (limit + 1);
    return { offsetSlots: Math.ceil(tbl / IO_TLB_SIZE), maxSlots: Math.ceil((limit + 1) / IO_TLB_SIZE) };
  }

  private take(index: number, nslots: number): void {
    for (let i = index; i < index + nslots; i++) this.list[i] = 0;
    let count = 0;
    for (let i = index - 1; i >= 0 && i % IO_TLB_SEGSIZE !== IO_TLB_SEGSIZE - 1 && this.list[i]; i--) this.list[i] = ++count;
    this.used += nslots;
    if (this.used > this.hiwater) this.hiwater = this.used;
  }

  /** 4.9 swiotlb_tbl_map_single's search. */
  private findV49(dev: Device, size: number): number {
    const nslots = Math.ceil(size / IO_TLB_SIZE);
    const stride = size >= PAGE_SIZE ? PAGE_SIZE / IO_TLB_SIZE : 1;
    const { offsetSlots, maxSlots } = this.boundary(dev);
    let index = Math.ceil(this.index / stride) * stride;
    if (index >= this.nslabs) index = 0;
    const wrap = index;
    do {
      while (this.crossesBoundary(index, nslots, offsetSlots, maxSlots)) {
        index += stride;
        if (index >= this.nslabs) index = 0;
        if (index === wrap) return -1;
      }
      if (this.list[index] >= nslots) {
        this.take(index, nslots);
        this.index = index + nslots < this.nslabs ? index + nslots : 0;
        return index;
      }
      index += stride;
      if (index >= this.nslabs) index = 0;
    } while (index !== wrap);
    return -1;
  }

  /** Modern swiotlb_search_pool_area over the areas, starting with CPU 0's. */
  private findModern(dev: Device, orig: PhysAddr, allocSize: number): number {
    const nslots = Math.ceil(allocSize / IO_TLB_SIZE);
    const alignMask = dma_get_min_align_mask(dev) & ~(IO_TLB_SIZE - 1);
    let stride = Math.floor(alignMask / IO_TLB_SIZE) + 1;
    if (allocSize >= PAGE_SIZE) stride = Math.max(stride, stride * (PAGE_SIZE / IO_TLB_SIZE));
    const { offsetSlots, maxSlots } = this.boundary(dev);
    for (let a = 0; a < this.nareas; a++) {
      if (nslots > this.areaNslabs - this.areaUsed[a]) continue;
      const base = a * this.areaNslabs;
      // The search starts at the area's index rounded up to the stride, so a mapping of a page
      // or more lands on a page-aligned slot (wrap_area_index(ALIGN(area->index, stride))).
      let index = Math.ceil(this.areaIndex[a] / stride) * stride;
      if (index >= this.areaNslabs) index = 0;
      for (let checked = 0; checked < this.areaNslabs; ) {
        const slot = base + index;
        if (orig && ((this.start + slot * IO_TLB_SIZE) & alignMask) !== (orig & alignMask)) {
          index = index + 1 >= this.areaNslabs ? 0 : index + 1;
          checked++;
          continue;
        }
        if (!this.crossesBoundary(slot, nslots, offsetSlots, maxSlots) && this.list[slot] >= nslots) {
          this.take(slot, nslots);
          this.areaIndex[a] = index + nslots >= this.areaNslabs ? 0 : index + nslots;
          this.areaUsed[a] += nslots;
          return slot;
        }
        index = index + stride >= this.areaNslabs ? 0 : index + stride;
        checked += stride;
      }
    }
    return -1;
  }

  // ---- map / unmap / sync ------------------------------------------------------------------

  /** swiotlb_tbl_map_single: a bounce slot for [orig, orig+size), or SWIOTLB_MAP_ERROR after
   *  "swiotlb buffer is full". 4.9 copies the original in only for TO_DEVICE/BIDIRECTIONAL;
   *  modern kernels always do (so unwritten bytes survive a FROM_DEVICE transfer). */
  map_single(dev: Device, orig: PhysAddr, size: number, dir: DmaDirection, attrs: number): PhysAddr {
    const modern = this.version === "modern";
    // swiotlb_align_offset(dev, alloc_align_mask = 0, orig), as swiotlb_map passes no
    // alignment mask.
    const offset = modern ? orig & dma_get_min_align_mask(dev) & (IO_TLB_SIZE - 1) : 0;
    const index = modern ? this.findModern(dev, orig, size + offset) : this.findV49(dev, size);
    if (index < 0) {
      this.reportFull(dev, modern ? size + offset : size, attrs);
      return SWIOTLB_MAP_ERROR;
    }
    const nslots = Math.ceil((size + offset) / IO_TLB_SIZE);
    for (let i = 0; i < nslots; i++) {
      // Slot i stands for the original bytes from (orig - offset) + i * IO_TLB_SIZE.
      this.orig[index + i] = orig - offset + i * IO_TLB_SIZE;
      this.allocSize[index + i] = size + offset - i * IO_TLB_SIZE;
    }
    const tlb = this.start + index * IO_TLB_SIZE + offset;
    if (modern || dir === DMA_TO_DEVICE || dir === DMA_BIDIRECTIONAL) this.bounce(dev, tlb, size, true);
    return tlb;
  }

  /** The "swiotlb buffer is full" line of swiotlb_tbl_map_single. Mainline prints it with
   *  dev_warn_ratelimited unless DMA_ATTR_NO_WARN; "sz" is the size it searched slots for,
   *  ALIGN(mapping_size + offset, alloc_align_mask + 1), min_align_mask padding included
   *  (kernels that still had the alloc_size argument, 6.1 among them, printed alloc_size: the
   *  caller's size); "total" is mem->nslabs and "used" mem_used(mem) (total_used with
   *  CONFIG_DEBUG_FS), both in slots. 4.9 (lib/swiotlb.c) prints only the size, under
   *  printk_ratelimit(), and has no DMA_ATTR_NO_WARN test: that came with "swiotlb: suppress
   *  warning when __GFP_NOWARN is set" (late 2017), after 4.10 gave the function attrs. */
  private reportFull(dev: Device, sz: number, attrs: number): void {
    if (this.version === "modern") {
      if (attrs & DMA_ATTR_NO_WARN || !this.rl.ok(this.env.machine.now())) return;
      dev_warn(dev, `swiotlb buffer is full (sz: ${sz} bytes), total ${this.nslabs} (slots), used ${this.used} (slots)`);
    } else if (this.rl.ok(this.env.machine.now())) {
      dev_warn(dev, `swiotlb buffer is full (sz: ${sz} bytes)`);
    }
  }

  /** swiotlb_tbl_unmap_single: copy back (FROM_DEVICE/BIDIRECTIONAL; modern: unless
   *  SKIP_CPU_SYNC), then free the slots. 4.9 frees as many slots as the caller's size says;
   *  modern kernels use the size recorded at map time. */
  unmap_single(dev: Device, tlb: PhysAddr, size: number, dir: DmaDirection, attrs: number): void {
    const modern = this.version === "modern";
    let index = Math.floor((tlb - this.start) / IO_TLB_SIZE);
    const copy = dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL;
    if (copy && !(modern && attrs & DMA_ATTR_SKIP_CPU_SYNC) && this.orig[index] !== INVALID) this.bounce(dev, tlb, size, false);
    let nslots: number;
    if (modern) {
      const offset = tlb % IO_TLB_SIZE;
      index = Math.floor((tlb - offset - this.start) / IO_TLB_SIZE);
      nslots = Math.ceil((this.allocSize[index] || size) / IO_TLB_SIZE);
    } else {
      nslots = Math.ceil(size / IO_TLB_SIZE);
    }
    this.release(index, nslots);
  }

  private release(index: number, nslots: number): void {
    const segEnd = Math.ceil((index + 1) / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE;
    let count = index + nslots < segEnd ? this.list[index + nslots] : 0;
    // 4.9 frees as many slots as the caller's size says, free ones included; only those that
    // were in use leave the used count (which 4.9 did not keep) so it never goes below zero.
    let freed = 0;
    for (let i = index + nslots - 1; i >= index; i--) {
      if (this.list[i] === 0) freed++;
      this.list[i] = ++count;
      this.orig[i] = INVALID;
      this.allocSize[i] = 0;
    }
    for (let i = index - 1; i >= 0 && i % IO_TLB_SEGSIZE !== IO_TLB_SEGSIZE - 1 && this.list[i]; i--) this.list[i] = ++count;
    this.used -= freed;
    if (this.version === "modern") this.areaUsed[Math.floor(index / this.areaNslabs)] -= freed;
  }

  /** swiotlb_sync_single_for_cpu (slot → original for FROM/BIDIR) and _for_device (original →
   *  slot for TO/BIDIR). */
  sync_single(dev: Device, tlb: PhysAddr, size: number, dir: DmaDirection, forCpu: boolean): void {
    if (forCpu ? dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL : dir === DMA_TO_DEVICE || dir === DMA_BIDIRECTIONAL) {
      this.bounce(dev, tlb, size, !forCpu);
    }
  }

  /** swiotlb_bounce: a kernel memcpy between the original buffer and the slot, through the
   *  linear map, timed. */
  private bounce(dev: Device, tlb: PhysAddr, size: number, toDevice: boolean): void {
    const index = Math.floor((tlb - this.start) / IO_TLB_SIZE);
    const slotOrig = this.orig[index];
    if (slotOrig === INVALID) return;
    const within = tlb % IO_TLB_SIZE;
    const orig = slotOrig + within;
    if (this.version === "modern") {
      const room = this.allocSize[index] - within;
      if (size > room) {
        if (!this.warnedOverflow) {
          this.warnedOverflow = true;
          dev_warn(dev, `Buffer overflow detected. Allocation size: ${room}. Mapping size: ${size}.`);
        }
        size = Math.max(0, room);
      }
    }
    if (size <= 0) return;
    const { machine, mm, time } = this.env;
    const t0 = machine.now();
    const o = mm.phys_to_virt(orig);
    const t = mm.phys_to_virt(tlb);
    if (toDevice) machine.cpu.copy(t, o, size);
    else machine.cpu.copy(o, t, size);
    time.bouncePs += machine.now() - t0;
    time.bouncedBytes += size;
  }

  /** The original physical address a bounce slot address stands for (-1 if none). */
  origOf(tlb: PhysAddr): PhysAddr {
    const index = Math.floor((tlb - this.start) / IO_TLB_SIZE);
    const o = this.orig[index];
    return o === INVALID ? -1 : o + (tlb % IO_TLB_SIZE);
  }

  /** The debugfs view: /sys/kernel/debug/swiotlb/io_tlb_{nslabs,used,used_hiwater}. */
  usage(): SwiotlbUsage {
    return { nslabs: this.nslabs, used: this.used, hiwater: this.hiwater, start: this.start, end: this.end };
  }

  usageText(): string {
    const u = this.usage();
    return [
      `io_tlb_nslabs: ${u.nslabs}`,
      `io_tlb_used: ${u.used}`,
      `io_tlb_used_hiwater: ${u.hiwater}`,
      `pool: [mem 0x${u.start.toString(16)}-0x${(u.end - 1).toString(16)}] (${(u.nslabs * IO_TLB_SIZE) >> 20} MB, ${u.nslabs} slots of ${IO_TLB_SIZE} bytes, ${u.nslabs / IO_TLB_SEGSIZE} segments)`,
    ].join("\n");
  }
}
