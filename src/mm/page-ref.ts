// struct page's reference counts for the pages a user process owns (include/linux/page_ref.h,
// mm.h): _refcount (one for each PTE mapping an anonymous page, plus GUP_PIN_COUNTING_BIAS for
// each FOLL_PIN pin) and PG_dirty. A page goes back to the buddy allocator when its last
// reference goes (put_page → __free_pages), so a pinned page outlives its mapping.

import { KernelBug } from "../kernel/errno.js";

/** include/linux/mm.h: a FOLL_PIN pin of an order-0 page adds this to _refcount. */
export const GUP_PIN_COUNTING_BIAS = 1024;

export class PageRefs {
  private readonly refcount = new Map<number, number>();
  private readonly dirty = new Set<number>();

  constructor(private readonly free: (pfn: number) => void) {}

  /** set_page_count(page, 1): a freshly allocated page, owned by its first reference. */
  init(pfn: number): void {
    this.refcount.set(pfn, 1);
  }

  page_count(pfn: number): number {
    return this.refcount.get(pfn) ?? 0;
  }

  /** page_maybe_dma_pinned: as Linux's, exact only below GUP_PIN_COUNTING_BIAS mappings. */
  page_maybe_dma_pinned(pfn: number): boolean {
    return this.page_count(pfn) >= GUP_PIN_COUNTING_BIAS;
  }

  PageDirty(pfn: number): boolean {
    return this.dirty.has(pfn);
  }

  set_page_dirty(pfn: number): void {
    this.dirty.add(pfn);
  }

  /** page_ref_add */
  add(pfn: number, n: number): void {
    const c = this.page_count(pfn);
    if (c <= 0) throw new KernelBug("include/linux/page_ref.h", `page_ref_add: pfn 0x${pfn.toString(16)} has no reference (it is free)`);
    this.refcount.set(pfn, c + n);
  }

  /** put_page / page_ref_sub_and_test: the last reference frees the page. */
  sub(pfn: number, n: number): void {
    const c = this.page_count(pfn);
    if (c < n) throw new KernelBug("include/linux/mm.h", `put_page: pfn 0x${pfn.toString(16)} has ${c} references, ${n} dropped`);
    if (c > n) {
      this.refcount.set(pfn, c - n);
      return;
    }
    this.refcount.delete(pfn);
    this.dirty.delete(pfn);
    this.free(pfn);
  }

  get_page(pfn: number): void {
    this.add(pfn, 1);
  }

  put_page(pfn: number): void {
    this.sub(pfn, 1);
  }
}
