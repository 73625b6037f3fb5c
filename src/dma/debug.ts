// DMA-API debugging (kernel/dma/debug.c, lib/dma-debug.c in 4.9; spec dma-api §6): every
// mapping and coherent allocation is recorded in a hash of entries keyed by device address
// (16384 buckets of 8 KB; debug-entries.ts), and the unmap, free, sync and mapping-error calls
// are checked against it. Reports use the kernel's texts, printed and counted as err_printk does
// (debug-report.ts). Where mapped memory lies (stack, kernel text) is checked apart from the
// entries (debug-memory-source.ts). Each check can be switched off on its own.

import type { PhysAddr, DmaAddr, VirtAddr } from "../hw/address.js";
import type { Device } from "../kernel/device.js";
import type { Kernel } from "../kernel/kernel.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { DMA_ATTR_CPU_CACHE_CLEAN, DMA_ATTR_REQUIRE_COHERENT, DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from "./constants.js";
import {
  ACTIVE_CACHELINE_MAX_OVERLAP, DebugEntries, HASH_SIZE, MAP_ERR_CHECKED, MAP_ERR_NOT_CHECKED, entryPhys,
  makeEntry, type Entry, type EntryType,
} from "./debug-entries.js";
import { dma_get_max_seg_size, dma_get_seg_boundary } from "./device-params.js";
import { check_for_illegal_area, check_for_stack, check_map_single } from "./debug-memory-source.js";
import { DmaDebugReport, formatPhysAddr, type DmaDebugReportOptions } from "./debug-report.js";
import { dump_show } from "./debug-dump.js";
import { pendingEntriesNote } from "./debug-unbind-note.js";
import { KERN_NOTICE } from "../kernel/printk.js";
import type { Scatterlist } from "./scatterlist.js";
import { is_swiotlb_active } from "./swiotlb.js";
import { for_each_sg, sg_page, sg_virt } from "./scatterlist.js";

export const DMA_DEBUG_CHECKS = [
  "unmap", // unmap/free checks: unknown address, size, function, CPU address, sg count, direction
  "mapError", // a single/page mapping unmapped without dma_mapping_error()
  "sync", // syncs of unknown ranges, outside the mapping, in the wrong direction
  "stack", // mapping the current task's stack
  "illegalArea", // mapping kernel text or rodata
  "mapSingle", // dma_map_single of a non-linear address (modern)
  "cacheline", // overlapping non-TO_DEVICE mappings of one cache line
  "sg", // CONFIG_DMA_API_DEBUG_SG: segment length and boundary (modern)
  "leak", // dmasim's note of live entries when the driver is unbound (Linux: PCI only)
] as const;
export type DmaDebugCheck = (typeof DMA_DEBUG_CHECKS)[number];

/** With allErrors, numErrors and driverFilter (debug-report.ts). */
export interface DmaDebugOptions extends DmaDebugReportOptions {
  /** CONFIG_DMA_API_DEBUG (and not dma_debug=off). Default false. */
  enabled?: boolean;
  /** dma_debug_entries= (default: 4.9 arm/arm64 4096; modern 65536, growing on demand). */
  entries?: number;
  /** Switch individual checks off (all on by default). */
  checks?: Partial<Record<DmaDebugCheck, boolean>>;
}

export class DmaDebug extends DmaDebugReport {
  readonly enabled: boolean;
  /** global_disable: set when the entry pool runs out (4.9) or cacheline tracking fails. */
  disabled = false;
  private readonly checks: Record<DmaDebugCheck, boolean>;
  readonly pool: DebugEntries;
  private warnedOverlap = false;

