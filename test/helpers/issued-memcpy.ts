// A 4 KB memcpy issued on a booted System, for tests of what takes its interrupt and when.

import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";
import type { System } from "../../src/system.js";

/** A 4 KB copy of 0x3c bytes issued now; `callbacks` counts its completion callback's runs. */
export function issueMemcpy(s: System) {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const dev = chan.device.dev;
  const a = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
  const b = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
  s.cpu.fill(a.cpuAddr, 0x3c, 4096);
  const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 4096, DMA_PREP_INTERRUPT)!;
  const run = { chan, b, callbacks: 0, cookie: 0 };
  tx.callback = () => run.callbacks++;
  run.cookie = dmaengine_submit(tx);
  dma_async_issue_pending(chan);
  return run;
}
