// dma_alloc_noncontiguous and friends without an IOMMU (kernel/dma/mapping.c alloc_single_sgt):
// one contiguous block from __dma_alloc_pages as a one-entry, already mapped sg_table; the vmap
// is the block's linear-map address; the syncs are dma_sync_sgtable_*; DMA-API debug records a
// scatter-gather entry. Expected values come from the kernel facts: PAGE_ALIGN(10000) = 12288
// bytes is an order-2 block (16 KiB), the DMA address is the physical one on these boards.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_alloc_noncontiguous, dma_free_noncontiguous, dma_vmap_noncontiguous,
  dma_vunmap_noncontiguous, dma_sync_sgtable_for_cpu, dma_sync_sgtable_for_device,
} from "../../src/dma/mapping.js";
import { DMA_ATTR_ALLOC_SINGLE_PAGES, DMA_ATTR_NO_WARN, DMA_FROM_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL, __GFP_COMP } from "../../src/mm/gfp.js";
import { ENOSYS, KernelError } from "../../src/kernel/errno.js";
import { deviceWrites } from "../helpers/device-writes.js";
import { sg_alloc_table_from_pages } from "../../src/dma/scatterlist.js";

const WB = 0; // mmuLastAttr memory types (hw/page-attributes.ts)
const DMAC = { "zynq-7000": "f8003000.dma-controller", "arm64-ref": "ff6e0000.dma-controller" } as const;
const pat = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) & 0xff);

describe.each(["zynq-7000", "arm64-ref"] as const)("dma_alloc_noncontiguous, modern kernel, %s", (board) => {
  it("one mapped entry over a contiguous block; the vmap is its cacheable linear address; freeing returns the block", async () => {
    const s = await createSystem({ board, dmaDebug: true });
    const dev = s.device(DMAC[board]);
    const before = s.kernel.dma.debug.entries(dev); // the driver's own coherent buffers
    const sgt = dma_alloc_noncontiguous(dev, 10000, DMA_FROM_DEVICE, GFP_KERNEL)!;
    expect([sgt.orig_nents, sgt.nents]).toEqual([1, 1]);
    const sg = sgt.sgl[0];
    expect([sg.offset, sg.length, sg.dma_length]).toEqual([0, 12288, 12288]);
    expect(sg.dma_address).toBe(sg.page * 4096);
    const mm = s.kernel.mm;
    expect(mm.buddy.allocatedOrder(sg.page)).toBe(2);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before + 1);
    const va = dma_vmap_noncontiguous(dev, 10000, sgt);
    expect(va).toBe(mm.phys_to_virt(sg.page * 4096));
    expect(s.machine.mmu.translate(va)).toEqual({ pa: sg.page * 4096, attr: WB });
    expect(s.cpu.read(va, 12288)).toEqual(new Uint8Array(12288));
    dma_vunmap_noncontiguous(dev, va);
    const page = sg.page;
    dma_free_noncontiguous(dev, 10000, sgt, DMA_FROM_DEVICE);
    expect(mm.buddy.allocatedOrder(page)).toBe(-1);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    expect(sgt.orig_nents).toBe(0); // sg_free_table
  });

  it("the CPU reads stale bytes after a device write until dma_sync_sgtable_for_cpu", async () => {
    const s = await createSystem({ board });
    const dev = s.device(DMAC[board]);
    const n = 8192;
    const sgt = dma_alloc_noncontiguous(dev, n, DMA_FROM_DEVICE, GFP_KERNEL)!;
    const va = dma_vmap_noncontiguous(dev, n, sgt);
    dma_sync_sgtable_for_device(dev, sgt, DMA_FROM_DEVICE);
    expect(s.cpu.read(va, n)).toEqual(new Uint8Array(n)); // read too early: the zeros are now cached
    deviceWrites(s, dev, sgt.sgl[0].dma_address, pat(n));
    expect(s.machine.backdoor.read(sgt.sgl[0].dma_address, n)).toEqual(pat(n));
    expect(s.cpu.read(va, n)).toEqual(new Uint8Array(n)); // stale
    dma_sync_sgtable_for_cpu(dev, sgt, DMA_FROM_DEVICE);
    expect(s.cpu.read(va, n)).toEqual(pat(n));
    dma_free_noncontiguous(dev, n, sgt, DMA_FROM_DEVICE);
  });
});

