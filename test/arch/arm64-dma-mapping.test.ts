// 4.9 arm64 streaming and coherent DMA with no bounce pool. On arm64-ref (1 GiB of RAM at
// 1 GiB, all of it ZONE_DMA) 4.9.y's mem_init (arch/arm64/mm/init.c) does not call
// swiotlb_init: `if (swiotlb_force == SWIOTLB_FORCE || max_pfn > (arm64_dma_phys_limit >>
// PAGE_SHIFT)) swiotlb_init(1); else swiotlb_force = SWIOTLB_NO_FORCE;`. A device that cannot
// reach a buffer then gets lib/swiotlb.c's map_single refusal (4.9.y):
//   if (swiotlb_force == SWIOTLB_NO_FORCE) {
//           dev_warn_ratelimited(hwdev, "Cannot do DMA to address %pa\n", &phys);
//           return SWIOTLB_MAP_ERROR; }
// swiotlb_full returns at once under SWIOTLB_NO_FORCE, and swiotlb_map_page returns
// phys_to_dma(dev, io_tlb_overflow_buffer): 0, as no overflow buffer was ever allocated.
// 4.9's swiotlb_dma_ops use swiotlb_dma_mapping_error (addr == phys_to_dma(dev,
// io_tlb_overflow_buffer)) directly, so dma_mapping_error says 1. Also when a mapping bounces
// where a pool exists: at the mask's inclusive end (arm64-highmem), and always with swiotlb=force.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_sg, dma_map_single, dma_mapping_error, dma_unmap_single } from "../../src/dma/mapping.js";
import { dma_alloc_coherent } from "../../src/dma/coherent.js";
import { dma_set_coherent_mask, dma_set_mask } from "../../src/dma/mask.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_dma_len, sg_set_buf } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import type { SystemOptions } from "../../src/system-options.js";

const DMAC = "ff6e0000.dma-controller";
const PREFIX = `dma-pl330 ${DMAC}: `;
const MASK24 = 0xffffff; // DMA_BIT_MASK(24)

/** %pa of a 64-bit phys_addr_t: "0x" and 16 hex digits. */
const pa = (p: number) => `0x${p.toString(16).padStart(16, "0")}`;

/** arm64-ref with `dma-coherent` on its PL330: no __dma_map_area after swiotlb_map_page. */
const COHERENT_PL330 = {
  board: "arm64-ref",
  name: "arm64-ref-coherent-pl330.dtb",
  edits: [{ node: "/soc/dma-controller@ff6e0000", property: "dma-coherent", cells: [] }],
};

async function narrowDevice(tree: Partial<SystemOptions> = { board: "arm64-ref" }) {
  const s = await createSystem({ kernel: "v4.9", ...tree });
  const dev = s.device(DMAC);
  // 4.9's dma_supported (__swiotlb_dma_supported) accepts any mask without the swiotlb flag.
  expect(dma_set_mask(dev, BigInt(MASK24))).toBe(0);
  const va = s.kernel.kmalloc(4096, GFP_KERNEL);
  const phys = s.kernel.mm.virt_to_phys(va);
  expect(phys).toBeGreaterThan(MASK24); // all RAM is at 1 GiB and above
  return { s, dev, va, phys };
}

describe("4.9 arm64 with all RAM within ZONE_DMA: no bounce pool", () => {
  it("boots without swiotlb: no \"software IO TLB\" line and no pool", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    expect(s.kernel.dma.swiotlb).toBeNull();
    expect(s.kernel.printk.grep("software IO TLB")).toEqual([]);
    // A device that reaches its buffer maps it in place, as before.
    const dev = s.device(DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma).toBe(s.kernel.mm.virt_to_phys(va));
    expect(dma_mapping_error(dev, dma)).toBe(0);
  });

  it("a swiotlb= size alone builds none either; swiotlb=force does", async () => {
    const sized = await createSystem({ board: "arm64-ref", kernel: "v4.9", swiotlb: { size: 2 << 20 } });
    expect(sized.kernel.dma.swiotlb).toBeNull();
    const forced = await createSystem({ board: "arm64-ref", kernel: "v4.9", swiotlb: { force: true } });
    expect(forced.kernel.dma.swiotlb).not.toBeNull();
    expect(forced.kernel.printk.grep("software IO TLB")).toHaveLength(1);
  });

  it("dma_map_single, coherent device: \"Cannot do DMA to address\", 0, and dma_mapping_error says 1", async () => {
    const { s, dev, va, phys } = await narrowDevice({ variant: COHERENT_PL330 });
    const dma = dma_map_single(dev, va, 4096, DMA_FROM_DEVICE);
    expect(dma).toBe(0);
    expect(dma_mapping_error(dev, dma)).toBe(1);
    expect(s.kernel.printk.grep("Cannot do DMA")).toEqual([`${PREFIX}Cannot do DMA to address ${pa(phys)}`]);
    // swiotlb_full is silent under SWIOTLB_NO_FORCE.
    expect(s.kernel.printk.grep("SW-IOMMU")).toEqual([]);
  });

  it("dma_map_single, non-coherent device: the warning, then __dma_map_area on phys_to_virt(0) faults", async () => {
    const { s, dev, va, phys } = await narrowDevice();
    expect(() => dma_map_single(dev, va, 4096, DMA_TO_DEVICE)).toThrow(/^Unable to handle kernel paging request at virtual address/);
    expect(s.kernel.printk.grep("Cannot do DMA")).toEqual([`${PREFIX}Cannot do DMA to address ${pa(phys)}`]);
  });

  it("the warning is rate limited: 10 lines for 11 refusals in 5 s", async () => {
    const { s, dev, va } = await narrowDevice({ variant: COHERENT_PL330 });
    for (let i = 0; i < 11; i++) expect(dma_mapping_error(dev, dma_map_single(dev, va, 64, DMA_TO_DEVICE))).toBe(1);
    expect(s.kernel.printk.grep("Cannot do DMA")).toHaveLength(10);
  });

  it("dma_map_sg: map_single refuses the entry, so the list maps to 0 entries with sg_dma_len 0", async () => {
    const { s, dev, va, phys } = await narrowDevice();
    const sgl = sg_alloc(1);
    sg_set_buf(sgl[0], va, 4096);
    expect(dma_map_sg(dev, sgl, 1, DMA_TO_DEVICE)).toBe(0);
    expect(sg_dma_len(sgl[0])).toBe(0);
    expect(s.kernel.printk.grep("Cannot do DMA")).toEqual([`${PREFIX}Cannot do DMA to address ${pa(phys)}`]);
    expect(s.kernel.printk.grep("SW-IOMMU")).toEqual([]);
  });

  it("dma_alloc_coherent: pages beyond the coherent mask, then map_single(dev, 0, …) refused: NULL", async () => {
    const { s, dev } = await narrowDevice();
    expect(dma_set_coherent_mask(dev, BigInt(MASK24))).toBe(0);
    expect(dma_alloc_coherent(dev, 4096, GFP_KERNEL)).toBeNull();
    // swiotlb_alloc_coherent's fallback asks map_single for PA 0, then says why it failed.
    expect(s.kernel.printk.grep("Cannot do DMA")).toEqual([`${PREFIX}Cannot do DMA to address ${pa(0)}`]);
    expect(s.kernel.printk.grep("coherent allocation failed")).toEqual([`swiotlb: coherent allocation failed for device ${DMAC} size=4096`]);
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
