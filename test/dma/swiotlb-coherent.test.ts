// swiotlb for a dma-coherent device (kernel/dma/swiotlb.c swiotlb_map, dma-direct): the bounce
// copies happen as for any device, but the slot gets no arch cache maintenance — the device
// snoops the CPU's caches (spec dma-api §2.2: maintenance is for non-coherent masters only).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_single, dma_mapping_error, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

describe("swiotlb=force with a dma-coherent device", () => {
  it("bounces the buffer into a slot and does no cache maintenance at map or unmap", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 2 << 20, force: true } });
    const dev = s.device("ff6e0000.dma-controller");
    dev.dma_coherent = true;
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
    s.cpu.write(va, data);
    const t = s.kernel.dma.time;
    const before = t.maintainedBytes;
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(tlb.is_swiotlb_buffer(dma)).toBe(true);
    expect(s.cpu.read(s.kernel.mm.phys_to_virt(dma), 4096)).toEqual(data);
    expect(t.maintainedBytes).toBe(before);
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
    expect(t.maintainedBytes).toBe(before);
    expect(tlb.usage().used).toBe(0);
  });
});
