// dma_need_sync (kernel/dma/direct.h dma_direct_need_sync: !dev_is_dma_coherent(dev) ||
// swiotlb_find_pool(dma_to_phys(addr))) and dma_opt_mapping_size (min of dma_max_mapping_size
// and the ops' opt_mapping_size; dma-direct has none, so dma_max_mapping_size: a swiotlb
// segment of IO_TLB_SEGSIZE 128 × IO_TLB_SIZE 2 KiB = 256 KiB when mappings may bounce).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_single, dma_need_sync, dma_opt_mapping_size, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { ENOSYS, KernelError } from "../../src/kernel/errno.js";

const ZDMAC = "f8003000.dma-controller";
const ADMAC = "ff6e0000.dma-controller";

describe("dma_need_sync", () => {
  it("a non-coherent device needs its syncs", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device(ZDMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma_need_sync(dev, dma)).toBe(true);
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
  });

  it("a dma-coherent device does not, unless the mapping bounced through swiotlb", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 2 << 20, force: true } });
    const dev = s.device(ADMAC);
    dev.dma_coherent = true;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    const pool = s.kernel.dma.swiotlb!.usage();
    expect(dma).not.toBe(pa); // swiotlb=force: bounced
    expect(dma >= pool.start && dma < pool.end).toBe(true);
    expect(dma_need_sync(dev, dma)).toBe(true); // the syncs copy to and from the bounce slot
    expect(dma_need_sync(dev, pa)).toBe(false); // an address outside the pool
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
  });

  it("a dma-coherent device's direct mapping needs none", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const dev = s.device(ADMAC);
    dev.dma_coherent = true;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma).toBe(s.kernel.mm.virt_to_phys(va));
    expect(dma_need_sync(dev, dma)).toBe(false);
  });
});

describe("dma_opt_mapping_size", () => {
  it("unlimited without bouncing; one swiotlb segment (256 KiB) with swiotlb=force", async () => {
    const plain = await createSystem({ board: "arm64-ref" });
    expect(dma_opt_mapping_size(plain.device(ADMAC))).toBe(Number.MAX_SAFE_INTEGER);
    const forced = await createSystem({ board: "arm64-ref", swiotlb: { size: 2 << 20, force: true } });
    expect(dma_opt_mapping_size(forced.device(ADMAC))).toBe(256 * 1024);
  });
});

describe("4.9", () => {
  it("has neither: -ENOSYS", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const dev = s.device(ADMAC);
    for (const [call, text] of [
      [() => dma_need_sync(dev, 0x40000000), "dma_need_sync: Linux 4.9 has no dma_need_sync (added in 5.8)"],
      [() => dma_opt_mapping_size(dev), "dma_opt_mapping_size: Linux 4.9 has no dma_opt_mapping_size (added in 6.0); use dma_max_mapping_size"],
    ] as const) {
      let e: unknown;
      try { call(); } catch (x) { e = x; }
      expect(e).toBeInstanceOf(KernelError);
      expect((e as KernelError).errno).toBe(-ENOSYS);
      expect((e as KernelError).message).toContain(text);
    }
  });
});
