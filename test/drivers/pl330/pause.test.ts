// Work queued on a paused pl330 channel (drivers/dma/pl330.c). pl330_pause kills the thread with
// DMAKILL and marks its requests PAUSED, but leaves thread->req_running naming the paused
// request's slot; issue_pending then writes the new request into the other slot, and _trigger
// returns without a DMAGO because "the request is running". So the new transfer waits, with
// the paused one, until terminate_all; Linux logs nothing on the way. What a client sees:
// tx_status DMA_PAUSED with a stable residue for the paused cookie (which also ends a
// dma_sync_wait at once), DMA_IN_PROGRESS with its whole length as residue for the one queued
// behind it (a dma_sync_wait on it times out after 5 s), no callbacks, and after terminate both
// cookies complete and the channel runs new work.

import { describe, expect, it } from "vitest";
import { zynq } from "../../helpers/system.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_async_issue_pending, dma_request_chan_by_mask, dma_sync_wait, dmaengine_pause, dmaengine_prep_dma_memcpy,
  dmaengine_resume, dmaengine_submit, dmaengine_terminate_sync, dmaengine_tx_status,
} from "../../../src/dmaengine/dmaengine.js";
import {
  DMA_COMPLETE, DMA_ERROR, DMA_IN_PROGRESS, DMA_MEMCPY, DMA_PAUSED, DMA_PREP_INTERRUPT, dma_tx_state, type DmaChan,
  type DmaCookie,
} from "../../../src/dmaengine/types.js";
import { ENOSYS } from "../../../src/kernel/errno.js";
import type { System } from "../../../src/system.js";

const N = 64 * 1024;

function pattern(len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 7 + 1) & 0xff || 0x55);
}

/** How many leading bytes of `dst` are the source's. */
function writtenPrefix(dst: Uint8Array, src: Uint8Array): number {
  let k = 0;
  while (k < dst.length && dst[k] === src[k]) k++;
  return k;
}

function residueOf(chan: DmaChan, cookie: DmaCookie): { status: number; residue: number } {
  const st = dma_tx_state();
  const status = dmaengine_tx_status(chan, cookie, st);
  return { status, residue: st.residue };
}

async function pausedCopy(): Promise<{ s: System; chan: DmaChan; src: Uint8Array; srcDma: number; a: DmaCookie; dstA: { cpuAddr: number }; callbacks: string[] }> {
  const s = await zynq();
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const src = dma_alloc_coherent(chan.device.dev, N, GFP_KERNEL)!;
  const dstA = dma_alloc_coherent(chan.device.dev, N, GFP_KERNEL)!;
  const bytes = pattern(N);
  s.cpu.write(src.cpuAddr, bytes);
  const callbacks: string[] = [];
  const tx = dmaengine_prep_dma_memcpy(chan, dstA.dmaAddr, src.dmaAddr, N, DMA_PREP_INTERRUPT)!;
  tx.callback = () => callbacks.push("A");
  const a = dmaengine_submit(tx);
  dma_async_issue_pending(chan);
  // 20 µs into a copy that takes several times as long.
  s.machine.idleUntil(s.now() + 20e6);
  expect(dmaengine_pause(chan)).toBe(0);
  return { s, chan, src: bytes, srcDma: src.dmaAddr, a, dstA, callbacks };
}

