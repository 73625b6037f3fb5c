// One user process's address space (struct mm_struct): its page tables and ASID, its VMAs, mmap
// of a driver's file, and the process's own loads and stores. The process runs only while it
// touches its memory: switch_mm and a return to EL0 / PL0 before, an exception back to the
// kernel (and the kernel's translation registers) after, so every kernel access stays exactly
// what it was. A write fault on a clean PTE is handled as Linux does (user-fault.ts) and the
// access resumes at the faulting byte; any other fault is the process's SIGSEGV / SIGBUS.

import type { Machine } from "../hw/machine.js";
import { CpuFault, FAULT_NAMES } from "../hw/machine.js";
import type { VirtAddr } from "../hw/address.js";
import type { KernelLayout, KernelVersion } from "./layout.js";
import type { PageTables, TableMemory } from "./pgtable.js";
import { userPgprots, type UserPgprots } from "./pgprot.js";
import { userPageTables, type UserPageTables } from "./user-pgtable.js";
import { MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE, VM_SHARED, VM_WRITE, VmaList, mmapVmFlags, type VmAreaStruct } from "./mmap.js";
import { classify_user_fault, do_user_fault, UserSignal } from "./user-fault.js";
import { PAGE_ALIGN, PAGE_SIZE } from "./gfp.js";
import type { UserPageSource } from "./anonymous.js";
import { EDEADLK, EINVAL, ENOMEM, KernelError } from "../kernel/errno.js";

/** include/linux/err.h: the largest errno a kernel function returns as -errno. */
const MAX_ERRNO = 4095;

/** A driver's file_operations.mmap: 0, or -errno; null for a MAP_ANONYMOUS mapping. */
export type FileMmap = (vma: VmAreaStruct) => number;

/** The first ASID a process gets (ASID 0 is the kernel's / reserved on both architectures). */
const FIRST_ASID = 1;

export class UserMm {
  readonly asid = FIRST_ASID;
  readonly pgt: UserPageTables;
  readonly pgprots: UserPgprots;
  readonly vmas: VmaList;
  /** The first PFN past the physical address space a PTE can hold (arm without LPAE: 32 bits;
   *  arm64: 48), which remap_pfn_range must not be given. */
  readonly pfnLimit: number;
  /** The kernel the process runs on: GUP's zero-page handling differs (gup.ts). */
  readonly version: KernelVersion;
  /** Held (mmap_write_lock) while the driver's mmap runs: the process can do nothing else then. */
  private mmapLocked = false;

  constructor(
    private readonly machine: Machine,
    mem: TableMemory,
    kernelTables: PageTables,
    layout: KernelLayout,
    /** Where anonymous pages come from and go back to. */
    readonly pages: UserPageSource,
  ) {
    this.pgt = userPageTables(machine, mem, kernelTables, layout);
    this.pgprots = userPgprots(layout.arch, layout.version);
    this.version = layout.version;
    this.pfnLimit = 2 ** ((layout.arch === "arm" ? 32 : 48) - 12);
    // mmap_base: TASK_SIZE less the minimum 128 MB gap for the stack, no randomization.
    this.vmas = new VmaList(this.pgt.taskSize - (128 << 20));
  }

  /** vm_get_page_prot: PAGE_SHARED for a shared writable mapping, else PAGE_READONLY (a private
   *  mapping's PTEs start read-only, PAGE_COPY: its writes copy or are refused). */
  vm_get_page_prot(vmFlags: number): bigint {
    return (vmFlags & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE) ? this.pgprots.PAGE_SHARED : this.pgprots.PAGE_READONLY;
  }

  /** Why mmap refuses its arguments with -EINVAL before the driver is asked, or null: no
   *  length, an unaligned offset, neither or both of MAP_SHARED and MAP_PRIVATE (or a flag this
   *  process model does not carry out, such as MAP_FIXED), MAP_SHARED | MAP_ANONYMOUS (shmem),
   *  no PROT_READ or a protection other than PROT_READ | PROT_WRITE, or a file mapping that is
   *  writable and private. The ones Linux would accept say that they are not modelled. */
  static mmapArgumentError(length: number, prot: number, flags: number, offset: number): string | null {
    if (!PAGE_ALIGN(length)) return "length 0";
    if (offset % PAGE_SIZE) return `offset 0x${offset.toString(16)} is not page aligned`;
    const type = flags & (MAP_SHARED | MAP_PRIVATE);
    if (type !== MAP_SHARED && type !== MAP_PRIVATE) return `flags 0x${flags.toString(16)}: exactly one of MAP_SHARED and MAP_PRIVATE`;
    const known = MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS;
    if (flags & ~known) return `flags 0x${(flags & ~known).toString(16)} are not modelled (MAP_SHARED or MAP_PRIVATE, and MAP_ANONYMOUS, only)`;
    const anonymous = (flags & MAP_ANONYMOUS) !== 0;
    if (anonymous && type === MAP_SHARED) return "MAP_SHARED | MAP_ANONYMOUS (shared anonymous memory, shmem) is not modelled: MAP_ANONYMOUS | MAP_PRIVATE only";
    if (!(prot & PROT_READ) || (prot & ~(PROT_READ | PROT_WRITE))) return `prot 0x${prot.toString(16)}: PROT_READ or PROT_READ | PROT_WRITE only`;
    if ((prot & PROT_WRITE) && type === MAP_PRIVATE && !anonymous) return "a writable MAP_PRIVATE file mapping needs copy-on-write, which is not modelled";
    return null;
  }

