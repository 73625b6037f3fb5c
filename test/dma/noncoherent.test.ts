// Non-coherent allocations (dma_alloc_noncoherent, dma_alloc_pages, dma_alloc_wc): the memory
// type the CPU gets, the bytes it reads after a device wrote (stale without the sync, right with
// it), the 4.9 pitfall (an uncached buffer), the refusals and DMA-API debug's entries.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_alloc_coherent, dma_alloc_noncoherent, dma_free_noncoherent, dma_alloc_pages, dma_free_pages, dma_alloc_wc, dma_free_wc,
  dma_sync_single_for_cpu, dma_sync_single_for_device, dma_free_coherent,
} from "../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_DMA, GFP_KERNEL } from "../../src/mm/gfp.js";
import { ENOSYS, KernelError } from "../../src/kernel/errno.js";
import { deviceWrites } from "../helpers/device-writes.js";

const WB = 0; // mmuLastAttr memory types (hw/page-attributes.ts)
const NC = 1;
const pat = (n: number, s = 7) => Uint8Array.from({ length: n }, (_, i) => (i * s + 3) & 0xff);
const DMAC = { "zynq-7000": "f8003000.dma-controller", "arm64-ref": "ff6e0000.dma-controller" } as const;
type Board = keyof typeof DMAC;

describe.each(["zynq-7000", "arm64-ref"] as const)("dma_alloc_noncoherent, modern kernel, %s", (board: Board) => {
  it("gives zeroed pages at their cacheable linear address, PA = DMA address", async () => {
    const s = await createSystem({ board });
    const dev = s.device(DMAC[board]);
    const buf = dma_alloc_noncoherent(dev, 3000, DMA_FROM_DEVICE, GFP_KERNEL)!;
    const mm = s.kernel.mm;
    expect(buf.cpuAddr).toBe(mm.phys_to_virt(buf.dmaAddr));
    expect(s.machine.mmu.translate(buf.cpuAddr)).toEqual({ pa: buf.dmaAddr, attr: WB });
    expect(mm.buddy.allocatedOrder(buf.dmaAddr / 4096)).toBe(0); // 3000 bytes: one page
    expect(s.cpu.read(buf.cpuAddr, 3000)).toEqual(new Uint8Array(3000));
    dma_free_noncoherent(dev, 3000, buf.cpuAddr, buf.dmaAddr, DMA_FROM_DEVICE);
    expect(mm.buddy.allocatedOrder(buf.dmaAddr / 4096)).toBe(-1);
  });

  it("the CPU reads stale bytes after a device write without dma_sync_single_for_cpu, the device's with it", async () => {
    const s = await createSystem({ board });
    const dev = s.device(DMAC[board]);
    const n = 4096;
    const buf = dma_alloc_noncoherent(dev, n, DMA_FROM_DEVICE, GFP_KERNEL)!;
    dma_sync_single_for_device(dev, buf.dmaAddr, n, DMA_FROM_DEVICE);
    expect(s.cpu.read(buf.cpuAddr, n)).toEqual(new Uint8Array(n)); // a read too early: the lines are cached
    deviceWrites(s, dev, buf.dmaAddr, pat(n));
    expect(s.machine.backdoor.read(buf.dmaAddr, n)).toEqual(pat(n));
    expect(s.cpu.read(buf.cpuAddr, n)).toEqual(new Uint8Array(n)); // stale: the cached zeros
    dma_sync_single_for_cpu(dev, buf.dmaAddr, n, DMA_FROM_DEVICE);
    expect(s.cpu.read(buf.cpuAddr, n)).toEqual(pat(n));
    dma_free_noncoherent(dev, n, buf.cpuAddr, buf.dmaAddr, DMA_FROM_DEVICE);
  });

  it("dma_alloc_pages gives the page and DMA address; a zone modifier is refused with a WARNING", async () => {
    const s = await createSystem({ board });
    const dev = s.device(DMAC[board]);
    const p = dma_alloc_pages(dev, 8192, DMA_TO_DEVICE, GFP_KERNEL)!;
    expect(p.dmaAddr).toBe(p.page * 4096);
    expect(s.kernel.mm.buddy.allocatedOrder(p.page)).toBe(1);
    dma_free_pages(dev, 8192, p.page, p.dmaAddr, DMA_TO_DEVICE);
    expect(s.kernel.mm.buddy.allocatedOrder(p.page)).toBe(-1);
    expect(dma_alloc_pages(dev, 4096, DMA_TO_DEVICE, GFP_DMA)).toBeNull();
    expect(s.dmesg()).toContain("WARNING: __dma_alloc_pages: zone modifiers");
  });

  it("dma_alloc_wc maps Normal non-cacheable, the same memory type as dma_alloc_coherent", async () => {
    const s = await createSystem({ board });
    const dev = s.device(DMAC[board]);
    const wc = dma_alloc_wc(dev, 4096, GFP_KERNEL)!;
    const coh = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(s.machine.mmu.translate(wc.cpuAddr)).toEqual({ pa: wc.dmaAddr, attr: NC });
    expect(s.machine.mmu.translate(coh.cpuAddr)).toEqual({ pa: coh.dmaAddr, attr: NC });
    s.cpu.write(wc.cpuAddr, pat(64));
    expect(s.machine.backdoor.read(wc.dmaAddr, 64)).toEqual(pat(64)); // no cache holds it
    dma_free_wc(dev, 4096, wc.cpuAddr, wc.dmaAddr);
  });
});

