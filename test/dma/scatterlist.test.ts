// Scatterlists: building and walking them (chains, end marks), and dma_map_sg without an
// IOMMU — one DMA segment per entry, bounced per entry where needed, unmapped with the nents
// given to map.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_map_sg, dma_unmap_sg, dma_sync_sg_for_cpu, dma_map_sgtable, dma_unmap_sgtable,
} from "../../src/dma/mapping.js";
import {
  sg_alloc, sg_init_table, sg_mark_end, sg_set_buf, sg_set_page, sg_chain, sg_next, for_each_sg, sg_nents, sg_dma_address, sg_dma_len, Scatterlist,
} from "../../src/dma/scatterlist.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

describe("scatterlist helpers", () => {
  it("sg_init_table marks the last entry; sg_next stops there", () => {
    const sgl = Array.from({ length: 3 }, () => new Scatterlist());
    sg_init_table(sgl, 3);
    expect(sg_next(sgl[0])).toBe(sgl[1]);
    expect(sg_next(sgl[2])).toBeNull();
    expect(sg_nents(sgl)).toBe(3);
  });

  it("an end mark in the middle of an array ends the list there", () => {
    // sg_next returns NULL for an entry with SG_END (include/linux/scatterlist.h), whatever
    // entries follow it in memory: a list of four with the second marked holds two.
    const sgl = sg_alloc(4);
    sg_mark_end(sgl[1]);
    expect(sg_next(sgl[0])).toBe(sgl[1]);
    expect(sg_next(sgl[1])).toBeNull();
    expect(sg_nents(sgl)).toBe(2);
  });

  it("follows chains: the last entry of the first array links to the second", () => {
    const a = sg_alloc(3);
    const b = sg_alloc(2);
    sg_chain(a, 3, b);
    const seen: Scatterlist[] = [];
    for_each_sg(a, 4, (sg) => seen.push(sg));
    expect(seen).toEqual([a[0], a[1], b[0], b[1]]);
    expect(sg_nents(a)).toBe(4);
  });

  it("sg_set_buf keeps the offset within the page", () => {
    const [sg] = sg_alloc(1);
    sg_set_buf(sg, 0xc0001234, 100);
    expect([sg.offset, sg.length]).toEqual([0x234, 100]);
  });
});

