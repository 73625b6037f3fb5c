// ARMv7 short-descriptor kernel page tables as Linux arm (no LPAE) builds them (spec mmu-cache
// §3): a 16 KB first-level table, 1 MB sections for lowmem, and for 4 KB mappings one page per
// 2 MB holding the two hardware second-level tables at +2048 and +3072. Memory types go through
// TEX remap with Linux's PRRR/NMRR (§3.4).

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
const L1_COARSE = 0x1;

// Small-page descriptors (bit 1 = small page, bit 0 = XN, AP0 = bit 4, S = bit 10).
const PTE: Record<PageProt, number> = {
  kernel: 0x45f, // n = 7 WRITEALLOC
  "kernel-ro": 0x45f | 0x200, // APX
  "kernel-nc": 0x417, // n = 1 BUFFERABLE (pgprot_dmacoherent), XN
  writecombine: 0x416, // BUFFERABLE, executable
  device: 0x453, // n = 4 DEV_SHARED
};

export class ArmPageTables implements PageTables {
  readonly root: PhysAddr;

  constructor(
    private readonly machine: Machine,
    private readonly mem: TableMemory,
  ) {
    this.root = mem.allocTable(16384, 16384);
  }

  mapLinear(va: VirtAddr, pa: PhysAddr, size: number): void {
    for (let off = 0; off < size; off += 1 << 20) {
      this.mem.write32(this.root + ((va + off) >>> 20) * 4, ((pa + off) & 0xfff00000) | SECTION_KERNEL);
    }
  }

  /** The hardware second-level table for va's megabyte, created (as a pair) when missing. */
  private l2table(va: VirtAddr): PhysAddr {
    const idx = va >>> 20;
    const d = this.mem.read32(this.root + idx * 4);
    if ((d & 3) === L1_COARSE) return d & 0xfffffc00;
    if ((d & 3) !== 0) throw new Error(`arm pgtable: 0x${(va >>> 0).toString(16)} is inside a section mapping`);
    const page = this.mem.allocTable(4096, 4096);
    const even = idx & ~1;
    this.mem.write32(this.root + even * 4, (page + 2048) | L1_COARSE);
    this.mem.write32(this.root + (even + 1) * 4, (page + 3072) | L1_COARSE);
    return idx & 1 ? page + 3072 : page + 2048;
  }

  mapPage(va: VirtAddr, pa: PhysAddr, prot: PageProt): void {
    this.mem.write32(this.l2table(va) + ((va >>> 12) & 0xff) * 4, (pa & 0xfffff000) | PTE[prot]);
  }

  unmapPage(va: VirtAddr): void {
    this.mem.write32(this.l2table(va) + ((va >>> 12) & 0xff) * 4, 0);
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
