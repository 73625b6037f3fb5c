// The vmalloc area (mm/vmalloc.c; spec dma-api §7.4, mmu-cache §5.3): virtually contiguous
// kernel mappings of arbitrary pages — vmalloc, vmap, DMA coherent remaps, ioremap. Areas are
// placed first-fit at the lowest address with one unmapped guard page after each (unless
// VM_NO_GUARD). Unmapping clears the PTEs at once but defers the TLB flush and the reuse of the
// range until more than lazy_max_pages have been freed lazily; then one flush_tlb_kernel_range
// covers the union of the purged ranges.

import { formatVirt, type PhysAddr, type VirtAddr } from "../hw/address.js";
import { PAGE_SIZE } from "./gfp.js";
import type { KernelLayout } from "./layout.js";
import type { PageProt, PageTables } from "./pgtable.js";

export const VM_IOREMAP = 0x1;
export const VM_ALLOC = 0x2;
export const VM_MAP = 0x4;
export const VM_USERMAP = 0x8;
export const VM_DMA_COHERENT = 0x10;
export const VM_NO_GUARD = 0x40;

/** IOREMAP_MAX_ORDER: ioremap areas are aligned to their size, at most this. Both arches
 *  override the generic 7 + PAGE_SHIFT (512 KB): arm allows 16 MB (asm/memory.h), arm64 with
 *  4 KB pages PUD_SHIFT, 1 GB, so that large windows can use block mappings. */
const IOREMAP_MAX_ORDER = { arm: 24, arm64: 30 } as const;

export interface VmArea {
  start: VirtAddr;
  /** Bytes reserved, including the guard page. */
  size: number;
  /** Physical address of each mapped page. */
  pages: PhysAddr[];
  /** nr_pages: set by vmalloc only (vmap and remaps leave it 0, as Linux does). */
  nrPages: number;
  /** phys_addr: ioremap and the kernel image segments. */
  physAddr: PhysAddr;
  flags: number;
  prot: PageProt;
  caller: string;
}

interface LazyRange {
  start: VirtAddr;
  size: number;
}

function mod(x: number, a: number): number {
  return ((x % a) + a) % a;
}

/** The index of the first range starting after `start` (ranges sorted by start). */
function upperBound(ranges: readonly LazyRange[], start: VirtAddr): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid].start > start) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Where the first-fit walk of findHole may resume: after busy[0..index) it stands at `cand`
 *  (for this alignment), and none of the holes it passed is larger than `maxHole`. */
interface HoleHint {
  index: number;
  cand: VirtAddr;
  maxHole: number;
  align: number;
}

function alignUp(x: VirtAddr, a: number): VirtAddr {
  const r = mod(x, a);
  return r === 0 ? x : x + (a - r);
}

export class Vmalloc {
  /** Live areas, sorted by start. */
  private readonly areas: VmArea[] = [];
  /** Ranges unmapped but not yet purged: not reusable, TLB possibly stale. */
  private readonly lazy: LazyRange[] = [];
  /** Live areas and lazy ranges together, sorted by start: what a new area must avoid. A
   *  vunmap moves a range from one to the other and leaves this as it is. */
  private busy: LazyRange[] = [];
  /** First-fit walked every area from VMALLOC_START at each allocation, quadratic in the areas
   *  a run makes (a dma_pool page per coherent remap: thousands); the walk resumes here when
   *  no hole it passed could hold the request (Linux 4.x's free_vmap_cache, cached_hole_size). */
  private hint: HoleHint | null = null;
  private lazyPages = 0;
  readonly lazyMaxPages: number;
  /** Warnings the kernel should log. */
  onWarn: (msg: string) => void = () => {};
  /** How many lazy purges (each one flush_tlb_kernel_range) have happened. */
  purges = 0;

  constructor(
    private readonly layout: KernelLayout,
    private readonly pgt: PageTables,
    onlineCpus: number,
  ) {
    // lazy_max_pages = fls(num_online_cpus) * (32 MB / PAGE_SIZE)
    const fls = 32 - Math.clz32(onlineCpus);
    this.lazyMaxPages = fls * ((32 << 20) / PAGE_SIZE);
  }

