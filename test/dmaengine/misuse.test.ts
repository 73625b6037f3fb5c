// A client misusing the dmaengine API where Linux answers without a word or dies: a cookie the
// channel never handed out (dma_cookie_status calls it DMA_COMPLETE), dmaengine_terminate_sync
// from a completion callback (might_sleep in softirq context), a callback that throws (an oops
// in the tasklet), calls on a channel no client holds (pl330's NULL thread). dmasim gives
// Linux's result and says what is wrong.

import { describe, expect, it } from "vitest";
import { arm64, zynq } from "../helpers/system.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { KernelBug } from "../../src/kernel/errno.js";
import {
  dma_release_channel, dma_request_channel, dmaengine_prep_dma_memcpy, dmaengine_submit, dmaengine_terminate_sync,
  dmaengine_tx_status, dma_sync_wait,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_IN_PROGRESS, DMA_MEMCPY, dma_tx_state } from "../../src/dmaengine/types.js";
import type { System } from "../../src/system.js";

const lines = (s: System, text: string) => s.dmesg().split("\n").filter((l) => l.includes(text));

async function memcpyChannel(boot: () => Promise<System>) {
  const s = await boot();
  const chan = dma_request_channel(s, DMA_MEMCPY, (c) => c.chan_id === 1)!;
  const src = dma_alloc_coherent(chan.device.dev, 8192, GFP_KERNEL)!;
  const dst = dma_alloc_coherent(chan.device.dev, 8192, GFP_KERNEL)!;
  const prep = (len = 64) => dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, len, 0)!;
  return { s, chan, src, dst, prep };
}

describe("dmaengine_tx_status with a cookie the channel never assigned", () => {
  it("is DMA_COMPLETE as in Linux, with one warning per channel", async () => {
    const { s, chan, prep } = await memcpyChannel(zynq);
    const cookie = dmaengine_submit(prep()); // 2: dma_cookie_init starts the channel at 1
    expect(cookie).toBe(2);
    // dma_async_is_complete(c, last_complete 1, last_used 2): c <= 1 or c > 2 is complete.
    expect(dmaengine_tx_status(chan, cookie)).toBe(DMA_IN_PROGRESS);
    expect(lines(s, "never assigned")).toEqual([]);
    expect(dmaengine_tx_status(chan, -12)).toBe(DMA_COMPLETE);
    expect(dmaengine_tx_status(chan, 9999, dma_tx_state())).toBe(DMA_COMPLETE);
    expect(lines(s, "never assigned")).toEqual([
      expect.stringMatching(/WARNING: dmaengine: dmaengine_tx_status: dma0chan1 never assigned cookie -12 \(last 2\) \(dmasim\): Linux's dma_cookie_status answers DMA_COMPLETE/),
    ]);
  });
});

describe("dmaengine_terminate_sync from a completion callback", () => {
  for (const [board, boot] of [["zynq-7000", zynq], ["arm64", arm64]] as const) {
    it(`logs might_sleep's splat and the dmasim warning, and still terminates (${board})`, async () => {
      const { s, chan, prep } = await memcpyChannel(boot);
      const first = prep();
      const behind = prep(4096);
      let rc: number | undefined;
      first.callback = () => (rc = dmaengine_terminate_sync(chan));
      dmaengine_submit(first);
      const cookie = dmaengine_submit(behind);
      expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
      // pl330 has no device_synchronize: terminate_all ran and the call returned 0.
      expect(rc).toBe(0);
      expect(lines(s, "sleeping function called from invalid context")).toEqual([
        expect.stringMatching(/BUG: sleeping function called from invalid context at include\/linux\/dmaengine.h/),
      ]);
      expect(lines(s, "from interrupt context")).toHaveLength(1);
      // From process context the same call is quiet.
      expect(dmaengine_terminate_sync(chan)).toBe(0);
      expect(lines(s, "invalid context")).toHaveLength(1);
    });
  }
});

describe("a completion callback that throws", () => {
  it("is a KernelBug carrying the client's error, and the completions behind it are still delivered", async () => {
    const { chan, prep } = await memcpyChannel(zynq);
    const boom = new Error("boom");
    const first = prep();
    first.callback = () => {
      throw boom;
    };
    let heard = 0;
    const second = prep();
    second.callback = () => heard++;
    dmaengine_submit(first);
    const cookie = dmaengine_submit(second);
    let caught: unknown;
    try {
      dma_sync_wait(chan, cookie);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KernelBug);
    expect((caught as Error).message).toMatch(/dma0chan1: a completion callback threw \(boom\).*Fatal exception in interrupt/);
    expect((caught as Error).cause).toBe(boom);
    // The rescheduled tasklet completes the second transfer when interrupts are next serviced.
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(heard).toBe(1);
  });
});

describe("a channel no client holds", () => {
  it("answers as without a thread and warns once that Linux would oops", async () => {
    const { s, chan, prep } = await memcpyChannel(zynq);
    dma_release_channel(chan);
    expect(prep()).toBeFalsy();
    expect(dmaengine_terminate_sync(chan)).toBe(0);
    expect(lines(s, "which no client holds")).toEqual([
      expect.stringMatching(/WARNING: dmaengine: dmaengine_prep_dma_memcpy on dma0chan1, which no client holds \(released, or never requested\) \(dmasim\)/),
    ]);
  });
});
