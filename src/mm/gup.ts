// Pinning a process's pages for DMA (mm/gup.c): pin_user_pages_fast walks the process's page
// tables and takes a FOLL_PIN reference (GUP_PIN_COUNTING_BIAS) on each page, faulting in what is
// not there yet as a touch by the process would (handle_mm_fault: FAULT_FLAG_WRITE only with
// FOLL_WRITE); unpin_user_pages drops the pins. `current->mm` is the explicit `mm` argument.
// Linux added pin_user_pages_fast in 5.6; a 4.9 driver called get_user_pages_fast and put_page
// for the same effect on the page, so on 4.9 these stand for that pair: a pin is one plain
// reference (get_page), not the bias.
//
// Without FOLL_WRITE an untouched or only-read anonymous page is the shared zero page
// (anonymous.ts), and GUP hands it out as it is (follow_page_pte: is_zero_pfn → pte_page):
//  - 4.9's get_user_pages_fast(write = 0) takes a reference on it like any page (FOLL_GET);
//  - 6.x takes none ("Don't take a pin on the zero page", 6.5) and unpinning it does nothing;
//    and a FOLL_LONGTERM pin of a read-only page in a private writable mapping is unshared
//    first (gup_must_unshare, 6.2): wp_page_copy gives the process its own page, which is
//    pinned. A short-term pin is not (nothing it pins is expected to follow the process).

import type { VirtAddr } from "../hw/address.js";
import type { UserMm } from "./user-mm.js";
import { PAGE_SIZE } from "./gfp.js";
import { VM_IO, VM_MAYWRITE, VM_PFNMAP, VM_READ, VM_SHARED, VM_WRITE, type VmAreaStruct } from "./mmap.js";
import { GUP_PIN_COUNTING_BIAS } from "./page-ref.js";
import { do_anonymous_page, wp_page_copy, wp_page_reuse } from "./anonymous.js";
import { EFAULT, EINVAL, ENOMEM, KernelError } from "../kernel/errno.js";
import { checkWhole } from "../dma/arguments.js";

// include/linux/mm_types.h (6.x numbering; callers pass the names).
export const FOLL_WRITE = 1 << 0;
export const FOLL_FORCE = 1 << 3;
export const FOLL_LONGTERM = 1 << 8;

/** check_vma_flags: 0 or -EFAULT (a PFN / IO mapping has no struct pages to pin; the VMA must
 *  allow the access). */
function check_vma_flags(vma: VmAreaStruct, gupFlags: number): number {
  if (vma.vm_flags & (VM_IO | VM_PFNMAP)) return -EFAULT;
  if (gupFlags & FOLL_WRITE ? !(vma.vm_flags & VM_WRITE) : !(vma.vm_flags & VM_READ)) return -EFAULT;
  return 0;
}