  private insert(a: VmArea): void {
    this.areas.splice(upperBound(this.areas, a.start), 0, a);
    const i = upperBound(this.busy, a.start);
    this.busy.splice(i, 0, { start: a.start, size: a.size });
    if (this.hint && i < this.hint.index) this.hint = null;
  }

  /** The lowest aligned start ≥ VMALLOC_START with `bytes` free before VMALLOC_END, or null. */
  private findHole(bytes: number, align: number): { start: VirtAddr; hint: HoleHint } | null {
    const busy = this.busy;
    const h = this.hint;
    let i = 0;
    let cand = alignUp(this.layout.vmallocStart, align);
    let maxHole = 0;
    if (h && h.align === align && h.maxHole < bytes) ({ index: i, cand, maxHole } = h);
    for (; i < busy.length; i++) {
      const a = busy[i];
      if (cand + bytes <= a.start) break;
      maxHole = Math.max(maxHole, a.start - cand);
      if (a.start + a.size > cand) cand = alignUp(a.start + a.size, align);
    }
    if (cand + bytes > this.layout.vmallocEnd) return null;
    // The area goes in at index i; the walk past it would stand at its aligned end.
    return { start: cand, hint: { index: i + 1, cand: alignUp(cand + bytes, align), maxHole, align } };
  }

  /** __get_vm_area_caller: reserves (does not map) PAGE_ALIGN(size) plus a guard page. */
  getVmArea(size: number, flags: number, caller: string, align = PAGE_SIZE): VmArea | null {
    size = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
    if (size === 0) return null;
    if (flags & VM_IOREMAP) {
      // 4.9 used fls_long(size), later kernels get_count_order_long(size).
      const bits = this.layout.version === "v4.9" ? 32 - Math.clz32(size / PAGE_SIZE) + 12 : Math.ceil(Math.log2(size));
      align = 2 ** Math.min(Math.max(bits, 12), IOREMAP_MAX_ORDER[this.layout.arch]);
    }
    const bytes = size + (flags & VM_NO_GUARD ? 0 : PAGE_SIZE);
    let hole = this.findHole(bytes, align);
    if (hole === null && this.lazy.length) {
      this.purgeLazy();
      hole = this.findHole(bytes, align);
    }
    if (hole === null) {
      this.onWarn(`vmap allocation for size ${bytes} failed: use vmalloc=<size> to increase size`);
      return null;
    }
    const area: VmArea = { start: hole.start, size: bytes, pages: [], nrPages: 0, physAddr: 0, flags, prot: "kernel", caller };
    this.insert(area);
    this.hint = hole.hint;
    return area;
  }

  /** map_vm_area: installs the PTEs of an area reserved with getVmArea. */
  mapArea(area: VmArea, pages: PhysAddr[], prot: PageProt): void {
    area.pages = pages;
    area.prot = prot;
    for (let i = 0; i < pages.length; i++) this.pgt.mapPage(area.start + i * PAGE_SIZE, pages[i], prot);
  }

  /** vmap: maps `pages` contiguously; returns the VA or null when the area is exhausted. New
   *  PTEs go into empty slots, so no TLB maintenance is needed (spec mmu-cache §5.3). */
  vmap(pages: PhysAddr[], prot: PageProt, flags: number, caller: string): VirtAddr | null {
    const area = this.getVmArea(pages.length * PAGE_SIZE, flags, caller);
    if (!area) return null;
    this.mapArea(area, pages, prot);
    return area.start;
  }

  /** Registers an already-mapped range (vm_area_add_early: the kernel image segments). */
  addEarly(start: VirtAddr, size: number, physAddr: PhysAddr, flags: number, prot: PageProt, caller: string): void {
    this.insert({ start, size, pages: [], nrPages: 0, physAddr, flags: flags | VM_NO_GUARD, prot, caller });
  }

  find(va: VirtAddr): VmArea | undefined {
    const a = this.areas[upperBound(this.areas, va) - 1];
    return a && va < a.start + a.size ? a : undefined;
  }

