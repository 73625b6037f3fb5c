// The part of do_page_fault / handle_mm_fault (arch/arm{,64}/mm/fault.c, mm/memory.c) the
// process's mappings need: a write to a present, writable but clean PTE (hardware read-only
// until then) marks it dirty and retries, and the stale read-only TLB entry is flushed; the
// first touch of an anonymous page maps the zero page for a read or a fresh page for a write
// (do_anonymous_page), and a write to a read-only anonymous PTE is do_wp_page's: the zero page is
// copied, the process's own page reused (anonymous.ts). Anything else
// is the process's SIGSEGV (no VMA, or the VMA forbids the access) or SIGBUS (no PTE: a PFN
// mapping has no fault handler to fill one in).

import type { VirtAddr } from "../hw/address.js";
import { FAULT_NAMES, type CpuFault } from "../hw/machine.js";
import { formatVirt } from "../hw/address.js";
import { PAGE_SIZE } from "./gfp.js";
import { VM_READ, VM_WRITE } from "./mmap.js";
import type { UserMm } from "./user-mm.js";
import { do_anonymous_page, wp_page_copy, wp_page_reuse } from "./anonymous.js";
import { ENOMEM, KernelError } from "../kernel/errno.js";

export type UserFaultResult = "retry" | "SIGSEGV" | "SIGBUS";

/** What the fault handler would do for a user access at addr, changing nothing. */
export function classify_user_fault(mm: UserMm, addr: VirtAddr, write: boolean): UserFaultResult {
  const vma = mm.vmas.find(addr);
  if (!vma) return "SIGSEGV"; // SEGV_MAPERR
  if (!(vma.vm_flags & (write ? VM_WRITE : VM_READ))) return "SIGSEGV"; // SEGV_ACCERR
  const pte = mm.pgt.pte(addr - (addr % PAGE_SIZE));
  const p = mm.pgprots;
  if (!p.pte_present(pte)) return vma.anonymous ? "retry" : "SIGBUS";
  // A read-only PTE in a writable anonymous VMA is copy-on-write (the VMA allowed the write).
  return write && (p.pte_write(pte) || vma.anonymous) ? "retry" : "SIGSEGV";
}

/** do_page_fault for a user access: "retry" once the PTE is fixed, else the signal. */
export function do_user_fault(mm: UserMm, addr: VirtAddr, write: boolean): UserFaultResult {
  const r = classify_user_fault(mm, addr, write);
  if (r !== "retry") return r;
  // handle_pte_fault → ptep_set_access_flags(pte_mkdirty(entry)) → flush_tlb_page.
  const page = addr - (addr % PAGE_SIZE);
  const pte = mm.pgt.pte(page);
  const p = mm.pgprots;
  if (!p.pte_present(pte) || !p.pte_write(pte)) {
    // Only an anonymous VMA's missing or copy-on-write page gets here (classify_user_fault).
    const vma = mm.vmas.find(addr)!;
    let err = 0;
    if (!p.pte_present(pte)) err = do_anonymous_page(vma, page, mm.pages, write);
    else if (p.pte_pfn(pte) === mm.pages.zeroPfn) err = wp_page_copy(vma, page, mm.pages);
    else wp_page_reuse(vma, page);
    if (err < 0) throw new KernelError(ENOMEM, `page fault at ${formatVirt(page, mm.pgt.taskSize > 2 ** 32 ? 64 : 32)}: no free page for the process (VM_FAULT_OOM; Linux would run the OOM killer)`);
    return "retry";
  }
  mm.pgt.set_pte_at(page, p.pte_mkdirty(pte));
  mm.flush_tlb_page(page);
  return "retry";
}

/** A signal a user access ends in: what the process would die of. */
export class UserSignal extends Error {
  readonly address: VirtAddr;
  readonly kind: number;

  constructor(
    readonly signal: "SIGSEGV" | "SIGBUS",
    fault: CpuFault,
  ) {
    super(`user process: ${signal} at ${formatVirt(fault.address, fault.arch === "arm64" ? 64 : 32)} (${FAULT_NAMES[fault.kind] ?? "fault " + fault.kind})`);
    this.name = "UserSignal";
    this.address = fault.address;
    this.kind = fault.kind;
  }
}
