// A user process's page tables, as the architecture code of Linux builds them: pgd_alloc, the
// PTE of a user address (set_pte_at allocating the tables on the way, as pte_alloc_map does),
// and switch_mm (the translation registers and ASID that make the process's tables live). The
// tables are written with CPU stores through the linear map, like the kernel's own
// (table-memory.ts).

import type { Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { PageTables, TableMemory } from "./pgtable.js";
import type { KernelLayout } from "./layout.js";
import { ArmUserPageTables } from "./user-pgtable-arm.js";
import { Arm64UserPageTables } from "./user-pgtable-arm64.js";

export interface UserPageTables {
  /** The process's first-level table (mm->pgd). */
  readonly pgd: PhysAddr;
  /** The highest user address + 1 (TASK_SIZE). */
  readonly taskSize: number;
  /** The Linux PTE of a user address (0n: pte_none). */
  pte(addr: VirtAddr): bigint;
  /** set_pte_at for a user address; tables below the pgd are allocated when missing. */
  set_pte_at(addr: VirtAddr, pte: bigint): void;
  /** free_pgtables and pgd_free at exit: every table goes back to the page allocator. */
  free(): void;
  /** switch_mm to this process (TTBR0 and the ASID), or back to the kernel's own (`null`). */
  switchTo(asid: number | null): void;
}

export function userPageTables(machine: Machine, mem: TableMemory, kernel: PageTables, layout: KernelLayout): UserPageTables {
  return layout.arch === "arm" ? new ArmUserPageTables(machine, mem, kernel, layout) : new Arm64UserPageTables(machine, mem, kernel, layout);
}
