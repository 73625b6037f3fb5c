// dma_get_sgtable / dma_get_sgtable_attrs: one entry for a coherent buffer, the page of its
// physical address (dma_direct_get_sgtable; 4.9 arm_dma_get_sgtable and arm64
// __swiotlb_get_sgtable all start from the DMA address), PAGE_ALIGN(size) bytes at offset 0.
// Expected pages are found independently: the MMU's translation of the buffer's kernel address,
// or the DMA address itself (these boards have no DMA offset: DMA address = physical address).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_alloc_attrs, dma_alloc_coherent, dma_free_attrs, dma_get_sgtable, dma_get_sgtable_attrs, dma_map_sgtable, dma_unmap_sgtable } from "../../src/dma/mapping.js";
import { DMA_ATTR_NO_KERNEL_MAPPING, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { sg_nents, type SgTable } from "../../src/dma/scatterlist.js";

const DMAC = { "zynq-7000": "f8003000.dma-controller", "arm64-ref": "ff6e0000.dma-controller" } as const;
const empty = (): SgTable => ({ sgl: [], orig_nents: 0, nents: 0 });

describe.each(["modern", "v4.9"] as const)("dma_get_sgtable, %s kernel", (kernel) => {
  it.each(["zynq-7000", "arm64-ref"] as const)("%s: a remapped (uncached vmalloc-area) coherent buffer gives one entry at its physical page", async (board) => {
    const s = await createSystem({ board, kernel });
    const dev = s.device(DMAC[board]);
    const buf = dma_alloc_coherent(dev, 10000, GFP_KERNEL)!;
    expect(s.kernel.mm.isVmalloc(buf.cpuAddr)).toBe(true); // non-coherent device: remapped
    const pa = s.machine.mmu.translate(buf.cpuAddr)!.pa;
    expect(pa).toBe(buf.dmaAddr);
    const sgt = empty();
    expect(dma_get_sgtable(dev, sgt, buf.cpuAddr, buf.dmaAddr, 10000)).toBe(0);
    expect([sgt.orig_nents, sgt.nents, sg_nents(sgt.sgl)]).toEqual([1, 1, 1]);
    expect(sgt.sgl[0].page).toBe(pa / 4096);
    expect(sgt.sgl[0].offset).toBe(0);
    expect(sgt.sgl[0].length).toBe(12288); // PAGE_ALIGN(10000)
  });
});

describe("dma_get_sgtable_attrs", () => {
  it("DMA_ATTR_NO_KERNEL_MAPPING: cpu_addr is only a cookie; the entry is the page of the DMA address", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device(DMAC["arm64-ref"]);
    const buf = dma_alloc_attrs(dev, 8192, GFP_KERNEL, DMA_ATTR_NO_KERNEL_MAPPING)!;
    const sgt = empty();
    expect(dma_get_sgtable_attrs(dev, sgt, buf.cpuAddr, buf.dmaAddr, 8192, DMA_ATTR_NO_KERNEL_MAPPING)).toBe(0);
    expect(sgt.sgl[0].page).toBe(buf.dmaAddr / 4096);
    expect(sgt.sgl[0].length).toBe(8192);
    dma_free_attrs(dev, 8192, buf.cpuAddr, buf.dmaAddr, DMA_ATTR_NO_KERNEL_MAPPING);
  });

  it("the table maps for another device at the buffer's address (the dma-buf exporter's use)", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    const sgt = empty();
    dma_get_sgtable(dev, sgt, buf.cpuAddr, buf.dmaAddr, 4096);
    expect(dma_map_sgtable(dev, sgt, DMA_TO_DEVICE)).toBe(0);
    expect(sgt.sgl[0].dma_address).toBe(buf.dmaAddr);
    expect(sgt.sgl[0].dma_length).toBe(4096);
    dma_unmap_sgtable(dev, sgt, DMA_TO_DEVICE);
  });

  it("a DMA address outside RAM gets its entry anyway (no struct page check on these paths), with a dmasim WARNING", async () => {
    const s = await createSystem({ board: "zynq-7000" }); // 1 GiB of RAM from 0
    const dev = s.device(DMAC["zynq-7000"]);
    const sgt = empty();
    expect(dma_get_sgtable(dev, sgt, 0xc0000000, 0x70000000, 4096)).toBe(0);
    expect(sgt.sgl[0].page).toBe(0x70000);
    expect(s.dmesg()).toContain("WARNING: dma_get_sgtable_attrs: f8003000.dma-controller: pfn 0x70000 is no page of RAM");
  });

  it("a DMA address outside every dma-range names no page: -ENXIO, the table left empty", async () => {
    // arm64-dma-offset: dma-ranges = <0x0 0xc0000000 0x0 0x0 0x0 0x40000000>, RAM PA 0-1 GiB seen
    // by the PL330 at 0xc0000000-0xffffffff. DMA address 0x1000 translates to no physical address.
    const s = await createSystem({ board: "arm64-dma-offset" });
    const dev = s.device("ff6e0000.dma-controller");
    const sgt = empty();
    expect(dma_get_sgtable(dev, sgt, 0xc0000000, 0x1000, 4096)).toBe(-6); // -ENXIO
    expect(sgt).toEqual(empty());
  });
});
