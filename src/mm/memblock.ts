// Early boot memory (mm/memblock.c): the RAM banks and the ranges reserved before the page
// allocator exists (kernel image, device tree, the reservation block, early page tables).
// Allocation is top-down within the banks, as memblock does by default.

import type { PhysAddr } from "../hw/address.js";
import { PAGE_SIZE } from "./gfp.js";
import { KernelPanic } from "../kernel/errno.js";
import type { KernelVersion } from "./layout.js";

/** What memblock needs once slab is up (mem_init has run): kzalloc, as a physical address
 *  (0 on failure), and the kernel log. */
export interface SlabAvailable {
  version: KernelVersion;
  kzallocPhys(size: number): PhysAddr;
  warn(msg: string): void;
}

export interface Range {
  base: PhysAddr;
  size: number;
}

export class Memblock {
  readonly memory: Range[];
  readonly reserved: Range[] = [];
  /** memblock_set_current_limit: allocations stay below this (arm: the end of lowmem). */
  currentLimit = Infinity;

  /** Set when slab_is_available(): memblock's memory belongs to the page allocator now. */
  slabAvailable: SlabAvailable | null = null;
  /** Each WARN_ON_ONCE call site that has fired. */
  private readonly warned = new Set<string>();

  constructor(banks: Range[]) {
    this.memory = [...banks].sort((a, b) => a.base - b.base);
  }

  reserve(base: PhysAddr, size: number): void {
    // memblock_reserve has no slab_is_available() check: it records the range, which the page
    // allocator (it owns every page memblock did not reserve at mem_init) never looks at again.
    this.slabAvailable?.warn(`dmasim: WARNING: memblock_reserve [0x${base.toString(16)}-0x${(base + size - 1).toString(16)}] after mem_init: the page allocator already owns that memory, so the reservation protects nothing`);
    this.reserved.push({ base, size });
    this.reserved.sort((a, b) => a.base - b.base);
  }

  /** memblock_phys_free: [base, base+size) is no longer reserved, whether it was one
   *  reservation or part of one (arm64 4.9 paging_init gives back a page of the image). */
  free(base: PhysAddr, size: number): void {
    const end = base + size;
    const kept: Range[] = [];
    for (const r of this.reserved) {
      const rEnd = r.base + r.size;
      if (rEnd <= base || r.base >= end) {
        kept.push(r);
        continue;
      }
      if (r.base < base) kept.push({ base: r.base, size: base - r.base });
      if (rEnd > end) kept.push({ base: end, size: rEnd - end });
    }
    this.reserved.splice(0, this.reserved.length, ...kept);
  }

  /** 4.9 memblock_virt_alloc_internal and modern memblock_alloc_internal: `if
   *  (WARN_ON_ONCE(slab_is_available())) return kzalloc_node(size, GFP_NOWAIT, nid)`. 0 while
   *  slab is not up; a failed kzalloc panics as a failed memblock_alloc does. */
  private lateAlloc(size: number, fn: string): PhysAddr {
    const slab = this.slabAvailable;
    if (!slab) return 0;
    if (!this.warned.has(fn)) {
      this.warned.add(fn);
      slab.warn(`WARNING: mm/memblock.c: ${fn}: WARN_ON_ONCE(slab_is_available())`);
    }
    const pa = slab.kzallocPhys(size);
    if (pa > 0) return pa;
    throw new KernelPanic(`${fn}: kzalloc_node of ${size} bytes failed after slab_is_available()`);
  }

  /** memblock_alloc_range after mem_init. Modern memblock_alloc_range_nid WARNs and takes
   *  kzalloc; 4.9's memblock_alloc_range has no check and would hand out memory the page
   *  allocator owns, which dmasim refuses (-1, as when nothing fits). */
  private lateRange(size: number): PhysAddr {
    const slab = this.slabAvailable!;
    if (slab.version === "modern") return this.lateAlloc(size, "memblock_alloc_range_nid");
    slab.warn(`dmasim: WARNING: memblock_alloc_range of ${size} bytes after mem_init: Linux 4.9 would hand out memory the page allocator owns; refused`);
    return -1;
  }

  private overlapsReserved(base: number, size: number): Range | undefined {
    return this.reserved.find((r) => base < r.base + r.size && r.base < base + size);
  }

  /** memblock_alloc: `size` bytes aligned to `align`, highest address first, below `limit`. */
  alloc(size: number, align = PAGE_SIZE, limit = this.currentLimit): PhysAddr {
    const late = this.lateAlloc(size, this.slabAvailable?.version === "v4.9" ? "memblock_virt_alloc_internal" : "memblock_alloc_internal");
    if (late > 0) return late;
    const base = this.allocRange(size, align, 0, Math.min(limit, this.currentLimit));
    if (base >= 0) return base;
    throw new KernelPanic(`memblock_alloc: Failed to allocate ${size} bytes align=0x${align.toString(16)}`);
  }

  /** memblock_alloc_range: `size` bytes aligned to `align` inside [start, end), highest address
   *  first (the current limit does not apply), reserved; -1 when nothing fits. */
  allocRange(size: number, align: number, start: PhysAddr, end: PhysAddr): PhysAddr {
    if (this.slabAvailable) return this.lateRange(size);
    for (let b = this.memory.length - 1; b >= 0; b--) {
      const bank = this.memory[b];
      const floor = Math.max(bank.base, start);
      let top = Math.min(bank.base + bank.size, end);
      while (top - size >= floor) {
        const base = Math.floor((top - size) / align) * align;
        if (base < floor) break;
        const clash = this.overlapsReserved(base, size);
        if (!clash) {
          this.reserve(base, size);
          return base;
        }
        top = clash.base;
      }
    }
    return -1;
  }

  /** memblock_alloc_range with memblock_set_bottom_up(true): the lowest fit in [start, end). */
  allocRangeBottomUp(size: number, align: number, start: PhysAddr, end: PhysAddr): PhysAddr {
    if (this.slabAvailable) return this.lateRange(size);
    for (const bank of this.memory) {
      let base = Math.ceil(Math.max(bank.base, start) / align) * align;
      const top = Math.min(bank.base + bank.size, end);
      while (base + size <= top) {
        const clash = this.overlapsReserved(base, size);
        if (!clash) {
          this.reserve(base, size);
          return base;
        }
        base = Math.ceil((clash.base + clash.size) / align) * align;
      }
    }
    return -1;
  }

  /** The free ranges (memory minus reserved), page-aligned, for memblock_free_all. */
  freeRanges(): Range[] {
    const out: Range[] = [];
    for (const bank of this.memory) {
      let cur = bank.base;
      const end = bank.base + bank.size;
      for (const r of this.reserved) {
        if (r.base + r.size <= cur || r.base >= end) continue;
        if (r.base > cur) out.push({ base: cur, size: r.base - cur });
        cur = Math.max(cur, r.base + r.size);
      }
      if (cur < end) out.push({ base: cur, size: end - cur });
    }
    return out
      .map((r) => {
        const b = Math.ceil(r.base / PAGE_SIZE) * PAGE_SIZE;
        const e = Math.floor((r.base + r.size) / PAGE_SIZE) * PAGE_SIZE;
        return { base: b, size: e - b };
      })
      .filter((r) => r.size > 0);
  }
}
