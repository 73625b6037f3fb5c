// dma_mmap_pages, dma_mmap_noncontiguous and dma_can_mmap (kernel/dma/mapping.c): which pages a
// process gets (vm_pgoff counts pages into the block), the VMA's own cacheable protection (the
// pages are lowmem the kernel maps cacheable too), the bytes both sides see, -ENXIO when the VMA
// asks for more than the block has, and -ENOSYS on 4.9, which had none of the three.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { editedSystem } from "../helpers/edited-system.js";
import type { DeviceTree } from "../../src/of/node.js";
import { userTranslation } from "../helpers/user-translation.js";
import { thrown } from "../helpers/thrown.js";
import {
  dma_alloc_noncontiguous, dma_alloc_pages, dma_free_pages, dma_sync_single_for_cpu, dma_vmap_noncontiguous,
  dma_mmap_noncontiguous,
} from "../../src/dma/mapping.js";
import { dma_can_mmap, dma_mmap_pages } from "../../src/dma/mmap.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import type { VmAreaStruct } from "../../src/mm/mmap.js";
import type { KernelError } from "../../src/kernel/errno.js";

const DMAC = { "zynq-7000": "f8003000.dma-controller", "arm64-ref": "ff6e0000.dma-controller" } as const;

const errnoOf = (f: () => unknown) => thrown<KernelError>(f).errno;

/** The page the MMU finds behind a user address, and its memory type. */
function hwPage(s: System, uva: number): { pfn: number; memType: string } {
  const t = userTranslation(s, uva);
  return { pfn: Math.floor(t.pa / 4096), memType: t.memType };
}

describe("dma_mmap_pages", () => {
  it.each(["zynq-7000", "arm64-ref"] as const)("%s: vm_pgoff picks the block's page, mapped cacheable (Normal WB) like the kernel's view", async (board) => {
    const s = await createSystem({ board });
    const dev = s.device(DMAC[board]);
    const blk = dma_alloc_pages(dev, 3 * 4096, DMA_BIDIRECTIONAL, GFP_KERNEL)!;
    const kva = s.kernel.mm.page_address(blk.page);
    s.cpu.write(kva + 4096, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    // Two pages from page 1 of the block: the process's first page is pfn page + 1.
    const uva = s.user.mmap(2 * 4096, (vma) => dma_mmap_pages(dev, vma, 3 * 4096, blk.page), { offset: 4096 });
    expect(hwPage(s, uva)).toEqual({ pfn: blk.page + 1, memType: "Normal WB" });
    expect(hwPage(s, uva + 4096)).toEqual({ pfn: blk.page + 2, memType: "Normal WB" });
    expect([...s.user.read(uva, 4)]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    // What the process writes, the kernel reads at the same place of its linear map.
    s.user.write(uva + 4096 + 8, new Uint8Array([1, 2, 3]));
    expect([...s.cpu.read(kva + 2 * 4096 + 8, 3)]).toEqual([1, 2, 3]);
    expect(s.dmesg()).not.toMatch(/WARNING: dma_mmap_pages/);
  });

  it("zynq-7000: a device write is stale through the cacheable mapping until dma_sync_single_for_cpu", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const blk = dma_alloc_pages(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL)!;
    const uva = s.user.mmap(4096, (vma) => dma_mmap_pages(dev, vma, 4096, blk.page));
    s.user.write(uva, new Uint8Array(64).fill(0x11));
    expect([...s.user.read(uva, 1)]).toEqual([0x11]); // the line is in the caches now
    // The PL330 writes DRAM beneath the caches (zynq: dma address = physical address).
    s.machine.backdoor.write(blk.dmaAddr, new Uint8Array(64).fill(0x22));
    expect([...s.user.read(uva, 1)]).toEqual([0x11]);
    dma_sync_single_for_cpu(dev, blk.dmaAddr, 4096, DMA_FROM_DEVICE);
    expect([...s.user.read(uva, 64)].every((b) => b === 0x22)).toBe(true);
  });

  it("-ENXIO when vm_pgoff lies past the block or the VMA is larger than what is left; a partial page counts", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const blk = dma_alloc_pages(dev, 2 * 4096, DMA_BIDIRECTIONAL, GFP_KERNEL)!;
    const fop = (size: number) => (vma: VmAreaStruct) => dma_mmap_pages(dev, vma, size, blk.page);
    // count = PAGE_ALIGN(8192) >> 12 = 2 pages.
    expect(errnoOf(() => s.user.mmap(3 * 4096, fop(8192)))).toBe(-6);
    expect(errnoOf(() => s.user.mmap(4096, fop(8192), { offset: 2 * 4096 }))).toBe(-6);
    expect(errnoOf(() => s.user.mmap(2 * 4096, fop(8192), { offset: 4096 }))).toBe(-6);
    // size 4097: PAGE_ALIGN gives 2 pages, both mappable.
    expect(s.user.mmap(2 * 4096, fop(4097))).toBeGreaterThan(0);
    // size 0: count 0, so even vm_pgoff 0 lies past it.
    expect(errnoOf(() => s.user.mmap(4096, fop(0)))).toBe(-6);
  });

  it("a freed block, or a size past the block: mapped as Linux maps it, with a WARNING", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(DMAC["zynq-7000"]);
    const blk = dma_alloc_pages(dev, 4096, DMA_BIDIRECTIONAL, GFP_KERNEL)!;
    const gone = dma_alloc_pages(dev, 4096, DMA_BIDIRECTIONAL, GFP_KERNEL)!;
    dma_free_pages(dev, 4096, gone.page, gone.dmaAddr, DMA_BIDIRECTIONAL);
    const uva = s.user.mmap(4096, (vma) => dma_mmap_pages(dev, vma, 4096, gone.page));
    expect(hwPage(s, uva).pfn).toBe(gone.page);
    expect(s.user.mmap(2 * 4096, (vma) => dma_mmap_pages(dev, vma, 2 * 4096, blk.page))).toBeGreaterThan(0);
    const warnings = s.dmesg().split("\n").filter((l) => l.includes("WARNING: dma_mmap_pages"));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`f8003000.dma-controller: pfn 0x${gone.page.toString(16)} starts no live dma_alloc_pages block of this device`);
    expect(warnings[1]).toContain("size 8192 is larger than the 4096-byte block");
  });
});

