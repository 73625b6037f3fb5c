// swiotlb=noforce (Linux 4.10+: SWIOTLB_NO_FORCE, mainline swiotlb_force_disable) and swiotlb=0:
// no bounce pool, so a streaming mapping the PL330 (32-bit mask) cannot reach fails with
// DMA_MAPPING_ERROR instead of bouncing, and nothing is copied. 4.9 does not know noforce.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_single, dma_mapping_error, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_DMA, GFP_KERNEL } from "../../src/mm/gfp.js";
import type { SystemOptions } from "../../src/system.js";
import { ranOnText } from "../../src/provenance.js";

const DMAC = "ff6e0000.dma-controller";
const ENOMEM = -12;

async function highmem(swiotlb: SystemOptions["swiotlb"], kernel?: "v4.9") {
  return createSystem({ board: "arm64-highmem", swiotlb, ...(kernel ? { kernel } : {}), worker: false });
}

describe("swiotlb=noforce on the modern kernel (arm64-highmem: RAM above 4 GiB)", () => {
  for (const swiotlb of ["noforce", { noforce: true }, "1024,noforce"] as const) {
    it(`builds no pool, and a high buffer's mapping fails with nothing copied (${JSON.stringify(swiotlb)})`, async () => {
      const s = await highmem(swiotlb);
      try {
        // swiotlb_init_remap returns on swiotlb_force_disable before allocating: no pool, no log line.
        expect(s.kernel.dma.swiotlb).toBeNull();
        expect(s.kernel.printk.grep("software IO TLB")).toEqual([]);
        const dev = s.device(DMAC);
        const va = s.kernel.kmalloc(4096, GFP_KERNEL);
        const pa = s.kernel.mm.virt_to_phys(va);
        expect(pa).toBeGreaterThan(0xffffffff);
        s.cpu.write(va, new Uint8Array(4096).fill(0x5a));
        const before = s.kernel.dma.time.snapshot();
        const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
        expect(dma).toBe(DMA_MAPPING_ERROR);
        expect(dma_mapping_error(dev, dma)).toBe(ENOMEM);
        expect(s.kernel.dma.time.snapshot().bouncedBytes - before.bouncedBytes).toBe(0);
        // dma-direct's dev_WARN_ONCE, then dmasim's reason: the address, the mask, noforce.
        const hex = pa.toString(16);
        expect(s.kernel.printk.grep("overflow")).toEqual([
          expect.stringContaining(`dma-pl330 ${DMAC}: DMA addr 0x${hex.padStart(16, "0")}+4096 overflow (mask ffffffff, bus limit 0).`),
        ]);
        expect(s.kernel.printk.grep("noforce")).toEqual([
          expect.stringContaining(`dma-pl330 ${DMAC}: DMA address 0x${hex}+4096 is beyond the device's DMA mask 0xffffffff, and swiotlb=noforce disabled swiotlb: there is no bounce pool to copy it through (dmasim)`),
        ]);
        // A buffer the device reaches maps as itself (dma-direct, no bounce).
        const low = s.kernel.kmalloc(4096, GFP_KERNEL | GFP_DMA);
        const lowPa = s.kernel.mm.virt_to_phys(low);
        expect(lowPa).toBeLessThanOrEqual(0xffffffff - 4095);
        const lowDma = dma_map_single(dev, low, 4096, DMA_TO_DEVICE);
        expect(lowDma).toBe(lowPa);
        dma_unmap_single(dev, lowDma, 4096, DMA_TO_DEVICE);
      } finally {
        s.dispose();
      }
    });
  }

  it("prints swiotlb=noforce in the run heading's options, as the kernel command line reads", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { noforce: true }, worker: false });
    try {
      expect(s.provenance().options).toEqual({ swiotlb: { noforce: true } });
      expect(ranOnText(s.provenance())).toBe("dmasim arm64 reference board (modern kernel, swiotlb=noforce)");
      // The kmalloc bounce pool's size is still adjusted in mem_init (1 GiB of RAM: 1 MiB), but
      // none is built; kmalloc keeps cache-line (64-byte) alignment without one.
      expect(s.kernel.printk.grep("SWIOTLB bounce buffer size adjusted")).toEqual([expect.stringContaining("SWIOTLB bounce buffer size adjusted to 1MB")]);
      expect(s.kernel.dma.swiotlb).toBeNull();
    } finally {
      s.dispose();
    }
  });

  it("fails memcpy's streaming copy with the kernel's -ENOMEM and dmasim's reason", async () => {
    const s = await highmem("noforce");
    try {
      expect(() => s.run("memcpy", { size: "4K", buffers: "streaming" })).toThrow(
        new RegExp(`^-ENOMEM: dma_map_single of 4096 bytes for ${DMAC} failed \\(DMA_MAPPING_ERROR\\): DMA address 0x8[0-9a-f]{8}\\+4096 is beyond the device's DMA mask 0xffffffff, and swiotlb=noforce disabled swiotlb: there is no bounce pool to copy it through \\(dmasim\\)$`));
    } finally {
      s.dispose();
    }
  });
});