describe("dma_map_sg", () => {
  it.each(["v4.9", "modern"] as const)("zynq %s: each entry's sg_dma_len is its length (no IOMMU, no merging)", async (kernel) => {
    // arm_dma_map_sg / dma_direct_map_sg set sg_dma_len(s) = s->length for every entry.
    const s = await createSystem({ board: "zynq-7000", kernel });
    const dev = s.device("f8003000.dma-controller");
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const sgl = sg_alloc(2);
    sg_set_buf(sgl[0], va, 100);
    sg_set_buf(sgl[1], va + 1024, 300);
    expect(dma_map_sg(dev, sgl, 2, DMA_TO_DEVICE)).toBe(2);
    expect(sgl.map((sg) => sg_dma_len(sg))).toEqual([100, 300]);
    dma_unmap_sg(dev, sgl, 2, DMA_TO_DEVICE);
  });

  it("maps each entry to its own segment (no IOMMU, no merging), even physically adjacent ones", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("f8003000.dma-controller");
    const va = s.kernel.kmalloc(3 * 4096, GFP_KERNEL);
    const mm = s.kernel.mm;
    const sgl = sg_alloc(3);
    sg_set_buf(sgl[0], va, 4096);
    sg_set_buf(sgl[1], va + 4096, 4096);
    sg_set_page(sgl[2], mm.virt_to_pfn(va + 8192), 100, 16);
    expect(dma_map_sg(dev, sgl, 3, DMA_TO_DEVICE)).toBe(3);
    expect(sgl.map((sg) => [sg_dma_address(sg), sg_dma_len(sg)])).toEqual([
      [mm.virt_to_phys(va), 4096], [mm.virt_to_phys(va) + 4096, 4096], [mm.virt_to_phys(va) + 8192 + 16, 100],
    ]);
    dma_unmap_sg(dev, sgl, 3, DMA_TO_DEVICE);
  });

  it("bounces only the entries the device cannot reach", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device("ff6e0000.dma-controller");
    const mm = s.kernel.mm;
    const high = s.kernel.kmalloc(4096, GFP_KERNEL);
    const low = mm.phys_to_virt(mm.alloc_pages(0x01 /* GFP_DMA */, 0) * 4096);
    s.cpu.fill(high, 0x42, 4096);
    const sgl = sg_alloc(2);
    sg_set_buf(sgl[0], low, 4096);
    sg_set_buf(sgl[1], high, 4096);
    expect(dma_map_sg(dev, sgl, 2, DMA_BIDIRECTIONAL)).toBe(2);
    expect(sg_dma_address(sgl[0])).toBe(mm.virt_to_phys(low));
    const tlb = s.kernel.dma.swiotlb!;
    expect(tlb.is_swiotlb_buffer(sg_dma_address(sgl[1]))).toBe(true);
    s.machine.backdoor.write(sg_dma_address(sgl[1]), new Uint8Array(4096).fill(0x17));
    dma_sync_sg_for_cpu(dev, sgl, 2, DMA_BIDIRECTIONAL);
    expect(s.cpu.read(high, 4)).toEqual(new Uint8Array(4).fill(0x17));
    dma_unmap_sg(dev, sgl, 2, DMA_BIDIRECTIONAL);
    expect(tlb.usage().used).toBe(0);
  });

  it("maps only the first nents entries: one past them gets no DMA address and takes no bounce slot", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device("ff6e0000.dma-controller");
    const tlb = s.kernel.dma.swiotlb!;
    const sgl = sg_alloc(3);
    for (const sg of sgl) sg_set_buf(sg, s.kernel.kmalloc(4096, GFP_KERNEL), 4096); // above 4 GB: each bounces
    expect(dma_map_sg(dev, sgl, 2, DMA_TO_DEVICE)).toBe(2);
    // Two 4 KB entries, two 2 KB slots each.
    expect(tlb.usage().used).toBe(4);
    expect([sg_dma_address(sgl[2]), sg_dma_len(sgl[2])]).toEqual([0, 0]);
    dma_unmap_sg(dev, sgl, 2, DMA_TO_DEVICE);
    expect(tlb.usage().used).toBe(0);
  });

  it("an empty list: 4.9 maps it and says 0; modern __dma_map_sg_attrs WARNs once on the 0 count, and dma_map_sgtable gives -EIO", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const dev = s.device("f8003000.dma-controller");
      const sgl = sg_alloc(1);
      sg_set_page(sgl[0], 0x100, 4096, 0);
      expect(dma_map_sg(dev, sgl, 0, DMA_TO_DEVICE)).toBe(0);
      if (kernel === "v4.9") {
        expect(s.dmesg()).not.toContain("__dma_map_sg_attrs");
        continue;
      }
      const sgt = { sgl, orig_nents: 0, nents: 7 };
      expect(dma_map_sgtable(dev, sgt, DMA_TO_DEVICE)).toBe(-5);
      expect(sgt.nents).toBe(7);
      expect(s.dmesg().match(/WARNING: __dma_map_sg_attrs/g)).toHaveLength(1);
    }
  });

  it("4.9: dma_map_sgtable does not exist (it arrived in 5.8); dmasim refuses it before mapping anything", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device("f8003000.dma-controller");
    const sgl = sg_alloc(1);
    sg_set_page(sgl[0], 0x100, 4096, 0);
    const sgt = { sgl, orig_nents: 1, nents: 0 };
    expect(() => dma_map_sgtable(dev, sgt, DMA_TO_DEVICE)).toThrow("dma_map_sgtable: Linux 4.9 has no dma_map_sgtable (added in 5.8); use dma_map_sg");
    expect(() => dma_map_sgtable(dev, sgt, DMA_TO_DEVICE)).toThrow(expect.objectContaining({ errno: -38 })); // ENOSYS
    expect([sgt.nents, sg_dma_address(sgl[0])]).toEqual([0, 0]);
    expect(() => dma_unmap_sgtable(dev, sgt, DMA_TO_DEVICE)).toThrow("dma_unmap_sgtable: Linux 4.9 has no dma_unmap_sgtable (added in 5.8); use dma_unmap_sg");
  });

  it("modern: a failing entry unmaps the others; dma_map_sg says 0, dma_map_sgtable -EIO", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("f8003000.dma-controller");
    dev.dma_mask = 0x0fffffffn; // the second buffer is beyond it and there is no swiotlb
    const mm = s.kernel.mm;
    // A MAX_ORDER block: the buddy hands out the last one freed at boot, the highest…
    const lowPfn = mm.alloc_pages(GFP_KERNEL, 10);
    const sgl = sg_alloc(2);
    sg_set_page(sgl[0], 0x100, 4096, 0); // …so use a low page for entry 0 (pfn 0x100 = 1 MB)
    sg_set_page(sgl[1], lowPfn, 4096, 0);
    expect(lowPfn * 4096).toBeGreaterThan(0x0fffffff);
    expect(dma_map_sg(dev, sgl, 2, DMA_FROM_DEVICE)).toBe(0);
    expect(dma_map_sgtable(dev, { sgl, orig_nents: 2, nents: 0 }, DMA_FROM_DEVICE)).toBe(-5);
    expect(s.dmesg()).toMatch(/DMA addr 0x[0-9a-f]{8}\+4096 overflow \(mask fffffff, bus limit 0\)/);
  });
});