  constructor(kernel: Kernel, opts: DmaDebugOptions) {
    super(kernel, kernel.version === "modern", opts);
    this.enabled = !!opts.enabled;
    this.checks = Object.fromEntries(DMA_DEBUG_CHECKS.map((c) => [c, opts.checks?.[c] ?? true])) as Record<DmaDebugCheck, boolean>;
    const prealloc = opts.entries ?? (this.modern ? 65536 : 4096);
    // L1_CACHE_SHIFT: arm64 4.9 7; modern arm64 6; arm CONFIG_ARM_L1_CACHE_SHIFT, 6 in any
    // build with CPU_V7 (ARM_L1_CACHE_SHIFT_6 "default y if CPU_V7"), so multi_v7 keys Zynq's
    // 32-byte A9 lines as 64-byte ones.
    const arm64 = kernel.machine.profile.arch === "arm64";
    const shift = arm64 && !this.modern ? 7 : 6;
    this.pool = new DebugEntries(prealloc, HASH_SIZE[kernel.version], shift, (cln) => {
      if (this.warnedOverlap) return;
      this.warnedOverlap = true;
      kernel.printk.warn(`DMA-API: exceeded ${ACTIVE_CACHELINE_MAX_OVERLAP} overlapping mappings of cacheline ${formatPhysAddr(kernel, cln)}`);
    });
    if (this.enabled) {
      kernel.printk.info(`DMA-API: preallocated ${prealloc} debug entries`);
      kernel.printk.info("DMA-API: debugging enabled by kernel config");
    }
  }

  private get active(): boolean {
    return this.enabled && !this.disabled;
  }

  // ---- entries -----------------------------------------------------------------------------

  private alloc(): boolean {
    const ok = this.pool.take(this.modern, (total) =>
      this.kernel.printk.info(`DMA-API: dma_debug_entry pool grown to ${total} (${Math.floor(total / this.pool.prealloc)}00%)`));
    if (!ok) {
      this.disabled = true;
      this.kernel.printk.err("DMA-API: debugging out of memory - disabling");
    }
    return ok;
  }

  /** add_dma_entry. 4.9 only counted an overlap (its source leaves reporting -EEXIST as a
   *  TODO); 5.14 printed it without the device, 5.15 through err_printk as here. Modern kernels
   *  stay silent when the new mapping skips CPU syncs, when it and the line's first mapping
   *  both carry DMA_ATTR_CPU_CACHE_CLEAN (6.19: one promise alone is not enough), or when
   *  the kernel may bounce small kmalloc buffers. DMA_ATTR_REQUIRE_COHERENT (7.0) counts as the
   *  same promise: such a mapping has no cache maintenance to go wrong. */
  private add(e: Entry, attrs: number): void {
    if (this.modern) e.is_cache_clean = (attrs & (DMA_ATTR_CPU_CACHE_CLEAN | DMA_ATTR_REQUIRE_COHERENT)) !== 0;
    const { eexist, overlapCacheClean } = this.pool.add(e);
    if (!eexist || !this.modern || !this.checks.cacheline) return;
    if (attrs & DMA_ATTR_SKIP_CPU_SYNC) return;
    if (e.is_cache_clean && overlapCacheClean) return;
    if (this.bouncesUnalignedKmalloc(e.dev)) return;
    this.err(e.dev, "cacheline tracking EEXIST, overlapping mappings aren't supported");
  }

  /** IS_ENABLED(CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC) && is_swiotlb_active(entry->dev): the
   *  condition "dma-debug: don't report false positives with DMA_BOUNCE_UNALIGNED_KMALLOC"
   *  (Oct 2025) added to add_dma_entry. Such a kernel packs kmalloc objects 8 bytes apart
   *  (ARCH_KMALLOC_MINALIGN) below ARCH_DMA_MINALIGN and bounces the ones that share cache
   *  lines (dma_kmalloc_needs_bounce), so an overlap is not the driver's fault. The test is
   *  per device, not per mapping: overlaps of mappings that were not bounced go unreported
   *  too. arm64 selects the option; arm does not. */
  private bouncesUnalignedKmalloc(dev: Device): boolean {
    return this.modern && this.kernel.machine.profile.arch === "arm64" && is_swiotlb_active(dev);
  }

