// The Contiguous Memory Allocator's areas (mm/cma.c): a physically contiguous range reserved at
// boot — from a /reserved-memory node or placed by dma_contiguous_reserve — with a bitmap of its
// pages (order_per_bit 0: one bit per page). cma_alloc takes `count` pages aligned to 2^align
// pages, first fit from the bottom of the area as bitmap_find_next_zero_area_off searches;
// cma_release gives them back.
//
// Linux lends a CMA area's free pages to the page allocator for movable allocations (page cache,
// anonymous memory) and migrates them away when cma_alloc needs the range. dmasim has no movable
// allocations, so the pages stay out of the buddy allocator: no allocation a driver can make
// would have been placed there, and cma_alloc finds the range free exactly when Linux's
// alloc_contig_range would succeed. Nothing a driver can observe changes.

import type { PhysAddr } from "../hw/address.js";
import type { Printk } from "../kernel/printk.js";
import { EBUSY, EINVAL, ENOMEM, ENOSPC, KernelBug, KernelError } from "../kernel/errno.js";
import type { KernelVersion } from "./layout.js";
import { PAGE_SIZE } from "./gfp.js";
import type { Memblock } from "./memblock.js";

/** MAX_CMA_AREAS: CONFIG_CMA_AREAS (default 7) plus the default area. */
export const MAX_CMA_AREAS = 8;

/** struct cma */
export interface Cma {
  /** "reserved" for the default area from cma=, else the node's name. */
  name: string;
  basePfn: number;
  /** Pages in the area. */
  count: number;
  /** One byte per page (order_per_bit 0): 1 while allocated. */
  bitmap: Uint8Array;
  /** 4.9: cma_init_reserved_areas stopped at an earlier area that failed, so this one was never
   *  activated: its pages stay reserved and it has no bitmap. */
  neverActivated?: boolean;
}

/** pageblock_nr_pages: arm64 (CONFIG_HUGETLB_PAGE) 2^9 pages, the PMD order; arm has no
 *  HUGETLB_PAGE, so pageblock_order = MAX_ORDER - 1 = 10. */
function pageblockPages(arch: "arm" | "arm64"): number {
  return arch === "arm64" ? 512 : 1024;
}

type ZoneSpan = { startPfn: number; endPfn: number };

/** The smallest alignment (bytes) of an area's base and size: PAGE_SIZE << max(MAX_ORDER - 1,
 *  pageblock_order) = 4 MiB on 4.9 and arm; since 5.19 pageblock_nr_pages pages, which arm64
 *  with CONFIG_HUGETLB_PAGE (defconfig) makes 2 MiB (pageblock_order = PMD order 9). */
export function cmaMinAlignment(arch: "arm" | "arm64", version: KernelVersion): number {
  return arch === "arm64" && version === "modern" ? 2 << 20 : 4 << 20;
}

/** The kernel's CMA areas (cma_areas[]) and dma_contiguous_default_area. */
export class CmaAreas {
  readonly areas: Cma[] = [];
  defaultArea: Cma | null = null;

  constructor(
    readonly arch: "arm" | "arm64",
    readonly version: KernelVersion,
    private readonly printk: Printk,
  ) {}

  get minAlignment(): number {
    return cmaMinAlignment(this.arch, this.version);
  }

  /** cma_init_reserved_mem: an area over [base, base+size), which the caller has reserved;
   *  -errno when the slots are full or the range is not aligned. */
  cma_init_reserved_mem(base: PhysAddr, size: number, name: string): Cma | number {
    if (this.areas.length === MAX_CMA_AREAS) {
      this.printk.err("cma: Not enough slots for CMA reserved regions!");
      return -ENOSPC;
    }
    const align = this.minAlignment;
    if (!size || base % align || size % align) return -EINVAL;
    const cma: Cma = { name, basePfn: base / PAGE_SIZE, count: size / PAGE_SIZE, bitmap: new Uint8Array(size / PAGE_SIZE) };
    this.areas.push(cma);
    return cma;
  }