describe("dma_map_sg failing part way through a bouncing list", () => {
  it("modern: the entries mapped before the failing one give their bounce slots back", async () => {
    // One 128-slot segment (256 KiB): two 4 KiB entries take 2 slots each, and the third (a
    // whole segment, 128 slots) finds no room. dma_direct_map_sg unmaps the i entries before it.
    const s = await createSystem({ board: "arm64-highmem", swiotlb: { size: 256 * 1024 } });
    const dev = s.device("ff6e0000.dma-controller");
    const tlb = s.kernel.dma.swiotlb!;
    expect(tlb.nslabs).toBe(128);
    const sgl = sg_alloc(3);
    sg_set_buf(sgl[0], s.kernel.kmalloc(4096, GFP_KERNEL), 4096);
    sg_set_buf(sgl[1], s.kernel.kmalloc(4096, GFP_KERNEL), 4096);
    sg_set_buf(sgl[2], s.kernel.kmalloc(256 * 1024, GFP_KERNEL), 256 * 1024);
    expect(dma_map_sg(dev, sgl, 3, DMA_TO_DEVICE)).toBe(0);
    expect(tlb.usage().used).toBe(0);
    expect(tlb.usage().hiwater).toBe(4);
  });
});

describe("sg_alloc_table_from_pages", () => {
  it("merges runs of consecutive pfns into one entry each, the offset in the first", async () => {
    const { sg_alloc_table_from_pages } = await import("../../src/dma/scatterlist.js");
    // pfns 10-12, 20-21, 30: three runs; 100 bytes in, 50 bytes short of the last page's end.
    const t = sg_alloc_table_from_pages([10, 11, 12, 20, 21, 30], 6, 100, 6 * 4096 - 150);
    expect(t.orig_nents).toBe(3);
    expect(t.sgl.map((sg) => [sg.page, sg.offset, sg.length])).toEqual([[10, 100, 3 * 4096 - 100], [20, 0, 8192], [30, 0, 4096 - 50]]);
    expect(t.sgl[2].page_link & 0x2).toBe(0x2); // SG_END on the last
    expect(() => sg_alloc_table_from_pages([1, 2], 2, 0, 3 * 4096)).toThrow(/-EINVAL: sg_alloc_table_from_pages: size 12288 is not bytes the 2 pages hold/);
    expect(() => sg_alloc_table_from_pages([], 0, 0, 1)).toThrow(/-EINVAL: sg_alloc_table_from_pages: n_pages 0/);
  });

  it("refuses an offset of a whole page: the offset is into the first page", async () => {
    const { sg_alloc_table_from_pages } = await import("../../src/dma/scatterlist.js");
    expect(sg_alloc_table_from_pages([1, 2], 2, 4095, 1).sgl[0].offset).toBe(4095);
    expect(() => sg_alloc_table_from_pages([1, 2], 2, 4096, 4096)).toThrow(/-EINVAL: sg_alloc_table_from_pages: size 4096 is not bytes the 2 pages hold from offset 4096/);
  });

  it("splits a run at the 32-bit entry length: 2^20 consecutive pages give 2^20 - 1 pages (0xfffff000 bytes) and 1", async () => {
    // lib/scatterlist.c: max_segment = ALIGN_DOWN(UINT_MAX, PAGE_SIZE) = 0xfffff000; a chunk ends
    // once it holds that many bytes, i.e. after 0xfffff000 / 4096 = 1048575 pages.
    const { sg_alloc_table_from_pages } = await import("../../src/dma/scatterlist.js");
    const n = 1 << 20;
    const pages = Array.from({ length: n }, (_, i) => 0x100000 + i);
    const t = sg_alloc_table_from_pages(pages, n, 0, n * 4096);
    expect(t.sgl.map((sg) => [sg.page, sg.length])).toEqual([[0x100000, 0xfffff000], [0x100000 + n - 1, 4096]]);
  });
});
