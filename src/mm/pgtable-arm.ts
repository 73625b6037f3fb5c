// ARMv7 short-descriptor kernel page tables as Linux arm (no LPAE) builds them (spec mmu-cache
// §3): a 16 KB first-level table, 1 MB sections for lowmem, and for 4 KB mappings one page per
// 2 MB holding the two Linux PTE tables at +0 and +1024 and the two hardware second-level tables
// at +2048 and +3072 (set_pte_ext writes both). Memory types go through TEX remap with Linux's
// PRRR/NMRR (§3.4).

import type { Machine } from "../hw/machine.js";
import { MMU_V7_SHORT } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { PageProt, PageTables, TableMemory } from "./pgtable.js";

export const PRRR = 0xff0a81a8;
export const NMRR = 0x40e040e0;
/** Every domain "client": accesses are checked against AP. */
export const DACR = 0x55555555;

/** Lowmem section: S, TEX=001, AP=01, C, B (n = 7, write-back write-allocate). */
const SECTION_KERNEL = 0x1140e;
/** Read-only section: APX added. */
const SECTION_RO = SECTION_KERNEL | 0x8000;
const L1_COARSE = 0x1;

// Hardware small-page descriptors (bit 1 = small page, bit 0 = XN, AP0 = bit 4, APX = bit 9,
// S = bit 10, TEX[0] = bit 6, C = bit 3, B = bit 2).
const HW_PTE: Record<PageProt, number> = {
  kernel: 0x45f, // n = 7 WRITEALLOC, XN
  "kernel-ro": 0x65f, // + APX
  "kernel-rox": 0x65e, // read-only, executable
  "kernel-nc": 0x417, // n = 1 BUFFERABLE (pgprot_dmacoherent), XN
  writecombine: 0x417, // pgprot_writecombine(PAGE_KERNEL): BUFFERABLE, XN kept from PAGE_KERNEL
  device: 0x453, // n = 4 DEV_SHARED
};

// Linux PTE bits (arch/arm/include/asm/pgtable-2level.h).
export const L_PTE_PRESENT = 1 << 0;
export const L_PTE_YOUNG = 1 << 1;
export const L_PTE_DIRTY = 1 << 6;
export const L_PTE_RDONLY = 1 << 7;
export const L_PTE_USER = 1 << 8;
export const L_PTE_XN = 1 << 9;
export const L_PTE_SHARED = 1 << 10;
export const L_PTE_MT_MASK = 0xf << 2;
export const L_PTE_MT_BUFFERABLE = 0x01 << 2;
export const L_PTE_MT_WRITEALLOC = 0x07 << 2;
export const L_PTE_MT_DEV_SHARED = 0x04 << 2;

const L_BASE = L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_SHARED;
const LINUX_PTE: Record<PageProt, number> = {
  kernel: L_BASE | L_PTE_XN | L_PTE_MT_WRITEALLOC,
  "kernel-ro": L_BASE | L_PTE_XN | L_PTE_RDONLY | L_PTE_MT_WRITEALLOC,
  "kernel-rox": L_BASE | L_PTE_RDONLY | L_PTE_MT_WRITEALLOC,
  "kernel-nc": L_BASE | L_PTE_XN | L_PTE_MT_BUFFERABLE,
  writecombine: L_BASE | L_PTE_XN | L_PTE_MT_BUFFERABLE,
  device: L_BASE | L_PTE_XN | L_PTE_MT_DEV_SHARED,
};

export class ArmPageTables implements PageTables {
  readonly root: PhysAddr;

  /** `root`: swapper_pg_dir, 16 KB below the kernel text (memblock-init.ts). */
  constructor(
    private readonly machine: Machine,
    private readonly mem: TableMemory,
    root: PhysAddr,
  ) {
    this.root = root;
    mem.zeroTable(root, 16384);
  }

  /** Lowmem is mapped with 1 MB sections (map_lowmem); a range that is not MB aligned (RAM
   *  cut by a no-map region) with 4 KB pages, as alloc_init_pte does. */
  mapRange(va: VirtAddr, pa: PhysAddr, size: number, prot: PageProt): void {
    const MB = 1 << 20;
    if (va % MB || pa % MB || size % MB) {
      for (let off = 0; off < size; off += 4096) this.mapPage(va + off, pa + off, prot);
      return;
    }
    const desc = prot === "kernel-ro" || prot === "kernel-rox" ? SECTION_RO : SECTION_KERNEL;
    for (let off = 0; off < size; off += 1 << 20) {
      this.mem.write32(this.root + ((va + off) >>> 20) * 4, ((pa + off) & 0xfff00000) | desc);
    }
  }

  /** The page holding the Linux and hardware tables for va's 2 MB, created (as a pair of L1
   *  entries) when missing unless `create` is false. */
  private ptePage(va: VirtAddr, create = true): PhysAddr | null {
    const idx = va >>> 20;
    const d = this.mem.read32(this.root + idx * 4);
    if ((d & 3) === L1_COARSE) return ((d & 0xfffffc00) >>> 0) - (idx & 1 ? 3072 : 2048);
    if ((d & 3) !== 0) throw new Error(`arm pgtable: 0x${(va >>> 0).toString(16)} is inside a section mapping`);
    if (!create) return null;
    const page = this.mem.allocTable(4096, 4096);
    const even = idx & ~1;
    this.mem.write32(this.root + even * 4, (page + 2048) | L1_COARSE);
    this.mem.write32(this.root + (even + 1) * 4, (page + 3072) | L1_COARSE);
    return page;
  }

  /** early_pte_alloc: the table page for va's 2 MiB, taken now when the L1 entries are empty
   *  (paging_init's vectors, PKMAP and fixmap tables). */
  early_pte_alloc(va: VirtAddr): PhysAddr {
    return this.ptePage(va)!;
  }

  /** set_pte_ext: the Linux PTE, then the hardware PTE 2048 bytes above it. */
  private setPte(page: PhysAddr, va: VirtAddr, linux: number, hw: number): void {
    const slot = ((va >>> 20) & 1) * 1024 + ((va >>> 12) & 0xff) * 4;
    this.mem.write32(page + slot, linux);
    this.mem.write32(page + 2048 + slot, hw);
  }

  mapPage(va: VirtAddr, pa: PhysAddr, prot: PageProt): void {
    const page = this.ptePage(va)!;
    this.setPte(page, va, ((pa & 0xfffff000) | LINUX_PTE[prot]) >>> 0, ((pa & 0xfffff000) | HW_PTE[prot]) >>> 0);
  }

  unmapPage(va: VirtAddr): void {
    const page = this.ptePage(va, false);
    if (page !== null) this.setPte(page, va, 0, 0);
  }

  /** arm v7 flush_tlb_kernel_range: TLBIMVAAIS per page (TLBIALLIS for large ranges). */
  flushTlbKernelRange(start: VirtAddr, end: VirtAddr): void {
    const pages = Math.ceil((end - start) / 4096);
    if (pages > 1024) this.machine.mmu.tlbiAll();
    else for (let i = 0; i < pages; i++) this.machine.mmu.tlbiVa(start + i * 4096);
    this.machine.cpu.barrier();
  }

  enable(): void {
    const mmu = this.machine.mmu;
    mmu.setTexRemap(PRRR, NMRR);
    mmu.setDacr(DACR);
    mmu.setTtbr(0, this.root);
    mmu.setFormat(MMU_V7_SHORT);
    mmu.tlbiAll();
  }
}
