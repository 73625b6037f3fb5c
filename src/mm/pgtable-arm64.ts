// VMSAv8-64 kernel page tables, 4 KB granule, 39-bit VA: L1 → L2 → L3 (spec mmu-cache §1).
// The linear map uses 1 GB / 2 MB blocks; vmalloc-area mappings use L3 pages. Attribute
// indices and MAIR follow the kernel generation (4.9 or modern, §1.3).

import type { Machine } from "../hw/machine.js";
import { MMU_V8_4K } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { KernelLayout } from "./layout.js";
import type { PageProt, PageTables, TableMemory } from "./pgtable.js";

/** AttrIndx values and MAIR_EL1 per generation (spec mmu-cache §1.3). */
export const ARM64_MT = {
  "v4.9": { DEVICE_nGnRnE: 0, DEVICE_nGnRE: 1, DEVICE_GRE: 2, NORMAL_NC: 3, NORMAL: 4, NORMAL_WT: 5, NORMAL_TAGGED: -1, MAIR: 0x0000bbff440c0400n },
  modern: { NORMAL: 0, NORMAL_TAGGED: 1, NORMAL_NC: 2, DEVICE_nGnRnE: 3, DEVICE_nGnRE: 4, DEVICE_GRE: -1, NORMAL_WT: -1, MAIR: 0x000000040044ffffn },
} as const;

const PTE_TABLE = 3n;
const PTE_PAGE = 3n;
const PMD_BLOCK = 1n;
const PTE_SH_INNER = 3n << 8n;
const PTE_AF = 1n << 10n;
const PTE_RDONLY = 1n << 7n;
const PTE_DBM = 1n << 51n; // PTE_WRITE
const PTE_PXN = 1n << 53n;
const PTE_UXN = 1n << 54n;
const PTE_DIRTY = 1n << 55n; // software bit
const OA_MASK = 0x0000fffffffff000n;

const GB = 2 ** 30;
const MB2 = 2 ** 21;

/** Bits [47:0] of a VA as a non-negative number (exact: below 2^48). */
export function low48(va: VirtAddr): number {
  const m = 2 ** 48;
  return ((va % m) + m) % m;
}

/** The table index of `va` at `level` (1, 2, 3) with a 39-bit VA. */
export function arm64Index(va: VirtAddr, level: number): number {
  return Math.floor(low48(va) / 2 ** (39 - 9 * level)) % 512;
}

export class Arm64PageTables implements PageTables {
  readonly root: PhysAddr;
  private readonly mt: (typeof ARM64_MT)["modern" | "v4.9"];
  private readonly attrs: Record<PageProt, bigint>;

  /** `root`: swapper_pg_dir, a page of the kernel image (memblock-init.ts). */
  constructor(
    private readonly machine: Machine,
    private readonly mem: TableMemory,
    private readonly layout: KernelLayout,
    root: PhysAddr,
  ) {
    this.mt = ARM64_MT[layout.version];
    this.root = root;
    mem.zeroTable(root, 4096);
    const idx = (i: number) => BigInt(i) << 2n;
    const base = PTE_SH_INNER | PTE_AF;
    // PROT_NORMAL = PROT_DEFAULT | PXN | UXN | DIRTY | WRITE; RO drops WRITE and sets RDONLY;
    // ROX (text) also drops PXN; writecombine/dmacoherent swap AttrIndx to NORMAL_NC.
    const normal = idx(this.mt.NORMAL) | base | PTE_PXN | PTE_UXN | PTE_DIRTY;
    this.attrs = {
      kernel: normal | PTE_DBM,
      "kernel-ro": normal | PTE_RDONLY,
      "kernel-rox": (normal & ~PTE_PXN) | PTE_RDONLY,
      "kernel-nc": idx(this.mt.NORMAL_NC) | base | PTE_PXN | PTE_UXN | PTE_DIRTY | PTE_DBM,
      writecombine: idx(this.mt.NORMAL_NC) | base | PTE_PXN | PTE_UXN | PTE_DIRTY | PTE_DBM,
      device: idx(this.mt.DEVICE_nGnRE) | base | PTE_PXN | PTE_UXN | PTE_DIRTY | PTE_DBM,
    };
  }