describe("dma_mmap_noncontiguous", () => {
  it("maps the table's one block: the bytes written through dma_vmap_noncontiguous, page by vm_pgoff", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device(DMAC["arm64-ref"]);
    const sgt = dma_alloc_noncontiguous(dev, 2 * 4096, DMA_BIDIRECTIONAL, GFP_KERNEL)!;
    const va = dma_vmap_noncontiguous(dev, 2 * 4096, sgt);
    s.cpu.write(va + 4096 + 100, new Uint8Array([7, 8, 9]));
    const uva = s.user.mmap(4096, (vma) => dma_mmap_noncontiguous(dev, vma, 2 * 4096, sgt), { offset: 4096 });
    expect(hwPage(s, uva)).toEqual({ pfn: sgt.sgl[0].page + 1, memType: "Normal WB" });
    expect([...s.user.read(uva + 100, 3)]).toEqual([7, 8, 9]);
    expect(errnoOf(() => s.user.mmap(3 * 4096, (vma) => dma_mmap_noncontiguous(dev, vma, 2 * 4096, sgt)))).toBe(-6);
    expect(() => s.user.mmap(4096, (vma) => dma_mmap_noncontiguous(dev, vma, 4096, { sgl: [], orig_nents: 0, nents: 0 }))).toThrow(/-EINVAL: dma_mmap_noncontiguous: sgt/);
  });
});

describe("dma_can_mmap", () => {
  it("is true for a non-coherent and a dma-coherent device on arm and arm64 (DMA_NONCOHERENT_MMAP)", async () => {
    for (const board of ["zynq-7000", "arm64-ref"] as const) {
      const s = await createSystem({ board });
      expect(s.device(DMAC[board]).dma_coherent).toBe(false);
      expect(dma_can_mmap(s.device(DMAC[board]))).toBe(true);
    }
    const c = await editedSystem("arm64-ref", (tree: DeviceTree) => {
      for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
    });
    expect(c.device(DMAC["arm64-ref"]).dma_coherent).toBe(true);
    expect(dma_can_mmap(c.device(DMAC["arm64-ref"]))).toBe(true);
  });

  it("4.9 has none of the three: -ENOSYS naming when each arrived", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device(DMAC["zynq-7000"]);
    expect(() => dma_can_mmap(dev)).toThrow(/-ENOSYS: dma_can_mmap: Linux 4.9 has no dma_can_mmap \(added in 5.4\)/);
    expect(() => s.user.mmap(4096, (vma) => dma_mmap_pages(dev, vma, 4096, 0x100))).toThrow(/-ENOSYS: dma_mmap_pages: .*added in 5.13/);
    expect(() => s.user.mmap(4096, (vma) => dma_mmap_noncontiguous(dev, vma, 4096, { sgl: [], orig_nents: 0, nents: 0 }))).toThrow(/-ENOSYS: dma_mmap_noncontiguous: .*added in 5.13/);
  });
});
