// Releasing a channel with transfers pending: Linux's pl330_free_chan_resources does not
// terminate them, a driver bug dmasim reports once per such release (naming the channel and the
// cookies) before it stops the channel, so nothing of the transfers runs or completes later.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import {
  dma_release_channel, dma_request_channel, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending,
  dmaengine_terminate_sync, dma_sync_wait,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../src/dmaengine/types.js";

const warnings = (dmesg: string) => dmesg.split("\n").filter((l) => l.includes("released with transfers pending"));

describe("dma_release_channel with transfers pending", () => {
  it("warns once per release, naming the channel and the cookies, and no callback runs later", async () => {
    const s = await zynq();
    const chan = dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === 2)!;
    const src = dma_alloc_coherent(chan.device.dev, 1 << 20, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 1 << 20, GFP_KERNEL)!;
    let callbacks = 0;
    const first = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 64, 0)!;
    expect(dma_sync_wait(chan, dmaengine_submit(first))).toBe(DMA_COMPLETE); // cookie 2, done
    for (let i = 0; i < 3; i++) {
      const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 1 << 20, 0)!;
      tx.callback = () => callbacks++;
      dmaengine_submit(tx); // cookies 3, 4, 5
    }
    dma_async_issue_pending(chan);
    dma_release_channel(chan);
    s.kernel.waitEvent(() => false, 1e10);
    expect(callbacks).toBe(0);
    expect(warnings(s.dmesg())).toEqual([
      expect.stringMatching(
        /WARNING: dmaengine: dma_release_channel: dma0chan2 released with transfers pending \(cookies 3-5\): Linux does not terminate them .*; call dmaengine_terminate_sync first$/,
      ),
    ]);

    // The next holder, with one pending again: a second report, for its cookie alone.
    const again = dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === 2)!;
    dmaengine_submit(dmaengine_prep_dma_memcpy(again, dst.dmaAddr, src.dmaAddr, 1 << 20, 0)!);
    dma_release_channel(again);
    expect(warnings(s.dmesg())[1]).toMatch(/dma0chan2 released with transfers pending \(cookie 2\)/);
  });

  it("says nothing when the transfers completed or were terminated first", async () => {
    const s = await zynq();
    const chan = dma_request_channel(s, DMA_MEMCPY)!;
    const buf = dma_alloc_coherent(chan.device.dev, 1 << 20, GFP_KERNEL)!;
    expect(dma_sync_wait(chan, dmaengine_submit(dmaengine_prep_dma_memcpy(chan, buf.dmaAddr + 4096, buf.dmaAddr, 4096, 0)!))).toBe(DMA_COMPLETE);
    dmaengine_submit(dmaengine_prep_dma_memcpy(chan, buf.dmaAddr + 65536, buf.dmaAddr, 65536, 0)!);
    dma_async_issue_pending(chan);
    expect(dmaengine_terminate_sync(chan)).toBe(0);
    dma_release_channel(chan);
    expect(warnings(s.dmesg())).toEqual([]);
  });
});