  attr(prot: PageProt): bigint {
    return this.attrs[prot];
  }

  /** The table at `level` covering va (level 2 or 3); created when missing unless `create` is
   *  false (then null). */
  private table(va: VirtAddr, level: number, create = true): PhysAddr | null {
    let table = this.root;
    for (let l = 1; l < level; l++) {
      const slot = table + arm64Index(va, l) * 8;
      const d = this.mem.read64(slot);
      if ((d & 3n) === PTE_TABLE) {
        table = Number(d & OA_MASK);
        continue;
      }
      if ((d & 1n) !== 0n) throw new Error(`arm64 pgtable: VA ${va} is inside a block mapping at level ${l}`);
      if (!create) return null;
      const next = this.mem.allocTable(4096, 4096);
      this.mem.write64(slot, BigInt(next) | PTE_TABLE);
      table = next;
    }
    return table;
  }

  /** vmemmap_pgd_populate / vmemmap_pud_populate: the tables down to `level` exist for va,
   *  made before the block that will go in them (sparse-vmemmap.c's order). */
  populateTables(va: VirtAddr, level: number): void {
    this.table(va, level);
  }

  /** __create_pgd_mapping: 1 GB blocks where VA, PA and the remaining size allow, else 2 MB
   *  blocks, else 4 KB pages. */
  mapRange(va: VirtAddr, pa: PhysAddr, size: number, prot: PageProt): void {
    let off = 0;
    const blockAttr = this.attr(prot) | PMD_BLOCK;
    while (off < size) {
      const v = va + off;
      const p = pa + off;
      if (low48(v) % GB === 0 && p % GB === 0 && size - off >= GB) {
        this.mem.write64(this.root + arm64Index(v, 1) * 8, BigInt(p) | blockAttr);
        off += GB;
      } else if (low48(v) % MB2 === 0 && p % MB2 === 0 && size - off >= MB2) {
        this.mem.write64(this.table(v, 2)! + arm64Index(v, 2) * 8, BigInt(p) | blockAttr);
        off += MB2;
      } else {
        this.mapPage(v, p, prot);
        off += 4096;
      }
    }
  }

  mapPage(va: VirtAddr, pa: PhysAddr, prot: PageProt): void {
    this.mem.write64(this.table(va, 3)! + arm64Index(va, 3) * 8, BigInt(pa) | this.attr(prot) | PTE_PAGE);
  }

  unmapPage(va: VirtAddr): void {
    const l3 = this.table(va, 3, false);
    if (l3 !== null) this.mem.write64(l3 + arm64Index(va, 3) * 8, 0n);
  }

  /** arm64 flush_tlb_kernel_range: one TLBI VAAE1IS per page, or VMALLE1IS above 1024 pages. */
  flushTlbKernelRange(start: VirtAddr, end: VirtAddr): void {
    const pages = Math.ceil((end - start) / 4096);
    if (pages > 1024) this.machine.mmu.tlbiAll();
    else for (let i = 0; i < pages; i++) this.machine.mmu.tlbiVa(start + i * 4096);
    this.machine.cpu.barrier();
  }

  /** cpu_set_reserved_ttbr0: a kernel thread's TTBR0 points at an all-invalid table
   *  (reserved_pg_dir; 4.9 uses empty_zero_page), so a user-half address (a NULL pointer among
   *  them) faults instead of walking the kernel's tables. Its page is in the image, which
   *  nothing writes and which reads zero as bss does once head.S has cleared it: modern's is
   *  the image's last page, just above swapper_pg_dir; 4.9's lies in .bss below idmap_pg_dir
   *  (3 pages) and swapper_pg_dir (2 pages), whose second page paging_init gives away. */
  reservedTtbr0(): PhysAddr {
    const img = this.layout.image;
    return img.textPhys + (img.end - img.text) - (this.layout.version === "v4.9" ? 6 : 1) * 4096;
  }

  enable(): void {
    const mmu = this.machine.mmu;
    mmu.setMair(this.mt.MAIR);
    mmu.setTtbr(1, this.root);
    mmu.setTtbr(0, this.reservedTtbr0());
    mmu.setFormat(MMU_V8_4K, this.layout.vaBits);
    mmu.tlbiAll();
  }
}