  /** cma_declare_contiguous: `size` (rounded up to the minimum alignment) exactly at `base`
   *  when `fixed`, else from memblock top down between `base` and `limit` (rounded down; past
   *  the end of RAM it is the end of RAM). A range crossing into highmem is tried in highmem
   *  first, so that every page of the area is in one zone; modern arm64 tries above 4 GiB
   *  first. The area, or -errno after Linux's messages. */
  cma_declare_contiguous(memblock: Memblock, size: number, limit: PhysAddr, highmemStart: PhysAddr, name: string, base: PhysAddr = 0, fixed = false): Cma | number {
    if (this.areas.length === MAX_CMA_AREAS) {
      this.printk.err("cma: Not enough slots for CMA reserved regions!");
      return -ENOSPC;
    }
    if (!size) return -EINVAL;
    const align = this.minAlignment;
    const fail = (errno: number, why?: string): number => {
      if (why) this.printk.err(`cma: ${why}`);
      this.printk.err(`cma: Failed to reserve ${Math.floor(size / 2 ** 20)} MiB${this.node}`);
      return errno;
    };
    const pa = (x: number) => this.formatPhys(x);
    // Since 5.3 (and its stable backports) a fixed base must already be aligned.
    if (fixed && base % align) return fail(-EINVAL, `Region at ${pa(base)} must be aligned to ${pa(align)} bytes`);
    base = Math.ceil(base / align) * align;
    size = Math.ceil(size / align) * align;
    limit = Math.floor(limit / align) * align;
    if (!base) fixed = false;
    if (fixed && base < highmemStart && base + size > highmemStart) {
      return fail(-EINVAL, `Region at ${pa(base)} defined on low/high memory boundary (${pa(highmemStart)})`);
    }
    const ramEnd = Math.max(...memblock.memory.map((b) => b.base + b.size));
    if (limit === 0 || limit > ramEnd) limit = ramEnd;
    if (base + size > limit) return fail(-EINVAL, `Size (${pa(size)}) of region at ${pa(base)} exceeds limit (${pa(limit)})`);
    let addr = -1;
    if (fixed) {
      if (memblock.reserved.some((r) => base < r.base + r.size && r.base < base + size)) return fail(-EBUSY);
      memblock.reserve(base, size);
      addr = base;
    } else {
      // Modern kernels with a 64-bit phys_addr_t first try bottom-up from 4 GiB, keeping the
      // memory below it for 32-bit DMA; under a limit at or below 4 GiB the range is empty.
      if (this.version === "modern" && this.arch === "arm64" && ramEnd >= 2 ** 32 + size) {
        addr = memblock.allocRangeBottomUp(size, align, 2 ** 32, limit);
      }
      if (addr < 0 && base < highmemStart && highmemStart < limit) {
        addr = memblock.allocRange(size, align, highmemStart, limit);
        limit = highmemStart;
      }
      if (addr < 0) addr = memblock.allocRange(size, align, base, limit);
      if (addr < 0) return fail(-ENOMEM);
    }
    const cma = this.cma_init_reserved_mem(addr, size, name);
    if (typeof cma === "number") {
      memblock.free(addr, size);
      return fail(cma);
    }
    this.printk.info(`cma: Reserved ${Math.floor(size / 2 ** 20)} MiB at ${pa(addr)}${this.node}`);
    if (!memblock.memory.some((b) => addr >= b.base && addr + size <= b.base + b.size)) {
      // cma_activate_area (core_initcall): an area whose pages are not all RAM is left empty.
      // 4.9 warns (WARN_ON_ONCE(!pfn_valid(pfn))) and would go on to use the invalid pages;
      // dmasim leaves it empty on both.
      if (this.version === "v4.9") {
        this.printk.warn("WARNING: mm/cma.c: cma_activate_area: WARN_ON_ONCE(!pfn_valid(pfn))");
        cma.count = 0;
        cma.bitmap = new Uint8Array(0);
      } else this.notActivated(cma);
    }
    return cma;
  }

  /** Modern cma_declare_contiguous_nid names the node: NUMA_NO_NODE (-1) for the default area. */
  private get node(): string {
    return this.version === "modern" ? " on node -1" : "";
  }

