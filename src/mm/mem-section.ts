// The page allocator's part of struct page, kept as sparsemem keeps it (mm/sparse.c, struct
// mem_section): one section of per-pfn arrays per RAM bank, so a board with RAM at 2 GB and at
// 34 GB costs nothing for the hole between them. What the allocator does with the fields is
// buddy.ts; this file only stores them and answers which section, zone and block a pfn is in.

/** Orders 0 … MAX_ORDER-1 (0 … 10: the largest block is 4 MB with 4 KB pages); include/linux/
 *  mmzone.h, beside struct mem_section. buddy.ts exports it too, where the allocator's users
 *  look for it. */
export const MAX_ORDER = 11;

export interface PfnRange {
  startPfn: number;
  endPfn: number; // exclusive
}

/** The memmap of one RAM bank. */
export class MemSection {
  /** For the head page of a free block: its order; else -1. */
  readonly freeOrder: Int8Array;
  /** For the head page of an allocated block: its order; else -1. */
  readonly allocOrder: Int8Array;
  /** The free-list links of a free block's head page (page->buddy_list), as pfns; -1 ends. */
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** The index of the page's zone in the allocator's zone list; -1 for none. */
  readonly zone: Int8Array;
  readonly flags: Uint8Array;
  /** page->_refcount: 1 for the head of a fresh allocation, 0 for a free page and for the other
   *  pages of a non-compound block; a double free takes it below zero, as in Linux. */
  readonly refcount: Int32Array;

  constructor(readonly startPfn: number, readonly endPfn: number) {
    const n = endPfn - startPfn;
    this.freeOrder = new Int8Array(n).fill(-1);
    this.allocOrder = new Int8Array(n).fill(-1);
    this.next = new Int32Array(n).fill(-1);
    this.prev = new Int32Array(n).fill(-1);
    this.zone = new Int8Array(n).fill(-1);
    this.flags = new Uint8Array(n);
    this.refcount = new Int32Array(n);
  }
}

/** A block of the memmap: allocated (allocOrder at its head) or free (freeOrder at its head). */
export interface Block {
  head: number;
  order: number;
  free: boolean;
}

export class MemSections {
  private readonly sections: MemSection[];
  /** The section the last lookup found: nearly every lookup falls in the same bank. */
  private hot: MemSection;

  /** `banks` are the pfn ranges that have a memmap; `zones`, sorted by start, give each page
   *  its zone index. */
  constructor(banks: PfnRange[], zones: PfnRange[]) {
    const ranges = banks.filter((b) => b.endPfn > b.startPfn).sort((a, b) => a.startPfn - b.startPfn);
    // Adjacent ranges share one section so that buddies can merge across them.
    const merged: PfnRange[] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r.startPfn <= last.endPfn) last.endPfn = Math.max(last.endPfn, r.endPfn);
      else merged.push({ startPfn: r.startPfn, endPfn: r.endPfn });
    }
    this.sections = merged.map((r) => new MemSection(r.startPfn, r.endPfn));
    for (const s of this.sections) {
      zones.forEach((z, zi) => {
        const a = Math.max(z.startPfn, s.startPfn);
        const b = Math.min(z.endPfn, s.endPfn);
        if (b > a) s.zone.fill(zi, a - s.startPfn, b - s.startPfn);
      });
    }
    this.hot = this.sections[0] ?? new MemSection(0, 0);
  }

  /** __pfn_to_section: undefined for a pfn without a memmap (not RAM). */
  section(pfn: number): MemSection | undefined {
    const h = this.hot;
    if (pfn >= h.startPfn && pfn < h.endPfn) return h;
    for (const s of this.sections) {
      if (pfn >= s.startPfn && pfn < s.endPfn) {
        this.hot = s;
        return s;
      }
    }
    return undefined;
  }

  zoneIndex(pfn: number): number {
    const s = this.section(pfn);
    return s ? s.zone[pfn - s.startPfn] : -1;
  }

  /** The allocated or free block that holds `pfn`; undefined for a page the allocator never
   *  got (memblock kept it: the image, page tables, firmware) or one outside RAM. */
  blockAt(pfn: number): Block | undefined {
    const s = this.section(pfn);
    if (!s) return undefined;
    for (let o = 0; o < MAX_ORDER; o++) {
      const head = pfn - (pfn % 2 ** o);
      if (head < s.startPfn) break;
      const i = head - s.startPfn;
      if (s.allocOrder[i] === o) return { head, order: o, free: false };
      if (s.freeOrder[i] === o) return { head, order: o, free: true };
    }
    return undefined;
  }
}