  /** vmalloc_to_pfn: the page behind a vmalloc-space address, or -1. */
  toPfn(va: VirtAddr): number {
    const a = this.find(va);
    if (!a) return -1;
    const i = Math.floor((va - a.start) / PAGE_SIZE);
    if (i < a.pages.length) return Math.floor(a.pages[i] / PAGE_SIZE);
    return a.physAddr ? Math.floor((a.physAddr + (va - a.start)) / PAGE_SIZE) : -1;
  }

  /** remove_vm_area: PTEs cleared now; the range and its TLB entries wait for the lazy purge.
   *  An address that starts no area gets the kernel's warning (4.9 says vfree for both vfree
   *  and vunmap) and nothing else happens. */
  vunmap(va: VirtAddr, fn: "vfree" | "vunmap" = "vunmap"): VmArea | undefined {
    const i = upperBound(this.areas, va) - 1;
    if (i < 0 || this.areas[i].start !== va) {
      const p = formatVirt(va, this.layout.arch === "arm64" ? 64 : 32).slice(2);
      this.onWarn(this.layout.version === "modern" && fn === "vunmap"
        ? `WARNING: vunmap: Trying to vunmap() nonexistent vm area (${p})`
        : `WARNING: Trying to vfree() nonexistent vm area (${p})`);
      return undefined;
    }
    const [area] = this.areas.splice(i, 1);
    const mapped = (area.size - (area.flags & VM_NO_GUARD ? 0 : PAGE_SIZE)) / PAGE_SIZE;
    for (let k = 0; k < mapped; k++) this.pgt.unmapPage(area.start + k * PAGE_SIZE);
    this.lazy.push({ start: area.start, size: area.size });
    this.lazyPages += mapped;
    if (this.lazyPages > this.lazyMaxPages) this.purgeLazy();
    return area;
  }

  /** __purge_vmap_area_lazy: one kernel TLB flush over the union of lazily freed ranges. */
  purgeLazy(): void {
    if (!this.lazy.length) return;
    let start = Infinity;
    let end = -Infinity;
    for (const r of this.lazy) {
      start = Math.min(start, r.start);
      end = Math.max(end, r.start + r.size);
    }
    this.pgt.flushTlbKernelRange(start, end);
    this.lazy.length = 0;
    this.busy = this.areas.map((a) => ({ start: a.start, size: a.size }));
    this.hint = null;
    this.lazyPages = 0;
    this.purges++;
  }

  get pendingLazyPages(): number {
    return this.lazyPages;
  }

  /** /proc/vmallocinfo (mm/vmalloc.c s_show); modern kernels also list unpurged ranges. */
  vmallocinfo(): string {
    const bits = this.layout.arch === "arm64" ? 64 : 32;
    const modern = this.layout.version === "modern";
    const rows: { start: VirtAddr; text: string }[] = [];
    for (const a of this.areas) {
      let s = `${formatVirt(a.start, bits)}-${formatVirt(a.start + a.size, bits)} ${String(a.size).padStart(7)}`;
      if (a.caller) s += ` ${a.caller}`;
      if (a.nrPages) s += ` pages=${a.nrPages}`;
      if (a.physAddr) s += ` phys=0x${a.physAddr.toString(16).padStart(bits / 4, "0")}`;
      if (a.flags & VM_IOREMAP) s += " ioremap";
      if (a.flags & VM_ALLOC) s += " vmalloc";
      if (a.flags & VM_MAP) s += " vmap";
      if (a.flags & VM_USERMAP) s += " user";
      if (modern && a.flags & VM_DMA_COHERENT) s += " dma-coherent";
      rows.push({ start: a.start, text: s });
    }
    if (modern) {
      for (const r of this.lazy) {
        rows.push({ start: r.start, text: `${formatVirt(r.start, bits)}-${formatVirt(r.start + r.size, bits)} ${String(r.size).padStart(7)} unpurged vm_area` });
      }
    }
    return rows.sort((x, y) => x.start - y.start).map((r) => r.text).join("\n");
  }
}