  private ref(dev: Device, addr: DmaAddr, size: number, type: EntryType, dir: number, sgCall = 0): Entry {
    return makeEntry(dev, addr, size, type, dir, sgCall);
  }

  private physOf(e: Entry): PhysAddr {
    return entryPhys(e);
  }

  // ---- checks ------------------------------------------------------------------------------

  private check_unmap(ref: Entry, isMappingError: boolean, cpuPhys?: PhysAddr): void {
    const entry = this.pool.findExact(ref);
    const on = this.checks.unmap;
    if (!entry) {
      if (!on) return;
      if (isMappingError) this.err(ref.dev, "device driver tries to free an invalid DMA memory address");
      else this.err(ref.dev, `device driver tries to free DMA memory it has not allocated [device address=${this.hex16(ref.dev_addr)}] [size=${ref.size} bytes]`);
      return;
    }
    if (on && ref.size !== entry.size) {
      this.err(ref.dev, `device driver frees DMA memory with different size [device address=${this.hex16(ref.dev_addr)}] [map size=${entry.size} bytes] [unmap size=${ref.size} bytes]`);
    }
    if (on && ref.type !== entry.type) {
      this.err(ref.dev, `device driver frees DMA memory with wrong function [device address=${this.hex16(ref.dev_addr)}] [size=${ref.size} bytes] [mapped as ${entry.type}] [unmapped as ${ref.type}]`);
    } else if (on && (entry.type === "coherent" || entry.type === "noncoherent") && cpuPhys !== undefined && cpuPhys !== this.physOf(entry)) {
      this.err(ref.dev, `device driver frees DMA memory with different CPU address [device address=${this.hex16(ref.dev_addr)}] [size=${ref.size} bytes] [cpu alloc address=${this.hex16(this.physOf(entry))}] [cpu free address=${this.hex16(cpuPhys)}]`);
    }
    if (on && ref.sg_call_ents && ref.type === "scather-gather" && ref.sg_call_ents !== entry.sg_call_ents) {
      this.err(ref.dev, `device driver frees DMA sg list with different entry count [map count=${entry.sg_call_ents}] [unmap count=${ref.sg_call_ents}]`);
    }
    if (on && ref.direction !== entry.direction) {
      this.err(ref.dev, `device driver frees DMA memory with different direction [device address=${this.hex16(ref.dev_addr)}] [size=${ref.size} bytes] [mapped with ${this.dir(entry.direction)}] [unmapped with ${this.dir(ref.direction)}]`);
    }
    if (this.checks.mapError && entry.map_err_type === MAP_ERR_NOT_CHECKED) {
      this.err(ref.dev, `device driver failed to check map error[device address=${this.hex16(ref.dev_addr)}] [size=${ref.size} bytes] [mapped as ${entry.type}]`);
    }
    this.pool.remove(entry);
  }

  /** The stack and text checks of mapped memory (debug-memory-source.ts); `va` 0 when the
   *  page has no kernel address. */
  private check_memory_source(dev: Device, pfn: number, offset: number, va: VirtAddr, len: number): void {
    const onStack = this.checks.stack ? check_for_stack(this.kernel, pfn, offset) : undefined;
    if (onStack) this.err(dev, onStack);
    const inText = va && this.checks.illegalArea ? check_for_illegal_area(this.kernel, va, len) : undefined;
    if (inText) this.err(dev, inText);
  }

