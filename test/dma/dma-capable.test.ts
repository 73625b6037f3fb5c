// dma_capable (modern kernel/dma/direct.h; spec dma-api §3.1, §4): a mapping is direct only when
// its whole buffer, not just its first byte, lies at or below min_not_zero(dma_mask,
// bus_dma_limit); a buffer that crosses the limit bounces through swiotlb. The limit is put
// one page into a two-page buffer, so the answer is known without the code under test.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_page, dma_mapping_error, dma_unmap_page } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL, PAGE_SIZE } from "../../src/mm/gfp.js";

describe("modern dma_capable: the buffer's last byte decides", () => {
  async function rig() {
    const s = await createSystem({ board: "arm64-highmem", kernel: "modern", swiotlb: { size: 2 << 20 } });
    const dev = s.device("ff6e0000.dma-controller");
    dev.dma_mask = (1n << 64n) - 1n;
    const pfn = s.kernel.mm.alloc_pages(GFP_KERNEL, 1);
    const pa = pfn * PAGE_SIZE;
    const tlb = s.kernel.dma.swiotlb!;
    expect(pa).toBeGreaterThanOrEqual(tlb.end); // the limit below will leave the pool reachable
    const data = Uint8Array.from({ length: 2 * PAGE_SIZE }, (_, i) => (i * 7 + 3) & 0xff);
    s.cpu.write(s.kernel.mm.phys_to_virt(pa), data);
    return { s, dev, pfn, pa, tlb, data };
  }

  it("a buffer ending one byte past bus_dma_limit bounces; its bytes reach the device below the limit", async () => {
    const { s, dev, pfn, pa, tlb, data } = await rig();
    const limit = pa + 2 * PAGE_SIZE - 2;
    dev.bus_dma_limit = BigInt(limit);
    const dma = dma_map_page(dev, pfn, 0, 2 * PAGE_SIZE, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(dma >= tlb.start && dma + 2 * PAGE_SIZE <= tlb.end).toBe(true);
    expect(s.machine.backdoor.read(dma, 2 * PAGE_SIZE)).toEqual(data);
    dma_unmap_page(dev, dma, 2 * PAGE_SIZE, DMA_TO_DEVICE);
  });

  it("a buffer ending exactly at bus_dma_limit is mapped in place", async () => {
    const { s, dev, pfn, pa, data } = await rig();
    dev.bus_dma_limit = BigInt(pa + 2 * PAGE_SIZE - 1);
    const dma = dma_map_page(dev, pfn, 0, 2 * PAGE_SIZE, DMA_TO_DEVICE);
    expect(dma).toBe(pa);
    expect(s.machine.backdoor.read(dma, 2 * PAGE_SIZE)).toEqual(data);
    dma_unmap_page(dev, dma, 2 * PAGE_SIZE, DMA_TO_DEVICE);
  });
});