describe.each(["zynq-7000", "arm64-ref"] as const)("Linux 4.9, %s", (board: Board) => {
  it("dma_alloc_noncoherent (DMA_ATTR_NON_CONSISTENT, ignored) gives the uncached coherent buffer", async () => {
    const s = await createSystem({ board, kernel: "v4.9" });
    const dev = s.device(DMAC[board]);
    const n = 4096;
    const buf = dma_alloc_noncoherent(dev, n, DMA_FROM_DEVICE, GFP_KERNEL)!;
    const mm = s.kernel.mm;
    expect(mm.isVmalloc(buf.cpuAddr)).toBe(true);
    expect(s.machine.mmu.translate(buf.cpuAddr)).toEqual({ pa: buf.dmaAddr, attr: NC });
    // Uncached: the device's bytes are visible with or without the sync.
    expect(s.cpu.read(buf.cpuAddr, n)).toEqual(new Uint8Array(n));
    deviceWrites(s, dev, buf.dmaAddr, pat(n));
    expect(s.cpu.read(buf.cpuAddr, n)).toEqual(pat(n));
    dma_free_noncoherent(dev, n, buf.cpuAddr, buf.dmaAddr, DMA_FROM_DEVICE);
  });

  it("refuses dma_alloc_pages and dma_free_pages with -ENOSYS", async () => {
    const s = await createSystem({ board, kernel: "v4.9" });
    const dev = s.device(DMAC[board]);
    for (const call of [() => dma_alloc_pages(dev, 4096, DMA_TO_DEVICE, GFP_KERNEL), () => dma_free_pages(dev, 4096, 0x100, 0x100000, DMA_TO_DEVICE)]) {
      let e: unknown;
      try {
        call();
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(KernelError);
      expect((e as KernelError).errno).toBe(-ENOSYS);
      expect((e as Error).message).toMatch(/Linux 4\.9 has no dma_(alloc|free)_pages \(added in 5\.10\)/);
    }
  });
});

describe("DMA-API debug of noncoherent allocations (modern)", () => {
  const P = "DMA-API: dma-pl330 ff6e0000.dma-controller: ";
  const a16 = (n: number) => "0x" + n.toString(16).padStart(16, "0");

  it("records a noncoherent entry that needs no dma_mapping_error, and frees it silently", async () => {
    const s = await createSystem({ board: "arm64-ref", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(DMAC["arm64-ref"]);
    const buf = dma_alloc_noncoherent(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL)!;
    expect(s.kernel.dma.debug.dump()).toMatch(/ noncoherent idx \d+ P=0x[0-9a-f]{16} .* DMA_FROM_DEVICE /);
    dma_free_noncoherent(dev, 4096, buf.cpuAddr, buf.dmaAddr, DMA_FROM_DEVICE);
    expect(s.dmesg()).not.toContain(P);
  });

  it("reports a free with the wrong size, the wrong CPU address or as the wrong type", async () => {
    const s = await createSystem({ board: "arm64-ref", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(DMAC["arm64-ref"]);
    const a = dma_alloc_noncoherent(dev, 8192, DMA_FROM_DEVICE, GFP_KERNEL)!;
    dma_free_noncoherent(dev, 4096, a.cpuAddr, a.dmaAddr, DMA_FROM_DEVICE);
    expect(s.dmesg()).toContain(`${P}device driver frees DMA memory with different size [device address=${a16(a.dmaAddr)}] [map size=8192 bytes] [unmap size=4096 bytes]`);
    // dmasim freed the block as allocated, so both pages are free again.
    expect(s.kernel.mm.buddy.allocatedOrder(a.dmaAddr / 4096)).toBe(-1);

    const b = dma_alloc_noncoherent(dev, 8192, DMA_FROM_DEVICE, GFP_KERNEL)!;
    dma_free_noncoherent(dev, 8192, b.cpuAddr + 4096, b.dmaAddr, DMA_FROM_DEVICE);
    expect(s.dmesg()).toContain(`${P}device driver frees DMA memory with different CPU address [device address=${a16(b.dmaAddr)}] [size=8192 bytes] [cpu alloc address=${a16(b.dmaAddr)}] [cpu free address=${a16(b.dmaAddr + 4096)}]`);
    expect(s.dmesg()).toContain("WARNING: dma_free_pages: pfn");

    const c = dma_alloc_noncoherent(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL)!;
    dma_free_coherent(dev, 4096, c.cpuAddr, c.dmaAddr);
    expect(s.dmesg()).toContain(`${P}device driver frees DMA memory with wrong function [device address=${a16(c.dmaAddr)}] [size=4096 bytes] [mapped as noncoherent] [unmapped as coherent]`);
  });
});

describe("dma_alloc_pages: sizes and addresses", () => {
  it("freeing with the size given at allocation, not page-aligned, says nothing", async () => {
    // __dma_free_pages frees PAGE_ALIGN(size): 5000 bytes are the same two pages as allocated.
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device("ff6e0000.dma-controller");
    const p = dma_alloc_pages(dev, 5000, DMA_TO_DEVICE, GFP_KERNEL)!;
    dma_free_pages(dev, 5000, p.page, p.dmaAddr, DMA_TO_DEVICE);
    expect(s.kernel.printk.grep("dma_free_pages")).toEqual([]);
  });

  it("the DMA address goes through the bus's dma-ranges", async () => {
    // arm64-dma-offset: bus 0xc0000000 is CPU 0 (dma-ranges), so page p is at 0xc0000000 + p * 4096.
    const s = await createSystem({ board: "arm64-dma-offset" });
    const dev = s.device("ff6e0000.dma-controller");
    const p = dma_alloc_pages(dev, 4096, DMA_FROM_DEVICE, GFP_KERNEL)!;
    expect(p.dmaAddr).toBe(0xc0000000 + p.page * 4096);
  });
});