  private check_sync(dev: Device, ref: Entry, toCpu: boolean): void {
    if (!this.checks.sync) return;
    const entry = this.pool.findContaining(ref);
    if (!entry) {
      this.err(dev, `device driver tries to sync DMA memory it has not allocated [device address=${this.hex16(ref.dev_addr)}] [size=${ref.size} bytes]`);
      return;
    }
    if (ref.size > entry.size) {
      this.err(dev, `device driver syncs DMA memory outside allocated range [device address=${this.hex16(entry.dev_addr)}] [allocation size=${entry.size} bytes] [sync offset+size=${ref.size}]`);
    }
    if (entry.direction === DMA_BIDIRECTIONAL) return;
    const tail = `[device address=${this.hex16(ref.dev_addr)}] [size=${entry.size} bytes] [mapped with ${this.dir(entry.direction)}] [synced with ${this.dir(ref.direction)}]`;
    if (ref.direction !== entry.direction) this.err(dev, `device driver syncs DMA memory with different direction ${tail}`);
    if (toCpu && entry.direction !== DMA_FROM_DEVICE && ref.direction !== DMA_TO_DEVICE) this.err(dev, `device driver syncs device read-only DMA memory for cpu ${tail}`);
    if (!toCpu && entry.direction !== DMA_TO_DEVICE && ref.direction !== DMA_FROM_DEVICE) this.err(dev, `device driver syncs device write-only DMA memory to device ${tail}`);
    if (ref.sg_call_ents && ref.type === "scather-gather" && ref.sg_call_ents !== entry.sg_call_ents) {
      this.err(dev, `device driver syncs DMA sg list with different entry count [map count=${entry.sg_call_ents}] [sync count=${ref.sg_call_ents}]`);
    }
  }

  // ---- hooks (debug_dma_*) -----------------------------------------------------------------

  /** debug_dma_map_single (modern). */
  map_single(dev: Device, addr: VirtAddr, len: number): void {
    if (!this.active || !this.modern || !this.checks.mapSingle) return;
    for (const report of check_map_single(this.kernel, addr, len)) this.err(dev, report);
  }

  /** debug_dma_map_page. `single` tells dma_map_single from dma_map_page (4.9 tells them
   *  apart; modern kernels record both as "single"). */
  map_page(dev: Device, pfn: number, offset: number, size: number, dir: number, dma: DmaAddr, isError: boolean, attrs: number, single: boolean): void {
    if (!this.active || isError) return;
    if (!this.alloc()) return;
    const e = this.ref(dev, dma, size, single || this.modern ? "single" : "page", dir);
    e.pfn = pfn;
    e.offset = offset;
    e.map_err_type = MAP_ERR_NOT_CHECKED;
    const va = this.kernel.mm.page_address(pfn);
    this.check_memory_source(dev, pfn, offset, va ? va + offset : 0, size);
    this.add(e, attrs);
  }

  /** debug_dma_mapping_error: marks the first unchecked live mapping at `addr` as checked. */
  mapping_error(dev: Device, addr: DmaAddr): void {
    if (!this.active) return;
    for (const e of this.pool.at(addr)) {
      if (e.dev === dev && e.dev_addr === addr && e.map_err_type === MAP_ERR_NOT_CHECKED) {
        e.map_err_type = MAP_ERR_CHECKED;
        return;
      }
    }
  }

  unmap_page(dev: Device, addr: DmaAddr, size: number, dir: number, isMappingError: boolean, single: boolean): void {
    if (!this.active) return;
    this.check_unmap(this.ref(dev, addr, size, single || this.modern ? "single" : "page", dir), isMappingError);
  }

