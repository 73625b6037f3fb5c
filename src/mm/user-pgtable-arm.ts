// A user process's ARMv7 short-descriptor tables (arch/arm/mm/pgd.c, proc-v7-2level.S): a 16 KB
// pgd whose kernel part (from TASK_SIZE up) is copied from swapper_pg_dir, coarse tables in
// DOMAIN_USER with the Linux PTEs beside the hardware ones (the layout pgtable-arm.ts uses for
// the kernel), and set_pte_ext's translation of a Linux PTE into a non-global hardware PTE.
// switch_mm writes CONTEXTIDR (the ASID) and TTBR0.

import type { Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { PageTables, TableMemory } from "./pgtable.js";
import type { KernelLayout } from "./layout.js";
import type { UserPageTables } from "./user-pgtable.js";
import { L_PTE_DIRTY, L_PTE_PRESENT, L_PTE_RDONLY, L_PTE_USER, L_PTE_XN, L_PTE_YOUNG } from "./pgprot.js";

/** _PAGE_USER_TABLE: PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_USER = 1). */
const PAGE_USER_TABLE = 0x1 | 0x10 | (1 << 5);
const PTE_EXT_NG = 1n << 11n;
const PTE_EXT_AP0 = 1n << 4n;
const PTE_EXT_AP1 = 1n << 5n;
const PTE_EXT_APX = 1n << 9n;
const PTE_EXT_TEX0 = 1n << 6n;
const PTE_EXT_XN = 1n;
const PTE_TYPE_SMALL = 2n;

/** cpu_v7_set_pte_ext: the hardware PTE of a Linux PTE. C and B (Linux MT bits 3:2), S and the
 *  PFN are kept; MT bit 4 becomes TEX[0]; AP0 always, APX when read-only or clean, AP1 for user;
 *  nothing unless present and young. */
export function set_pte_ext(linux: bigint, ext: bigint): bigint {
  if ((linux & L_PTE_PRESENT) === 0n || (linux & L_PTE_YOUNG) === 0n) return 0n;
  let hw = (linux & ~0x3f3n) | ext | PTE_EXT_AP0 | PTE_TYPE_SMALL;
  if (linux & (1n << 4n)) hw |= PTE_EXT_TEX0;
  if ((linux & L_PTE_RDONLY) !== 0n || (linux & L_PTE_DIRTY) === 0n) hw |= PTE_EXT_APX;
  if (linux & L_PTE_USER) hw |= PTE_EXT_AP1;
  if (linux & L_PTE_XN) hw |= PTE_EXT_XN;
  return hw;
}

export class ArmUserPageTables implements UserPageTables {
  readonly pgd: PhysAddr;
  readonly taskSize: number;
  private readonly ptePages: PhysAddr[] = [];

  constructor(
    private readonly machine: Machine,
    private readonly mem: TableMemory,
    private readonly kernel: PageTables,
    layout: KernelLayout,
  ) {
    // TASK_SIZE = PAGE_OFFSET - 16 MB (the modules area sits between).
    this.taskSize = layout.pageOffset - (16 << 20);
    this.pgd = this.pgd_alloc();
  }

  /** pgd_alloc: a zeroed 16 KB table with the kernel's entries above TASK_SIZE copied in. */
  private pgd_alloc(): PhysAddr {
    const pgd = this.mem.allocTable(16384, 16384);
    for (let i = this.taskSize >>> 20; i < 4096; i++) {
      const d = this.mem.read32(this.kernel.root + i * 4);
      if (d !== 0) this.mem.write32(pgd + i * 4, d);
    }
    return pgd;
  }

  /** The page holding the Linux and hardware tables of addr's 2 MB (one pgd entry, two
   *  hardware L1 entries), allocated when missing unless `create` is false. */
  private ptePage(addr: VirtAddr, create: boolean): PhysAddr | null {
    const idx = addr >>> 20;
    const d = this.mem.read32(this.pgd + idx * 4);
    if ((d & 3) === 1) return ((d & 0xfffffc00) >>> 0) - (idx & 1 ? 3072 : 2048);
    if (!create) return null;
    const page = this.mem.allocTable(4096, 4096);
    this.ptePages.push(page);
    const even = idx & ~1;
    this.mem.write32(this.pgd + even * 4, (page + 2048) | PAGE_USER_TABLE);
    this.mem.write32(this.pgd + (even + 1) * 4, (page + 3072) | PAGE_USER_TABLE);
    return page;
  }

  private slot(addr: VirtAddr): number {
    return ((addr >>> 20) & 1) * 1024 + ((addr >>> 12) & 0xff) * 4;
  }

  pte(addr: VirtAddr): bigint {
    const page = this.ptePage(addr, false);
    return page === null ? 0n : BigInt(this.mem.read32(page + this.slot(addr)) >>> 0);
  }

  /** set_pte_at for a user address: set_pte_ext(ptep, pte, PTE_EXT_NG). */
  set_pte_at(addr: VirtAddr, pte: bigint): void {
    const page = this.ptePage(addr, true)!;
    const slot = this.slot(addr);
    this.mem.write32(page + slot, Number(pte & 0xffffffffn));
    this.mem.write32(page + 2048 + slot, Number(set_pte_ext(pte, PTE_EXT_NG) & 0xffffffffn));
  }

  free(): void {
    for (const page of this.ptePages.splice(0)) this.mem.freeTable(page, 4096);
    this.mem.freeTable(this.pgd, 16384);
  }

  switchTo(asid: number | null): void {
    const mmu = this.machine.mmu;
    mmu.setAsid(asid ?? 0);
    mmu.setTtbr(0, asid === null ? this.kernel.root : this.pgd);
  }
}
