// kmalloc / kfree: power-of-two object caches carved from pages, and whole pages for large
// requests (kmalloc_large). The smallest object is the kmalloc minimum alignment: in 4.9 it is
// ARCH_DMA_MINALIGN, so two kmalloc buffers never share a cache line; modern arm64 with swiotlb
// goes down to 8 bytes and bounces small buffers instead (spec mmu-cache §4.4).

import type { VirtAddr } from "../hw/address.js";
import { PAGE_SIZE, __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM, get_order, gfpName } from "./gfp.js";
import { MAX_ORDER } from "./buddy.js";

export interface PageSource {
  /** __get_free_pages: linear VA of a 2^order block, or 0. */
  getFreePages(gfp: number, order: number): VirtAddr;
  /** alloc_pages then page_address: 0 when no block is free, and also when the block is
   *  highmem, which then stays allocated. */
  allocPagesAddress(gfp: number, order: number): VirtAddr;
  freePages(va: VirtAddr, order: number): void;
}

class KmemCache {
  readonly free: VirtAddr[] = [];
  inUse = 0;
  slabs = 0;
  constructor(readonly size: number, readonly order: number, readonly dma: boolean) {}
  get name(): string {
    return `${this.dma ? "dma-" : ""}kmalloc-${this.size >= 1024 ? this.size / 1024 + "k" : this.size}`;
  }
}

export const KMALLOC_MAX_CACHE_SIZE = 8192;

/** What kmalloc(0) returns (include/linux/slab.h): not NULL, so callers do not take it for a
 *  failure, yet any access through it faults. kfree of it is a no-op. */
export const ZERO_SIZE_PTR = 16;

/** ZERO_OR_NULL_PTR. Kernel VAs on arm64 are negative numbers here, so the unsigned compare
 *  becomes a range check. */
export function ZERO_OR_NULL_PTR(va: VirtAddr): boolean {
  return va >= 0 && va <= ZERO_SIZE_PTR;
}

/** The largest kmalloc: one block of the buddy allocator's highest order (include/linux/slab.h,
 *  KMALLOC_SHIFT_MAX = MAX_ORDER + PAGE_SHIFT - 1); beyond it kmalloc returns NULL. */
export const KMALLOC_MAX_SIZE = PAGE_SIZE << (MAX_ORDER - 1);

/** Zone modifiers slab cannot honour (GFP_SLAB_BUG_MASK): there are no DMA32 or highmem
 *  kmalloc caches, and a highmem page has no linear address to hand out. */
const GFP_SLAB_BUG_MASK = __GFP_DMA32 | __GFP_HIGHMEM;

export type KfreeTarget =
  | { kind: "object"; cache: string; object: VirtAddr; live: boolean }
  | { kind: "large"; head: VirtAddr }
  | { kind: "none" };

export class Slab {
  /** Warnings the kernel should log. */
  onWarn: (msg: string) => void = () => {};
  readonly caches: KmemCache[];
  /** The dma-kmalloc-* caches (KMALLOC_DMA): GFP_DMA objects must come from ZONE_DMA pages,
   *  so they never share a slab with normal ones. Empty without CONFIG_ZONE_DMA, where GFP_DMA
   *  kmallocs use the normal caches as gfp_zone() sends them to ZONE_NORMAL. */
  readonly dmaCaches: KmemCache[];
  /** Page (linear VA >> 12) → the cache its objects belong to. */
  private readonly slabOf = new Map<number, KmemCache>();
  /** Large allocations: VA → order. */
  private readonly large = new Map<VirtAddr, number>();
  /** Page (linear VA >> 12) of a large allocation → its first VA (compound_head). */
  private readonly largeHead = new Map<number, VirtAddr>();
  private readonly live = new Map<VirtAddr, number>();

  /** `modern`: a large kmalloc strips GFP_SLAB_BUG_MASK as a new slab does (modern
   *  __kmalloc_large_node), where 4.9's kmalloc_order hands the flags to alloc_pages unchecked;
   *  and ksize follows modern __ksize rather than 4.9 SLUB's ksize. */
  constructor(
    private readonly pages: PageSource,
    readonly minAlign: number,
    zoneDma = false,
    private readonly modern = true,
  ) {
    const sizes: number[] = [];
    for (let s = minAlign; s <= KMALLOC_MAX_CACHE_SIZE; s *= 2) {
      sizes.push(s);
      // kmalloc-96/192 exist only where they keep the minimum alignment (KMALLOC_MIN_SIZE).
      if (s === 64 && minAlign <= 32) sizes.push(96);
      if (s === 128 && minAlign <= 64) sizes.push(192);
    }
    sizes.sort((a, b) => a - b);
    const make = (dma: boolean) => sizes.map((s) => new KmemCache(s, s > PAGE_SIZE ? get_order(s) : 0, dma));
    this.caches = make(false);
    this.dmaCaches = zoneDma ? make(true) : [];
  }

  private cacheFor(size: number, gfp = 0): KmemCache | undefined {
    const caches = gfp & __GFP_DMA && this.dmaCaches.length ? this.dmaCaches : this.caches;
    return caches.find((c) => c.size >= size);
  }

  /** new_slab / kmalloc_fix_flags: the flags with GFP_SLAB_BUG_MASK removed, after the
   *  kernel's complaint. */
  private fixFlags(gfp: number): number {
    const invalid = gfp & GFP_SLAB_BUG_MASK;
    if (!invalid) return gfp;
    const fixed = gfp & ~GFP_SLAB_BUG_MASK;
    const show = (g: number) => `0x${g.toString(16)} (${gfpName(g)})`;
    this.onWarn(`Unexpected gfp: ${show(invalid)}. Fixing up to gfp: ${show(fixed)}. Fix your code!`);
    return fixed;
  }

