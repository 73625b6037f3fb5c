// A dma-coherent PL330 fetches the microcode the CPU wrote into cacheable memory (Linux does no
// maintenance for such a device), and the driver rewrites the same descriptor buffers for every
// transfer. The DMAC's i-cache still tags the lines of the previous program then: the fetch must
// still see the program the driver has just written, never DRAM's older copy of it.

import { describe, expect, it } from "vitest";
import { editedSystem } from "../../helpers/edited-system.js";
import { dma_map_single } from "../../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../../src/dma/constants.js";
import {
  dma_async_issue_pending, dma_request_chan_by_mask, dma_sync_wait, dmaengine_prep_dma_memcpy, dmaengine_submit,
} from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../../src/dmaengine/types.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";

const LEN = 4096;

describe("a dma-coherent PL330 runs the program the driver wrote last", () => {
  it.each(["zynq-7000", "arm64-ref"] as const)("%s: three memcpys on one channel, each to its own buffer, all land", async (board) => {
    const s = await editedSystem(board, (tree) => {
      for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
    });
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const dev = chan.device.dev;
    expect(dev.dma_coherent).toBe(true);
    // Three sources with different bytes (no zero among them), three zeroed destinations.
    const sources = [1, 2, 3].map((k) => Uint8Array.from({ length: LEN }, (_, i) => ((i * 7 + k * 13) & 0xfe) | 1));
    const copies = sources.map((bytes) => {
      const src = s.kernel.kmalloc(LEN, GFP_KERNEL);
      const dst = s.kernel.kmalloc(LEN, GFP_KERNEL);
      s.cpu.write(src, bytes);
      s.cpu.fill(dst, 0, LEN);
      return { src, dst, bytes, srcDma: dma_map_single(dev, src, LEN, DMA_TO_DEVICE), dstDma: dma_map_single(dev, dst, LEN, DMA_FROM_DEVICE) };
    });
    for (const c of copies) {
      const tx = dmaengine_prep_dma_memcpy(chan, c.dstDma, c.srcDma, LEN, DMA_PREP_INTERRUPT);
      expect(tx).not.toBeNull();
      const cookie = dmaengine_submit(tx!);
      dma_async_issue_pending(chan);
      expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    }
    // A coherent device needs no sync: the CPU reads each destination as the DMAC wrote it.
    for (const c of copies) expect(s.cpu.read(c.dst, LEN)).toEqual(c.bytes);
  });
});
