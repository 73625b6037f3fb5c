// Where boot's early memory goes, in Linux's order: swapper_pg_dir in the image, the default
// CMA area (before paging_init on arm and 4.9 arm64, after sparse_init on modern arm64), the
// page tables below the first level, arm's vectors, the machine's map_io (Zynq's SCU page),
// PKMAP/fixmap tables and zero page, then the
// struct page arrays — and the "Memory:" line that
// results. Every figure is worked out by hand from the Linux rules in the comments.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { GFP_KERNEL, __GFP_HIGHMEM } from "../../src/mm/gfp.js";
import { decodeAttr } from "../../src/hw/machine.js";

const KiB = 1024;
const MiB = 2 ** 20;

/** The Zynq board's tree with another root compatible (no machine descriptor's reserve hook). */
const zynqTreeAs = (compatible: string) =>
  readFileSync(new URL("../../examples/boards/zynq-7000.dts", import.meta.url), "utf8").replace('compatible = "xlnx,zynq-7000";', `compatible = "${compatible}";`);

const memoryLine = (s: System) => s.kernel.printk.grep("Memory: ");
const u32 = (s: System, pa: number) => new DataView(s.machine.backdoor.read(pa, 4).buffer).getUint32(0, true);

describe("arm (1 GiB Zynq: RAM 0..0x40000000, lowmem 768 MiB)", () => {
  for (const kernel of ["modern", "v4.9"] as const) {
    it(`${kernel}: swapper_pg_dir below the text, the CMA area, its pte tables, then mem_map`, async () => {
      // cma=64M@0-0x30000000 keeps the area in lowmem, where dma_contiguous_remap maps it with pages.
      const s = await createSystem({ board: "zynq-7000", memory: "1G", kernel, cma: "64M@0-0x30000000" });
      const mm = s.kernel.mm;
      // PAGE_OFFSET + TEXT_OFFSET (0x8000) - PG_DIR_SIZE (0x4000), at PHYS_OFFSET 0.
      expect(mm.pgt.root).toBe(0x4000);
      // arm_memblock_init: the image [0x8000, 10 MiB), swapper_pg_dir and (mdesc->reserve,
      // zynq_memory_init) [0, 0x80000) are reserved, all low, so 64 MiB 4 MiB-aligned top-down
      // below the 0x30000000 limit: 0x2c000000.
      expect(s.kernel.printk.grep("cma: Reserved")[0]).toMatch(/^cma: Reserved 64 MiB at 0x2c000000/);
      // paging_init: the area's 64 MiB as pages = 32 pte pages (one per 2 MiB) from memblock,
      // top-down under lowmem, below the area: the first at 0x2c000000 - 4096 = 0x2bfff000,
      // its hardware tables at +2048 and +3072 in the L1 entries of 0xec000000 and 0xec100000.
      expect(u32(s, 0x4000 + 0xec0 * 4)).toBe(0x2bfff800 | 1);
      expect(u32(s, 0x4000 + 0xec1 * 4)).toBe(0x2bfffc00 | 1);
      // devicemaps_init: the vectors, early_alloc(2 × 4096) 8 KiB-aligned below the last pte
      // page (0x2c000000 - 32 × 4096 = 0x2bfe0000): 0x2bfde000; their table at 0xffff0000:
      // 0x2bfdd000. zynq_map_io's iotable_init: one static_vm (40 bytes, 4-aligned) just below,
      // 0x2bfdd000 - 40 = 0x2bfdcfd8, then the SCU page's table, 4 KiB-aligned below that:
      // 0x2bfdb000. kmap_init: PKMAP's table 0x2bfda000, FIXADDR_START's 0x2bfd9000. The zero
      // page: 0x2bfd8000.
      expect(mm.armEarly).toEqual({
        vectors: 0x2bfde000, vectorsPte: 0x2bfdd000, iotable: { svm: 0x2bfdcfd8, ptes: [0x2bfdb000] },
        pkmapPte: 0x2bfda000, fixmapPte: 0x2bfd9000, zeroPage: 0x2bfd8000,
      });
      // bootmem_init's mem_map: pfns 0..262144 (already MAX_ORDER_NR_PAGES aligned) × 32 bytes
      // = 8 MiB, 64-aligned, top-down below the zero page: 0x2bfd8000 - 0x800000 = 0x2b7d8000.
      expect(mm.memmap.maps).toEqual([{ base: 0x2b7d8000, size: 8 * MiB }]);
      // Available: 1048576K less the image (10 MiB - 32 KiB = 10208K), swapper_pg_dir (16K),
      // zynq_memory_init's [0, 0x4000) (the rest of its 512 KiB is swapper_pg_dir and image:
      // 16K), the pte pages (128K), the vectors (8K), their table, the static_vm's page, the
      // SCU's table, two kmap tables and the zero page (6 × 4K) and mem_map (8192K); the CMA
      // area counts as available.
      expect(memoryLine(s)).toEqual([`Memory: ${1048576 - 10208 - 16 - 16 - 128 - 32 - 8192}K/1048576K available`]);
    });

    it(`${kernel}: the vectors, PKMAP and fixmap tables hold what kmap and kmap_atomic map later`, async () => {
      const s = await createSystem({ board: "zynq-7000", memory: "1G", kernel });
      const mm = s.kernel.mm;
      // No CMA: map_lowmem uses sections only, so the first allocation is the vectors' 8 KiB
      // at the top of lowmem (0x30000000): 0x2fffe000, their table 0x2fffd000, the static_vm
      // at 0x2fffd000 - 40 = 0x2fffcfd8, then one page each below 0x2fffc000: the SCU's table
      // 0x2fffb000, PKMAP's 0x2fffa000, FIXADDR_START's 0x2fff9000, the zero page 0x2fff8000.
      expect(mm.armEarly).toEqual({
        vectors: 0x2fffe000, vectorsPte: 0x2fffd000, iotable: { svm: 0x2fffcfd8, ptes: [0x2fffb000] },
        pkmapPte: 0x2fffa000, fixmapPte: 0x2fff9000, zeroPage: 0x2fff8000,
      });
      // Each table's hardware halves at +2048/+3072 in the L1 entries of its 2 MiB: PKMAP_BASE
      // 0xbfe00000 (entries 0xbfe, 0xbff), FIXADDR_START 0xffc00000 (0xffc, 0xffd), the
      // vectors' 0xffe00000 (0xffe, 0xfff), the SCU's 0xf8e00000 (0xf8e, 0xf8f).
      expect([0xbfe, 0xbff].map((i) => u32(s, 0x4000 + i * 4))).toEqual([0x2fffa800 | 1, 0x2fffac00 | 1]);
      expect([0xffc, 0xffd].map((i) => u32(s, 0x4000 + i * 4))).toEqual([0x2fff9800 | 1, 0x2fff9c00 | 1]);
      expect([0xf8e, 0xf8f].map((i) => u32(s, 0x4000 + i * 4))).toEqual([0x2fffb800 | 1, 0x2fffbc00 | 1]);
      // The SCU page itself, virtual = physical, as Device memory (MT_DEVICE).
      expect(s.machine.mmu.walk(0xf8f00000)).toMatchObject({ pa: 0xf8f00000 });
      expect(decodeAttr((s.machine.mmu.walk(0xf8f00000) as { attr: number }).attr).memType).toMatch(/^Device/);
      expect([0xffe, 0xfff].map((i) => u32(s, 0x4000 + i * 4))).toEqual([0x2fffd800 | 1, 0x2fffdc00 | 1]);
      // Two highmem pages: kmap maps the first at PKMAP_ADDR(1) = 0xbfe01000 (PKMAP's table),
      // kmap_atomic the second at FIXADDR_TOP - (FIX_KMAP_BEGIN + 0) × 4096 = 0xffeff000 -
      // 0x1000 = 0xffefe000 (the vectors' table). The walker finds both through the L1 entries
      // above, which still point at the boot tables.
      const a = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 0);
      const b = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 0);
      expect(a * 4096).toBeGreaterThanOrEqual(0x30000000);
      const tables = mm.pageTablePages;
      expect(mm.kmap(a)).toBe(0xbfe01000);
      expect(mm.kmap_atomic(b)).toBe(0xffefe000);
      expect(s.machine.mmu.walk(0xbfe01000)).toMatchObject({ pa: a * 4096 });
      expect(s.machine.mmu.walk(0xffefe000)).toMatchObject({ pa: b * 4096 });
      expect([0xbfe, 0xffe].map((i) => u32(s, 0x4000 + i * 4))).toEqual([0x2fffa800 | 1, 0x2fffd800 | 1]);
      // Neither needed a table from the page allocator.
      expect(mm.pageTablePages).toBe(tables);
    });
  }

  it("Zynq's board code keeps the first 512 KiB, which its DMA masters cannot reach, from the page allocator", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    // 512 MiB: the vectors (0x1fffe000, 8 KiB), their table, the static_vm's page, four tables
    // and the zero page (0x1fff8000) below the top of lowmem, then mem_map (131072 pages × 32
    // = 4 MiB at 0x1fff8000 - 0x400000 = 0x1fbf8000). Available: 524288K less the image
    // (10208K), swapper_pg_dir (16K), zynq_memory_init's [0, 0x4000) (16K; the image and
    // swapper_pg_dir hold the rest of [0, 0x80000)), those 32K and mem_map.
    expect(s.kernel.mm.memmap.maps).toEqual([{ base: 0x1fbf8000, size: 4 * MiB }]);
    expect(memoryLine(s)).toEqual([`Memory: ${524288 - 10208 - 16 - 16 - 32 - 4096}K/524288K available`]);
    // No page below 0x80000 is free: the page allocator cannot hand one to a device.
    const free = s.kernel.mm.memblock.freeRanges();
    expect(free.filter((r) => r.base < 0x80000)).toEqual([]);
    // Without the Zynq root compatible the same tree leaves [0, 0x4000) free (arm's generic
    // arm_memblock_init reserves only the image and swapper_pg_dir).
    const other = await createSystem({ dts: zynqTreeAs("vendor,other-board") });
    expect(other.kernel.mm.memblock.freeRanges()[0]).toEqual({ base: 0, size: 0x4000 });
  });
});