  /** debug_dma_map_sg. Modern kernels check every entry the driver passed for stack and text
   *  (length s->length); 4.9 checked only the mapped segments, with their DMA length, inside
   *  the entry loop ("dma-debug: fix sg checks in debug_dma_map_sg()", 5.15). */
  map_sg(dev: Device, sgl: Scatterlist[], nents: number, mapped: number, dir: number, attrs: number): void {
    if (!this.active) return;
    const mm = this.kernel.mm;
    const checkArea = (s: Scatterlist, len: number) => this.check_memory_source(dev, sg_page(s, mm), s.offset, sg_virt(s, mm), len);
    if (this.modern) for_each_sg(sgl, nents, (s) => checkArea(s, s.length));
    let out = false;
    for_each_sg(sgl, mapped, (s) => {
      if (out) return;
      if (!this.alloc()) {
        out = true;
        return;
      }
      if (!this.modern) checkArea(s, s.dma_length);
      const e = this.ref(dev, s.dma_address, s.dma_length, "scather-gather", dir, nents);
      e.pfn = sg_page(s, mm);
      e.offset = s.offset;
      e.sg_mapped_ents = mapped;
      if (this.modern && this.checks.sg) {
        const max = dma_get_max_seg_size(dev);
        if (s.length > max) this.err(dev, `mapping sg segment longer than device claims to support [len=${s.length}] [max=${max}]`);
        const boundary = dma_get_seg_boundary(dev);
        const start = BigInt(s.dma_address);
        const end = start + BigInt(s.dma_length) - 1n;
        if ((start ^ end) & ~boundary & 0xffffffffffffffffn) {
          this.err(dev, `mapping sg segment across boundary [start=${this.hex16(Number(start))}] [end=${this.hex16(Number(end))}] [boundary=0x${boundary.toString(16).padStart(16, "0")}]`);
        }
      }
      this.add(e, attrs);
    });
  }

  private mappedEnts(dev: Device, s: Scatterlist, dir: number, nelems: number): number {
    return this.pool.findExact(this.ref(dev, s.dma_address, s.dma_length, "scather-gather", dir, nelems))?.sg_mapped_ents ?? 0;
  }

  unmap_sg(dev: Device, sgl: Scatterlist[], nelems: number, dir: number): void {
    if (!this.active) return;
    let mapped = 0;
    let stop = false;
    for_each_sg(sgl, nelems, (s, i) => {
      if (stop || (mapped && i >= mapped)) {
        stop = true;
        return;
      }
      if (!i) mapped = this.mappedEnts(dev, s, dir, nelems);
      this.check_unmap(this.ref(dev, s.dma_address, s.dma_length, "scather-gather", dir, nelems), false);
    });
  }

