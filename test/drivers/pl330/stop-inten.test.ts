// INTEN as Linux's pl330 leaves it (spec pl330 §12.5): _trigger sets the thread's event bit
// before each DMAGO; _stop, which kills a thread that is still running, writes INTCLR for the
// event and takes the bit out of INTEN ("Stop generating interrupts for SEV"), but does nothing
// at all to a thread already Stopped, Completing or Killing, so a transfer that ends by itself
// leaves the bit set.

import { describe, expect, it } from "vitest";
import { zynq } from "../../helpers/system.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_async_issue_pending, dma_request_chan_by_mask, dma_sync_wait, dmaengine_pause, dmaengine_prep_dma_memcpy,
  dmaengine_submit, dmaengine_terminate_sync,
} from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../../src/dmaengine/types.js";
import type { Pl330Chan } from "../../../src/drivers/pl330/channel.js";

const INTEN = 0x020; // spec pl330 §4
const CS = (n: number) => 0x100 + 8 * n;

/** A 1 MiB copy issued on the first memcpy channel, 200 µs into its ~600 µs. */
async function copyUnderWay() {
  const s = await zynq();
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const pch = chan.priv as Pl330Chan;
  const dev = chan.device.dev;
  const a = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
  const b = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
  const cookie = dmaengine_submit(dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 1 << 20, 0)!);
  dma_async_issue_pending(chan);
  s.machine.idleUntil(s.now() + 200e6);
  const thrd = pch.thread!;
  // Channel thread 0 with event 0: the first free of each (pl330_request_channel).
  expect([thrd.id, thrd.ev]).toEqual([0, 0]);
  expect(pch.dmac.readl(CS(0)) & 0xf).toBe(1); // Executing
  return { s, chan, pch, cookie };
}

describe("pl330 INTEN", () => {
  it("keeps the event's bit after a transfer that ended by itself (_stop leaves a Stopped thread alone)", async () => {
    const { chan, pch, cookie } = await copyUnderWay();
    expect(pch.dmac.readl(INTEN) & 1).toBe(1);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(pch.dmac.readl(CS(0)) & 0xf).toBe(0);
    expect(pch.dmac.readl(INTEN) & 1).toBe(1);
  });

  it("loses the event's bit when terminate kills the running thread", async () => {
    const { chan, pch } = await copyUnderWay();
    expect(dmaengine_terminate_sync(chan)).toBe(0);
    // DMAKILL: Killing while its outstanding AXI transfers finish, then Stopped (spec §2.2).
    expect([8, 0]).toContain(pch.dmac.readl(CS(0)) & 0xf);
    expect(pch.dmac.readl(INTEN) & 1).toBe(0);
  });

  it("loses the event's bit when pause kills the running thread", async () => {
    const { chan, pch } = await copyUnderWay();
    expect(dmaengine_pause(chan)).toBe(0);
    expect(pch.dmac.readl(INTEN) & 1).toBe(0);
    expect(dmaengine_terminate_sync(chan)).toBe(0);
  });
});
