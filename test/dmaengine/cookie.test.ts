// Cookie wrap-round (drivers/dma/dmaengine.h): dma_cookie_assign goes from S32_MAX back to
// DMA_MIN_COOKIE (1), and dma_async_is_complete then reads a cookie complete iff it lies in
// (last_used, last_complete]. The channel is started two cookies short of S32_MAX, as it would
// stand after 2^31 - 3 transfers; the expected statuses are worked out by hand from that rule.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import {
  dma_async_issue_pending, dma_request_channel, dma_sync_wait, dmaengine_prep_dma_memcpy, dmaengine_submit,
  dmaengine_tx_status,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_MEMCPY, dma_tx_state } from "../../src/dmaengine/types.js";
import { pattern } from "../../src/sim/phase.js";

const S32_MAX = 0x7fffffff;

describe("cookies across the s32 wrap", () => {
  it("numbers on from 1 after S32_MAX, and tx_status keeps unissued cookies in progress", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const chan = dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === 0)!;
    const len = 4096;
    const src = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 3 * len, GFP_KERNEL)!;
    s.cpu.write(src.cpuAddr, pattern(len, 3));
    chan.cookie = S32_MAX - 2;
    chan.completed_cookie = S32_MAX - 2;
    const copy = (i: number) => dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + i * len, src.dmaAddr, len, 0)!);

    const a = copy(0);
    expect(a).toBe(S32_MAX - 1);
    dma_async_issue_pending(chan);
    expect(dma_sync_wait(chan, a)).toBe(DMA_COMPLETE);

    const b = copy(1);
    const c = copy(2);
    const d = copy(0);
    expect([b, c, d]).toEqual([S32_MAX, 1, 2]);
    // last_complete = S32_MAX - 1 > last_used = 2: complete iff 2 < cookie <= S32_MAX - 1.
    expect(dmaengine_tx_status(chan, a)).toBe(DMA_COMPLETE);
    expect(dmaengine_tx_status(chan, 3)).toBe(DMA_COMPLETE);
    for (const k of [b, c, d]) expect(dmaengine_tx_status(chan, k)).toBe(DMA_IN_PROGRESS);

    dma_async_issue_pending(chan);
    expect(dma_sync_wait(chan, d)).toBe(DMA_COMPLETE);
    // last_complete = 2 = last_used: everything is complete again.
    for (const k of [a, b, c, d]) expect(dmaengine_tx_status(chan, k)).toBe(DMA_COMPLETE);
    expect(s.cpu.read(dst.cpuAddr + len, len)).toEqual(pattern(len, 3));
  });
});

describe("a cookie's completion", () => {
  it("clears the descriptor's cookie before its callback, and tx_status's state gives the last completed and last used", async () => {
    // dma_cookie_complete: chan->completed_cookie = tx->cookie, then tx->cookie = 0; pl330's
    // tasklet completes the cookie before it calls back. dma_cookie_status fills state->last
    // with completed_cookie and state->used with chan->cookie.
    const s = await createSystem({ board: "zynq-7000" });
    const chan = dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === 0)!;
    const src = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
    const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 64, 0)!;
    const seen: number[] = [];
    tx.callback = () => seen.push(tx.cookie);
    const first = dmaengine_submit(tx);
    expect([first, tx.cookie]).toEqual([2, 2]); // dma_cookie_init: both at DMA_MIN_COOKIE (1)
    expect(dma_sync_wait(chan, first)).toBe(DMA_COMPLETE);
    expect(seen).toEqual([0]);
    const second = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 64, 0)!);
    const state = dma_tx_state();
    expect(dmaengine_tx_status(chan, second, state)).toBe(DMA_IN_PROGRESS);
    expect([state.last, state.used]).toEqual([first, second]);
  });
});
