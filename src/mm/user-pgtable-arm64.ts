// A user process's VMSAv8-64 tables (arch/arm64/mm/pgd.c, include/asm/pgtable.h): TTBR0's own
// pgd (one zeroed page: L1 with a 39-bit VA, L0 with 48 bits), table descriptors of the table
// type only, and the PTE written as it is (the descriptor is the Linux PTE). switch_mm points
// TTBR0 at the pgd and sets the ASID; going back, the kernel's reserved TTBR0 and ASID 0.

import type { Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { PageTables, TableMemory } from "./pgtable.js";
import type { Arm64PageTables } from "./pgtable-arm64.js";
import type { KernelLayout, KernelVersion } from "./layout.js";
import type { UserPageTables } from "./user-pgtable.js";
import { PTE_DIRTY, PTE_RDONLY, PTE_VALID, PTE_WRITE } from "./pgprot.js";

const TABLE = 3n;
const OA_MASK = 0x0000fffffffff000n;

export class Arm64UserPageTables implements UserPageTables {
  readonly pgd: PhysAddr;
  readonly taskSize: number;
  private readonly firstLevel: number;
  private readonly version: KernelVersion;
  private readonly tables: PhysAddr[] = [];

  constructor(
    private readonly machine: Machine,
    private readonly mem: TableMemory,
    private readonly kernel: PageTables,
    layout: KernelLayout,
  ) {
    // TASK_SIZE_64 = 1 << VA_BITS.
    this.taskSize = 2 ** layout.vaBits;
    this.firstLevel = layout.vaBits > 39 ? 0 : 1;
    this.version = layout.version;
    this.pgd = this.mem.allocTable(4096, 4096);
  }

  private index(addr: VirtAddr, level: number): number {
    return Math.floor(addr / 2 ** (39 - 9 * level)) % 512;
  }

  /** The L3 table of addr, allocated (a zeroed page per level) when missing unless `create`
   *  is false. */
  private l3(addr: VirtAddr, create: boolean): PhysAddr | null {
    let table = this.pgd;
    for (let l = this.firstLevel; l < 3; l++) {
      const slot = table + this.index(addr, l) * 8;
      const d = this.mem.read64(slot);
      if ((d & 3n) === TABLE) {
        table = Number(d & OA_MASK);
        continue;
      }
      if (!create) return null;
      const next = this.mem.allocTable(4096, 4096);
      this.tables.push(next);
      this.mem.write64(slot, BigInt(next) | TABLE);
      table = next;
    }
    return table;
  }

  pte(addr: VirtAddr): bigint {
    const t = this.l3(addr, false);
    return t === null ? 0n : this.mem.read64(t + this.index(addr, 3) * 8);
  }

  set_pte_at(addr: VirtAddr, pte: bigint): void {
    let v = pte;
    if (this.version === "v4.9" && (v & PTE_VALID) !== 0n) {
      // 4.9 set_pte_at: writable only once dirty; a clean page waits for its first write fault.
      v = (v & PTE_DIRTY) !== 0n && (v & PTE_WRITE) !== 0n ? v & ~PTE_RDONLY : v | PTE_RDONLY;
    }
    this.mem.write64(this.l3(addr, true)! + this.index(addr, 3) * 8, v);
  }

  free(): void {
    for (const t of this.tables.splice(0)) this.mem.freeTable(t, 4096);
    this.mem.freeTable(this.pgd, 4096);
  }

  switchTo(asid: number | null): void {
    const mmu = this.machine.mmu;
    mmu.setAsid(asid ?? 0);
    mmu.setTtbr(0, asid === null ? (this.kernel as Arm64PageTables).reservedTtbr0() : this.pgd);
  }
}
