// Where the kernel's page tables live: memblock gives every table made before the page
// allocator exists (early_pgtable_alloc, early_alloc, and the vmemmap's tables), the page
// allocator every later one (vmalloc and ioremap tables). Each is zeroed through the CPU, and
// descriptors are read and written by physical address — directly with the MMU off, through
// the linear map once it is on.

import type { CpuPort } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { Memblock } from "./memblock.js";
import type { TableMemory } from "./pgtable.js";
import { GFP_KERNEL, PAGE_SIZE, get_order } from "./gfp.js";
import { KernelError, ENOMEM } from "../kernel/errno.js";

export interface TableSource {
  mmuOn(): boolean;
  /** The page allocator exists (mem_init has run). */
  buddyUp(): boolean;
  memblock: Memblock;
  /** The page allocator (once it exists): a pfn, or < 0. */
  allocPages(gfp: number, order: number): number;
  freePages(pfn: number, order: number): void;
  phys_to_virt(pa: PhysAddr): VirtAddr;
  /** Counts pages given to page tables after boot, or given back (/proc/meminfo PageTables). */
  tablePagesTaken(pages: number): void;
}

export function kernelTableMemory(cpu: CpuPort, src: TableSource): TableMemory {
  const at = (pa: PhysAddr) => (src.mmuOn() ? src.phys_to_virt(pa) : pa);
  return {
    allocTable: (bytes, align) => {
      let pa: PhysAddr;
      if (src.buddyUp()) {
        const pfn = src.allocPages(GFP_KERNEL, get_order(bytes));
        if (pfn < 0) throw new KernelError(ENOMEM, "out of memory for page tables");
        src.tablePagesTaken(2 ** get_order(bytes));
        pa = pfn * PAGE_SIZE;
      } else {
        pa = src.memblock.alloc(bytes, align);
      }
      cpu.fill(at(pa), 0, bytes);
      return pa;
    },
    freeTable: (pa, bytes) => {
      src.freePages(pa / PAGE_SIZE, get_order(bytes));
      src.tablePagesTaken(-(2 ** get_order(bytes)));
    },
    zeroTable: (pa, bytes) => cpu.fill(at(pa), 0, bytes),
    read32: (pa) => cpu.load(at(pa), 4),
    write32: (pa, v) => cpu.store(at(pa), 4, v),
    read64: (pa) => cpu.load64(at(pa)),
    write64: (pa, v) => cpu.store64(at(pa), v),
  };
}
