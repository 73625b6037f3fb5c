// The pl330's mapping of a peripheral FIFO for the DMAC (pl330_prep_slave_fifo). Modern
// kernels map it with dma_map_resource at every slave prep (pl330_config_write unmaps the old
// one first) and unmap it last in pl330_free_chan_resources; with DMA-API debug, an entry of
// type resource lives as long as the mapping. 4.9 programs the FIFO's address itself and maps
// nothing (dma_map_resource reached the pl330 in 4.13).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_release_channel, dma_request_channel, dmaengine_prep_slave_single, dmaengine_slave_config,
} from "../../../src/dmaengine/dmaengine.js";
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV, DMA_SLAVE } from "../../../src/dmaengine/types.js";

const DMAC = "f8003000.dma-controller";
const TX_FIFO = 0xe0001000;
const RX_FIFO = 0xe0001100;

async function channel(kernel: "modern" | "v4.9") {
  const s = await createSystem({ board: "zynq-7000", kernel, dmaDebug: { enabled: true, allErrors: true } });
  const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 0)!;
  const dev = s.device(DMAC);
  const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
  const debug = s.kernel.dma.debug;
  const resources = () => debug.dump().split("\n").filter((l) => l.includes(" resource "));
  return { s, chan, dev, buf, debug, resources };
}

describe("pl330 FIFO mapping, modern", () => {
  it("is one resource entry per channel, remapped for a new direction and gone when the channel is released", async () => {
    const { chan, buf, debug, resources } = await channel("modern");
    dmaengine_slave_config(chan, { dst_addr: TX_FIFO, dst_addr_width: 1, src_addr: RX_FIFO, src_addr_width: 2 });
    expect(dmaengine_prep_slave_single(chan, buf.dmaAddr, 64, DMA_MEM_TO_DEV, 0)).not.toBeNull();
    // MEM_TO_DEV writes the FIFO: mapped DMA_FROM_DEVICE, one 1-byte access wide.
    // The dump's P and cln are %pa (0x, 8 digits on arm); cln = 0xe0001000 >> 6. Bucket: >> 13.
    expect(resources()).toEqual([`dma-pl330 ${DMAC} resource idx ${Math.floor(0xe0001000 / 8192) % 16384} P=0xe0001000 D=e0001000 L=1 cln=0x03800040 DMA_FROM_DEVICE dma map error checked`]);
    expect(dmaengine_prep_slave_single(chan, buf.dmaAddr, 64, DMA_MEM_TO_DEV, 0)).not.toBeNull();
    expect(resources()).toHaveLength(1);
    expect(dmaengine_prep_slave_single(chan, buf.dmaAddr, 64, DMA_DEV_TO_MEM, 0)).not.toBeNull();
    expect(resources()).toEqual([`dma-pl330 ${DMAC} resource idx ${Math.floor(0xe0001100 / 8192) % 16384} P=0xe0001100 D=e0001100 L=2 cln=0x03800044 DMA_TO_DEVICE dma map error checked`]);
    dma_release_channel(chan);
    expect(resources()).toEqual([]);
    expect(debug.reports).toEqual([]);
  });

  it("is unmapped by pl330_remove when the DMAC is unbound while a channel still holds it", async () => {
    const { s, chan, dev, buf, debug } = await channel("modern");
    const before = debug.entries(dev);
    expect(before).toBe(2); // the microcode and the test's coherent buffer
    dmaengine_slave_config(chan, { dst_addr: TX_FIFO, dst_addr_width: 4 });
    expect(dmaengine_prep_slave_single(chan, buf.dmaAddr, 64, DMA_MEM_TO_DEV, 0)).not.toBeNull();
    expect(debug.entries(dev)).toBe(before + 1);
    // pl330_remove frees the held channel's resources (the FIFO mapping) and the microcode:
    // what is left is the test's own buffer.
    s.kernel.device_release_driver(dev);
    expect(debug.reports).toEqual([]);
    expect(debug.entries(dev)).toBe(1);
    // The AMBA bus is no bus dma-debug watches: Linux says nothing, dmasim notes the one entry.
    expect(s.kernel.printk.grep("dmasim: note")).toEqual([
      `dmasim: note: amba ${DMAC}: driver dma-pl330 unbound with 1 DMA-API debug entry still live, e.g. ` +
        `[device address=0x${buf.dmaAddr.toString(16).padStart(16, "0")}] [size=4096 bytes] [mapped with DMA_BIDIRECTIONAL] [mapped as coherent]; ` +
        "Linux reports leaked entries at unbind only for PCI devices, so a board prints nothing: the entries stay, and /sys/kernel/debug/dma-api/dump lists them",
    ]);
  });
});

describe("pl330 FIFO mapping, 4.9", () => {
  it("maps nothing", async () => {
    const { chan, buf, debug, resources } = await channel("v4.9");
    dmaengine_slave_config(chan, { direction: DMA_MEM_TO_DEV, dst_addr: TX_FIFO, dst_addr_width: 1 });
    expect(dmaengine_prep_slave_single(chan, buf.dmaAddr, 64, DMA_MEM_TO_DEV, 0)).not.toBeNull();
    expect(resources()).toEqual([]);
    dma_release_channel(chan);
    expect(debug.reports).toEqual([]);
  });
});
