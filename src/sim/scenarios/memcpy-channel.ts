// A memcpy channel as the scenarios, the bug kinds and the demo use it: requested by capability
// as dmatest does, given back by the run's teardown (teardown.ts) or sooner, with the two ways
// they hand it a copy: submitted for the caller to issue (and wait for as it needs), or issued
// and waited for.

import type { System } from "../../system.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait, dma_release_channel,
} from "../../dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT, STATUS_NAMES, type DmaChan, type DmaCookie } from "../../dmaengine/types.js";
import type { DmaAddr } from "../../hw/address.js";
import type { Device } from "../../kernel/device.js";
import type { Defer } from "../teardown.js";

/** A memcpy channel, given back when the run ends or fails (or sooner, through release). */
export function memcpyChannel(s: System, defer: Defer): { chan: DmaChan; dev: Device; release(): void } {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  return { chan, dev: chan.device.dev, release: defer(() => dma_release_channel(chan)) };
}

/** A memcpy of len bytes prepared and submitted, not yet issued; its cookie. */
export function submitMemcpy(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number): DmaCookie {
  const tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT);
  if (!tx) throw new Error(`dmaengine_prep_dma_memcpy of ${len} bytes failed`);
  return dmaengine_submit(tx);
}

/** A memcpy of len bytes issued and waited for (dma_sync_wait), which must complete. */
export function memcpyAndWait(chan: DmaChan, dst: DmaAddr, src: DmaAddr, len: number): void {
  const status = dma_sync_wait(chan, submitMemcpy(chan, dst, src, len));
  if (status !== DMA_COMPLETE) throw new Error(`memcpy of ${len} bytes ended with ${STATUS_NAMES[status] ?? status}`);
}