  /** %pa: a phys_addr_t, 32 bits on arm without LPAE, 64 on arm64. */
  formatPhys(pa: PhysAddr): string {
    return "0x" + pa.toString(16).padStart(this.arch === "arm64" ? 16 : 8, "0");
  }

  /** Pages in every area (/proc/meminfo CmaTotal). */
  get totalPages(): number {
    return this.areas.reduce((n, c) => n + c.count, 0);
  }

  /** Free pages in every activated area (CmaFree). */
  get freePages(): number {
    return this.areas.reduce((n, c) => n + (c.neverActivated ? 0 : c.bitmap.reduce((f, b) => f + (b ? 0 : 1), 0)), 0);
  }

  /** Pageblocks 4.9 activated before their area failed (cma_init_reserved_areas_v49): MIGRATE_CMA
   *  pages the zone manages, which only movable allocations — none that dmasim models — take. */
  readonly orphanedBlocks: ZoneSpan[] = [];

  /** Pages of the activated areas (and orphaned pageblocks) that lie in [startPfn, endPfn): what
   *  init_cma_reserved_pageblock added to the zones' managed pages. */
  pagesIn(startPfn: number, endPfn: number): number {
    const spans = [...this.areas.filter((c) => !c.neverActivated).map((c) => ({ startPfn: c.basePfn, endPfn: c.basePfn + c.count })), ...this.orphanedBlocks];
    return spans.reduce((n, c) => n + Math.max(0, Math.min(endPfn, c.endPfn) - Math.max(startPfn, c.startPfn)), 0);
  }

  /** cma_init_reserved_areas (core_initcall; 4.9's below): cma_activate_area for each area. An area
   *  whose pages lie in more than one zone (cma_validate_zones: pfn_range_intersects_zones —
   *  alloc_contig_range works inside one zone) is not activated: its pages go to the page
   *  allocator (`release`, as free_reserved_page does) and it is left empty. */
  cma_init_reserved_areas(zones: readonly ZoneSpan[], release: (startPfn: number, endPfn: number) => void): void {
    if (this.version === "v4.9") return this.cma_init_reserved_areas_v49(zones);
    for (const cma of this.areas) {
      if (!cma.count) continue;
      const end = cma.basePfn + cma.count;
      const touched = zones.filter((z) => z.startPfn < z.endPfn && z.startPfn < end && cma.basePfn < z.endPfn);
      if (touched.length <= 1) continue;
      release(cma.basePfn, end);
      this.notActivated(cma);
    }
  }

  /** 4.9 cma_init_reserved_areas: cma_activate_area walks each area a pageblock at a time and
   *  activates every pageblock whose pages are all in the first page's zone (it is the page
   *  allocator's from then on) until one is not. Then the area is emptied (count = 0) without a
   *  word, its remaining pages stay reserved, and the loop returns the error: no later area is
   *  activated (cma->name and the "could not be activated" message came after 4.9). */
  private cma_init_reserved_areas_v49(zones: readonly ZoneSpan[]): void {
    const zoneOf = (pfn: number) => zones.findIndex((z) => z.startPfn < z.endPfn && pfn >= z.startPfn && pfn < z.endPfn);
    const block = pageblockPages(this.arch);
    let failed = false;
    for (const cma of this.areas) {
      if (failed) {
        cma.neverActivated = true;
        continue;
      }
      if (!cma.count) continue;
      const zone = zoneOf(cma.basePfn);
      const end = cma.basePfn + cma.count;
      const foreign = zones.find((z, i) => i !== zone && z.startPfn < z.endPfn && z.startPfn < end && cma.basePfn < z.endPfn);
      if (!foreign) continue;
      // The first pageblock holding a page of another zone: the blocks before it were activated.
      const firstForeign = Math.max(foreign.startPfn, cma.basePfn);
      const activated = Math.floor((firstForeign - cma.basePfn) / block) * block;
      if (activated) this.orphanedBlocks.push({ startPfn: cma.basePfn, endPfn: cma.basePfn + activated });
      cma.count = 0;
      cma.bitmap = new Uint8Array(0);
      failed = true;
    }
  }

