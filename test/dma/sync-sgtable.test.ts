// dma_sync_sgtable_for_cpu / _for_device (include/linux/dma-mapping.h, 5.8+): dma_sync_sg_* of
// the table's orig_nents entries. On a non-coherent board they do the same maintenance as the
// older calls: the same bytes in memory, and the same simulated picoseconds.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import {
  dma_map_sgtable, dma_sync_sg_for_cpu, dma_sync_sgtable_for_cpu, dma_sync_sgtable_for_device, dma_unmap_sgtable,
} from "../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { sg_alloc_table_from_pages, type SgTable } from "../../src/dma/scatterlist.js";
import { ENOSYS, KernelError } from "../../src/kernel/errno.js";

const DMAC = "f8003000.dma-controller";
const pat = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + k) & 0xff);

/** Two separate pages mapped FROM_DEVICE as a two-entry table, their zeros read (cached) by the
 *  CPU, then overwritten in DRAM by a "device" (the backdoor: beneath every cache). */
async function staleTable(kernel: "modern" | "v4.9" = "modern"): Promise<{ s: System; sgt: SgTable; vas: number[] }> {
  const s = await createSystem({ board: "zynq-7000", kernel });
  const dev = s.device(DMAC);
  const mm = s.kernel.mm;
  const pages = [mm.alloc_pages(GFP_KERNEL, 0), mm.alloc_pages(GFP_KERNEL, 0)];
  const sgt = sg_alloc_table_from_pages(pages.includes(pages[0] + 1) ? [pages[1], pages[0]] : pages, 2, 0, 8192);
  const vas = sgt.sgl.slice(0, 2).map((sg) => mm.page_address(sg.page));
  for (const va of vas) s.cpu.write(va, new Uint8Array(4096));
  if (kernel === "modern") expect(dma_map_sgtable(dev, sgt, DMA_FROM_DEVICE)).toBe(0);
  vas.forEach((va) => s.cpu.read(va, 4096)); // the CPU caches the zeros again
  sgt.sgl.slice(0, 2).forEach((sg, i) => s.machine.backdoor.write(sg.dma_address || sg.page * 4096, pat(4096, i)));
  return { s, sgt, vas };
}

describe("dma_sync_sgtable_for_device", () => {
  it("gives the device what the CPU wrote: a TO_DEVICE table's cached writes are cleaned to DRAM", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC);
    const mm = s.kernel.mm;
    const sgt = sg_alloc_table_from_pages([mm.alloc_pages(GFP_KERNEL, 0)], 1, 0, 4096);
    const va = mm.page_address(sgt.sgl[0].page);
    expect(dma_map_sgtable(dev, sgt, DMA_TO_DEVICE)).toBe(0);
    const dram = () => s.machine.backdoor.read(sgt.sgl[0].dma_address, 4096);
    const before = dram();
    // The driver refills the mapped buffer: the write-back L1 and L2 hold the bytes, DRAM not.
    s.cpu.write(va, pat(4096, 3));
    expect(dram()).toEqual(before);
    dma_sync_sgtable_for_device(dev, sgt, DMA_TO_DEVICE);
    expect(dram()).toEqual(pat(4096, 3));
    dma_unmap_sgtable(dev, sgt, DMA_TO_DEVICE);
  });
});

describe("dma_sync_sgtable_for_cpu", () => {
  it("syncs every entry (orig_nents): the CPU sees both pages' new bytes", async () => {
    const { s, sgt, vas } = await staleTable();
    expect(sgt.orig_nents).toBe(2);
    expect(s.cpu.read(vas[0], 4096)).toEqual(new Uint8Array(4096)); // stale before the sync
    dma_sync_sgtable_for_cpu(s.device(DMAC), sgt, DMA_FROM_DEVICE);
    expect(s.cpu.read(vas[0], 4096)).toEqual(pat(4096, 0));
    expect(s.cpu.read(vas[1], 4096)).toEqual(pat(4096, 1));
    dma_unmap_sgtable(s.device(DMAC), sgt, DMA_FROM_DEVICE);
  });

  it("takes the same simulated picoseconds as dma_sync_sg_for_cpu(sgl, orig_nents)", async () => {
    const a = await staleTable();
    const b = await staleTable();
    const t0 = a.s.now();
    dma_sync_sgtable_for_cpu(a.s.device(DMAC), a.sgt, DMA_FROM_DEVICE);
    const ta = a.s.now() - t0;
    const t1 = b.s.now();
    dma_sync_sg_for_cpu(b.s.device(DMAC), b.sgt.sgl, b.sgt.orig_nents, DMA_FROM_DEVICE);
    const tb = b.s.now() - t1;
    expect(ta).toBeGreaterThan(0);
    expect(ta).toBe(tb);
  });

  it("DMA-API debug checks it as dma_sync_sg_for_device: a sync in another direction than the map is reported", async () => {
    const s = await createSystem({ board: "zynq-7000", dmaDebug: true });
    const dev = s.device(DMAC);
    const sgt = sg_alloc_table_from_pages([s.kernel.mm.alloc_pages(GFP_KERNEL, 0)], 1, 0, 4096);
    expect(dma_map_sgtable(dev, sgt, DMA_TO_DEVICE)).toBe(0);
    dma_sync_sgtable_for_device(dev, sgt, DMA_FROM_DEVICE);
    const hex = "0x" + sgt.sgl[0].dma_address.toString(16).padStart(16, "0");
    expect(s.kernel.dma.debug.reports).toEqual([
      `DMA-API: dma-pl330 f8003000.dma-controller: device driver syncs DMA memory with different direction [device address=${hex}] [size=4096 bytes] [mapped with DMA_TO_DEVICE] [synced with DMA_FROM_DEVICE]`,
    ]);
  });

  it("4.9 has neither (added in 5.8): -ENOSYS naming the 4.9 call", async () => {
    const { s, sgt } = await staleTable("v4.9");
    const dev = s.device(DMAC);
    for (const [f, old] of [[dma_sync_sgtable_for_cpu, "dma_sync_sg_for_cpu"], [dma_sync_sgtable_for_device, "dma_sync_sg_for_device"]] as const) {
      let e: unknown;
      try { f(dev, sgt, DMA_FROM_DEVICE); } catch (x) { e = x; }
      expect(e).toBeInstanceOf(KernelError);
      expect((e as KernelError).errno).toBe(-ENOSYS);
      expect((e as KernelError).message).toContain(`Linux 4.9 has no ${f.name} (added in 5.8); use ${old}`);
    }
  });
});
