// kmap / kunmap (src/mm/pkmap.ts) on a 1 GiB Zynq, whose top 256 MiB are highmem. The PKMAP
// area is PAGE_OFFSET - PMD_SIZE = 0xc0000000 - 2 MiB = 0xbfe00000, 512 entries of 4 KiB; the
// first kmap takes entry 1 (get_next_pkmap_nr pre-increments), 0xbfe01000.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { GFP_KERNEL, __GFP_HIGHMEM } from "../../src/mm/gfp.js";
import { dma_map_page, dma_unmap_page } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";

const KERNELS = ["v4.9", "modern"] as const;

async function zynq(kernel: "v4.9" | "modern"): Promise<System> {
  return createSystem({ board: "zynq-7000", memory: "1G", kernel });
}

const faults = (s: System, va: number) => "fault" in s.machine.mmu.translate(va);

describe("kmap / kunmap", () => {
  for (const kernel of KERNELS) {
    it(`${kernel}: a highmem page at 0xbfe01000, the same entry for a second kmap, bytes reaching the page`, async () => {
      const s = await zynq(kernel);
      const mm = s.kernel.mm;
      expect(faults(s, 0xbfe00000) && faults(s, 0xbfffffff)).toBe(true); // nothing else maps the area
      const hi = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 0);
      expect(mm.PageHighMem(hi)).toBe(true);
      expect(mm.page_address(hi)).toBe(0);
      const va = mm.kmap(hi);
      expect(va).toBe(0xbfe01000);
      expect(mm.kmap(hi)).toBe(va);
      expect(mm.page_address(hi)).toBe(va);
      const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff);
      s.cpu.write(va + 0x100, bytes);
      // The streaming map cleans the page through kmap_atomic, which on ARMv7 reuses the PKMAP
      // entry (kmap_high_get) — no fixmap slot is mapped.
      const dev = s.device("f8003000.dma-controller");
      const dma = dma_map_page(dev, hi, 0, 4096, DMA_TO_DEVICE);
      expect(s.machine.backdoor.read(hi * 4096 + 0x100, 64)).toEqual(bytes);
      expect(faults(s, 0xffefe000)).toBe(true);
      dma_unmap_page(dev, dma, 4096, DMA_TO_DEVICE);
      mm.kunmap(hi);
      mm.kunmap(hi);
      // The last kunmap leaves the entry mapped (count 1) until the next wrap-round flush.
      expect(mm.page_address(hi)).toBe(va);
      expect(faults(s, va)).toBe(false);
      expect(() => mm.kunmap(hi)).toThrow(/^kernel BUG at mm\/highmem\.c: kunmap_high: .* no user left/);
      const other = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 0);
      expect(() => mm.kunmap(other)).toThrow(/^kernel BUG at mm\/highmem\.c: kunmap_high: .* has no kmap \(BUG_ON\(!vaddr\)\)/);
      expect(mm.kmap(other)).toBe(0xbfe02000);
      s.dispose();
    });
  }

  it("a lowmem page's kmap is its linear address, and kunmap of it does nothing", async () => {
    const s = await zynq("modern");
    const mm = s.kernel.mm;
    const low = mm.alloc_pages(GFP_KERNEL, 0);
    expect(mm.kmap(low)).toBe(0xc0000000 + low * 4096); // Zynq RAM starts at PA 0
    mm.kunmap(low);
    mm.kunmap(low);
    expect(() => mm.kmap(0x40000)).toThrow(/-EINVAL: kmap: pfn 0x40000 is not a page of RAM/); // 1 GiB ends at pfn 0x40000
    s.dispose();
  });

  it("wrapping round flushes every unused entry; with all 512 in use kmap reports instead of sleeping", async () => {
    const s = await zynq("modern");
    const mm = s.kernel.mm;
    const held = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 0);
    expect(mm.kmap(held)).toBe(0xbfe01000);
    const first = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 9); // 512 highmem pages
    for (let i = 0; i < 510; i++) {
      expect(mm.kmap(first + i)).toBe(0xbfe02000 + i * 4096); // entries 2..511
      mm.kunmap(first + i);
    }
    expect(faults(s, 0xbfe02000)).toBe(false); // unused, not yet flushed
    expect(mm.kmap(first + 510)).toBe(0xbfe00000); // the search wraps to entry 0 after flushing
    expect(faults(s, 0xbfe02000)).toBe(true);
    expect(mm.page_address(first)).toBe(0);
    expect(mm.page_address(held)).toBe(0xbfe01000); // still in use, kept
    // Now fill every entry: 0 and 1 are held; 2..511 go to new kmaps, then none is left.
    const more = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 9);
    for (let i = 0; i < 510; i++) expect(mm.kmap(more + i)).toBe(0xbfe02000 + i * 4096);
    expect(() => mm.kmap(more + 510)).toThrow(/kmap: all 512 pkmap entries are in use/);
    s.dispose();
  });
});

describe("kmap_local_page / kunmap_local", () => {
  it("modern: a fixmap slot like kmap_atomic, nested in stack order; 4.9 has none", async () => {
    const s = await zynq("modern");
    const mm = s.kernel.mm;
    const hi = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 1);
    const a = mm.kmap_local_page(hi);
    const b = mm.kmap_local_page(hi + 1);
    expect([a, b]).toEqual([0xffefe000, 0xffefd000]);
    // Out of order: kunmap_local_indexed WARNs and releases the innermost slot, b's.
    mm.kunmap_local(a);
    expect(s.kernel.printk.grep("kunmap_local_indexed")).toHaveLength(1);
    expect(faults(s, b)).toBe(true);
    mm.kunmap_local(a);
    expect(faults(s, a)).toBe(true);
    const pinned = mm.kmap(hi);
    expect(mm.kmap_local_page(hi)).toBe(pinned); // the PKMAP entry, not a slot
    mm.kunmap_local(pinned);
    mm.kunmap(hi);
    expect(() => mm.kunmap(hi)).toThrow(/kernel BUG at mm\/highmem\.c/);
    s.dispose();
    const old = await zynq("v4.9");
    expect(() => old.kernel.mm.kmap_local_page(hi)).toThrow(/-ENOSYS: kmap_local_page: Linux 4.9 has no kmap_local/);
    old.dispose();
  });
});
