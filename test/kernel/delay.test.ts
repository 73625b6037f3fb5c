// delay.h: busy-waits and sleeps cost the simulated time asked, and take interrupts in process
// context but not inside a completion callback (interrupt context).

import { describe, expect, it } from "vitest";
import { zynq, arm64 } from "../helpers/system.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dmaengine_tx_status } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";
import { udelay, ndelay, mdelay, msleep, usleep_range, cpu_relax } from "../../src/kernel/delay.js";
import { KernelError } from "../../src/kernel/errno.js";
import type { System } from "../../src/system.js";

function memcpy(s: System, len: number) {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const dev = chan.device.dev;
  const a = dma_alloc_coherent(dev, len, GFP_KERNEL)!;
  const b = dma_alloc_coherent(dev, len, GFP_KERNEL)!;
  s.cpu.fill(a.cpuAddr, 0x5a, len);
  const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, len, DMA_PREP_INTERRUPT)!;
  const run = { chan, b, cookie: 0, callbacks: 0, tx };
  tx.callback = () => run.callbacks++;
  return run;
}

describe("delay.h", () => {
  it("udelay, ndelay and mdelay advance simulated time by exactly the delay (the call's own instructions are not modelled: ± 0)", async () => {
    const s = await zynq();
    let t = s.now();
    udelay(s, 10);
    expect(s.now() - t).toBe(10e6);
    t = s.now();
    ndelay(s, 250);
    expect(s.now() - t).toBe(250e3);
    t = s.now();
    mdelay(s, 2);
    expect(s.now() - t).toBe(2e9);
  });

  it("msleep lasts msecs_to_jiffies + 1 ticks (HZ 100 on arm, 250 on arm64); usleep_range wakes at max", async () => {
    const z = await zynq();
    let t = z.now();
    msleep(z, 1);
    expect(z.now() - t).toBe(20e9); // 1 ms → 1 jiffy of 10 ms, + 1
    t = z.now();
    msleep(z, 25);
    expect(z.now() - t).toBe(40e9); // 3 jiffies + 1
    const a = await arm64();
    t = a.now();
    msleep(a, 1);
    expect(a.now() - t).toBe(8e9); // 1 jiffy of 4 ms, + 1
    t = a.now();
    usleep_range(a, 10, 20);
    expect(a.now() - t).toBe(20e6);
  });

  it("a transfer ending during udelay in process context has its interrupt taken and callback run, and the delay still lasts what was asked", async () => {
    const s = await zynq();
    const run = memcpy(s, 4096);
    run.cookie = dmaengine_submit(run.tx);
    dma_async_issue_pending(run.chan);
    const t = s.now();
    udelay(s, 50);
    expect(s.now() - t).toBe(50e6);
    expect(run.callbacks).toBe(1);
    expect(s.cpu.read(run.b.cpuAddr, 4096)).toEqual(new Uint8Array(4096).fill(0x5a));
  });

  it("udelay inside a completion callback (interrupt context) takes no interrupt: another channel's callback waits until it returns", async () => {
    const s = await zynq();
    const small = memcpy(s, 64);
    const big = memcpy(s, 8192);
    let bigDuringDelay = -1;
    small.tx.callback = () => {
      small.callbacks++;
      udelay(s, 200);
      bigDuringDelay = big.callbacks;
    };
    small.cookie = dmaengine_submit(small.tx);
    big.cookie = dmaengine_submit(big.tx);
    dma_async_issue_pending(small.chan);
    dma_async_issue_pending(big.chan);
    udelay(s, 1000);
    expect(small.callbacks).toBe(1);
    expect(bigDuringDelay).toBe(0);
    expect(big.callbacks).toBe(1);
    expect(dmaengine_tx_status(big.chan, big.cookie)).toBe(DMA_COMPLETE);
  });

  it("refuses a negative or fractional delay with -EINVAL", async () => {
    const s = await zynq();
    expect(() => udelay(s, -1)).toThrow(KernelError);
    expect(() => msleep(s, 1.5)).toThrow(/msleep: msecs 1.5 is not a non-negative whole number/);
    expect(() => usleep_range(s, 20, 10)).toThrow(/usleep_range: max 10 is not at least min \(20\)/);
  });
  it("cpu_relax inside a completion callback takes no interrupt either", async () => {
    const s = await zynq();
    const small = memcpy(s, 64);
    const big = memcpy(s, 8192);
    let bigAfterRelax = -1;
    small.tx.callback = () => {
      small.callbacks++;
      // big's line rises during this udelay and is left pending (interrupt context).
      udelay(s, 200);
      cpu_relax(s);
      bigAfterRelax = big.callbacks;
    };
    small.cookie = dmaengine_submit(small.tx);
    big.cookie = dmaengine_submit(big.tx);
    dma_async_issue_pending(small.chan);
    dma_async_issue_pending(big.chan);
    udelay(s, 1000);
    expect(small.callbacks).toBe(1);
    expect(bigAfterRelax).toBe(0);
    expect(big.callbacks).toBe(1);
  });

  it("takes a delay of 0: udelay, ndelay, mdelay and usleep_range(0, 0) cost nothing; msleep(0) sleeps one tick", async () => {
    const s = await zynq();
    const t = s.now();
    udelay(s, 0);
    ndelay(s, 0);
    mdelay(s, 0);
    usleep_range(s, 0, 0);
    expect(s.now() - t).toBe(0);
    // msecs_to_jiffies(0) + 1 = 1 jiffy of 10 ms (HZ 100 on arm).
    msleep(s, 0);
    expect(s.now() - t).toBe(10e9);
  });

  it("msleep from process context is quiet; from a completion callback (interrupt context) it is the might_sleep BUG", async () => {
    const s = await zynq();
    const bug = "BUG: sleeping function called from invalid context";
    msleep(s, 1);
    usleep_range(s, 5, 10);
    expect(s.kernel.printk.grep(bug)).toEqual([]);
    const run = memcpy(s, 64);
    run.tx.callback = () => msleep(s, 1);
    run.cookie = dmaengine_submit(run.tx);
    dma_async_issue_pending(run.chan);
    udelay(s, 100);
    expect(s.kernel.printk.grep(bug)).toEqual([expect.stringContaining(`${bug} at include/linux/delay.h (msleep)`)]);
  });
});