  /** mmap(NULL, length, prot, flags, fd, offset) of a file whose mmap is `fop`, or of anonymous
   *  memory (MAP_ANONYMOUS, `fop` null: pages come on first touch): the start address, or
   *  -errno (-EINVAL: see mmapArgumentError, or a file mapping without `fop`; -ENOMEM: no room;
   *  else what `fop` returns). A `fop` that throws, or returns anything but 0 or -errno
   *  (-1 … -4095), leaves nothing mapped: what it threw, or a TypeError naming what it returned. */
  mmap(length: number, prot: number, flags: number, offset: number, fop: FileMmap | null): number {
    if (UserMm.mmapArgumentError(length, prot, flags, offset)) return -EINVAL;
    const anonymous = (flags & MAP_ANONYMOUS) !== 0;
    if (!anonymous && !fop) return -EINVAL;
    const len = PAGE_ALIGN(length);
    const start = this.vmas.get_unmapped_area(len);
    if (start < 0) return -ENOMEM;
    const vm_flags = mmapVmFlags(prot, flags);
    // do_mmap: a private anonymous mapping's pgoff is its own address in pages (the offset
    // argument is ignored).
    const vma: VmAreaStruct = {
      vm_mm: this, vm_start: start, vm_end: start + len, vm_pgoff: anonymous ? start / PAGE_SIZE : offset / PAGE_SIZE, vm_flags,
      vm_page_prot: this.vm_get_page_prot(vm_flags),
    };
    this.vmas.insert(vma);
    if (anonymous || !fop) {
      vma.anonymous = true;
      return start;
    }
    let err: unknown;
    this.mmapLocked = true;
    try {
      err = fop(vma);
    } catch (e) {
      this.unmap_and_free_vma(vma);
      throw e;
    } finally {
      this.mmapLocked = false;
    }
    if (err === 0) return start;
    // mmap_region's unmap_and_free_vma: whatever the driver mapped goes too.
    this.unmap_and_free_vma(vma);
    if (typeof err === "number" && Number.isInteger(err) && err < 0 && err >= -MAX_ERRNO) return err;
    throw new TypeError(`mmap: the driver's mmap returned ${typeof err === "string" ? JSON.stringify(err) : String(err)}, not 0 or -errno (nothing was mapped)`);
  }

  private unmap_and_free_vma(vma: VmAreaStruct): void {
    this.zap(vma, vma.vm_start, vma.vm_end);
    this.vmas.remove(vma);
  }

  /** Refuses `op` while the driver's mmap runs: Linux holds mmap_lock for writing there, so the
   *  process's munmap, exit or page fault would wait for it forever. */
  checkUnlocked(op: string): void {
    if (this.mmapLocked) throw new KernelError(EDEADLK, `${op} from inside a driver's mmap: mmap_lock is held there, so Linux would deadlock`);
  }

  /** Why munmap refuses its arguments with -EINVAL, or null. */
  munmapArgumentError(start: VirtAddr, len: number): string | null {
    const taskSize = this.pgt.taskSize;
    if (start % PAGE_SIZE !== 0) return `addr 0x${start.toString(16)} is not page aligned`;
    if (start < 0 || start > taskSize || len > taskSize - start) return `the range is not below TASK_SIZE (0x${taskSize.toString(16)})`;
    if (!PAGE_ALIGN(len)) return "length 0";
    return null;
  }

  /** do_munmap (mm/mmap.c; do_vmi_munmap since 6.5): -EINVAL for a start that is not page
   *  aligned or past TASK_SIZE, or a length that runs past TASK_SIZE or is 0 once page aligned;
   *  0 when no mapping overlaps [start, start + PAGE_ALIGN(len)) — nothing to do is no error —
   *  and otherwise 0 with that range gone from every mapping it overlaps: a mapping that reaches
   *  past either end is split (__split_vma), its pages outside the range left as they are. */
  munmap(start: VirtAddr, len: number): number {
    if (this.munmapArgumentError(start, len)) return -EINVAL;
    const end = start + PAGE_ALIGN(len);
    for (const vma of this.vmas.list().filter((v) => v.vm_start < end && v.vm_end > start)) {
      this.zap(vma, Math.max(start, vma.vm_start), Math.min(end, vma.vm_end));
      const below = vma.vm_start < start;
      const above = vma.vm_end > end;
      if (above) {
        // The part above the hole keeps the pages it maps: its offset into the file moves on.
        const upper = { ...vma, vm_start: end, vm_pgoff: vma.vm_pgoff + (end - vma.vm_start) / PAGE_SIZE };
        if (below) this.vmas.insert(upper);
        else Object.assign(vma, upper);
      }
      if (below) vma.vm_end = start;
      if (!below && !above) this.vmas.remove(vma);
    }
    return 0;
  }

