// swiotlb=noforce (Linux 4.10+: SWIOTLB_NO_FORCE, mainline swiotlb_force_disable) and swiotlb=0:
// no bounce pool, so a streaming mapping the PL330 (32-bit mask) cannot reach fails with
// DMA_MAPPING_ERROR instead of bouncing, and nothing is copied. 4.9 does not know noforce.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
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

describe("swiotlb=noforce: dmasim names the bus limit (dma-ranges) only where it is the limit that failed", () => {
  // dma_capable compares a buffer's end with min_not_zero(dma_mask, bus_dma_limit): a bus limit
  // at or above the mask changes nothing, so the reason names the mask alone. The kernel's own
  // line prints both, as dev_WARN_ONCE's format does.
  const boardTree = (board: string) => readFileSync(new URL(`../../examples/boards/${board}.dts`, import.meta.url), "utf8");
  const highmemTree = (dmaRanges: string) =>
    boardTree("arm64-highmem").replace("\t\tranges;", `\t\tranges;\n\t\tdma-ranges = <${dmaRanges}>;`);

  /** Boots `dts` with swiotlb=noforce, checks the PL330's mask and bus limit, maps 4096 bytes at
   *  `pa` (a kmalloc buffer when absent) to the device and gives the PA and the two lines the
   *  failed mapping printed: the kernel's overflow warning and dmasim's reason. */
  async function failedMapping(dts: string, mask: bigint, busLimit: bigint, pa?: number) {
    const s = await createSystem({ dts, swiotlb: "noforce", worker: false });
    try {
      const dev = s.device(DMAC);
      expect([dev.dma_mask, dev.bus_dma_limit]).toEqual([mask, busLimit]);
      const va = pa === undefined ? s.kernel.kmalloc(4096, GFP_KERNEL) : s.kernel.mm.phys_to_virt(pa);
      expect(dma_map_single(dev, va, 4096, DMA_TO_DEVICE)).toBe(DMA_MAPPING_ERROR);
      const [overflow, ...moreOverflow] = s.kernel.printk.grep("overflow");
      const [reason, ...moreReasons] = s.kernel.printk.grep("noforce");
      expect([moreOverflow, moreReasons]).toEqual([[], []]);
      return { pa: s.kernel.mm.virt_to_phys(va), overflow, reason };
    } finally {
      s.dispose();
    }
  }
  const noPool = ", and swiotlb=noforce disabled swiotlb: there is no bounce pool to copy it through (dmasim)";

  it("a bus limit above the mask: a buffer above 4 GiB is beyond the mask only", async () => {
    // An identity window of 64 GiB: bus_dma_limit 0xfffffffff; the mask stays 32 bits.
    const { pa, overflow, reason } = await failedMapping(highmemTree("0x0 0x0 0x0 0x0 0x10 0x0"), 0xffffffffn, 0xfffffffffn);
    expect(pa).toBeGreaterThan(0xffffffff);
    const hex = pa.toString(16);
    expect(overflow).toContain(`DMA addr 0x${hex.padStart(16, "0")}+4096 overflow (mask ffffffff, bus limit fffffffff).`);
    expect(reason).toContain(`${DMAC}: DMA address 0x${hex}+4096 is beyond the device's DMA mask 0xffffffff${noPool}`);
  });

  it("a bus limit equal to the mask: a buffer across the window's end is beyond the mask only", async () => {
    // arm64-dma-offset's 1 GiB of RAM at CPU 0, its window narrowed to the first 512 MiB at bus
    // 0xe0000000: bus_dma_limit 0xffffffff, the 32-bit mask's value. 4096 bytes at PA 0x1ffff800
    // are DMA 0xfffff800-0x1000007ff: past both.
    const dts = boardTree("arm64-dma-offset")
      .replace("dma-ranges = <0x0 0xc0000000 0x0 0x0 0x0 0x40000000>;", "dma-ranges = <0x0 0xe0000000 0x0 0x0 0x0 0x20000000>;");
    const { overflow, reason } = await failedMapping(dts, 0xffffffffn, 0xffffffffn, 0x1ffff800);
    expect(overflow).toContain("DMA addr 0x00000000fffff800+4096 overflow (mask ffffffff, bus limit ffffffff).");
    expect(reason).toContain(`${DMAC}: DMA address 0xfffff800+4096 (PA 0x1ffff800) is beyond the device's DMA mask 0xffffffff${noPool}`);
  });

  it("a bus limit below the mask: a buffer across the window's end is beyond the bus limit, within the mask", async () => {
    // An identity window over CPU 0-0x87ffffff: bus_dma_limit 0x87ffffff, the mask 32 bits. 4096
    // bytes at PA 0x87fff800 (arm64-highmem's low bank) end at 0x880007ff: past the bus limit only.
    const { overflow, reason } = await failedMapping(highmemTree("0x0 0x0 0x0 0x0 0x0 0x88000000"), 0xffffffffn, 0x87ffffffn, 0x87fff800);
    expect(overflow).toContain("DMA addr 0x0000000087fff800+4096 overflow (mask ffffffff, bus limit 87ffffff).");
    expect(reason).toContain(
      `${DMAC}: DMA address 0x87fff800+4096 is beyond the device's bus limit 0x87ffffff (dma-ranges; its DMA mask 0xffffffff)${noPool}`);
  });

  it("a bus limit below the mask: a buffer outside every window has no DMA address, and says so", async () => {
    // A 3 GiB identity window: bus_dma_limit 0xbfffffff below the 32-bit mask; the kmalloc buffer
    // above 4 GiB is in no window, so translate_phys_to_dma gives DMA_MAPPING_ERROR.
    const { pa, reason } = await failedMapping(highmemTree("0x0 0x0 0x0 0x0 0x0 0xc0000000"), 0xffffffffn, 0xbfffffffn);
    expect(pa).toBeGreaterThan(0xffffffff);
    expect(reason).toContain(`${DMAC}: PA 0x${pa.toString(16)}+4096 is outside every dma-ranges window of the device's bus, so it has no DMA address${noPool}`);
  });
});
