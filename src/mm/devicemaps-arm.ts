// The rest of arm's paging_init after the linear map (arch/arm/mm/mmu.c, the same in 4.9 and
// modern kernels): devicemaps_init takes the vectors pages and the table that maps them at
// 0xffff0000, kmap_init the PKMAP table and the fixmap's lower table, then paging_init the zero
// page — all from memblock, top-down under the lowmem limit, in that order. dmasim runs no
// exception vectors and has no use for the zero page, so nothing is written into them; the
// tables are the ones its kmap (PKMAP_BASE) and kmap_atomic (fixmap slots, in the vectors'
// 2 MiB) mappings use later.
//
// Not taken (dmasim models neither): the Zynq machine's map_io (zynq_scu_map_io: a static_vm
// and the SCU page's table), pci_reserve_io's static_vm, and earlycon's fixmap page.

import type { PhysAddr } from "../hw/address.js";
import type { Memblock } from "./memblock.js";
import type { ArmPageTables } from "./pgtable-arm.js";
import { PKMAP_BASE } from "./pkmap.js";
import { PAGE_SIZE } from "./gfp.js";

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
 *  been cleared by early_fixmap_shutdown) a new table for 0xffff0000's 2 MiB. */
function devicemaps_init(memblock: Memblock, pgt: ArmPageTables): Pick<ArmEarlyPages, "vectors" | "vectorsPte"> {
  const vectors = early_alloc(memblock, 2 * PAGE_SIZE);
  return { vectors, vectorsPte: pgt.early_pte_alloc(VECTORS_BASE) };
}

/** kmap_init: early_pte_alloc for PKMAP_BASE, then for FIXADDR_START. */
function kmap_init(pgt: ArmPageTables): Pick<ArmEarlyPages, "pkmapPte" | "fixmapPte"> {
  const pkmapPte = pgt.early_pte_alloc(PKMAP_BASE);
  return { pkmapPte, fixmapPte: pgt.early_pte_alloc(FIXADDR_START) };
}

/** paging_init after map_lowmem/dma_contiguous_remap, up to bootmem_init. */
export function armPagingInitLate(memblock: Memblock, pgt: ArmPageTables): ArmEarlyPages {
  const dev = devicemaps_init(memblock, pgt);
  const kmap = kmap_init(pgt);
  return { ...dev, ...kmap, zeroPage: early_alloc(memblock, PAGE_SIZE) };
}
