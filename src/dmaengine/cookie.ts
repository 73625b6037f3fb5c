// Cookie bookkeeping shared by DMA drivers (drivers/dma/dmaengine.h): a cookie is a
// per-channel sequence number (a positive s32) assigned at submit and completed in order.

import { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_MIN_COOKIE, type DmaAsyncTxDescriptor, type DmaChan,
  type DmaCookie, type DmaStatus, type DmaTxState } from "./types.js";
import { KernelBug } from "../kernel/errno.js";

const S32_MAX = 0x7fffffff;

export function dma_cookie_init(chan: DmaChan): void {
  chan.cookie = DMA_MIN_COOKIE;
  chan.completed_cookie = DMA_MIN_COOKIE;
}

export function dma_cookie_assign(tx: DmaAsyncTxDescriptor): DmaCookie {
  const chan = tx.chan;
  let cookie = chan.cookie + 1;
  if (cookie > S32_MAX || cookie < DMA_MIN_COOKIE) cookie = DMA_MIN_COOKIE;
  tx.cookie = chan.cookie = cookie;
  return cookie;
}

export function dma_cookie_complete(tx: DmaAsyncTxDescriptor): void {
  if (tx.cookie < DMA_MIN_COOKIE) throw new KernelBug("drivers/dma/dmaengine.h", "dma_cookie_complete of an unsubmitted descriptor");
  tx.chan.completed_cookie = tx.cookie;
  tx.cookie = 0;
}

export function dma_async_is_complete(cookie: DmaCookie, lastComplete: DmaCookie, lastUsed: DmaCookie): DmaStatus {
  if (lastComplete <= lastUsed) {
    if (cookie <= lastComplete || cookie > lastUsed) return DMA_COMPLETE;
  } else if (cookie <= lastComplete && cookie > lastUsed) {
    return DMA_COMPLETE;
  }
  return DMA_IN_PROGRESS;
}

export function dma_cookie_status(chan: DmaChan, cookie: DmaCookie, state?: DmaTxState): DmaStatus {
  const used = chan.cookie;
  const complete = chan.completed_cookie;
  if (state) {
    state.last = complete;
    state.used = used;
    state.residue = 0;
    state.in_flight_bytes = 0;
  }
  return dma_async_is_complete(cookie, complete, used);
}
