// pl330_prep_slave_sg with a direction that is not a slave one. Neither 4.9's nor the modern
// drivers/dma/pl330.c pl330_prep_slave_sg checks it (only pl330_prep_dma_cyclic does): every
// direction but DMA_MEM_TO_DEV gets the DEV_TO_MEM layout (FIFO as the fixed source, memory
// incrementing) with rqtype = direction. A DMA_MEM_TO_MEM one is a plain memory-to-memory
// program reading the FIFO address; pl330_submit_req refuses a DMA_DEV_TO_DEV one at issue.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_request_channel, dmaengine_prep_slave_single, dmaengine_slave_config, dmaengine_submit, dma_sync_wait,
} from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_DEV_TO_DEV, DMA_DEV_TO_MEM, DMA_MEM_TO_MEM, DMA_SLAVE } from "../../../src/dmaengine/types.js";

const warnings = (dmesg: string) =>
  dmesg.split("\n").filter((l) => l.includes("WARNING")).map((l) => l.replace(/^\[[ .0-9]+\] /, ""));

const WORD = [0x11, 0x22, 0x33, 0x44];

/** The address a MEM_TO_MEM prep reads from. 4.9 programs the configured fifo_addr (pl330_config
 *  applies a DEV_TO_MEM config at once), here a memory buffer; modern pl330_config_write applies
 *  nothing for MEM_TO_MEM and maps it as DMA_NONE, which pch->dir already is, so the program
 *  reads a fresh channel's fifo_dma: 0 (kzalloc), physical address 0, written here untimed. */
async function setup(kernel: "modern" | "v4.9") {
  const s = await createSystem({ board: "zynq-7000", kernel });
  const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 0)!;
  const dst = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  let source = 0;
  if (kernel === "v4.9") {
    const fifo = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    s.cpu.write(fifo.cpuAddr, Uint8Array.of(...WORD, 0x55, 0x66, 0x77, 0x88));
    source = fifo.dmaAddr;
  } else {
    s.machine.backdoor.write(0, Uint8Array.of(...WORD, 0x55, 0x66, 0x77, 0x88));
  }
  expect(dmaengine_slave_config(chan, {
    direction: DMA_DEV_TO_MEM, src_addr: source || 0xe0001030, src_addr_width: 4, src_maxburst: 1,
  })).toBe(0);
  return { s, chan, source, dst };
}

describe("pl330_prep_slave_sg with a non-slave direction", () => {
  for (const kernel of ["modern", "v4.9"] as const) {
    it(`${kernel}: DMA_MEM_TO_MEM reads the FIFO address as memory, and dmasim says so once`, async () => {
      const { s, chan, source, dst } = await setup(kernel);
      const tx = dmaengine_prep_slave_single(chan, dst.dmaAddr, 64, DMA_MEM_TO_MEM, 0);
      expect(tx).not.toBeNull();
      expect(dma_sync_wait(chan, dmaengine_submit(tx!))).toBe(DMA_COMPLETE);
      // Fixed source; 4.9 uses the configured 4-byte beats (its first word, 16 times), modern
      // keeps probe's 1-byte beats (its first byte, 64 times); nothing past 64 bytes.
      const beat = kernel === "v4.9" ? 4 : 1;
      const want = Uint8Array.from({ length: 68 }, (_, i) => (i < 64 ? WORD[i % beat] : 0));
      expect(s.cpu.read(dst.cpuAddr, 68)).toEqual(want);
      dmaengine_prep_slave_single(chan, dst.dmaAddr, 64, DMA_MEM_TO_MEM, 0);
      const fifoHex = source.toString(16);
      expect(warnings(s.dmesg())).toEqual([
        `WARNING: dmaengine: dma0chan0: pl330_prep_slave_sg with DMA_MEM_TO_MEM, not a slave direction (dmasim): Linux's pl330 does not refuse it: it becomes a memory-to-memory program that reads 0x${fifoHex} as memory, without the peripheral's flow control`,
      ]);
      expect(s.dmesg()).not.toContain("Invalid dma direction");
    });

    it(`${kernel}: DMA_DEV_TO_DEV is prepared, then refused at issue (Bad Desc) and moves nothing`, async () => {
      const { s, chan, dst } = await setup(kernel);
      // Modern: a DEV_TO_MEM prep applies the config, so the DEV_TO_DEV one maps a register,
      // not physical 0 (RAM, which dma_map_resource refuses).
      if (kernel === "modern") expect(dmaengine_prep_slave_single(chan, dst.dmaAddr, 64, DMA_DEV_TO_MEM, 0)).not.toBeNull();
      const tx = dmaengine_prep_slave_single(chan, dst.dmaAddr, 64, DMA_DEV_TO_DEV, 0);
      expect(tx).not.toBeNull();
      const cookie = dmaengine_submit(tx!);
      dma_sync_wait(chan, cookie);
      expect(s.dmesg()).toContain(`fill_queue: Bad Desc(${cookie})`);
      expect(s.cpu.read(dst.cpuAddr, 64)).toEqual(new Uint8Array(64));
      expect(warnings(s.dmesg())).toEqual([
        `WARNING: dmaengine: dma0chan0: pl330_prep_slave_sg with DMA_DEV_TO_DEV, not a slave direction (dmasim): Linux's pl330 does not refuse it: pl330_submit_req refuses its rqtype when it is issued, so fill_queue reports "Bad Desc" and nothing moves`,
      ]);
    });
  }
});
