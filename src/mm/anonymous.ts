// Anonymous memory (mm/memory.c do_anonymous_page): the first touch of a page of a
// MAP_ANONYMOUS | MAP_PRIVATE mapping gets a fresh page from the buddy allocator, zeroed by the
// kernel through its own mapping of the page (clear_user_highpage: kmap_local_page, clear_page),
// and a PTE with the VMA's protection, made writable and dirty at once when the VMA is writable.
//
// Linux maps the shared zero page read-only on a read fault and copies it on the first write
// (do_wp_page → wp_page_copy). dmasim does not model copy-on-write, so a read fault allocates
// the page too, as Linux does where the zero page is forbidden (mm_forbids_zeropage): the bytes
// the process sees are the same zeros, only the first read costs the clear.

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
 *  reference counts, and the CPU the kernel clears pages with. */
export interface UserPageSource {
  readonly refs: PageRefs;
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

/** do_anonymous_page for the page holding `addr` (its PTE is none): 0, or -ENOMEM (VM_FAULT_OOM)
 *  when the allocator has no page. */
export function do_anonymous_page(vma: VmAreaStruct, addr: VirtAddr, src: UserPageSource): number {
  const mm = vma.vm_mm;
  const page = addr - (addr % PAGE_SIZE);
  const pfn = alloc_zeroed_user_highpage(src);
  if (pfn < 0) return -ENOMEM;
  const p = mm.pgprots;
  let entry = p.pfn_pte(pfn, vma.vm_page_prot);
  if (vma.vm_flags & VM_WRITE) entry = p.pte_mkwrite(p.pte_mkdirty(entry));
  // The PTE was none: nothing to flush (an ARM TLB holds no translation that faulted).
  mm.pgt.set_pte_at(page, entry);
  return 0;
}
