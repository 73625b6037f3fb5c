// A client that polls dmaengine_tx_status instead of sleeping: each call from process context
// takes a pending interrupt at its entry (as Linux with IRQs on), so the loop ends.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { udelay } from "../../src/kernel/delay.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dmaengine_tx_status,
  dma_async_is_tx_complete,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";

/** Far more laps than a 4 KB copy needs at 20 core cycles a lap (a few hundred): a guard so a
 *  regression fails instead of hanging. */
const GUARD = 1_000_000;

async function start(len: number) {
  const s = await zynq();
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const a = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
  const b = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
  s.cpu.fill(a.cpuAddr, 0x77, len);
  const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, len, DMA_PREP_INTERRUPT)!;
  const run = { s, chan, b, callbacks: 0, cookie: 0 };
  tx.callback = () => run.callbacks++;
  run.cookie = dmaengine_submit(tx);
  dma_async_issue_pending(chan);
  return run;
}

describe("polling a cookie", () => {
  it("a spinning dmaengine_tx_status loop ends with DMA_COMPLETE, the callback run and the bytes copied", async () => {
    const r = await start(4096);
    let laps = 0;
    while (dmaengine_tx_status(r.chan, r.cookie) !== DMA_COMPLETE && laps < GUARD) laps++;
    expect(laps).toBeLessThan(GUARD);
    expect(laps).toBeGreaterThan(0);
    expect(r.callbacks).toBe(1);
    expect(r.s.cpu.read(r.b.cpuAddr, 4096)).toEqual(new Uint8Array(4096).fill(0x77));
  });

  it("so does a dma_async_is_tx_complete loop", async () => {
    const r = await start(4096);
    let laps = 0;
    while (dma_async_is_tx_complete(r.chan, r.cookie) !== DMA_COMPLETE && laps < GUARD) laps++;
    expect(laps).toBeLessThan(GUARD);
    expect(r.callbacks).toBe(1);
  });

  it("each tx_status lap costs 20 core cycles", async () => {
    const r = await start(4096);
    const t = r.s.now();
    dmaengine_tx_status(r.chan, r.cookie);
    expect(r.s.now() - t).toBe(Math.round((20 * 1e6) / r.s.machine.profile.cpu.clockMHz));
  });
  it("dmaengine_tx_status from a completion callback (interrupt context) takes no pending interrupt", async () => {
    const s = await zynq();
    const copy = (len: number) => {
      const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
      const a = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
      const b = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
      const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, len, DMA_PREP_INTERRUPT)!;
      const run = { chan, tx, cookie: 0, callbacks: 0 };
      tx.callback = () => run.callbacks++;
      return run;
    };
    const small = copy(64);
    const big = copy(8192);
    let seen = { status: -1, callbacks: -1 };
    small.tx.callback = () => {
      // The 8 KiB copy ends during this delay; its interrupt stays pending in interrupt context.
      udelay(s, 200);
      seen = { status: dmaengine_tx_status(big.chan, big.cookie), callbacks: big.callbacks };
    };
    small.cookie = dmaengine_submit(small.tx);
    big.cookie = dmaengine_submit(big.tx);
    dma_async_issue_pending(small.chan);
    dma_async_issue_pending(big.chan);
    udelay(s, 1000);
    expect(seen).toEqual({ status: DMA_IN_PROGRESS, callbacks: 0 });
    expect(big.callbacks).toBe(1);
    expect(dmaengine_tx_status(big.chan, big.cookie)).toBe(DMA_COMPLETE);
  });
});
