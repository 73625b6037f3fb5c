// Which callback a cyclic client hears, per kernel. pl330_tx_submit copies callback and
// callback_param (not callback_result) from the returned descriptor, the ring's last period, to
// the others; 4.9 has no callback_result at all (it came in 4.10).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../../src/create.js";
import type { System } from "../../../src/system.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_request_channel, dmaengine_slave_config, dmaengine_prep_dma_cyclic, dmaengine_submit, dma_async_issue_pending,
} from "../../../src/dmaengine/dmaengine.js";
import { DMA_DEV_TO_MEM, DMA_SLAVE, type DmaAsyncTxDescriptor } from "../../../src/dmaengine/types.js";

const PERIODS = 4;

/** A ring of 4 × 128 B from the UART's RX line (chan 1, 2-byte samples) on zynq-7000. */
async function ring(kernel: "modern" | "v4.9"): Promise<{ s: System; tx: DmaAsyncTxDescriptor; start(): void }> {
  const s = await createSystem({ board: "zynq-7000", kernel });
  const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 1)!;
  const buf = dma_alloc_coherent(chan.device.dev, 512, GFP_KERNEL)!;
  dmaengine_slave_config(chan, { direction: DMA_DEV_TO_MEM, src_addr: 0xe0001100, src_addr_width: 2, src_maxburst: 1 });
  const tx = dmaengine_prep_dma_cyclic(chan, buf.dmaAddr, 512, 512 / PERIODS, DMA_DEV_TO_MEM, 0)!;
  return {
    s,
    tx,
    start() {
      dmaengine_submit(tx);
      dma_async_issue_pending(chan);
    },
  };
}

describe("cyclic callbacks on modern kernels", () => {
  it("the last period calls callback_result, the other periods the callback copied to them", async () => {
    const { s, tx, start } = await ring("modern");
    const heard: string[] = [];
    tx.callback = () => heard.push("callback");
    tx.callback_result = () => heard.push("callback_result");
    start();
    s.kernel.waitEvent(() => heard.length >= 2 * PERIODS, 1e12);
    const lap = ["callback", "callback", "callback", "callback_result"];
    expect(heard.slice(0, 2 * PERIODS)).toEqual([...lap, ...lap]);
  });

  it("a client that sets only callback_result hears it once per lap", async () => {
    const ref = await ring("modern");
    const periods: number[] = [];
    ref.tx.callback = () => periods.push(ref.s.now());
    ref.start();
    ref.s.kernel.waitEvent(() => periods.length >= 3 * PERIODS, 1e12);
    expect(periods.length).toBe(3 * PERIODS);

    const only = await ring("modern");
    const laps: number[] = [];
    only.tx.callback_result = () => laps.push(only.s.now());
    only.start();
    only.s.kernel.waitEvent(() => laps.length >= 3, 1e12);
    // The same hardware in the same simulated time: each lap ends with the 4th period.
    expect(laps).toEqual([periods[3], periods[7], periods[11]]);
  });
});

describe("cyclic callbacks on 4.9", () => {
  it("callback_result is never called (4.9 has none), and dmesg says so once", async () => {
    const { s, tx, start } = await ring("v4.9");
    let calls = 0;
    tx.callback_result = () => calls++;
    start();
    const until = s.now() + 5e9; // 5 ms: several laps of 4 × 64 samples
    s.kernel.waitEvent(() => false, until - s.now());
    expect(calls).toBe(0);
    const lines = s.dmesg().split("\n").filter((l) => l.includes("callback_result"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\] WARNING: dmaengine: dma0chan1: a descriptor has only a callback_result, which Linux 4\.9 does not have/);
  });

  it("a client that sets both hears the callback for every period", async () => {
    const { s, tx, start } = await ring("v4.9");
    const heard: string[] = [];
    tx.callback = () => heard.push("callback");
    tx.callback_result = () => heard.push("callback_result");
    start();
    s.kernel.waitEvent(() => heard.length >= 2 * PERIODS, 1e12);
    expect(heard.slice(0, 2 * PERIODS)).toEqual(Array(2 * PERIODS).fill("callback"));
    expect(s.dmesg()).not.toMatch(/callback_result/);
  });
});
