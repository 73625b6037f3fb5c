// The buddy page allocator (mm/page_alloc.c; spec dma-api §7.1–7.3): per-zone free lists of
// naturally aligned 2^order blocks. Allocation takes the first block of the smallest order that
// fits and splits it, keeping the lower half and freeing the upper; freeing merges a block with
// its buddy (pfn ^ 2^order) while the buddy is free, of the same order, and in the same zone.
// Fragmentation is real: a large order fails when no aligned run is free.

import { __GFP_DMA, __GFP_DMA32, __GFP_NOWARN } from "./gfp.js";

/** Orders 0 … MAX_ORDER-1 (0 … 10: the largest block is 4 MB with 4 KB pages). */
export const MAX_ORDER = 11;

export type ZoneName = "DMA" | "DMA32" | "Normal";

export interface ZoneSpec {
  name: ZoneName;
  startPfn: number;
  endPfn: number; // exclusive
}

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
  private readonly base: number;
  private readonly span: number;
  /** For the head page of a free block: its order; else -1. */
  private readonly freeOrder: Int8Array;
  /** For the head page of an allocated block: its order; else -1. */
  private readonly allocOrder: Int8Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly zoneOf: Int8Array;
  /** Warnings the kernel should log (allocation failures, bad frees). */
  onWarn: (msg: string) => void = () => {};

  constructor(zones: ZoneSpec[]) {
    const sorted = [...zones].filter((z) => z.endPfn > z.startPfn).sort((a, b) => a.startPfn - b.startPfn);
    this.zones = sorted.map((z) => new Zone(z.name, z.startPfn, z.endPfn));
    this.base = sorted.length ? sorted[0].startPfn : 0;
    this.span = sorted.length ? sorted[sorted.length - 1].endPfn - this.base : 0;
    this.freeOrder = new Int8Array(this.span).fill(-1);
    this.allocOrder = new Int8Array(this.span).fill(-1);
    this.next = new Int32Array(this.span).fill(-1);
    this.prev = new Int32Array(this.span).fill(-1);
    this.zoneOf = new Int8Array(this.span).fill(-1);
    this.zones.forEach((z, i) => this.zoneOf.fill(i, z.startPfn - this.base, z.endPfn - this.base));
  }

  zoneIndex(pfn: number): number {
    const i = pfn - this.base;
    return i >= 0 && i < this.span ? this.zoneOf[i] : -1;
  }

  private unlink(z: Zone, order: number, pfn: number): void {
    const i = pfn - this.base;
    const n = this.next[i];
    const p = this.prev[i];
    if (p >= 0) this.next[p - this.base] = n;
    else z.heads[order] = n;
    if (n >= 0) this.prev[n - this.base] = p;
    this.freeOrder[i] = -1;
    z.counts[order]--;
  }

  private pushHead(z: Zone, order: number, pfn: number): void {
    const i = pfn - this.base;
    const h = z.heads[order];
    this.next[i] = h;
    this.prev[i] = -1;
    if (h >= 0) this.prev[h - this.base] = pfn;
    z.heads[order] = pfn;
    this.freeOrder[i] = order;
    z.counts[order]++;
  }

  /** Gives [startPfn, endPfn) to the allocator (boot: memblock_free_all). */
  addFreeRange(startPfn: number, endPfn: number): void {
    let pfn = startPfn;
    while (pfn < endPfn) {
      let order = 0;
      while (order + 1 < MAX_ORDER && pfn % 2 ** (order + 1) === 0 && pfn + 2 ** (order + 1) <= endPfn) order++;
      const zi = this.zoneIndex(pfn);
      if (zi >= 0) {
        // Managed pages of a block that straddles zones are counted where its head lies.
        this.zones[zi].managedPages += 2 ** order;
        this.allocOrder[pfn - this.base] = order;
        this.freePages(pfn, order);
      }
      pfn += 2 ** order;
    }
  }

  /** Zones a request may use, in fallback order (Normal → DMA32 → DMA). */
  zonesFor(gfp: number): Zone[] {
    const want: ZoneName[] = gfp & __GFP_DMA ? ["DMA"] : gfp & __GFP_DMA32 ? ["DMA32", "DMA"] : ["Normal", "DMA32", "DMA"];
    const out: Zone[] = [];
    for (const name of want) {
      const z = this.zones.filter((x) => x.name === name);
      out.push(...z);
    }
    return out;
  }

  /** alloc_pages: the first pfn of a 2^order block, or -1. */
  allocPages(gfp: number, order: number): number {
    if (order < 0 || order >= MAX_ORDER) {
      if (!(gfp & __GFP_NOWARN)) this.onWarn(`page allocation failure: order:${order} is not below MAX_ORDER (${MAX_ORDER})`);
      return -1;
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
        this.allocOrder[pfn - this.base] = order;
        return pfn;
      }
    }
    if (!(gfp & __GFP_NOWARN)) {
      this.onWarn(`page allocation failure: order:${order}, mode:0x${gfp.toString(16)}`);
    }
    return -1;
  }

  /** __free_pages. Returns false (and warns) for a block that is not allocated at that order. */
  freePages(pfn: number, order: number): boolean {
    const i = pfn - this.base;
    if (i < 0 || i >= this.span || this.allocOrder[i] !== order) {
      this.onWarn(`BUG: Bad page state: pfn:${pfn.toString(16)} freed at order ${order} but ${i >= 0 && i < this.span && this.allocOrder[i] >= 0 ? "allocated at order " + this.allocOrder[i] : "not allocated"}`);
      return false;
    }
    this.allocOrder[i] = -1;
    const zi = this.zoneOf[i];
    const z = this.zones[zi];
    let head = pfn;
    let o = order;
    while (o < MAX_ORDER - 1) {
      const buddy = head ^ (2 ** o);
      const bi = buddy - this.base;
      if (bi < 0 || bi >= this.span || this.freeOrder[bi] !== o || this.zoneOf[bi] !== zi) break;
      this.unlink(z, o, buddy);
      head = Math.min(head, buddy);
      o++;
    }
    this.pushHead(z, o, head);
    return true;
  }

  /** The order a block was allocated at, or -1 if pfn is not the head of an allocated block. */
  allocatedOrder(pfn: number): number {
    const i = pfn - this.base;
    return i >= 0 && i < this.span ? this.allocOrder[i] : -1;
  }

  get freePageCount(): number {
    return this.zones.reduce((n, z) => n + z.freePages, 0);
  }

  /** /proc/buddyinfo */
  buddyinfo(node = 0): string {
    return this.zones
      .map((z) => `Node ${node}, zone ${z.name.padStart(8)} ` + Array.from(z.counts, (c) => String(c).padStart(6)).join(" "))
      .join("\n");
  }
}
