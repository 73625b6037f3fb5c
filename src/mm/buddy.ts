// The buddy page allocator (mm/page_alloc.c; spec dma-api §7.1–7.3): per-zone free lists of
// naturally aligned 2^order blocks. Allocation takes the first block of the smallest order that
// fits and splits it, keeping the lower half and freeing the upper; freeing merges a block with
// its buddy (pfn ^ 2^order) while the buddy is free, of the same order, and in the same zone.
// Fragmentation is real: a large order fails when no aligned run is free. The per-page state
// (free-list links, orders, refcounts, flags) is the memmap of mem-section.ts.

import { __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM, __GFP_NOFAIL, __GFP_NOWARN, gfpName, gfpflags_allow_blocking } from "./gfp.js";
import type { KernelVersion } from "./layout.js";
import { MAX_ORDER, MemSections, type Block } from "./mem-section.js";
import { badOrderWarning, blocksToFree, notRamWarning, overFreeWarning } from "./free-pages-check.js";

export { MAX_ORDER };

export type ZoneName = "DMA" | "DMA32" | "Normal" | "HighMem";

export interface ZoneSpec {
  name: ZoneName;
  startPfn: number;
  endPfn: number; // exclusive
}

/** Page flags kept per page (the few dmasim needs of struct page's flags). */
export const PG_dcache_clean = 1;
/** PG_dirty: the page's contents are newer than its backing (set_page_dirty after a device wrote it). */
export const PG_dirty = 2;

export class Zone {
  readonly heads = new Int32Array(MAX_ORDER).fill(-1);
  readonly counts = new Int32Array(MAX_ORDER);
  managedPages = 0;
  constructor(readonly name: ZoneName, readonly startPfn: number, readonly endPfn: number) {}

  get freePages(): number {
    let n = 0;
    for (let o = 0; o < MAX_ORDER; o++) n += this.counts[o] << o;
    return n;
  }
}

export class BuddyAllocator {
  readonly zones: Zone[];
  private readonly memmap: MemSections;
  /** Warnings the kernel should log (allocation failures, bad frees). */
  onWarn: (msg: string) => void = () => {};
  /** current->comm, which 4.9's bad_page names: the boot task's until the kernel has a task of
   *  its own to run callers in (Kernel.current). */
  currentComm: () => string = () => "swapper/0";

  /** Zones the kernel is configured with (CONFIG_ZONE_DMA, CONFIG_ZONE_DMA32, HIGHMEM): a GFP
   *  zone modifier naming an unconfigured zone means ZONE_NORMAL, as gfp_zone() maps it. */
  private readonly configured: Set<ZoneName>;
  /** The too-large-order warning is WARN_ON_ONCE: it has fired. */
  private warnedOrder = false;
  /** The two __GFP_NOFAIL misuse warnings are WARN_ON_ONCE too. */
  private warnedNofailOrder = false;
  private warnedNofailAtomic = false;

  /** `banks` are the pfn ranges that have a memmap (RAM); zones say which zone each page is in.
   *  `version` only chooses how the too-large-order warning reads. */
  constructor(
    zones: ZoneSpec[],
    banks?: { startPfn: number; endPfn: number }[],
    configured?: ZoneName[],
    private readonly version: KernelVersion = "modern",
  ) {
    this.configured = new Set(configured ?? zones.map((z) => z.name));
    const sorted = [...zones].filter((z) => z.endPfn > z.startPfn).sort((a, b) => a.startPfn - b.startPfn);
    this.zones = sorted.map((z) => new Zone(z.name, z.startPfn, z.endPfn));
    this.memmap = new MemSections(banks ?? sorted, sorted);
  }

  /** pfn_valid: the page has a memmap entry (it is RAM the kernel knows). */
  pfnValid(pfn: number): boolean {
    return this.memmap.section(pfn) !== undefined;
  }

  zoneIndex(pfn: number): number {
    return this.memmap.zoneIndex(pfn);
  }

  zoneOf(pfn: number): Zone | undefined {
    const i = this.zoneIndex(pfn);
    return i >= 0 ? this.zones[i] : undefined;
  }