describe("pl330: a paused channel", () => {
  it("keeps work queued after the pause pending with the paused transfer until terminate_all", async () => {
    const { s, chan, src, srcDma, a, dstA, callbacks } = await pausedCopy();
    const paused = residueOf(chan, a);
    expect(paused.status).toBe(DMA_PAUSED);
    expect(paused.residue).toBeGreaterThan(0);
    expect(paused.residue).toBeLessThan(N);
    // The residue comes from SAR, so it counts what the source side read; the destination holds
    // a prefix of the source that trails it by what DMAKILL discarded from the MFIFO (at most
    // the Zynq's 1024 bytes), and nothing after.
    const atPause = s.cpu.read(dstA.cpuAddr, N);
    const written = writtenPrefix(atPause, src);
    expect(N - paused.residue - written).toBeGreaterThanOrEqual(0);
    expect(N - paused.residue - written).toBeLessThanOrEqual(1024);
    expect(atPause.subarray(written)).toEqual(new Uint8Array(N - written));
    const dmesgBefore = s.dmesg();

    const dstB = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const txB = dmaengine_prep_dma_memcpy(chan, dstB.dmaAddr, srcDma, 4096, DMA_PREP_INTERRUPT)!;
    txB.callback = () => callbacks.push("B");
    const b = dmaengine_submit(txB);
    dma_async_issue_pending(chan);
    expect(residueOf(chan, b)).toEqual({ status: DMA_IN_PROGRESS, residue: 4096 });
    expect(residueOf(chan, a)).toEqual(paused);

    // The paused cookie ends a dma_sync_wait at once (dma_async_is_tx_complete asks the
    // driver with a state, as in Linux); the one behind it cannot end but by the deadline.
    let t = s.now();
    expect(dma_sync_wait(chan, a)).toBe(DMA_PAUSED);
    expect(s.now() - t).toBeLessThan(1e6);
    t = s.now();
    expect(dma_sync_wait(chan, b)).toBe(DMA_ERROR);
    expect(s.now() - t).toBeGreaterThanOrEqual(5e12);
    expect(s.now() - t).toBeLessThan(5e12 + 1e6);
    expect(s.dmesg().slice(dmesgBefore.length).trim().split("\n")).toEqual([
      expect.stringMatching(/\] dma-pl330 f8003000\.dma-controller: dma_sync_wait: timeout!$/),
      expect.stringMatching(/WARNING: dmaengine: dma_sync_wait timed out \(dmasim\): dma0chan0 .*\(Stopped\).*; the channel was paused \(dmaengine_pause\)/),
    ]);
    expect(residueOf(chan, a)).toEqual(paused);
    expect(residueOf(chan, b)).toEqual({ status: DMA_IN_PROGRESS, residue: 4096 });
    expect(s.cpu.read(dstA.cpuAddr, N)).toEqual(atPause);
    expect(s.cpu.read(dstB.cpuAddr, 4096)).toEqual(new Uint8Array(4096));
    expect(dmaengine_resume(chan)).toBe(-ENOSYS);

    // terminate_all marks every cookie complete without a callback; the channel then runs.
    expect(dmaengine_terminate_sync(chan)).toBe(0);
    expect(residueOf(chan, a)).toEqual({ status: DMA_COMPLETE, residue: 0 });
    expect(residueOf(chan, b)).toEqual({ status: DMA_COMPLETE, residue: 0 });
    const c = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dstB.dmaAddr, srcDma, 4096, DMA_PREP_INTERRUPT)!);
    expect(dma_sync_wait(chan, c)).toBe(DMA_COMPLETE);
    expect(s.cpu.read(dstB.cpuAddr, 4096)).toEqual(src.subarray(0, 4096));
    expect(s.cpu.read(dstA.cpuAddr, N)).toEqual(atPause);
    expect(callbacks).toEqual([]);
  });

  it("with both request slots taken, the queued request reads PAUSED with all its bytes left, and later work stays unprogrammed", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const src = dma_alloc_coherent(chan.device.dev, N, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 3 * N, GFP_KERNEL)!;
    s.cpu.write(src.cpuAddr, pattern(N));
    const [a1, a2] = [0, 1].map((i) => dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + i * N, src.dmaAddr, N, 0)!));
    dma_async_issue_pending(chan);
    s.machine.idleUntil(s.now() + 20e6);
    expect(dmaengine_pause(chan)).toBe(0);
    const first = residueOf(chan, a1);
    expect(first.status).toBe(DMA_PAUSED);
    expect(first.residue).toBeGreaterThan(0);
    expect(residueOf(chan, a2)).toEqual({ status: DMA_PAUSED, residue: N });

    const b = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + 2 * N, src.dmaAddr, N, 0)!);
    const t = s.now();
    expect(dma_sync_wait(chan, a2)).toBe(DMA_PAUSED);
    expect(dma_sync_wait(chan, b)).toBe(DMA_ERROR);
    expect(s.now() - t).toBeGreaterThanOrEqual(5e12);
    expect(residueOf(chan, a1)).toEqual(first);
    expect(residueOf(chan, b)).toEqual({ status: DMA_IN_PROGRESS, residue: N });
    const out = s.cpu.read(dst.cpuAddr, 3 * N);
    const written = writtenPrefix(out, pattern(N));
    expect(N - first.residue - written).toBeGreaterThanOrEqual(0);
    expect(N - first.residue - written).toBeLessThanOrEqual(1024);
    expect(out.subarray(written)).toEqual(new Uint8Array(3 * N - written));
  });
});