/** is_cow_mapping: private and may be written. */
function is_cow_mapping(vmFlags: number): boolean {
  return (vmFlags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

/** 6.x gup_must_unshare for the zero page (not PageAnon): only a long-term read-only pin in a
 *  copy-on-write mapping. 4.9 had no unsharing. */
function must_unshare_zero_page(mm: UserMm, vma: VmAreaStruct, gupFlags: number): boolean {
  return mm.version === "modern" && !(gupFlags & FOLL_WRITE) && (gupFlags & FOLL_LONGTERM) !== 0 && is_cow_mapping(vma.vm_flags);
}

/** follow_page_mask + faultin_page for one page: its pfn, or -errno. */
function follow_or_fault(mm: UserMm, vma: VmAreaStruct, addr: VirtAddr, gupFlags: number): number {
  const p = mm.pgprots;
  const write = (gupFlags & FOLL_WRITE) !== 0;
  const zero = mm.pages.zeroPfn;
  let pte = mm.pgt.pte(addr);
  // Only an anonymous VMA reaches here (check_vma_flags refused the PFN mappings), so the faults
  // are do_anonymous_page's and do_wp_page's; VM_FAULT_OOM is -ENOMEM.
  if (!p.pte_present(pte)) {
    if (do_anonymous_page(vma, addr, mm.pages, write) < 0) return -ENOMEM;
    pte = mm.pgt.pte(addr);
  }
  if (write && !p.pte_write(pte)) {
    // check_vma_flags saw VM_WRITE: the read-only PTE is copy-on-write (FAULT_FLAG_WRITE).
    if (p.pte_pfn(pte) !== zero) wp_page_reuse(vma, addr);
    else if (wp_page_copy(vma, addr, mm.pages) < 0) return -ENOMEM;
    pte = mm.pgt.pte(addr);
  } else if (p.pte_pfn(pte) === zero && must_unshare_zero_page(mm, vma, gupFlags)) {
    if (wp_page_copy(vma, addr, mm.pages, true) < 0) return -ENOMEM; // FAULT_FLAG_UNSHARE
    pte = mm.pgt.pte(addr);
  }
  return p.pte_pfn(pte);
}

/** The reference one pin takes: FOLL_PIN's bias, or 4.9 get_user_pages_fast's get_page. */
function pinReference(mm: UserMm): number {
  return mm.version === "v4.9" ? 1 : GUP_PIN_COUNTING_BIAS;
}

/** 4.9's pins of each page, by process: a reference count of 1 cannot tell a page pinned and
 *  unmapped from one mapped and never pinned, and unpin_user_page refuses a page the stand-in
 *  never handed out (Linux's put_page would free a mapped page). dmasim's record, not Linux's. */
const v49Pins = new WeakMap<UserMm, Map<number, number>>();

function v49PinsOf(mm: UserMm): Map<number, number> {
  let pins = v49Pins.get(mm);
  if (!pins) v49Pins.set(mm, (pins = new Map()));
  return pins;
}

/** pin_user_pages_fast(start, nr_pages, gup_flags, pages): the pinned pages (pfns) in order,
 *  fewer than `nrPages` when a page past the first cannot be pinned (the caller unpins them), or
 *  -errno when the first cannot: -EFAULT for a range past TASK_SIZE, an address no mapping holds,
 *  a VM_IO / VM_PFNMAP mapping or one that forbids the access; -ENOMEM when no page is free.
 *  `start` is rounded down to its page, as Linux does. Without FOLL_WRITE a page the process has
 *  not written is the zero page (see the top of this file). FOLL_FORCE is refused as not
 *  modelled; FOLL_LONGTERM migrates nothing (anonymous pages never come from CMA or ZONE_MOVABLE
 *  here) and on 4.9, which had no such flag, changes nothing. */
export function pin_user_pages_fast(mm: UserMm, start: VirtAddr, nrPages: number, gupFlags: number): number[] | number {
  checkWhole("pin_user_pages_fast", start, "start");
  checkWhole("pin_user_pages_fast", nrPages, "nr_pages");
  checkWhole("pin_user_pages_fast", gupFlags, "gup_flags");
  if (gupFlags & FOLL_FORCE) throw new KernelError(EINVAL, "pin_user_pages_fast: FOLL_FORCE (writing through a read-only mapping) is not modelled");
  if (gupFlags & ~(FOLL_WRITE | FOLL_LONGTERM)) return -EINVAL; // is_valid_gup_args / the WARN_ON_ONCE on unknown flags
  mm.checkUnlocked("pin_user_pages_fast");
  start -= start % PAGE_SIZE;
  if (start + nrPages * PAGE_SIZE > mm.pgt.taskSize) return -EFAULT;
  const pages: number[] = [];
  let vma: VmAreaStruct | undefined;
  for (let i = 0; i < nrPages; i++) {
    const addr = start + i * PAGE_SIZE;
    let err = 0;
    if (!vma || addr >= vma.vm_end) {
      vma = mm.vmas.find(addr);
      err = vma ? check_vma_flags(vma, gupFlags) : -EFAULT;
    }
    const pfn = err < 0 ? err : follow_or_fault(mm, vma!, addr, gupFlags);
    if (pfn < 0) return pages.length ? pages : pfn;
    if (mm.version === "v4.9") {
      const pins = v49PinsOf(mm);
      pins.set(pfn, (pins.get(pfn) ?? 0) + 1);
      mm.pages.refs.add(pfn, pinReference(mm));
    } else if (pfn !== mm.pages.zeroPfn) mm.pages.refs.add(pfn, pinReference(mm));
    pages.push(pfn);
  }
  return pages;
}

/** unpin_user_page: the pin's reference goes; the last reference frees the page (its mapping
 *  gone by munmap or exit). 6.x's pin of the zero page took none, so none goes (gup_put_folio). */
export function unpin_user_page(mm: UserMm, page: number): void {
  const refs = mm.pages.refs;
  if (page === mm.pages.zeroPfn && mm.version === "modern") return;
  const pins = mm.version === "v4.9" ? v49PinsOf(mm) : undefined;
  const pinned = pins ? (pins.get(page) ?? 0) > 0 : refs.page_maybe_dma_pinned(page);
  if (!pinned) throw new KernelError(EINVAL, `unpin_user_page: pfn 0x${page.toString(16)} is not pinned`);
  if (pins) {
    const n = pins.get(page)! - 1;
    if (n) pins.set(page, n);
    else pins.delete(page);
  }
  refs.sub(page, pinReference(mm));
}

/** unpin_user_pages */
export function unpin_user_pages(mm: UserMm, pages: readonly number[], npages = pages.length): void {
  for (let i = 0; i < npages; i++) unpin_user_page(mm, pages[i]);
}

/** unpin_user_pages_dirty_lock: after the device wrote the pages, `makeDirty` marks each dirty
 *  (set_page_dirty_lock) before its pin goes. */
export function unpin_user_pages_dirty_lock(mm: UserMm, pages: readonly number[], npages: number, makeDirty: boolean): void {
  for (let i = 0; i < npages; i++) {
    if (makeDirty) mm.pages.refs.set_page_dirty(pages[i]);
    unpin_user_page(mm, pages[i]);
  }
}
