// dma_map_resource: a DMA controller's address for another device's register (a UART FIFO),
// as dma-direct gives it — the physical address, if the controller can reach it; RAM refused.

import { describe, expect, it } from "vitest";
import { zynq, ZYNQ_DMAC } from "../helpers/system.js";
import { dma_map_resource, dma_unmap_resource, dma_set_mask } from "../../src/dma/mapping.js";
import { DMA_BIT_MASK, DMA_FROM_DEVICE, DMA_MAPPING_ERROR } from "../../src/dma/constants.js";
import { KernelBug } from "../../src/kernel/errno.js";

const UART0_FIFO = 0xe0000030; // Zynq UART0's TX/RX FIFO register

describe("dma_map_resource", () => {
  it("gives a peripheral register's physical address, refuses RAM and what the mask cannot reach", async () => {
    const s = await zynq();
    const dev = s.device(ZYNQ_DMAC);
    const dma = dma_map_resource(dev, UART0_FIFO, 4, DMA_FROM_DEVICE);
    expect(dma).toBe(UART0_FIFO);
    dma_unmap_resource(dev, dma, 4, DMA_FROM_DEVICE);

    expect(dma_map_resource(dev, 0x100000, 4, DMA_FROM_DEVICE)).toBe(DMA_MAPPING_ERROR);
    expect(s.dmesg()).toContain("WARNING: dma_map_resource of RAM at 0x100000");

    expect(dma_set_mask(dev, DMA_BIT_MASK(31))).toBe(0);
    expect(dma_map_resource(dev, UART0_FIFO, 4, DMA_FROM_DEVICE)).toBe(DMA_MAPPING_ERROR);
    expect(s.dmesg()).toContain(`${ZYNQ_DMAC}: DMA addr 0xe0000030+4 overflow (mask 7fffffff, bus limit 0).`);

    expect(() => dma_map_resource(dev, UART0_FIFO, 4, 3 as never)).toThrow(KernelBug);
  });
});
