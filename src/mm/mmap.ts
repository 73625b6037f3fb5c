// A process's VMAs (mm/mmap.c): struct vm_area_struct, the vm_flags an mmap() gets from its
// PROT_ and MAP_ arguments, and the top-down search for a free range below mmap_base
// (arch_get_unmapped_area_topdown without randomization, as with norandmaps).

import type { VirtAddr } from "../hw/address.js";
import type { Pgprot } from "./pgprot.js";
import type { UserMm } from "./user-mm.js";
import { PAGE_SIZE } from "./gfp.js";
import { EINVAL, KernelError } from "../kernel/errno.js";

export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
/** arm and arm64 (asm-generic/mman-common.h). */
export const MAP_ANONYMOUS = 0x20;

export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_SHARED = 0x8;
export const VM_MAYREAD = 0x10;
export const VM_MAYWRITE = 0x20;
export const VM_MAYSHARE = 0x80;
export const VM_PFNMAP = 0x400;
export const VM_IO = 0x4000;
export const VM_DONTEXPAND = 0x40000;
export const VM_DONTDUMP = 0x4000000;

/** struct vm_area_struct: [vm_start, vm_end) of one mapping. */
export interface VmAreaStruct {
  readonly vm_mm: UserMm;
  vm_start: VirtAddr;
  vm_end: VirtAddr;
  /** The offset into the file (here: into the driver's buffer) in pages. */
  vm_pgoff: number;
  vm_flags: number;
  vm_page_prot: Pgprot;
  /** vma_is_anonymous: mmap'd with MAP_ANONYMOUS, no file and no vm_ops; its pages come from
   *  do_anonymous_page and are reference counted (page-ref.ts). */
  anonymous?: boolean;
}

/** Refuses what no C caller could pass as a struct vm_area_struct *: `fn`'s -EINVAL. */
export function checkVma(fn: string, vma: VmAreaStruct): void {
  if (!vma || typeof vma !== "object" || typeof vma.vm_start !== "number" || !vma.vm_mm) {
    throw new KernelError(EINVAL, `${fn}: vma is not a struct vm_area_struct`);
  }
}

/** vma_pages */
export function vma_pages(vma: VmAreaStruct): number {
  return (vma.vm_end - vma.vm_start) / PAGE_SIZE;
}

/** calc_vm_prot_bits | calc_vm_flag_bits | the VM_MAY* bits do_mmap adds (a file opened
 *  read/write). */
export function mmapVmFlags(prot: number, flags: number): number {
  let vm = VM_MAYREAD | VM_MAYWRITE;
  if (prot & PROT_READ) vm |= VM_READ;
  if (prot & PROT_WRITE) vm |= VM_WRITE;
  if (flags & MAP_SHARED) vm |= VM_SHARED | VM_MAYSHARE;
  return vm;
}

/** The mapped ranges of one process, kept sorted. */
export class VmaList {
  private readonly vmas: VmAreaStruct[] = [];

  constructor(
    /** mmap_base: TASK_SIZE less the 128 MB minimum gap kept for the stack (mmap_base()). */
    readonly mmapBase: VirtAddr,
  ) {}

  /** find_vma, exact: the VMA holding addr, or undefined. */
  find(addr: VirtAddr): VmAreaStruct | undefined {
    return this.vmas.find((v) => addr >= v.vm_start && addr < v.vm_end);
  }

  /** get_unmapped_area, top-down: the highest free `len` bytes below mmap_base, or -1. */
  get_unmapped_area(len: number): VirtAddr {
    let top = this.mmapBase;
    for (const v of [...this.vmas].sort((a, b) => b.vm_start - a.vm_start)) {
      if (v.vm_end <= top - len) break;
      top = Math.min(top, v.vm_start);
    }
    return top - len >= PAGE_SIZE ? top - len : -1;
  }

  insert(vma: VmAreaStruct): void {
    this.vmas.push(vma);
    this.vmas.sort((a, b) => a.vm_start - b.vm_start);
  }

  remove(vma: VmAreaStruct): void {
    const i = this.vmas.indexOf(vma);
    if (i >= 0) this.vmas.splice(i, 1);
  }

  list(): readonly VmAreaStruct[] {
    return this.vmas;
  }
}
