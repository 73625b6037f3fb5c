// remap_pfn_range (mm/memory.c): a driver's mmap maps physical pages into a user VMA with the
// protection it chooses, one special PTE per page. Nothing is flushed: the PTEs were empty.

import type { VirtAddr } from "../hw/address.js";
import type { Pgprot } from "./pgprot.js";
import { PAGE_ALIGN, PAGE_SIZE } from "./gfp.js";
import { VM_DONTDUMP, VM_DONTEXPAND, VM_IO, VM_MAYWRITE, VM_PFNMAP, VM_SHARED, checkVma, type VmAreaStruct } from "./mmap.js";
import { EINVAL, KernelBug, KernelError } from "../kernel/errno.js";
import { checkSize, checkVirt, checkWhole } from "../dma/arguments.js";

/** is_cow_mapping: private and possibly writable. */
function is_cow_mapping(flags: number): boolean {
  return (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

/** 0, or -EINVAL for an unaligned address, a private mapping not remapped whole, or (a check
 *  Linux leaves to its callers) a range outside the VMA. */
export function remap_pfn_range(vma: VmAreaStruct, addr: VirtAddr, pfn: number, size: number, prot: Pgprot): number {
  // Values no C caller could pass are refused before any PTE is written (Linux takes an
  // unsigned long pfn and a pgprot_t).
  checkVma("remap_pfn_range", vma);
  addr = checkVirt("remap_pfn_range", addr, "addr");
  checkWhole("remap_pfn_range", pfn, "pfn");
  if (pfn >= vma.vm_mm.pfnLimit) {
    // The PTE would keep only the low bits and map another page (physical address 0 and up).
    throw new KernelError(EINVAL, `remap_pfn_range: pfn 0x${pfn.toString(16)} is beyond the ${Math.log2(vma.vm_mm.pfnLimit) + 12}-bit physical address space`);
  }
  checkSize("remap_pfn_range", size);
  if (typeof prot !== "bigint") throw new KernelError(EINVAL, `remap_pfn_range: prot ${String(prot)} is not a pgprot (a BigInt, e.g. vma.vm_page_prot)`);
  const end = addr + PAGE_ALIGN(size);
  if (addr % PAGE_SIZE) return -EINVAL;
  if (addr >= end) throw new KernelBug("mm/memory.c", "remap_pfn_range: empty range");
  if (addr < vma.vm_start || end > vma.vm_end) return -EINVAL;
  if (is_cow_mapping(vma.vm_flags)) {
    if (addr !== vma.vm_start || end !== vma.vm_end) return -EINVAL;
    vma.vm_pgoff = pfn;
  }
  vma.vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
  const mm = vma.vm_mm;
  const p = mm.pgprots;
  for (let a = addr, f = pfn; a < end; a += PAGE_SIZE, f++) {
    if (mm.pgt.pte(a) !== 0n) throw new KernelBug("mm/memory.c", `remap_pte_range: a PTE is already present at 0x${a.toString(16)}`);
    mm.pgt.set_pte_at(a, p.pte_mkspecial(p.pfn_pte(f, prot)));
  }
  return 0;
}