  private unlink(z: Zone, order: number, pfn: number): void {
    const s = this.memmap.section(pfn)!;
    const i = pfn - s.startPfn;
    const n = s.next[i];
    const p = s.prev[i];
    if (p >= 0) {
      const ps = this.memmap.section(p)!;
      ps.next[p - ps.startPfn] = n;
    } else z.heads[order] = n;
    if (n >= 0) {
      const ns = this.memmap.section(n)!;
      ns.prev[n - ns.startPfn] = p;
    }
    s.freeOrder[i] = -1;
    z.counts[order]--;
  }

  private pushHead(z: Zone, order: number, pfn: number): void {
    const s = this.memmap.section(pfn)!;
    const i = pfn - s.startPfn;
    const h = z.heads[order];
    s.next[i] = h;
    s.prev[i] = -1;
    if (h >= 0) {
      const hs = this.memmap.section(h)!;
      hs.prev[h - hs.startPfn] = pfn;
    }
    z.heads[order] = pfn;
    s.freeOrder[i] = order;
    z.counts[order]++;
  }

  /** Gives [startPfn, endPfn) to the allocator (boot: memblock_free_all). Blocks never straddle
   *  a zone boundary. */
  addFreeRange(startPfn: number, endPfn: number): void {
    let pfn = startPfn;
    while (pfn < endPfn) {
      const zi = this.zoneIndex(pfn);
      const zoneEnd = zi >= 0 ? Math.min(endPfn, this.zones[zi].endPfn) : pfn + 1;
      let order = 0;
      while (order + 1 < MAX_ORDER && pfn % 2 ** (order + 1) === 0 && pfn + 2 ** (order + 1) <= zoneEnd) order++;
      if (zi >= 0) {
        this.zones[zi].managedPages += 2 ** order;
        this.release(pfn, order);
      }
      pfn += 2 ** order;
    }
  }

  /** Zones a request may use, in fallback order (HighMem → Normal → DMA32 → DMA; a GFP_DMA
   *  request only uses ZONE_DMA). */
  zonesFor(gfp: number): Zone[] {
    const has = (z: ZoneName) => this.configured.has(z);
    const want: ZoneName[] = gfp & __GFP_DMA && has("DMA")
      ? ["DMA"]
      : gfp & __GFP_DMA32 && has("DMA32")
        ? ["DMA32", "DMA"]
        : gfp & __GFP_HIGHMEM && has("HighMem")
          ? ["HighMem", "Normal", "DMA32", "DMA"]
          : ["Normal", "DMA32", "DMA"];
    const out: Zone[] = [];
    for (const name of want) for (const z of this.zones) if (z.name === name) out.push(z);
    return out;
  }

  /** alloc_pages: the first pfn of a 2^order block, or -1. */
  allocPages(gfp: number, order: number): number {
    // order is an unsigned int in Linux: a negative one is huge, and a fraction is no order.
    if (!(Number.isInteger(order) && order >= 0 && order < MAX_ORDER)) {
      // 4.9 __alloc_pages_nodemask: WARN_ON_ONCE(!(gfp_mask & __GFP_NOWARN)); modern
      // __alloc_pages: WARN_ON_ONCE_GFP(order > MAX_PAGE_ORDER, gfp). NULL either way, and
      // warn_alloc's "page allocation failure" is never reached.
      if (!(gfp & __GFP_NOWARN) && !this.warnedOrder) {
        this.warnedOrder = true;
        this.onWarn(this.version === "v4.9"
          ? `WARNING: mm/page_alloc.c: __alloc_pages_nodemask: order ${order} >= MAX_ORDER (${MAX_ORDER})`
          : `WARNING: mm/page_alloc.c: __alloc_pages: order ${order} > MAX_PAGE_ORDER (${MAX_ORDER - 1})`);
      }
      return -1;
    }
    if (gfp & __GFP_NOFAIL && order > 1 && !this.warnedNofailOrder) {
      // 4.9 buffered_rmqueue / modern rmqueue, before the free lists are searched.
      this.warnedNofailOrder = true;
      this.onWarn(`WARNING: mm/page_alloc.c: ${this.version === "v4.9" ? "buffered_rmqueue" : "rmqueue"}: WARN_ON_ONCE((gfp_flags & __GFP_NOFAIL) && (order > 1))`);
    }
    for (const z of this.zonesFor(gfp)) {
      for (let o = order; o < MAX_ORDER; o++) {
        const pfn = z.heads[o];
        if (pfn < 0) continue;
        this.unlink(z, o, pfn);
        let cur = o;
        while (cur > order) {
          cur--;
          this.pushHead(z, cur, pfn + 2 ** cur);
        }
        const s = this.memmap.section(pfn)!;
        s.allocOrder[pfn - s.startPfn] = order;
        s.refcount[pfn - s.startPfn] = 1;
        return pfn;
      }
    }
    if (gfp & __GFP_NOFAIL) this.nofailFailure(gfp, order);
    if (!(gfp & __GFP_NOWARN)) {
      this.onWarn(`dmasim: page allocation failure: order:${order}, mode:0x${gfp.toString(16)}(${gfpName(gfp)})`);
    }
    return -1;
  }

