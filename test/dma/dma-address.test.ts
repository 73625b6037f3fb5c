// Physical ↔ DMA address translation (spec dma-api §1.2; the kernel's translate_phys_to_dma /
// translate_dma_to_phys over dev->dma_range_map, and 4.9 arm's dma_pfn_offset). Expected
// addresses come from the board's device tree, worked out by hand.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_to_phys, phys_to_dma } from "../../src/dma/dma-address.js";
import { dma_alloc_coherent, dma_map_single, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

describe("dma-ranges windows", () => {
  it("a window's last byte translates; the byte after it has no DMA address", async () => {
    // arm64-dma-offset: dma-ranges = <0x0 0xc0000000  0x0 0x0  0x0 0x40000000>, bus
    // 0xc0000000 is CPU 0 for 1 GiB, so CPU 0x3fffffff is bus 0xffffffff and CPU 0x40000000 is
    // in no window (translate_phys_to_dma: DMA_MAPPING_ERROR; translate_dma_to_phys: -1).
    const s = await createSystem({ board: "arm64-dma-offset" });
    const dev = s.device("ff6e0000.dma-controller");
    expect(phys_to_dma(dev, 0)).toBe(0xc0000000);
    expect(phys_to_dma(dev, 0x3fffffff)).toBe(0xffffffff);
    expect(phys_to_dma(dev, 0x40000000)).toBe(DMA_MAPPING_ERROR);
    expect(dma_to_phys(dev, 0xffffffff)).toBe(0x3fffffff);
    expect(dma_to_phys(dev, 0x100000000)).toBe(-1);
    expect(dma_to_phys(dev, 0xbfffffff)).toBe(-1);
  });
});

describe("4.9 arm dma_pfn_offset", () => {
  it("a device's DMA address is the physical address less dma_pfn_offset pages, and back", async () => {
    // arch/arm/include/asm/dma-mapping.h: pfn_to_dma(dev, pfn) = pfn - dev->dma_pfn_offset.
    // Zynq's RAM is at 0; an offset of 0x100 pages puts PA 0x100000 at bus 0.
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const dev = s.device("f8003000.dma-controller");
    dev.dma_pfn_offset = 0x100;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    expect(pa).toBeGreaterThanOrEqual(0x100000);
    expect(phys_to_dma(dev, pa)).toBe(pa - 0x100000);
    expect(dma_to_phys(dev, pa - 0x100000)).toBe(pa);
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma).toBe(pa - 0x100000);
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
    // A coherent buffer's handle is offset the same way (arm __dma_alloc: pfn_to_dma).
    const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    expect(buf.dmaAddr).toBe(s.machine.mmu.translate(buf.cpuAddr)!.pa - 0x100000);
  });
});
