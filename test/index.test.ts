// The package's entry point gives a caller every error class createSystem can reject with, so
// that `instanceof` works on what the README names: a tree that cannot be read (DtError), a
// board the emulator cannot build or peripheral settings no node takes or that make no sense
// (BoardError). They were thrown but not exported.

import { describe, expect, it } from "vitest";
import * as dmasim from "../src/index.js";

async function rejection(options: dmasim.SystemOptions): Promise<unknown> {
  return dmasim.createSystem({ ...options, worker: false }).then(() => undefined, (e: unknown) => e);
}

describe("dmasim's exported error classes", () => {
  it("a .dts with a syntax error rejects with the exported DtError", async () => {
    const err = await rejection({ dts: "/dts-v1/; / { x" });
    expect(err).toBeInstanceOf(dmasim.DtError);
    expect((err as Error).message).toMatch(/^<dts>:1:16: syntax error/);
  });

  it("a peripheral rate that is not positive rejects with the exported BoardError naming the node", async () => {
    const err = await rejection({ board: "zynq-7000", dmaPeripherals: { "serial@e0001000": { tx: { baud: -1 } } } });
    expect(err).toBeInstanceOf(dmasim.BoardError);
    expect((err as Error).message).toBe("/axi/serial@e0001000: TX FIFO at 0xe0001000: baud must be a positive number (a period of at least 1 ps), not -1");
  });
});

describe("dmasim's exported scenario tables", () => {
  it("SCENARIO_PARAMS, which the README names, lists the parameters memcpy reads", () => {
    // The README's memcpy parameters: size, burst, channels, buffers, block.
    expect([...dmasim.SCENARIO_PARAMS.memcpy].sort()).toEqual(["block", "buffers", "burst", "channels", "size"]);
    expect(Object.keys(dmasim.SCENARIO_PARAMS).sort()).toEqual(Object.keys(dmasim.SCENARIOS).sort());
  });
});

describe("dmasim's exported kernel constants", () => {
  // Values from include/linux/dma-mapping.h (DMA_ATTR_MMIO, 1 << 10, is not modelled) and
  // include/linux/dmaengine.h (enum dma_transaction_type, dma_status, dma_ctrl_flags,
  // dma_transfer_direction, dma_slave_buswidth; DMA_MIN_COOKIE).
  it("every DMA_ATTR_* dmasim models comes from the entry point with the kernel's value", () => {
    expect([
      dmasim.DMA_ATTR_WRITE_BARRIER, dmasim.DMA_ATTR_WEAK_ORDERING, dmasim.DMA_ATTR_WRITE_COMBINE,
      dmasim.DMA_ATTR_NON_CONSISTENT, dmasim.DMA_ATTR_NO_KERNEL_MAPPING, dmasim.DMA_ATTR_SKIP_CPU_SYNC,
      dmasim.DMA_ATTR_FORCE_CONTIGUOUS, dmasim.DMA_ATTR_ALLOC_SINGLE_PAGES, dmasim.DMA_ATTR_NO_WARN,
      dmasim.DMA_ATTR_PRIVILEGED, dmasim.DMA_ATTR_CPU_CACHE_CLEAN, dmasim.DMA_ATTR_REQUIRE_COHERENT,
    ]).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 2048, 4096]);
  });

  it("the dmaengine enums and flags come from the entry point with the kernel's values", () => {
    const d = dmasim;
    expect([d.DMA_MEMCPY, d.DMA_XOR, d.DMA_PQ, d.DMA_XOR_VAL, d.DMA_PQ_VAL, d.DMA_MEMSET, d.DMA_MEMSET_SG, d.DMA_INTERRUPT, d.DMA_PRIVATE, d.DMA_ASYNC_TX, d.DMA_SLAVE, d.DMA_CYCLIC])
      .toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect([d.DMA_COMPLETE, d.DMA_IN_PROGRESS, d.DMA_PAUSED, d.DMA_ERROR, d.DMA_OUT_OF_ORDER]).toEqual([0, 1, 2, 3, 4]);
    expect([d.DMA_PREP_INTERRUPT, d.DMA_CTRL_ACK, d.DMA_PREP_PQ_DISABLE_P, d.DMA_PREP_PQ_DISABLE_Q, d.DMA_PREP_CONTINUE, d.DMA_PREP_FENCE, d.DMA_CTRL_REUSE, d.DMA_PREP_CMD, d.DMA_PREP_REPEAT, d.DMA_PREP_LOAD_EOT])
      .toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect([d.DMA_MEM_TO_MEM, d.DMA_MEM_TO_DEV, d.DMA_DEV_TO_MEM, d.DMA_DEV_TO_DEV, d.DMA_TRANS_NONE]).toEqual([0, 1, 2, 3, 4]);
    expect([d.DMA_SLAVE_BUSWIDTH_UNDEFINED, d.DMA_SLAVE_BUSWIDTH_1_BYTE, d.DMA_SLAVE_BUSWIDTH_2_BYTES, d.DMA_SLAVE_BUSWIDTH_3_BYTES, d.DMA_SLAVE_BUSWIDTH_4_BYTES, d.DMA_SLAVE_BUSWIDTH_8_BYTES, d.DMA_SLAVE_BUSWIDTH_16_BYTES])
      .toEqual([0, 1, 2, 3, 4, 8, 16]);
    expect(d.DMA_MIN_COOKIE).toBe(1);
  });

  it("DMA_DEBUG_CHECKS names every check DmaDebugOptions.checks can switch off", () => {
    expect(dmasim.DMA_DEBUG_CHECKS).toContain("mapError");
    expect(dmasim.DMA_DEBUG_CHECKS).toContain("leak");
  });
});
