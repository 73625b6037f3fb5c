// Anonymous memory (mm/memory.c): the first touch of a page of a MAP_ANONYMOUS | MAP_PRIVATE
// mapping. A read maps the shared zero page (zero-page.ts) read-only with the VMA's protection
// (do_anonymous_page without FAULT_FLAG_WRITE; its PTE is special, so the page gains no
// reference). A write gets a fresh page from the buddy allocator, zeroed by the kernel through
// its own mapping of the page (clear_user_highpage: kmap_local_page, clear_page), mapped writable
// and dirty. A write to a page that maps the zero page copies it (do_wp_page → wp_page_copy): a
// fresh zeroed page, never a copy of what the zero page holds.

import type { VirtAddr } from "../hw/address.js";
import type { CpuPort } from "../hw/machine.js";
import type { VmAreaStruct } from "./mmap.js";
import type { PageRefs } from "./page-ref.js";
import { GFP_KERNEL, PAGE_SIZE, __GFP_HIGHMEM, __GFP_MOVABLE } from "./gfp.js";
import { VM_WRITE } from "./mmap.js";
import { ENOMEM } from "../kernel/errno.js";

/** GFP_HIGHUSER_MOVABLE, less __GFP_HARDWALL (cpusets are not modelled). */
export const GFP_HIGHUSER_MOVABLE = GFP_KERNEL | __GFP_HIGHMEM | __GFP_MOVABLE;

/** The kernel services user pages need: the page allocator, kmap for a highmem page, the
 *  reference counts, the zero page, and the CPU the kernel clears pages with. */
export interface UserPageSource {
  readonly refs: PageRefs;
  /** empty_zero_page's pfn (my_zero_pfn: arm and arm64 have one zero page). */
  readonly zeroPfn: number;
  readonly cpu: CpuPort;
  alloc_pages(gfp: number, order: number): number;
  kmap_local_page(pfn: number): VirtAddr;
  kunmap_local(va: VirtAddr): void;
}

/** alloc_zeroed_user_highpage_movable: a zeroed order-0 page with one reference (the
 *  allocator's), or -1. */
export function alloc_zeroed_user_highpage(src: UserPageSource): number {
  const pfn = src.alloc_pages(GFP_HIGHUSER_MOVABLE, 0);
  if (pfn < 0) return -1;
  const va = src.kmap_local_page(pfn);
  src.cpu.fill(va, 0, PAGE_SIZE);
  src.kunmap_local(va);
  return pfn;
}

/** A fresh page's PTE: the VMA's protection, writable and dirty at once when the VMA is
 *  writable (maybe_mkwrite(pte_mkdirty())). */
function anon_pte(vma: VmAreaStruct, pfn: number): bigint {
  const p = vma.vm_mm.pgprots;
  const entry = p.pfn_pte(pfn, vma.vm_page_prot);
  return vma.vm_flags & VM_WRITE ? p.pte_mkwrite(p.pte_mkdirty(entry)) : entry;
}

/** do_anonymous_page for the page holding `addr` (its PTE is none): 0, or -ENOMEM (VM_FAULT_OOM)
 *  when a write fault finds no free page. */
export function do_anonymous_page(vma: VmAreaStruct, addr: VirtAddr, src: UserPageSource, write: boolean): number {
  const mm = vma.vm_mm;
  const page = addr - (addr % PAGE_SIZE);
  if (!write) {
    // mm_forbids_zeropage is s390's alone; the zero page's PTE never becomes writable.
    mm.pgt.set_pte_at(page, mm.pgprots.pfn_pte(src.zeroPfn, vma.vm_page_prot));
    return 0;
  }
  const pfn = alloc_zeroed_user_highpage(src);
  if (pfn < 0) return -ENOMEM;
  // The PTE was none: nothing to flush (an ARM TLB holds no translation that faulted).
  mm.pgt.set_pte_at(page, anon_pte(vma, pfn));
  return 0;
}

/** wp_page_copy for a write fault (or 6.x's FAULT_FLAG_UNSHARE, `unshare`) on the page holding
 *  `addr`, which maps the zero page: a fresh zeroed page replaces it, writable and dirty for a
 *  write, read-only for an unshare (the next write reuses it: the process's own page). The old
 *  translation goes first (ptep_clear_flush). 0, or -ENOMEM. */
export function wp_page_copy(vma: VmAreaStruct, addr: VirtAddr, src: UserPageSource, unshare = false): number {
  const mm = vma.vm_mm;
  const page = addr - (addr % PAGE_SIZE);
  const pfn = alloc_zeroed_user_highpage(src);
  if (pfn < 0) return -ENOMEM;
  mm.pgt.set_pte_at(page, 0n);
  mm.flush_tlb_page(page);
  mm.pgt.set_pte_at(page, unshare ? mm.pgprots.pfn_pte(pfn, vma.vm_page_prot) : anon_pte(vma, pfn));
  return 0;
}

/** wp_page_reuse: a write to the process's own anonymous page mapped read-only (after an
 *  unshare; there is no fork here, so every such page is exclusive) makes the PTE writable and
 *  dirty, and flushes the read-only translation. */
export function wp_page_reuse(vma: VmAreaStruct, addr: VirtAddr): void {
  const mm = vma.vm_mm;
  const page = addr - (addr % PAGE_SIZE);
  const p = mm.pgprots;
  mm.pgt.set_pte_at(page, p.pte_mkwrite(p.pte_mkdirty(mm.pgt.pte(page))));
  mm.flush_tlb_page(page);
}