describe("swiotlb=noforce on Linux 4.9, which predates it", () => {
  it("is ignored as 4.9's setup_io_tlb_npages ignores any word but force: the default 64 MiB pool bounces the high buffer", async () => {
    const s = await highmem("noforce", "v4.9");
    try {
      expect(s.kernel.dma.swiotlb?.nslabs).toBe(32768); // 64 MiB / 2 KiB
      expect(s.kernel.printk.grep('"noforce" is unknown to Linux 4.9')).toHaveLength(1);
      const dev = s.device(DMAC);
      const va = s.kernel.kmalloc(4096, GFP_KERNEL);
      const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
      expect(dma_mapping_error(dev, dma)).toBe(0);
      expect(s.kernel.dma.swiotlb!.is_swiotlb_buffer(dma)).toBe(true);
      dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
    } finally {
      s.dispose();
    }
  });
});

describe("swiotlb=0", () => {
  it("on the modern kernel is no pool (0 slabs), as the text and as { size: 0 }", async () => {
    for (const swiotlb of ["0", { size: 0 }] as const) {
      const s = await highmem(swiotlb);
      try {
        expect(s.kernel.dma.swiotlb).toBeNull();
        const dev = s.device(DMAC);
        const va = s.kernel.kmalloc(4096, GFP_KERNEL);
        expect(dma_map_single(dev, va, 4096, DMA_TO_DEVICE)).toBe(DMA_MAPPING_ERROR);
        // No noforce, so no word about it: only the kernel's line.
        expect(s.kernel.printk.grep("noforce")).toEqual([]);
      } finally {
        s.dispose();
      }
    }
  });

  it("with force is refused: Linux would force every mapping into a pool without a slot", async () => {
    await expect(highmem("0,force")).rejects.toThrow(
      "swiotlb: force with no pool (0 slabs) is not modelled: Linux would force every streaming mapping into a pool without a slot, and each would fail; give a slab count, or leave force out");
  });

  it("on 4.9 with RAM beyond ZONE_DMA is refused with why: 4.9 reads 0 slabs as the default 64 MiB", async () => {
    await expect(highmem("0", "v4.9")).rejects.toThrow("4.9's mem_init then always calls swiotlb_init, which takes the default 64 MiB for swiotlb=0");
  });

  it("on 4.9 names the last byte of RAM and of ZONE_DMA", async () => {
    // arm64-highmem's RAM: 256 MiB at 0x80000000 and 256 MiB at 0x880000000, so its last byte is
    // 0x88fffffff; 4.9's ZONE_DMA ends 4 GiB above DRAM's 4 GiB-aligned base (0), last byte 0xffffffff.
    await expect(highmem("0", "v4.9")).rejects.toThrow(
      "swiotlb: no bounce pool (size 0) cannot be had on Linux 4.9 arm64 with RAM up to PA 0x88fffffff, beyond ZONE_DMA's end at 0xffffffff: ");
  });
});