  /** __alloc_pages_slowpath's __GFP_NOFAIL handling once the free lists are empty: a caller
   *  that cannot sleep gets the WARN and NULL; one that can would be retried forever, and
   *  dmasim, with nothing to reclaim, says so and returns NULL rather than hang. */
  private nofailFailure(gfp: number, order: number): void {
    if (!gfpflags_allow_blocking(gfp)) {
      if (this.warnedNofailAtomic) return;
      this.warnedNofailAtomic = true;
      this.onWarn(this.version === "v4.9"
        ? "WARNING: mm/page_alloc.c: __alloc_pages_slowpath: WARN_ON_ONCE(!can_direct_reclaim)"
        : "WARNING: mm/page_alloc.c: __alloc_pages_slowpath: WARN_ON_ONCE_GFP(!can_direct_reclaim, gfp_mask)");
      return;
    }
    this.onWarn(`dmasim: __GFP_NOFAIL allocation of order ${order} cannot succeed: Linux would retry it forever`);
  }

  /** __free_pages (4.9 and modern mm/page_alloc.c): put_page_testzero drops the head page's
   *  reference and only the last one frees. Without CONFIG_DEBUG_VM nothing checks the count,
   *  so a double free, or a free of a page that is not a block's head (its count is 0), takes
   *  it below zero and frees nothing; modern __free_pages then frees a non-compound block's
   *  tail pages itself (`while (order-- > 0) free_the_page(page + (1 << order), order)`).
   *  Linux is silent there; dmasim warns. Returns true when pages went back to the free lists. */
  freePages(pfn: number, order: number): boolean {
    if (!(Number.isInteger(order) && order >= 0 && order < MAX_ORDER)) {
      this.onWarn(badOrderWarning(pfn, order));
      return false;
    }
    const s = this.memmap.section(pfn);
    if (!s) {
      this.onWarn(notRamWarning(pfn));
      return false;
    }
    const i = pfn - s.startPfn;
    const count = --s.refcount[i];
    if (count === 0) return this.freeFrozen(pfn, order);
    if (count > 0) return false;
    this.onWarn(overFreeWarning(this.memmap, pfn, order, count));
    if (this.version === "modern") {
      let o = order;
      while (o-- > 0) this.freeFrozen(pfn + 2 ** o, o);
    }
    return false;
  }

  /** The page allocator takes back [pfn, pfn + 2^order), whatever allocations it holds, once
   *  free-pages-check.ts has found what it holds and said what is wrong with it. */
  private freeFrozen(pfn: number, order: number): boolean {
    const blocks = blocksToFree(this.memmap, pfn, order, this.version, (m) => this.onWarn(m), this.currentComm());
    if (!blocks) return false;
    for (const b of blocks) {
      if (b.order > order) this.carve(b, pfn, order);
      else this.releaseAllocated(b.head, b.order);
    }
    return true;
  }