  /** cma_activate_area's failure: the area is left with no pages, and says so. */
  private notActivated(cma: Cma): void {
    cma.count = 0;
    cma.bitmap = new Uint8Array(0);
    this.printk.err(`cma: CMA area ${cma.name} could not be activated`);
  }

  /** The area holding `pfn`, if any. */
  areaOf(pfn: number): Cma | undefined {
    return this.areas.find((c) => pfn >= c.basePfn && pfn < c.basePfn + c.count);
  }

  /** cma_alloc: the first pfn of `count` free pages whose pfn is a multiple of 2^align (the
   *  lowest such range), or -1. A failure is reported unless `noWarn` (4.9 says nothing; the
   *  message came in 4.11). */
  cma_alloc(cma: Cma | null, count: number, align: number, noWarn = false): number {
    // count (unsigned long) and align (unsigned int) are whole numbers in Linux; a fraction
    // would put a fractional pfn in the bitmap.
    if (!Number.isInteger(count) || !Number.isInteger(align) || align < 0) {
      throw new KernelError(EINVAL, `cma_alloc: count ${count} and align ${align} must be whole numbers, align not negative`);
    }
    if (!cma || !cma.count || !count) return -1;
    if (cma.neverActivated) {
      // 4.9 searches the area's bitmap, which was never allocated.
      throw new KernelBug("mm/cma.c", `cma_alloc: Unable to handle kernel NULL pointer dereference: area at pfn 0x${cma.basePfn.toString(16)} was never activated (cma_init_reserved_areas stopped at an earlier area), so it has no bitmap`);
    }
    // A negative count is a huge unsigned long in Linux: more than any area holds, so it fails.
    const want = count < 0 ? Infinity : count;
    const step = 2 ** align;
    // bitmap_find_next_zero_area_off: the offset makes the *pfn*, not the bit, aligned.
    const first = (Math.ceil(cma.basePfn / step) * step) - cma.basePfn;
    for (let i = first; i + want <= cma.count; i += step) {
      if (cma.bitmap.subarray(i, i + count).includes(1)) continue;
      cma.bitmap.fill(1, i, i + count);
      return cma.basePfn + i;
    }
    if (!noWarn && this.version === "modern") {
      this.printk.err(`cma: cma_alloc: ${cma.name}: alloc failed, req-size: ${BigInt.asUintN(this.arch === "arm64" ? 64 : 32, BigInt(count))} pages, ret: ${-ENOMEM}`);
      this.cma_debug_show_areas(cma);
    }
    return -1;
  }

  /** cma_debug_show_areas (unconditional since 6.9, which dropped CONFIG_CMA_DEBUG): each free
   *  run as pages@first-bit, then the total; one line, as its pr_cont pieces join. */
  private cma_debug_show_areas(cma: Cma): void {
    const runs: string[] = [];
    let total = 0;
    for (let i = 0; i < cma.count; ) {
      if (cma.bitmap[i]) {
        i++;
        continue;
      }
      let end = i;
      while (end < cma.count && !cma.bitmap[end]) end++;
      runs.push(`${end - i}@${i}`);
      total += end - i;
      i = end;
    }
    this.printk.info(`cma: number of available pages: ${runs.join("+")}=> ${total} free of ${cma.count} total pages`);
  }

  /** cma_release: false when [pfn, pfn+count) is not inside `cma`. */
  cma_release(cma: Cma | null, pfn: number, count: number): boolean {
    if (!cma || pfn < cma.basePfn || pfn >= cma.basePfn + cma.count) return false;
    if (pfn + count > cma.basePfn + cma.count) {
      // VM_BUG_ON in Linux: a release running past the area's end.
      this.printk.warn(`WARNING: cma_release: ${count} pages at pfn 0x${pfn.toString(16)} run past the end of area ${cma.name}`);
      count = cma.basePfn + cma.count - pfn;
    }
    cma.bitmap.fill(0, pfn - cma.basePfn, pfn - cma.basePfn + count);
    return true;
  }
}
