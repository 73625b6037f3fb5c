// 4.9 arm64 streaming DMA over lib/swiotlb.c with the swiotlb flag clear: on arm64-ref (1 GiB
// of RAM at 1 GiB, all of it ZONE_DMA) a 24-bit device mask, which 4.9's dma_supported accepts,
// sends every mapping to a bounce slot the device cannot reach either. 4.9 returns what it
// returns (kept), and dmasim names the silent corruption in dmesg. Also when a mapping bounces at
// all: at the mask's inclusive end, and always with swiotlb=force.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_sg, dma_map_single, dma_mapping_error, dma_unmap_single } from "../../src/dma/mapping.js";
import { dma_set_mask } from "../../src/dma/mask.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_dma_address, sg_set_buf } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const DMAC = "ff6e0000.dma-controller";
const MASK24 = 0xffffff; // DMA_BIT_MASK(24)

async function narrowDevice() {
  const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
  const dev = s.device(DMAC);
  expect(s.kernel.dma.swiotlbActive).toBe(false); // RAM ends at 2 GiB, within ZONE_DMA
  expect(dma_set_mask(dev, BigInt(MASK24))).toBe(0);
  const va = s.kernel.kmalloc(4096, GFP_KERNEL);
  return { s, dev, va, tlb: s.kernel.dma.swiotlb! };
}

describe("4.9 arm64, swiotlb flag clear, a 24-bit device", () => {
  it("dma_map_single: the overflow buffer, which dma_mapping_error says is fine; dmasim warns", async () => {
    const { s, dev, va, tlb } = await narrowDevice();
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    // swiotlb_map_page: the slot (pool above 1 GiB) fails dma_capable, is freed, and the
    // overflow buffer's address comes back; __swiotlb_dma_mapping_error answers 0 without the flag.
    expect(dma).toBe(tlb.overflowBuffer);
    expect(dma).toBeGreaterThan(MASK24);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(tlb.usage().used).toBe(0);
    const warn = s.kernel.printk.grep("WARNING: swiotlb_map_page");
    expect(warn).toHaveLength(1);
    expect(warn[0]).toContain(`is beyond the device's DMA mask 0xffffff, so a 4096-byte mapping got the overflow buffer 0x${dma.toString(16)}`);
    expect(warn[0]).toContain("dma_mapping_error() cannot detect");
  });

  it("dma_map_sg: bounces into a slot beyond the mask and returns it; dmasim warns", async () => {
    const { s, dev, va, tlb } = await narrowDevice();
    const sgl = sg_alloc(1);
    sg_set_buf(sgl[0], va, 4096);
    expect(dma_map_sg(dev, sgl, 1, DMA_TO_DEVICE)).toBe(1);
    const dma = sg_dma_address(sgl[0]);
    expect(tlb.is_swiotlb_buffer(dma)).toBe(true);
    expect(dma).toBeGreaterThan(MASK24);
    expect(tlb.usage().used).toBe(2);
    const warn = s.kernel.printk.grep("WARNING: swiotlb_map_sg_attrs");
    expect(warn).toHaveLength(1);
    expect(warn[0]).toContain(`entry 0 bounced to 0x${dma.toString(16)}+4096, beyond the device's DMA mask 0xffffff`);
  });
});

describe("4.9 arm64 swiotlb_map_page: when a buffer bounces", () => {
  it("a buffer whose last byte is the mask's last address is used in place; one byte further bounces", async () => {
    // 4.9 dma_capable (arch/arm64/include/asm/dma-mapping.h): addr + size - 1 <= *dev->dma_mask.
    // On arm64-highmem kmalloc gives a buffer above 4 GiB; any mask reaching past the pool's end
    // is supported (dma_supported with the swiotlb flag set).
    const s = await createSystem({ board: "arm64-highmem", kernel: "v4.9" });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    expect(pa).toBeGreaterThan(0xffffffff);
    expect(dma_set_mask(dev, BigInt(pa + 4095))).toBe(0);
    const inPlace = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(inPlace).toBe(pa);
    dma_unmap_single(dev, inPlace, 4096, DMA_TO_DEVICE);
    expect(dma_set_mask(dev, BigInt(pa + 4094))).toBe(0);
    const bounced = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(tlb.is_swiotlb_buffer(bounced)).toBe(true);
    dma_unmap_single(dev, bounced, 4096, DMA_TO_DEVICE);
  });

  it("swiotlb=force bounces a buffer the device could reach", async () => {
    // 4.9 swiotlb_map_page: `if (dma_capable(dev, dev_addr, size) && !swiotlb_force) return
    // dev_addr;` — with force even arm64-ref's low RAM goes through a slot.
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9", swiotlb: { force: true, size: 1 << 20 } });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    s.cpu.write(va, new Uint8Array(4096).fill(0x3c));
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma).not.toBe(s.kernel.mm.virt_to_phys(va));
    expect(tlb.is_swiotlb_buffer(dma)).toBe(true);
    expect(s.machine.backdoor.read(dma, 4096)).toEqual(new Uint8Array(4096).fill(0x3c));
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
    expect(tlb.usage().used).toBe(0);
  });
});