  /** Frees [pfn, pfn + 2^order) out of the larger allocated block `b`: the halves that do not
   *  hold it stay allocated as blocks of their own, the one holding b's head keeping its count. */
  private carve(b: Block, pfn: number, order: number): void {
    const s = this.memmap.section(b.head)!;
    const headCount = s.refcount[b.head - s.startPfn];
    let cur = b.head;
    let o = b.order;
    s.allocOrder[cur - s.startPfn] = -1;
    while (o > order) {
      o--;
      const upper = cur + 2 ** o;
      const kept = pfn >= upper ? cur : upper;
      if (pfn >= upper) cur = upper;
      s.allocOrder[kept - s.startPfn] = o;
      s.refcount[kept - s.startPfn] = kept === b.head ? headCount : 0;
    }
    this.release(cur, order);
  }

  private releaseAllocated(head: number, order: number): void {
    const s = this.memmap.section(head)!;
    s.allocOrder[head - s.startPfn] = -1;
    this.release(head, order);
  }

  /** __free_one_page: puts a block on its zone's free list, merging it with its buddy while the
   *  buddy is free, of the same order, and in the same zone. */
  private release(pfn: number, order: number): void {
    const s = this.memmap.section(pfn)!;
    const i = pfn - s.startPfn;
    s.flags[i] = 0;
    s.refcount[i] = 0;
    const zi = s.zone[i];
    const z = this.zones[zi];
    let head = pfn;
    let o = order;
    while (o < MAX_ORDER - 1) {
      const buddy = head ^ (2 ** o);
      const bs = this.memmap.section(buddy);
      if (!bs) break;
      const bi = buddy - bs.startPfn;
      if (bs.freeOrder[bi] !== o || bs.zone[bi] !== zi) break;
      this.unlink(z, o, buddy);
      head = Math.min(head, buddy);
      o++;
    }
    this.pushHead(z, o, head);
  }

  /** split_page + freeing the tail: keeps the first `keep` pages of an allocated 2^order block
   *  as separate order-0 allocations and frees the rest (arm's __dma_alloc_buffer). */
  splitAndTrim(pfn: number, order: number, keep: number): void {
    const s = this.memmap.section(pfn)!;
    s.allocOrder[pfn - s.startPfn] = -1;
    for (let k = 0; k < 2 ** order; k++) {
      s.allocOrder[pfn + k - s.startPfn] = 0;
      s.refcount[pfn + k - s.startPfn] = 1;
    }
    for (let k = keep; k < 2 ** order; k++) this.freePages(pfn + k, 0);
  }

  /** The order a block was allocated at, or -1 if pfn is not the head of an allocated block. */
  allocatedOrder(pfn: number): number {
    const s = this.memmap.section(pfn);
    return s ? s.allocOrder[pfn - s.startPfn] : -1;
  }

  /** page_count: the page's _refcount (0 for a free page or one outside RAM). */
  pageCount(pfn: number): number {
    const s = this.memmap.section(pfn);
    return s ? s.refcount[pfn - s.startPfn] : 0;
  }

  /** page_ref_add / page_ref_sub without the free: the caller drops a last reference through
   *  freePages (put_page_testzero). */
  pageRefAdd(pfn: number, n: number): void {
    const s = this.memmap.section(pfn);
    if (s) s.refcount[pfn - s.startPfn] += n;
  }

  pageFlags(pfn: number): number {
    const s = this.memmap.section(pfn);
    return s ? s.flags[pfn - s.startPfn] : 0;
  }

  setPageFlags(pfn: number, flags: number): void {
    const s = this.memmap.section(pfn);
    if (s) s.flags[pfn - s.startPfn] = flags;
  }

  get freePageCount(): number {
    return this.zones.reduce((n, z) => n + z.freePages, 0);
  }

  /** /proc/buddyinfo (mm/vmstat.c frag_show_print): populated zones only. */
  buddyinfo(node = 0): string {
    return this.zones
      .filter((z) => z.managedPages > 0)
      .map((z) => `Node ${node}, zone ${z.name.padStart(8)} ` + Array.from(z.counts, (c) => String(c).padStart(6) + " ").join(""))
      .join("\n");
  }
}