describe("dma_alloc_noncontiguous refusals", () => {
  it("attrs other than DMA_ATTR_ALLOC_SINGLE_PAGES, or __GFP_COMP: NULL with a WARNING", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device(DMAC["arm64-ref"]);
    expect(dma_alloc_noncontiguous(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL, DMA_ATTR_NO_WARN)).toBeNull();
    expect(s.dmesg()).toContain("WARNING: dma_alloc_noncontiguous: attrs other than DMA_ATTR_ALLOC_SINGLE_PAGES are not allowed");
    expect(dma_alloc_noncontiguous(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL | __GFP_COMP)).toBeNull();
    expect(s.dmesg()).toContain("WARNING: dma_alloc_noncontiguous: __GFP_COMP is not allowed");
    const sgt = dma_alloc_noncontiguous(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL, DMA_ATTR_ALLOC_SINGLE_PAGES)!;
    expect(sgt.nents).toBe(1);
    dma_free_noncontiguous(dev, 4096, sgt, DMA_FROM_DEVICE);
  });

  it("freeing with another direction is DMA-API debug's direction report", async () => {
    const s = await createSystem({ board: "zynq-7000", dmaDebug: true });
    const dev = s.device(DMAC["zynq-7000"]);
    const sgt = dma_alloc_noncontiguous(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL)!;
    const addr = sgt.sgl[0].dma_address;
    dma_free_noncontiguous(dev, 4096, sgt, 1 /* DMA_TO_DEVICE */);
    const hex = "0x" + addr.toString(16).padStart(16, "0"); // %pad of a 64-bit dma_addr_t
    expect(s.kernel.dma.debug.reports[0]).toContain(`device driver frees DMA memory with different direction [device address=${hex}] [size=4096 bytes] [mapped with DMA_FROM_DEVICE] [unmapped with DMA_TO_DEVICE]`);
  });

  it("4.9 has none of them: -ENOSYS", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device(DMAC["zynq-7000"]);
    const e = (() => { try { dma_alloc_noncontiguous(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL); } catch (x) { return x; } })() as KernelError;
    expect(e).toBeInstanceOf(KernelError);
    expect(e.errno).toBe(-ENOSYS);
    expect(e.message).toContain("dma_alloc_noncontiguous: Linux 4.9 has no dma_alloc_noncontiguous (added in 5.13)");
  });

  it("4.9: -ENOSYS for the vmap, vunmap and free of a table built by hand, naming each call", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device(DMAC["zynq-7000"]);
    const page = s.kernel.mm.alloc_pages(GFP_KERNEL, 0);
    const sgt = sg_alloc_table_from_pages([page], 1, 0, 4096);
    const calls: [string, () => unknown][] = [
      ["dma_vmap_noncontiguous", () => dma_vmap_noncontiguous(dev, 4096, sgt)],
      ["dma_vunmap_noncontiguous", () => dma_vunmap_noncontiguous(dev, s.kernel.mm.page_address(page))],
      ["dma_free_noncontiguous", () => dma_free_noncontiguous(dev, 4096, sgt, DMA_FROM_DEVICE)],
    ];
    for (const [fn, call] of calls) {
      const e = (() => { try { call(); } catch (x) { return x; } })() as KernelError;
      expect(e).toBeInstanceOf(KernelError);
      expect(e.errno).toBe(-ENOSYS);
      expect(e.message).toBe(`-ENOSYS: ${fn}: Linux 4.9 has no ${fn} (added in 5.13); use dma_alloc_coherent, or dma_map_sg of pages you allocate`);
    }
  });

  it("size 0: NULL, and no page taken", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device(DMAC["arm64-ref"]);
    const free = s.kernel.mm.buddy.freePageCount;
    expect(dma_alloc_noncontiguous(dev, 0, DMA_FROM_DEVICE, GFP_KERNEL)).toBeNull();
    expect(s.kernel.mm.buddy.freePageCount).toBe(free);
  });
});
