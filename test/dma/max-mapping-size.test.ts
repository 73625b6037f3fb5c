// dma_max_mapping_size on dma-direct (kernel/dma/direct.c dma_direct_max_mapping_size): one
// swiotlb segment (IO_TLB_SEGSIZE 128 slots of IO_TLB_SIZE 2 KB = 256 KiB) when a pool exists and
// the device is addressing-limited (its mask below dma_get_required_mask) or swiotlb=force;
// otherwise SIZE_MAX (dmasim: Number.MAX_SAFE_INTEGER).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_max_mapping_size, dma_set_mask } from "../../src/dma/mapping.js";
import { DMA_BIT_MASK } from "../../src/dma/constants.js";

const DMAC = "ff6e0000.dma-controller";
const SEGMENT = 128 * 2048;

describe("dma_max_mapping_size", () => {
  it("a mask that reaches exactly the end of RAM is not addressing-limited: no swiotlb cap", async () => {
    // arm64-ref: 1 GiB at 0x40000000, so the last page starts at 0x7ffff000 and the required mask
    // is 2^fls64(0x7ffff000) - 1 = 0x7fffffff = DMA_BIT_MASK(31): not below it, not limited.
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 2 << 20 } });
    const dev = s.device(DMAC);
    expect(dma_set_mask(dev, DMA_BIT_MASK(31))).toBe(0);
    expect(dma_max_mapping_size(dev)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("a 32-bit device with RAM above 4 GiB is capped at one swiotlb segment", async () => {
    // arm64-highmem: RAM up to 0x890000000, above DMA_BIT_MASK(32).
    const s = await createSystem({ board: "arm64-highmem" });
    expect(dma_max_mapping_size(s.device(DMAC))).toBe(SEGMENT);
  });

  it("swiotlb=force caps every device, whatever its mask", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 2 << 20, force: true } });
    const dev = s.device(DMAC);
    expect(dma_set_mask(dev, DMA_BIT_MASK(64))).toBe(0);
    expect(dma_max_mapping_size(dev)).toBe(SEGMENT);
  });
});
