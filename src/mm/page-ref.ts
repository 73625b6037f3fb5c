// struct page's reference counts for the pages a user process owns (include/linux/page_ref.h,
// mm.h): _refcount (one for each PTE mapping an anonymous page, plus GUP_PIN_COUNTING_BIAS for
// each FOLL_PIN pin) and PG_dirty. Both live in the page allocator's memmap (buddy.ts), the one
// record of every page's count; a page goes back to the allocator when its last reference goes
// (put_page → __free_pages), so a pinned page outlives its mapping.

import { KernelBug } from "../kernel/errno.js";
import { PG_dirty } from "./buddy.js";

/** include/linux/mm.h: a FOLL_PIN pin of an order-0 page adds this to _refcount. */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** What the page allocator's memmap offers: each page's _refcount and flags, and the put that
 *  drops a last reference (__free_pages, order 0). */
export interface PageMemmap {
  pageCount(pfn: number): number;
  pageRefAdd(pfn: number, n: number): void;
  pageFlags(pfn: number): number;
  setPageFlags(pfn: number, flags: number): void;
  freePages(pfn: number, order: number): boolean;
}

export class PageRefs {
  constructor(private readonly memmap: PageMemmap) {}

  page_count(pfn: number): number {
    return this.memmap.pageCount(pfn);
  }

  /** page_maybe_dma_pinned: as Linux's, exact only below GUP_PIN_COUNTING_BIAS mappings. */
  page_maybe_dma_pinned(pfn: number): boolean {
    return this.page_count(pfn) >= GUP_PIN_COUNTING_BIAS;
  }

  PageDirty(pfn: number): boolean {
    return (this.memmap.pageFlags(pfn) & PG_dirty) !== 0;
  }

  set_page_dirty(pfn: number): void {
    this.memmap.setPageFlags(pfn, this.memmap.pageFlags(pfn) | PG_dirty);
  }

  /** page_ref_add */
  add(pfn: number, n: number): void {
    const c = this.page_count(pfn);
    if (c <= 0) throw new KernelBug("include/linux/page_ref.h", `page_ref_add: pfn 0x${pfn.toString(16)} has no reference (it is free)`);
    this.memmap.pageRefAdd(pfn, n);
  }

  /** put_page / page_ref_sub_and_test: the last reference frees the page (and its flags). */
  sub(pfn: number, n: number): void {
    const c = this.page_count(pfn);
    if (c < n) throw new KernelBug("include/linux/mm.h", `put_page: pfn 0x${pfn.toString(16)} has ${c} references, ${n} dropped`);
    if (c > n) {
      this.memmap.pageRefAdd(pfn, -n);
      return;
    }
    // The last reference goes through __free_pages, whose put_page_testzero drops it.
    this.memmap.pageRefAdd(pfn, 1 - n);
    this.memmap.freePages(pfn, 0);
  }

  get_page(pfn: number): void {
    this.add(pfn, 1);
  }

  put_page(pfn: number): void {
    this.sub(pfn, 1);
  }
}
