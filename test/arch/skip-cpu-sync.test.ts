// DMA_ATTR_SKIP_CPU_SYNC on 32-bit ARM (spec dma-api §2.2): the driver takes the cache
// maintenance on itself, so map and unmap leave the caches alone and the device (reading and
// writing DRAM beneath them) sees exactly what the caches have not yet written back. Both
// generations honour it: 4.9's arm_dma_map_page / arm_dma_unmap_page and modern dma-direct.
// Expected bytes are the test's own: what it wrote through the CPU, what it wrote as the device.
// On arm64 only the modern kernel honours it: 4.9's __swiotlb_map_page / __swiotlb_unmap_page
// call __dma_map_area / __dma_unmap_area for any non-coherent device without looking at attrs,
// and 4.9 lib/swiotlb.c copies a bounce slot back at unmap whatever the attrs (spec §2.2 note,
// §4.3: the modern copy-back skips it with SKIP_CPU_SYNC).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_single_attrs, dma_sync_single_for_device, dma_unmap_single_attrs } from "../../src/dma/mapping.js";
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { dma_map_single } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const N = 256;
const fill = (v: number) => new Uint8Array(N).fill(v);

describe.each(["v4.9", "modern"] as const)("zynq-7000 %s: DMA_ATTR_SKIP_CPU_SYNC", (kernel) => {
  async function rig() {
    const s = await createSystem({ board: "zynq-7000", kernel });
    const dev = s.device("f8003000.dma-controller");
    const va = s.kernel.kmalloc(N, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    return { s, dev, va, pa };
  }

  it("map TO_DEVICE with it: the CPU's dirty bytes stay in the caches until the driver syncs", async () => {
    const { s, dev, va, pa } = await rig();
    s.machine.backdoor.write(pa, fill(0x11));
    s.cpu.write(va, fill(0xa5)); // write-back cache: DRAM still holds 0x11
    const dma = dma_map_single_attrs(dev, va, N, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    expect(s.machine.backdoor.read(pa, N)).toEqual(fill(0x11));
    dma_sync_single_for_device(dev, dma, N, DMA_TO_DEVICE);
    expect(s.machine.backdoor.read(pa, N)).toEqual(fill(0xa5));
    dma_unmap_single_attrs(dev, dma, N, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
  });

  it("unmap FROM_DEVICE with it: lines the CPU holds hide what the device wrote", async () => {
    const { s, dev, va, pa } = await rig();
    s.machine.backdoor.write(pa, fill(0x22));
    const dma = dma_map_single_attrs(dev, va, N, DMA_FROM_DEVICE);
    expect(s.cpu.read(va, N)).toEqual(fill(0x22)); // the CPU pulls the lines in while mapped
    s.machine.backdoor.write(pa, fill(0x5a)); // the device's write
    dma_unmap_single_attrs(dev, dma, N, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    expect(s.cpu.read(va, N)).toEqual(fill(0x22));
  });

  it("without it, map and unmap do the maintenance", async () => {
    const { s, dev, va, pa } = await rig();
    s.machine.backdoor.write(pa, fill(0x11));
    s.cpu.write(va, fill(0xa5));
    const dma = dma_map_single_attrs(dev, va, N, DMA_TO_DEVICE);
    expect(s.machine.backdoor.read(pa, N)).toEqual(fill(0xa5));
    dma_unmap_single_attrs(dev, dma, N, DMA_TO_DEVICE);
    const rx = dma_map_single_attrs(dev, va, N, DMA_FROM_DEVICE);
    expect(s.cpu.read(va, N)).toEqual(fill(0xa5));
    s.machine.backdoor.write(pa, fill(0x5a));
    dma_unmap_single_attrs(dev, rx, N, DMA_FROM_DEVICE);
    expect(s.cpu.read(va, N)).toEqual(fill(0x5a));
  });
});

describe.each(["v4.9", "modern"] as const)("arm64 %s: DMA_ATTR_SKIP_CPU_SYNC", (kernel) => {
  const honoured = kernel === "modern";

  it(`map TO_DEVICE and unmap FROM_DEVICE with it: ${honoured ? "no maintenance" : "maintained all the same (4.9)"}`, async () => {
    const s = await createSystem({ board: "arm64-ref", kernel });
    const dev = s.device("ff6e0000.dma-controller");
    const va = s.kernel.kmalloc(N, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    s.machine.backdoor.write(pa, fill(0x11));
    s.cpu.write(va, fill(0xa5));
    const tx = dma_map_single_attrs(dev, va, N, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    expect(s.machine.backdoor.read(pa, N)).toEqual(honoured ? fill(0x11) : fill(0xa5));
    dma_unmap_single_attrs(dev, tx, N, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    const rx = dma_map_single_attrs(dev, va, N, DMA_FROM_DEVICE);
    const seen = s.cpu.read(va, N); // the CPU pulls the lines in while mapped
    expect(seen).not.toEqual(fill(0x5a));
    s.machine.backdoor.write(pa, fill(0x5a)); // the device's write
    dma_unmap_single_attrs(dev, rx, N, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    expect(s.cpu.read(va, N)).toEqual(honoured ? seen : fill(0x5a));
  });

  it(`a bounced FROM_DEVICE unmap with it: ${honoured ? "the slot is not copied back" : "the slot is copied back (4.9)"}`, async () => {
    const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: 2 << 20 } });
    const dev = s.device("ff6e0000.dma-controller");
    const va = s.kernel.kmalloc(N, GFP_KERNEL);
    s.cpu.write(va, fill(0x33));
    const dma = dma_map_single(dev, va, N, DMA_FROM_DEVICE);
    expect(s.kernel.dma.swiotlb!.is_swiotlb_buffer(dma)).toBe(true);
    s.machine.backdoor.write(dma, fill(0x5a)); // the device writes the slot
    dma_unmap_single_attrs(dev, dma, N, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    expect(s.cpu.read(va, N)).toEqual(honoured ? fill(0x33) : fill(0x5a));
  });
});