  /** Returns a linear-map VA, ZERO_SIZE_PTR for size 0, or 0 on failure. The bad zone flags
   *  are reported where the kernel meets them: when a new slab is taken from the page
   *  allocator, and (modern only) when a large kmalloc's pages are. In 4.9 a large kmalloc
   *  with __GFP_HIGHMEM may get highmem pages, which have no address: NULL, pages leaked. */
  kmalloc(size: number, gfp: number): VirtAddr {
    if (size === 0) return ZERO_SIZE_PTR;
    if (!(size > 0)) return 0;
    if (size > KMALLOC_MAX_CACHE_SIZE) {
      const order = get_order(size);
      const va = this.modern ? this.pages.getFreePages(this.fixFlags(gfp), order) : this.pages.allocPagesAddress(gfp, order);
      if (!va) return 0;
      this.large.set(va, order);
      for (let k = 0; k < 2 ** order; k++) this.largeHead.set(Math.floor(va / PAGE_SIZE) + k, va);
      this.live.set(va, size);
      return va;
    }
    const c = this.cacheFor(size, gfp)!;
    if (!c.free.length) {
      const base = this.pages.getFreePages(this.fixFlags(gfp), c.order);
      if (!base) return 0;
      const bytes = PAGE_SIZE << c.order;
      for (let k = 0; k < 2 ** c.order; k++) this.slabOf.set(Math.floor((base + k * PAGE_SIZE) / PAGE_SIZE), c);
      // Objects are handed out lowest address first.
      for (let off = bytes - c.size - (bytes % c.size); off >= 0; off -= c.size) c.free.push(base + off);
      c.slabs++;
    }
    c.inUse++;
    const va = c.free.pop()!;
    this.live.set(va, size);
    return va;
  }

  /** Returns the size given to kmalloc, or -1 if `va` is not a live allocation (double free). */
  kfree(va: VirtAddr): number {
    if (ZERO_OR_NULL_PTR(va)) return 0;
    const size = this.live.get(va);
    if (size === undefined) return -1;
    this.live.delete(va);
    const order = this.large.get(va);
    if (order !== undefined) {
      this.large.delete(va);
      for (let k = 0; k < 2 ** order; k++) this.largeHead.delete(Math.floor(va / PAGE_SIZE) + k);
      this.pages.freePages(va, order);
      return size;
    }
    const c = this.slabOf.get(Math.floor(va / PAGE_SIZE))!;
    c.inUse--;
    c.free.push(va);
    return size;
  }

  /** What kfree would find at `va` (a linear-map address): the slab object holding it, the
   *  large kmalloc (compound page) holding it, or neither. */
  lookup(va: VirtAddr): KfreeTarget {
    const page = Math.floor(va / PAGE_SIZE);
    const cache = this.slabOf.get(page);
    if (cache) {
      const bytes = PAGE_SIZE << cache.order;
      const off = ((va % bytes) + bytes) % bytes;
      const object = va - off + Math.floor(off / cache.size) * cache.size;
      return { kind: "object", cache: cache.name, object, live: this.live.has(object) };
    }
    const head = this.largeHead.get(page);
    if (head !== undefined) return { kind: "large", head };
    return { kind: "none" };
  }

  /** Pages the caches hold (/proc/meminfo Slab): a cache keeps its slabs once made. */
  get slabPages(): number {
    return [...this.caches, ...this.dmaCaches].reduce((n, c) => n + (c.slabs << c.order), 0);
  }

  /** kmalloc_size_roundup: the size kmalloc really hands out for a request of `size`; 0 for 0
   *  (kmalloc(0) is ZERO_SIZE_PTR), so a zero-length mapping never bounces as a small object. */
  roundup(size: number): number {
    if (size === 0) return 0;
    if (size > KMALLOC_MAX_CACHE_SIZE) return PAGE_SIZE << get_order(size);
    return this.cacheFor(size)?.size ?? size;
  }

  /** ksize of a linear-map address: the usable size of the allocation it lies in. A slab page
   *  gives its cache's object size wherever `va` falls in it. Elsewhere the kernels differ:
   *  4.9 SLUB takes the compound head, so anywhere in a large kmalloc gives its size, and any
   *  other page (never compound here) WARNs and gives PAGE_SIZE << 0; modern __ksize WARNs and
   *  gives 0 unless `va` is the start of a large kmalloc. */
  ksize(va: VirtAddr): number {
    if (ZERO_OR_NULL_PTR(va)) return 0;
    const page = Math.floor(va / PAGE_SIZE);
    const cache = this.slabOf.get(page);
    if (cache) return cache.size;
    const head = this.largeHead.get(page);
    if (this.modern) {
      if (head === undefined) {
        this.onWarn("WARNING: mm/slab_common.c: __ksize: WARN_ON(!folio_test_large_kmalloc(folio))");
        return 0;
      }
      if (va !== head) {
        this.onWarn("WARNING: mm/slab_common.c: __ksize: WARN_ON(object != folio_address(folio))");
        return 0;
      }
      return PAGE_SIZE << this.large.get(head)!;
    }
    if (head !== undefined) return PAGE_SIZE << this.large.get(head)!;
    this.onWarn("WARNING: mm/slub.c: ksize: WARN_ON(!PageCompound(page))");
    return PAGE_SIZE;
  }

  isLive(va: VirtAddr): boolean {
    return this.live.has(va);
  }
}
