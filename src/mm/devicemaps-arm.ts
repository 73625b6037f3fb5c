// The rest of arm's paging_init after the linear map (arch/arm/mm/mmu.c, the same in 4.9 and
// modern kernels): devicemaps_init takes the vectors pages and the table that maps them at
// 0xffff0000, kmap_init the PKMAP table and the fixmap's lower table, then paging_init the zero
// page — all from memblock, top-down under the lowmem limit, in that order. dmasim runs no
// exception vectors and has no use for the zero page, so nothing is written into them; the
// tables are the ones its kmap (PKMAP_BASE) and kmap_atomic (fixmap slots, in the vectors'
// 2 MiB) mappings use later.
//
// Between the vectors and kmap_init, the machine's map_io (machine-desc.ts) goes through
// iotable_init: one memblock allocation for the static_vm structs, then create_mapping of each
// region, which takes a pte table for a region smaller than a section (Zynq's SCU page).
//
// Not taken (dmasim models neither): pci_reserve_io's static_vm (no PCI), and earlycon's fixmap
// page.

import type { PhysAddr } from "../hw/address.js";
import type { Memblock } from "./memblock.js";
import type { ArmPageTables } from "./pgtable-arm.js";
import { PKMAP_BASE } from "./pkmap.js";
import { PAGE_ALIGN, PAGE_SIZE } from "./gfp.js";
import type { MapDesc } from "../arch/machine-desc.js";
import { VM_IOREMAP, type Vmalloc } from "./vmalloc.js";

/** sizeof(struct static_vm) on 32-bit arm without LPAE: struct vm_struct (next, addr, size,
 *  flags, pages, nr_pages, phys_addr, caller: 8 words) and a list_head (2 words); aligned to 4. */
const STATIC_VM_SIZE = 40;
const STATIC_VM_ALIGN = 4;

/** The high vectors' address (CONFIG_VECTORS_BASE; ARMv7 kernels set SCTLR.V, so
 *  vectors_high() and no low mapping). */
const VECTORS_BASE = 0xffff0000;
/** FIXADDR_START (asm/fixmap.h): the fixmap's 3 MiB start 2 MiB below the vectors' table. */
const FIXADDR_START = 0xffc00000;

/** What the end of arm's paging_init took from memblock. */
export interface ArmEarlyPages {
  /** devicemaps_init: early_alloc(PAGE_SIZE * 2) — the vectors page and the stubs page. */
  vectors: PhysAddr;
  /** The pte table create_mapping took for the vectors at 0xffff0000. */
  vectorsPte: PhysAddr;
  /** The machine's map_io through iotable_init, or null when it maps nothing: the static_vm
   *  array and, per region, the pte table that maps it. */
  iotable: { svm: PhysAddr; ptes: PhysAddr[] } | null;
  /** kmap_init: pkmap_page_table's table (CONFIG_HIGHMEM). */
  pkmapPte: PhysAddr;
  /** kmap_init: the table of FIXADDR_START's 2 MiB. */
  fixmapPte: PhysAddr;
  /** paging_init: empty_zero_page, early_alloc(PAGE_SIZE). */
  zeroPage: PhysAddr;
}

/** early_alloc: memblock_alloc with the size as the alignment. */
function early_alloc(memblock: Memblock, size: number): PhysAddr {
  return memblock.alloc(size, size);
}

/** devicemaps_init's allocations: the vectors pages, then (the permanent fixmap's table having
 *  been cleared by early_fixmap_shutdown) a new table for 0xffff0000's 2 MiB, then mdesc->map_io. */
function devicemaps_init(memblock: Memblock, pgt: ArmPageTables, io: readonly MapDesc[]): Pick<ArmEarlyPages, "vectors" | "vectorsPte" | "iotable"> {
  const vectors = early_alloc(memblock, 2 * PAGE_SIZE);
  const vectorsPte = pgt.early_pte_alloc(VECTORS_BASE);
  return { vectors, vectorsPte, iotable: iotable_init(memblock, pgt, io) };
}

/** iotable_init: the static_vm array first (memblock_alloc; early_alloc_aligned in 4.9), then
 *  create_mapping of each region as MT_DEVICE pages: a pte table for its 2 MiB if none yet. */
function iotable_init(memblock: Memblock, pgt: ArmPageTables, io: readonly MapDesc[]): ArmEarlyPages["iotable"] {
  if (!io.length) return null;
  const svm = memblock.alloc(STATIC_VM_SIZE * io.length, STATIC_VM_ALIGN);
  const ptes = io.map((md) => {
    const va = md.virtual - (md.virtual % PAGE_SIZE);
    const pte = pgt.early_pte_alloc(va);
    pgt.mapRange(va, md.pfn * PAGE_SIZE, PAGE_ALIGN(md.length + (md.virtual % PAGE_SIZE)), "device");
    return pte;
  });
  return { svm, ptes };
}

/** kmap_init: early_pte_alloc for PKMAP_BASE, then for FIXADDR_START. */
function kmap_init(pgt: ArmPageTables): Pick<ArmEarlyPages, "pkmapPte" | "fixmapPte"> {
  const pkmapPte = pgt.early_pte_alloc(PKMAP_BASE);
  return { pkmapPte, fixmapPte: pgt.early_pte_alloc(FIXADDR_START) };
}

/** paging_init after map_lowmem/dma_contiguous_remap, up to bootmem_init. */
export function armPagingInitLate(memblock: Memblock, pgt: ArmPageTables, io: readonly MapDesc[]): ArmEarlyPages {
  const dev = devicemaps_init(memblock, pgt, io);
  const kmap = kmap_init(pgt);
  return { ...dev, ...kmap, zeroPage: early_alloc(memblock, PAGE_SIZE) };
}

/** iotable_init's add_static_vm_early, seen once the vmalloc space exists: each static mapping
 *  of the machine's map_io holds its range there, so vmalloc and ioremap keep clear of it. */
export function addStaticVms(vmalloc: Vmalloc, io: readonly MapDesc[]): void {
  for (const md of io) {
    const va = md.virtual - (md.virtual % PAGE_SIZE);
    vmalloc.addEarly(va, PAGE_ALIGN(md.length + (md.virtual % PAGE_SIZE)), md.pfn * PAGE_SIZE, VM_IOREMAP, "device", "iotable_init");
  }
}
