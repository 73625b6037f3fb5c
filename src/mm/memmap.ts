// The memory map — the struct page array — that boot takes from memblock before the page
// allocator exists: arm's FLATMEM node map (mm/mm_init.c alloc_node_mem_map, 4.9
// mm/page_alloc.c) and arm64's SPARSEMEM_VMEMMAP sections (mm/sparse.c sparse_init,
// mm/sparse-vmemmap.c vmemmap_populate). dmasim keeps its own page bookkeeping (buddy.ts), so
// nothing is written into the arrays: what matters is the memory they take, which the page
// allocator never gets ("Memory: …K/…K available" shows it), and where it sits, which decides
// where every later early allocation lands. The vmemmap is mapped, as ptdump shows it.

import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { KernelLayout } from "./layout.js";
import type { Memblock, Range } from "./memblock.js";
import type { Arm64PageTables } from "./pgtable-arm64.js";
import { PAGE_SIZE } from "./gfp.js";

/** sizeof(struct page): 32 bytes on arm32, 64 on arm64 (both generations, no debug options). */
export const STRUCT_PAGE_BYTES = { arm: 32, arm64: 64 } as const;

/** MAX_ORDER_NR_PAGES: 1 << (MAX_ORDER - 1) on 4.9, 1 << MAX_PAGE_ORDER since; 1024 in both. */
const MAX_ORDER_NR_PAGES = 1024;

const PMD_SIZE = 2 ** 21;

/** What boot took for the memory map. */
export interface Memmap {
  /** The struct page arrays: arm's node map, arm64's vmemmap blocks (4.9: one per 2 MiB,
   *  modern: the one sparse buffer), by address of allocation. */
  maps: Range[];
  /** The rest the memory map needed: section roots and usemaps (the vmemmap's tables are page
   *  tables, taken through the page-table code). */
  other: Range[];
}

/** arm alloc_node_mem_map: one array for the node's span, its start rounded down and its end
 *  up to MAX_ORDER_NR_PAGES, SMP_CACHE_BYTES (64) aligned, from memblock top-down under the
 *  current limit (lowmem) — memmap_alloc, and 4.9's memblock_virt_alloc_node_nopanic. */
export function alloc_node_mem_map(memblock: Memblock): Memmap {
  const banks = memblock.memory;
  const startPfn = banks[0].base / PAGE_SIZE;
  const endPfn = Math.max(...banks.map((b) => (b.base + b.size) / PAGE_SIZE));
  const start = Math.floor(startPfn / MAX_ORDER_NR_PAGES) * MAX_ORDER_NR_PAGES;
  const end = Math.ceil(endPfn / MAX_ORDER_NR_PAGES) * MAX_ORDER_NR_PAGES;
  const size = (end - start) * STRUCT_PAGE_BYTES.arm;
  return { maps: [{ base: memblock.alloc(size, 64), size }], other: [] };
}

/** The arm64 figures of each generation (arch/arm64/include/asm/sparsemem.h, cache.h). */
function arm64Sparse(version: KernelLayout["version"]) {
  const v49 = version === "v4.9";
  // SECTION_SIZE_BITS: 30 until 5.12, 27 since with 4 KB pages.
  const sectionBits = v49 ? 30 : 27;
  const pagesPerSection = 2 ** (sectionBits - 12);
  // usemap_size(): 4 bits (NR_PAGEBLOCK_BITS) per pageblock of 2^9 pages (pageblock_order =
  // HUGETLB_PAGE_ORDER): 256 bytes per 1 GiB section, 32 per 128 MiB one. Modern allocates a
  // struct mem_section_usage per section: rcu_head (16) + subsection_map (64 bits, 8) + it.
  const usemap = (pagesPerSection / 512) * 4 / 8;
  return {
    v49,
    sectionBytes: 2 ** sectionBits,
    pagesPerSection,
    usageBytes: v49 ? usemap : 16 + 8 + usemap,
    // SMP_CACHE_BYTES = L1_CACHE_BYTES: 128 on 4.9 arm64, 64 since.
    cacheBytes: v49 ? 128 : 64,
    // SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct mem_section) (16 bytes in both).
    sectionsPerRoot: PAGE_SIZE / 16,
    // NR_MEM_SECTIONS = 2^(MAX_PHYSMEM_BITS - SECTION_SIZE_BITS), MAX_PHYSMEM_BITS = 48.
    nrMemSections: 2 ** (48 - sectionBits),
  };
}

/** arm64 sparse_init for the present sections (those holding any RAM). In allocation order:
 *  memory_present's section roots (modern first allocates the mem_section root array, 4.9 has
 *  it static); 4.9's temporary usemap_map (8 bytes per possible section, freed at the end);
 *  the usemaps; then the vmemmap — each 2 MiB of struct pages one PMD block, its table first.
 *  4.9 takes each block from memblock as it goes (vmemmap_alloc_block); modern takes all the
 *  sections' blocks as one buffer before the first table (sparse_buffer_init). All top-down. */
export function sparse_init(memblock: Memblock, pgt: Arm64PageTables, layout: KernelLayout): Memmap {
  const f = arm64Sparse(layout.version);
  const sections = presentSections(memblock.memory, f.sectionBytes);
  const other: Range[] = [];
  const take = (size: number, align: number, into: Range[]): PhysAddr => {
    const base = memblock.alloc(size, align);
    into.push({ base, size });
    return base;
  };
  if (!f.v49) take((f.nrMemSections / f.sectionsPerRoot) * 8, f.cacheBytes, other);
  const roots = new Set<number>();
  for (const s of sections) {
    const root = Math.floor(s / f.sectionsPerRoot);
    if (roots.has(root)) continue;
    roots.add(root);
    take(PAGE_SIZE, f.cacheBytes, other);
  }
  const usemapMap = f.v49 ? memblock.alloc(8 * f.nrMemSections, f.cacheBytes) : -1;
  take(f.usageBytes * sections.length, f.cacheBytes, other);

  // vmemmap = VMEMMAP_START - the first pfn's struct page (4.9: its section's).
  const mapBytes = f.pagesPerSection * STRUCT_PAGE_BYTES.arm64;
  const firstPfn = f.v49 ? Math.floor(layout.physOffset / f.sectionBytes) * f.pagesPerSection : layout.physOffset / PAGE_SIZE;
  const vaOf = (s: number): VirtAddr => layout.vmemmapStart + (s * f.pagesPerSection - firstPfn) * STRUCT_PAGE_BYTES.arm64;
  const maps: Range[] = [];
  const buffer = f.v49 ? -1 : take(mapBytes * sections.length, PMD_SIZE, maps);
  sections.forEach((s, i) => {
    for (let off = 0; off < mapBytes; off += PMD_SIZE) {
      const va = vaOf(s) + off;
      pgt.populateTables(va, 2);
      const pa = f.v49 ? take(PMD_SIZE, PMD_SIZE, maps) : buffer + i * mapBytes + off;
      pgt.mapRange(va, pa, PMD_SIZE, "kernel");
    }
  });
  if (f.v49) memblock.free(usemapMap, 8 * f.nrMemSections);
  return { maps, other };
}

/** Section numbers holding any RAM, ascending. */
function presentSections(memory: readonly Range[], sectionBytes: number): number[] {
  const out = new Set<number>();
  for (const b of memory) {
    for (let s = Math.floor(b.base / sectionBytes); s * sectionBytes < b.base + b.size; s++) out.add(s);
  }
  return [...out].sort((a, b) => a - b);
}