describe("arm64-ref (RAM 0x40000000..0x80000000, image 20 MiB)", () => {
  it("modern: tables, section roots, usemaps and the vmemmap buffer from the top, then CMA below them", async () => {
    const s = await createSystem({ board: "arm64-ref", cma: "64M" });
    const mm = s.kernel.mm;
    // swapper_pg_dir is an image page: _end - 8 KiB = 0x41400000 - 0x2000.
    expect(mm.pgt.root).toBe(0x413fe000);
    // paging_init: map_kernel's pmd table (0x7ffff000), map_mem's (0x7fffe000). sparse_init:
    // mem_section roots 8192 × 8 = 64 KiB (0x7ffee000), root 0's page (0x7ffed000), 8 usemaps
    // of 56 bytes (0x7ffed000 - 448 = 0x7ffece40), then 8 sections × 2 MiB = 16 MiB, 2 MiB
    // aligned below 0x7ffece40: 0x7ee00000.
    expect(mm.memmap.maps).toEqual([{ base: 0x7ee00000, size: 16 * MiB }]);
    expect(mm.memmap.other).toEqual([
      { base: 0x7ffee000, size: 64 * KiB },
      { base: 0x7ffed000, size: 4096 },
      { base: 0x7ffece40, size: 448 },
    ]);
    // The vmemmap: pfn 0x40000's struct page at VMEMMAP_START, mapped by a PMD block.
    const vmemmap = mm.layout.vmemmapStart;
    expect(s.machine.mmu.walk(vmemmap)).toMatchObject({ pa: 0x7ee00000 });
    expect(s.machine.mmu.walk(vmemmap + 16 * MiB - 64)).toMatchObject({ pa: 0x7fdfffc0 });
    // bootmem_init's dma_contiguous_reserve comes last: 2 MiB aligned below the buffer.
    expect(s.kernel.printk.grep("cma: Reserved")).toEqual(["cma: Reserved 64 MiB at 0x000000007ae00000 on node -1"]);
    // Available: 1048576K less the image (20480K), 2 + 2 vmemmap pmd tables (VMEMMAP_START is
    // 8 MiB below a 1 GiB boundary, so the 16 MiB cross it; 16K), the roots (64K + 4K), the
    // usemaps' page (4K), the buffer (16384K) and the 1 MiB swiotlb (1024K).
    expect(memoryLine(s)).toEqual([`Memory: ${1048576 - 20480 - 16 - 68 - 4 - 16384 - 1024}K/1048576K available`]);
  });

  it("v4.9: CMA first, a temporary pgd, 1 GiB sections populated 2 MiB at a time", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9", cma: "64M" });
    const mm = s.kernel.mm;
    // SWAPPER_DIR_SIZE (2 pages) at the image's end: 0x40080000 + 20 MiB - 8 KiB.
    expect(mm.pgt.root).toBe(0x4147e000);
    // arm64_memblock_init: 64 MiB 4 MiB-aligned at the top, before any table.
    expect(s.kernel.printk.grep("cma: Reserved")).toEqual(["cma: Reserved 64 MiB at 0x000000007c000000"]);
    // paging_init: the temporary pgd (0x7bfff000), 9 tables (0x7bff6000..0x7bffe000: map_kernel's
    // pmd and 5 ptes for the unaligned image segments, map_mem's pmd and 2 ptes), pgd freed.
    // sparse_init: root 0's page takes it back (0x7bfff000); usemap_map 2^18 × 8 = 2 MiB
    // (0x7bdf6000); the usemap, 256 bytes (0x7bdf5f00); then per 2 MiB the vmemmap's pmd table
    // first (once: 0x7bdf4000) and the block 2 MiB aligned below: 0x7ba00000, 0x7b800000, …
    expect(mm.memmap.maps.map((r) => r.base)).toEqual([0x7ba00000, 0x7b800000, 0x7b600000, 0x7b400000, 0x7b200000, 0x7b000000, 0x7ae00000, 0x7ac00000]);
    expect(mm.memmap.other).toEqual([{ base: 0x7bfff000, size: 4096 }, { base: 0x7bdf5f00, size: 256 }]);
    // No swiotlb: all RAM ends at 2 GiB, within ZONE_DMA, so 4.9.y's mem_init
    // (arch/arm64/mm/init.c) skips swiotlb_init (no 64 MiB pool, no 32 KiB overflow buffer in
    // usemap_map's hole below 0x7bff6000, no "software IO TLB" line).
    expect(mm.memblock.reserved.some((r) => r.base < 0x7bff6000 && r.base + r.size > 0x7bff6000 - 32 * KiB)).toBe(false);
    expect(s.kernel.printk.grep("software IO TLB")).toEqual([]);
    // Available: 1048576K less the image without swapper_pg_dir's second page (20476K), the 9
    // tables (36K), root page, usemap page and vmemmap table (12K) and the blocks (16384K).
    expect(memoryLine(s)).toEqual([`Memory: ${1048576 - 20476 - 36 - 12 - 16384}K/1048576K available`]);
  });
});