  /** exit_mmap: every mapping goes (an anonymous page with it, unless a pin keeps it), the ASID's
   *  TLB entries (flush_tlb_mm), then the page tables and the pgd. The mm is not used again. */
  exit_mmap(): void {
    const anonymous: number[] = [];
    for (const vma of [...this.vmas.list()]) {
      for (let a = vma.vm_start; a < vma.vm_end; a += PAGE_SIZE) {
        const pte = this.pgt.pte(a);
        if (pte === 0n) continue;
        this.pgt.set_pte_at(a, 0n);
        if (vma.anonymous && this.pgprots.pte_pfn(pte) !== this.pages.zeroPfn) anonymous.push(this.pgprots.pte_pfn(pte));
      }
      this.vmas.remove(vma);
    }
    this.machine.mmu.tlbiAsid(this.asid);
    this.machine.cpu.barrier();
    for (const pfn of anonymous) this.pages.refs.put_page(pfn);
    this.pgt.free();
  }

  /** zap_page_range + flush_tlb_range of [start, end) of `vma`: each anonymous page loses the
   *  mapping's reference once its TLB entry is gone (tlb_finish_mmu), freed unless a pin holds it;
   *  the zero page's special PTE holds none (vm_normal_page is NULL for it). */
  private zap(vma: VmAreaStruct, start: VirtAddr, end: VirtAddr): void {
    for (let a = start; a < end; a += PAGE_SIZE) {
      const pte = this.pgt.pte(a);
      if (pte === 0n) continue;
      this.pgt.set_pte_at(a, 0n);
      this.flush_tlb_page(a);
      if (vma.anonymous && this.pgprots.pte_pfn(pte) !== this.pages.zeroPfn) this.pages.refs.put_page(this.pgprots.pte_pfn(pte));
    }
  }

  /** flush_tlb_page: TLBI VAE1IS / TLBIMVAIS of one page of this ASID, then DSB. */
  flush_tlb_page(addr: VirtAddr): void {
    this.machine.mmu.tlbiVaAsid(addr, this.asid);
    this.machine.cpu.barrier();
  }

  // ---- the process's own accesses ------------------------------------------------------------

  /** Runs `access` as the process: switch_mm, EL0 / PL0, and back to the kernel however it
   *  ends. */
  private asUser<T>(access: () => T): T {
    this.pgt.switchTo(this.asid);
    this.machine.cpu.setUnprivileged(true);
    try {
      return access();
    } finally {
      this.machine.cpu.setUnprivileged(false);
      this.pgt.switchTo(null);
    }
  }

  /** The process reads `len` bytes at `addr`; a fault the kernel fixes (an anonymous page's
   *  first touch) resumes the read at the faulting byte. */
  read(addr: VirtAddr, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let done = 0;
    let last = NaN;
    for (;;) {
      try {
        out.set(this.asUser(() => this.machine.cpu.read(addr + done, len - done)), done);
        return out;
      } catch (e) {
        if (!(e instanceof CpuFault) || !e.user || e.address === last) throw this.signal(e, false);
        if (do_user_fault(this, e.address, false) !== "retry") throw this.signal(e, false);
        out.set(e.readBefore ?? new Uint8Array(0), done);
        last = e.address;
        done = e.address - addr;
      }
    }
  }

  /** The process writes `bytes` at `addr`; a write fault on a clean page is fixed up and the
   *  copy resumes at the faulting byte. */
  write(addr: VirtAddr, bytes: Uint8Array): void {
    let done = 0;
    let last = NaN;
    for (;;) {
      try {
        this.asUser(() => this.machine.cpu.write(addr + done, bytes.subarray(done)));
        return;
      } catch (e) {
        if (!(e instanceof CpuFault) || !e.user || e.address === last) throw this.signal(e, true);
        if (do_user_fault(this, e.address, true) !== "retry") throw this.signal(e, true);
        last = e.address;
        done = e.address - addr;
      }
    }
  }

  /** A fault the kernel does not fix: the signal the process gets. */
  private signal(e: unknown, write: boolean): unknown {
    if (!(e instanceof CpuFault) || !e.user) return e;
    // An external abort (no memory answered at the PFN) is do_sea / do_bad's SIGBUS on both
    // architectures, whatever the VMA allows.
    const sig = FAULT_NAMES[e.kind] === "external abort" ? "SIGBUS" : classify_user_fault(this, e.address, write);
    return new UserSignal(sig === "SIGBUS" ? "SIGBUS" : "SIGSEGV", e);
  }
}