  alloc_coherent(dev: Device, size: number, dma: DmaAddr, virt: VirtAddr, attrs: number): void {
    if (!this.active || !virt) return;
    const mm = this.kernel.mm;
    if (!mm.isVmalloc(virt) && !mm.virt_addr_valid(virt)) return;
    if (!this.alloc()) return;
    const e = this.ref(dev, dma, size, "coherent", DMA_BIDIRECTIONAL);
    e.offset = ((virt % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE;
    e.pfn = this.coherentPfn(virt);
    this.add(e, attrs);
  }

  /** 4.9 used virt_to_page even for a remapped (vmalloc) address; modern vmalloc_to_pfn. */
  private coherentPfn(virt: VirtAddr): number {
    const mm = this.kernel.mm;
    if (this.modern && mm.isVmalloc(virt)) return mm.vmalloc_to_pfn(virt);
    return Math.floor(mm.virt_to_phys(virt) / PAGE_SIZE);
  }

  free_coherent(dev: Device, size: number, virt: VirtAddr, dma: DmaAddr): void {
    if (!this.active) return;
    const mm = this.kernel.mm;
    if (!mm.isVmalloc(virt) && !mm.virt_addr_valid(virt)) return;
    const ref = this.ref(dev, dma, size, "coherent", DMA_BIDIRECTIONAL);
    ref.offset = ((virt % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE;
    ref.pfn = this.coherentPfn(virt);
    this.check_unmap(ref, false, this.physOf(ref));
  }

  /** debug_dma_alloc_pages (dma_alloc_pages, dma_alloc_noncoherent): an entry of type
   *  noncoherent at the first page, in the caller's direction, whose mapping error needs no
   *  check (the dma-debug fix of August 2025; before it the entry was a page mapping that
   *  dma_mapping_error had to check, a false report for every such buffer). */
  alloc_pages(dev: Device, pfn: number, size: number, dir: number, dma: DmaAddr): void {
    if (!this.active) return;
    if (!this.alloc()) return;
    const e = this.ref(dev, dma, size, "noncoherent", dir);
    e.pfn = pfn;
    this.add(e, 0);
  }

  /** debug_dma_free_pages: check_unmap, whose CPU-address check covers noncoherent entries. */
  free_pages(dev: Device, pfn: number, size: number, dir: number, dma: DmaAddr): void {
    if (!this.active) return;
    const ref = this.ref(dev, dma, size, "noncoherent", dir);
    ref.pfn = pfn;
    this.check_unmap(ref, false, pfn * PAGE_SIZE);
  }

  /** debug_dma_map_resource (4.9 and 6.x up to 6.17): an entry of type resource for a
   *  peripheral's MMIO range. Unlike map_page it does not skip a failed mapping (there is no
   *  dma_mapping_error test), so a DMA_MAPPING_ERROR result is recorded too, and stays until it
   *  is unmapped or reported as a leak. Its first cache line is tracked like any other
   *  non-TO_DEVICE mapping's. Since 6.18 dma_map_resource goes through dma_map_phys and the
   *  entry is of type "phy", as single and page mappings are; dmasim keeps the 6.17 names. */
  map_resource(dev: Device, phys: PhysAddr, size: number, dir: number, dma: DmaAddr, attrs: number): void {
    if (!this.active) return;
    if (!this.alloc()) return;
    const e = this.ref(dev, dma, size, "resource", dir);
    e.pfn = Math.floor(phys / PAGE_SIZE);
    e.offset = phys % PAGE_SIZE;
    e.map_err_type = MAP_ERR_NOT_CHECKED;
    this.add(e, attrs);
  }

  /** debug_dma_unmap_resource: check_unmap of a resource-type reference. */
  unmap_resource(dev: Device, addr: DmaAddr, size: number, dir: number, isMappingError: boolean): void {
    if (!this.active) return;
    this.check_unmap(this.ref(dev, addr, size, "resource", dir), isMappingError);
  }

  sync_single(dev: Device, addr: DmaAddr, size: number, dir: number, toCpu: boolean): void {
    if (!this.active) return;
    this.check_sync(dev, this.ref(dev, addr, size, "single", dir), toCpu);
  }

  sync_sg(dev: Device, sgl: Scatterlist[], nelems: number, dir: number, toCpu: boolean): void {
    if (!this.active) return;
    let mapped = 0;
    let stop = false;
    for_each_sg(sgl, nelems, (s, i) => {
      if (stop) return;
      if (!i) mapped = this.mappedEnts(dev, s, dir, nelems);
      if (i >= mapped) {
        stop = true;
        return;
      }
      this.check_sync(dev, this.ref(dev, s.dma_address, s.dma_length, "scather-gather", dir, nelems), toCpu);
    });
  }

  /** A driver was unbound from `dev` (`driver` its name): Linux's dma_debug_device_change
   *  would report the entries it left, but only PCI's bus notifier calls it, so for dmasim's
   *  platform and AMBA devices a board prints nothing and counts no error; dmasim notes them
   *  (debug-unbind-note.ts). The entry described is the last of the device's in hash order,
   *  the one Linux's report would describe. */
  device_unbound(dev: Device, driver: string): void {
    if (!this.active || !this.checks.leak) return;
    const { count, last } = this.pool.ofDevice(dev);
    if (!count || !last) return;
    const entry = `[device address=${this.hex16(last.dev_addr)}] [size=${last.size} bytes] [mapped with ${this.dir(last.direction)}] [mapped as ${last.type}]`;
    this.kernel.printk.log(KERN_NOTICE, pendingEntriesNote(dev, driver, count, entry, this.kernel.version));
  }

  /** Live entries (of one device, or all). */
  entries(dev?: Device): number {
    return this.pool.ofDevice(dev).count;
  }

  /** /sys/kernel/debug/dma-api/dump's text as modern kernels print it (debug-dump.ts). */
  dump(): string {
    return dump_show(this.kernel, this.pool);
  }

  get numFreeEntries(): number {
    return this.pool.numFree;
  }
}
