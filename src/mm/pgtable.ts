// What the kernel's page-table code needs from the architecture: building the linear map and
// the kernel image mapping at boot, mapping and unmapping 4 KB kernel pages (vmalloc, ioremap,
// DMA remaps), kernel TLB maintenance, and turning the MMU on. Tables live in simulated RAM and
// are written with CPU stores, exactly where the walker (and ptdump) will read them.

import type { PhysAddr, VirtAddr } from "../hw/address.js";

/** Kernel protections: PAGE_KERNEL, PAGE_KERNEL_RO, PAGE_KERNEL_ROX (text),
 *  pgprot_dmacoherent / pgprot_writecombine (Normal non-cacheable), and device memory. */
export type PageProt = "kernel" | "kernel-ro" | "kernel-rox" | "kernel-nc" | "writecombine" | "device";

/** How page-table code reaches table memory: zeroed table pages, and descriptor loads/stores
 *  by physical address (through the linear map once the MMU is on). */
export interface TableMemory {
  allocTable(bytes: number, align: number): PhysAddr;
  /** Gives a table from allocTable back to the page allocator (a user process's, at exit). */
  freeTable(pa: PhysAddr, bytes: number): void;
  /** Clears a table that was not allocated (swapper_pg_dir, part of the image). */
  zeroTable(pa: PhysAddr, bytes: number): void;
  read32(pa: PhysAddr): number;
  write32(pa: PhysAddr, v: number): void;
  read64(pa: PhysAddr): bigint;
  write64(pa: PhysAddr, v: bigint): void;
}

export interface PageTables {
  readonly root: PhysAddr;
  /** Maps [pa, pa+size) at va with the largest blocks alignment allows (boot: the linear map
   *  and the kernel image). */
  mapRange(va: VirtAddr, pa: PhysAddr, size: number, prot: PageProt): void;
  /** Installs one 4 KB page mapping (allocating intermediate tables). */
  mapPage(va: VirtAddr, pa: PhysAddr, prot: PageProt): void;
  /** Clears one 4 KB page mapping; TLB maintenance is the caller's (it may be deferred). */
  unmapPage(va: VirtAddr): void;
  /** flush_tlb_kernel_range */
  flushTlbKernelRange(start: VirtAddr, end: VirtAddr): void;
  /** Programs the translation registers and enables the MMU. */
  enable(): void;
}
