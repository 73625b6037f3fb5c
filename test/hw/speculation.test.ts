// The classic DMA bug that speculation exposes (spec mmu-cache §4.4): a driver invalidates a
// receive buffer only when it maps it, lets the device fill it, and reads it without unmapping.
// Without speculation that works by luck — nothing brought the buffer's lines back. With the A53's
// prefetcher (next line on a miss, speculative touches near recent accesses) the CPU polling a
// status word just past the buffer, in the same page, refills some of the buffer's last lines
// before the device has written them, and those lines are stale afterwards. Linux invalidates
// again at unmap for exactly this reason.

import { describe, expect, it } from "vitest";
import { editedSystem } from "../helpers/edited-system.js";
import { ARM64_A53, PREFETCH_OFF, type PrefetchSpec } from "../../src/hw/profile.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_map_single, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dma_sync_wait,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";

// A long transfer whose last lines share a page with the status word the driver polls: the
// device writes those lines last, so speculative fills near the status word during the polling
// always come before the device's data (the prefetcher does not cross pages).
const LEN = 64 * 1024 - 512;
const data = Uint8Array.from({ length: LEN }, (_, i) => (i * 7 + 3) & 0xff);

/** Bytes of the received buffer that differ from what the device wrote. */
async function receive(prefetch: PrefetchSpec, unmapBeforeReading: boolean) {
  const s = await editedSystem("arm64-ref", () => {}, {
    kernel: "v4.9", // __dma_map_area(FROM_DEVICE) invalidates
    profile: (p) => ({ ...p, cpu: { ...p.cpu, prefetch } }),
  });
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const dev = chan.device.dev;
  const src = s.kernel.kmalloc(LEN, GFP_KERNEL);
  s.cpu.write(src, data);
  const ds = dma_map_single(dev, src, LEN, DMA_TO_DEVICE);
  const buf = s.kernel.kmalloc(LEN + 4096, GFP_KERNEL); // the buffer, then a status word in its last page
  const status = buf + LEN;
  const dd = dma_map_single(dev, buf, LEN, DMA_FROM_DEVICE);
  const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dd, ds, LEN, DMA_PREP_INTERRUPT)!);
  dma_async_issue_pending(chan);
  for (let i = 0; i < 2000; i++) s.machine.cpu.load(status, 4); // the driver polls
  expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
  if (unmapBeforeReading) dma_unmap_single(dev, dd, LEN, DMA_FROM_DEVICE);
  const got = s.cpu.read(buf, LEN);
  return { stale: got.filter((v, i) => v !== data[i]).length, prefetches: s.machine.backdoor.stats().prefetch };
}

describe("speculative fills during a device-to-memory transfer", () => {
  it("without speculation, reading without the unmap happens to work", async () => {
    const r = await receive(PREFETCH_OFF, false);
    expect(r.stale).toBe(0);
    expect(r.prefetches).toEqual({ nextLine: 0, speculative: 0 });
  });

  it("with the A53 profile's prefetcher, the same driver reads stale lines", async () => {
    const r = await receive(ARM64_A53.cpu.prefetch, false);
    expect(r.stale).toBeGreaterThan(0);
    expect(r.prefetches.nextLine + r.prefetches.speculative).toBeGreaterThan(0);
  });

  it("is deterministic: the same run gives the same stale bytes", async () => {
    const a = await receive(ARM64_A53.cpu.prefetch, false);
    const b = await receive(ARM64_A53.cpu.prefetch, false);
    expect(b).toEqual(a);
  });

  it("the invalidate at unmap (dma_unmap_single / dma_sync_single_for_cpu) makes it right", async () => {
    const r = await receive(ARM64_A53.cpu.prefetch, true);
    expect(r.stale).toBe(0);
  });
});
