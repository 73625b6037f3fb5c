// A memcpy through dmaengine and the pl330 driver: bytes moved, cookies, callbacks, status,
// and simulated time that grows with the size.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import {
  dma_request_chan, dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait,
  dmaengine_tx_status, dma_async_issue_pending, dma_release_channel,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_MEMCPY, DMA_PREP_INTERRUPT, DMA_TRANS_NOERROR } from "../../src/dmaengine/types.js";
import { KernelError } from "../../src/kernel/errno.js";

/** A 1 MB copy between coherent buffers, submitted and issued on a fresh memcpy channel. */
async function issueMegabyteCopy() {
  const s = await zynq();
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const dev = chan.device.dev;
  const a = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
  const b = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
  const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 1 << 20, DMA_PREP_INTERRUPT)!);
  dma_async_issue_pending(chan);
  return { s, chan, cookie };
}

describe("dmaengine memcpy on the pl330", () => {
  it("copies the bytes and completes the cookie, calling the callback once", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    expect(chan.name).toBe("dma0chan0");
    const dev = chan.device.dev;
    const a = dma_alloc_coherent(dev, 65536, GFP_KERNEL)!;
    const b = dma_alloc_coherent(dev, 65536, GFP_KERNEL)!;
    const data = Uint8Array.from({ length: 65536 }, (_, i) => (i ^ (i >> 8)) & 0xff);
    s.cpu.write(a.cpuAddr, data);
    const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr + 8, a.dmaAddr, 65528, DMA_PREP_INTERRUPT)!;
    const results: number[] = [];
    tx.callback_result = (_p, r) => results.push(r.result);
    const cookie = dmaengine_submit(tx);
    expect(dmaengine_tx_status(chan, cookie)).toBe(DMA_IN_PROGRESS);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(results).toEqual([DMA_TRANS_NOERROR]);
    expect(s.cpu.read(b.cpuAddr + 8, 65528)).toEqual(data.subarray(0, 65528));
    expect(s.cpu.read(b.cpuAddr, 8)).toEqual(new Uint8Array(8));
    const next = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 64, 0)!);
    expect(next).toBe(cookie + 1);
    expect(dma_sync_wait(chan, next)).toBe(DMA_COMPLETE);
  });

  it("reports residue mid-transfer from the channel's SAR", async () => {
    const { s, chan, cookie } = await issueMegabyteCopy();
    s.machine.idleUntil(s.now() + 200e6); // 200 µs into a ~600 µs copy
    const state = { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
    expect(dmaengine_tx_status(chan, cookie, state)).toBe(DMA_IN_PROGRESS);
    expect(state.residue).toBeGreaterThan(0);
    expect(state.residue).toBeLessThan(1 << 20);
    expect(state.residue % 128).toBe(0);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
  });

  it("reports the whole length as residue right after issue_pending, while a fresh channel's SAR still reads 0", async () => {
    // pl330_get_current_xferred_count: SAR is 0 (its reset value) until the thread's DMAMOV
    // runs, and counts as nothing transferred (not as 0 - src_addr).
    const { chan, cookie } = await issueMegabyteCopy();
    const state = { last: 0, used: 0, residue: 0, in_flight_bytes: 0 };
    expect(dmaengine_tx_status(chan, cookie, state)).toBe(DMA_IN_PROGRESS);
    expect(state.residue).toBe(1 << 20);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
  });

  it("takes longer for more bytes", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const dev = chan.device.dev;
    const a = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
    const b = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
    const time = (len: number) => {
      const t0 = s.now();
      dma_sync_wait(chan, dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, len, 0)!));
      return s.now() - t0;
    };
    const t64k = time(64 << 10);
    const t1m = time(1 << 20);
    expect(t1m).toBeGreaterThan(8 * t64k);
    expect(t1m / 1e6).toBeGreaterThan(590); // 1 MiB at ≤ 1776 MB/s takes ≥ 590 µs
  });

  it("gives the consumer's named channel and refuses a busy or unknown one", async () => {
    const s = await zynq();
    const uart = s.device("e0001000.serial");
    const rx = dma_request_chan(uart, "rx");
    expect(rx.chan_id).toBe(1);
    expect(() => dma_request_chan(uart, "rx")).toThrow(/^-ENODEV: e0001000\.serial: dma0chan1 is in use for "rx"$/);
    expect(() => dma_request_chan(uart, "nope")).toThrow(KernelError);
    dma_release_channel(rx);
    expect(dma_request_chan(uart, "rx").chan_id).toBe(1);
  });
});
