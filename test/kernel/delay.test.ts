// delay.h: busy-waits and sleeps cost the simulated time asked, and take interrupts in process
// context but not inside a completion callback (interrupt context).

import { describe, expect, it } from "vitest";
import { zynq, arm64 } from "../helpers/system.js";
import { createSystem } from "../../src/create.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dmaengine_tx_status } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";
import { udelay, ndelay, mdelay, msleep, usleep_range, cpu_relax } from "../../src/kernel/delay.js";
import { EINVAL, KernelError } from "../../src/kernel/errno.js";
import { thrown } from "../helpers/thrown.js";
import { spin_lock, spin_lock_init, spin_unlock } from "../../src/kernel/spinlock.js";
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

/** A 64-byte copy whose completion callback runs `inCallback`, and an 8 KiB copy on another
 *  channel that finishes meanwhile; how many of the big copy's callbacks had run when
 *  `inCallback` returned, after 1 ms of process context. */
function bigDuringSmallsCallback(s: System, inCallback: () => void) {
  const small = memcpy(s, 64);
  const big = memcpy(s, 8192);
  let bigInCallback = -1;
  small.tx.callback = () => {
    small.callbacks++;
    inCallback();
    bigInCallback = big.callbacks;
  };
  small.cookie = dmaengine_submit(small.tx);
  big.cookie = dmaengine_submit(big.tx);
  dma_async_issue_pending(small.chan);
  dma_async_issue_pending(big.chan);
  udelay(s, 1000);
  return { small, big, bigInCallback };
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

  // Reference model of the timer wheel (kernel/time/timer.c calc_wheel_index / calc_index):
  // jiffies starts at INITIAL_JIFFIES = 2^32 - 300 HZ and ticks every 1/HZ from power-on; a
  // timer for `expires` runs at the next multiple of its level's granularity (8^lvl jiffies,
  // level 0 below a delta of 63, level 1 below 504) strictly after `expires`.
  function wakeAt(now: number, hz: number, timeout: number): number {
    const tick = 1e12 / hz;
    const initial = 2 ** 32 - 300 * hz;
    const clk = initial + Math.floor(now / tick);
    const gran = timeout < 63 ? 1 : timeout < 504 ? 8 : NaN;
    const runs = (Math.floor((clk + timeout) / gran) + 1) * gran;
    return (runs - initial) * tick;
  }

  it("msleep (current Linux) sleeps msecs_to_jiffies ticks on the timer wheel: wakes on the tick after the timer's expiry (HZ 100 on arm, 250 on arm64); usleep_range wakes at max", async () => {
    const z = await zynq();
    let t = z.now();
    msleep(z, 1); // 1 jiffy of 10 ms
    expect(z.now()).toBe(wakeAt(t, 100, 1));
    expect(z.now() - t).toBeGreaterThan(10e9);
    expect(z.now() - t).toBeLessThanOrEqual(20e9);
    t = z.now(); // now on a tick: the full extra tick
    msleep(z, 25); // 3 jiffies
    expect(z.now() - t).toBe(40e9);
    t = z.now();
    msleep(z, 0);
    expect(z.now()).toBe(t);
    const a = await arm64();
    t = a.now();
    msleep(a, 5); // 2 jiffies of 4 ms: "msleep(5) on a 250HZ system still takes 11.9ms" (commit 4381b895f544's follow-up)
    expect(a.now()).toBe(wakeAt(t, 250, 2));
    t = a.now() + 1e9; // off the tick
    a.machine.idleUntil(t);
    msleep(a, 1000); // 250 jiffies: level 1, rounded up to a multiple of 8 jiffies
    expect(a.now()).toBe(wakeAt(t, 250, 250));
    expect(a.now() - t).toBeGreaterThan(1000e9);
    t = a.now();
    usleep_range(a, 10, 20);
    expect(a.now() - t).toBe(20e6);
  });

  it("msleep on the 4.9 kernel adds a tick to msecs_to_jiffies, and msleep(0) still sleeps", async () => {
    const z = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    let t = z.now();
    msleep(z, 1);
    expect(z.now()).toBe(wakeAt(t, 100, 2));
    t = z.now();
    msleep(z, 25); // 3 jiffies + 1, from a tick
    expect(z.now() - t).toBe(50e9);
    t = z.now();
    msleep(z, 0);
    expect(z.now() - t).toBe(20e9);
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
    const { small, big, bigInCallback } = bigDuringSmallsCallback(s, () => udelay(s, 200));
    expect(small.callbacks).toBe(1);
    expect(bigInCallback).toBe(0);
    expect(big.callbacks).toBe(1);
    expect(dmaengine_tx_status(big.chan, big.cookie)).toBe(DMA_COMPLETE);
  });

  it("refuses a negative or fractional delay with -EINVAL", async () => {
    const s = await zynq();
    expect(() => udelay(s, -1)).toThrow(KernelError);
    expect(() => msleep(s, 1.5)).toThrow(/msleep: msecs 1.5 is not a non-negative whole number/);
  });
  it("cpu_relax inside a completion callback takes no interrupt either", async () => {
    const s = await zynq();
    // big's line rises during the udelay and is left pending (interrupt context).
    const { small, big, bigInCallback } = bigDuringSmallsCallback(s, () => {
      udelay(s, 200);
      cpu_relax(s);
    });
    expect(small.callbacks).toBe(1);
    expect(bigInCallback).toBe(0);
    expect(big.callbacks).toBe(1);
  });

  it("takes a delay of 0: udelay, ndelay, mdelay, usleep_range(0, 0) and modern msleep(0) cost nothing; 4.9's msleep(0) sleeps", async () => {
    const s = await zynq();
    const t = s.now();
    udelay(s, 0);
    ndelay(s, 0);
    mdelay(s, 0);
    usleep_range(s, 0, 0);
    // Current msleep loops while msecs_to_jiffies(0) = 0 ticks remain: not at all.
    msleep(s, 0);
    expect(s.now() - t).toBe(0);
    // 4.9: msecs_to_jiffies(0) + 1 = a timer 1 jiffy ahead, run on the tick after it: the task
    // wakes on the second 10 ms tick boundary (HZ 100 on arm).
    const old = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const t0 = old.now();
    msleep(old, 0);
    expect(old.now()).toBe((Math.floor(t0 / 10e9) + 2) * 10e9);
  });

  it("msleep from process context is quiet; from a completion callback (interrupt context) schedule() reports scheduling while atomic, with no might_sleep lines (msleep has none)", async () => {
    const s = await zynq();
    msleep(s, 1);
    usleep_range(s, 5, 10);
    expect(s.kernel.printk.grep("BUG:")).toEqual([]);
    const run = memcpy(s, 64);
    run.tx.callback = () => msleep(s, 1);
    run.cookie = dmaengine_submit(run.tx);
    dma_async_issue_pending(run.chan);
    udelay(s, 100);
    // The callback runs in pl330's tasklet: preempt_count() holds SOFTIRQ_OFFSET (0x100), and
    // schedule_debug reports it with schedule()'s own preempt_disable added (0x101).
    expect(s.kernel.printk.grep("BUG:")).toEqual(["BUG: scheduling while atomic: insmod/100/0x00000101 (msleep)"]);
    expect(s.kernel.printk.grep("preempt_count:")).toEqual([]);
  });
  it("msleep whose delta is exactly 63 jiffies is filed at timer-wheel level 1 (LVL_START(1) = 63): woken on a multiple of 8 jiffies", async () => {
    const z = await zynq();
    z.machine.idleUntil(z.now() + 10e9 + 1e9); // into jiffy 1 after boot (or later): off a multiple of 8
    const t = z.now();
    const j = Math.floor(t / 10e9);
    expect(j % 8).not.toBe(0);
    msleep(z, 630); // 63 jiffies at HZ 100
    // INITIAL_JIFFIES = 2^32 - 30000 is a multiple of 8, so the level-1 rounding falls on jiffies
    // since boot that are multiples of 8: the first strictly after j + 63.
    expect(z.now()).toBe((Math.floor((j + 63) / 8) + 1) * 8 * 10e9);
    expect(z.now()).toBe(wakeAt(t, 100, 63));
  });

  it("msleep beyond the timer wheel: its timer is capped at WHEEL_TIMEOUT_MAX, and msleep sleeps again for what is left (arm64, HZ 250)", async () => {
    const a = await arm64();
    const j0 = Math.floor(a.now() / 4e9); // ticks since boot: before jiffies' 2^32 wrap
    expect(j0).toBeLessThan(75000);
    // 4261412864 ms = 1065353216 jiffies = 63.5 * 2^24: past WHEEL_TIMEOUT_CUTOFF (LVL_START(9)
    // = 63 * 2^24), less than UINT_MAX ms. With clk = 2^32 - 75000 + j0 (INITIAL_JIFFIES is
    // 2^32 - 300 * HZ), the first timer is filed at clk + WHEEL_TIMEOUT_MAX (62 * 2^24) and
    // runs at the next multiple of 2^24 above it: jiffy 318 * 2^24. Left: 1.5 * 2^24 - 75000
    // + j0 jiffies, a level-7 delta (from 63 * 2^18), so the second timer runs at the next
    // multiple of 2^21 above the expiry 319.5 * 2^24 - 75000 + j0: 319.5 * 2^24 itself.
    // (Rounded at the last level without the cap, it would run at 320 * 2^24, 9.3 hours later.)
    msleep(a, 4261412864);
    const wake = 319.5 * 2 ** 24;
    expect(a.now()).toBe((wake - (2 ** 32 - 75000)) * 4e9);
    expect(a.now() - j0 * 4e9).toBeGreaterThanOrEqual(4261412864e9); // never early
  });

  it("msleep whose delta is exactly WHEEL_TIMEOUT_CUTOFF (arm, HZ 100: LVL_DEPTH 8, LVL_START(8) = 63 * 2^21 jiffies) is capped too: two timers", async () => {
    const z = await zynq();
    z.machine.idleUntil(300000 * 10e9); // jiffy 300000 after boot: clk = 2^32 - 30000 + 300000 = 2^32 + 270000
    const t = z.now();
    // msecs_to_jiffies(1321205760) = 132120576 = 63 * 2^21: the cutoff itself (calc_wheel_index's
    // "delta >= WHEEL_TIMEOUT_CUTOFF"), so the timer is filed at clk + WHEEL_TIMEOUT_MAX (62 * 2^21),
    // level 7 (granularity 2^21), and runs at the next multiple of 2^21: 2^32 + 63 * 2^21. Left:
    // 270000 jiffies, a level-5 delta (LVL_START(5) = 63 * 2^12 = 258048 <= 270000 < LVL_START(6)),
    // granularity 2^15: the second timer runs at the next multiple of 32768 above 2^32 + 63 * 2^21
    // + 270000, i.e. + 9 * 32768 = + 294912. Since boot: 30000 + 63 * 2^21 + 294912 jiffies.
    // (Uncapped, the one timer would run at 2^32 + 64 * 2^21; with LVL_DEPTH 9, at 2^32 + 8 * 2^24.)
    msleep(z, 1321205760);
    expect(z.now()).toBe((30000 + 63 * 2 ** 21 + 294912) * 10e9);
    expect(z.now() - t).toBeGreaterThanOrEqual(1321205760e9); // never early
  });

  it("a delay that would end exactly at 2^63 ps is refused too", async () => {
    const s = await zynq();
    // Move to a time t with 2^63 - t a multiple of 16 * 10^6 ps (lcm of 10^6 ps per us and 2^10),
    // so that 2^63 - t is whole microseconds and t + (2^63 - t) is 2^63 exactly, also in doubles.
    const period = 16_000_000n;
    const now = BigInt(s.now());
    const t = now + (((2n ** 63n % period) - (now % period) + period) % period);
    s.machine.idleUntil(Number(t));
    expect(BigInt(s.now())).toBe(t);
    const usecs = Number((2n ** 63n - t) / 1_000_000n);
    expect(() => udelay(s, usecs)).toThrow(`-EINVAL: udelay: usecs ${usecs} is not a delay the simulated clock can hold`);
    expect(BigInt(s.now())).toBe(t);
    expect(() => udelay(s, usecs - 1)).not.toThrow(); // ends 1 us before 2^63
  });

  // The silicon's clock counts picoseconds in a signed 64-bit integer: it ends at 2^63 ps,
  // 9223372036854775808 ps = 106.75 days after power-on. A delay ending there or later is
  // refused before any time passes.
  it("a delay past the end of the simulated clock (2^63 ps) is -EINVAL, naming the limit and what is left; one just inside it passes its time", async () => {
    const s = await zynq();
    const t = s.now();
    const leftIn = (unit: bigint) => (2n ** 63n - BigInt(s.now())) / unit;
    expect(() => udelay(s, 1e13)).toThrow(KernelError); // 10^19 ps
    expect(() => udelay(s, 1e13)).toThrow(
      `-EINVAL: udelay: usecs 10000000000000 is not a delay the simulated clock can hold: it ends at 2^63 ps (about 106.75 days after power-on), ${leftIn(1000000n)} us from now`,
    );
    expect(() => mdelay(s, 1e10)).toThrow(/^-EINVAL: mdelay: msecs 10000000000 is not a delay the simulated clock can hold/);
    // On arm usleep_range's unsigned long stops at 2^32 - 1 us, long before the clock's end.
    const a64 = await arm64();
    expect(() => usleep_range(a64, 0, 1e13)).toThrow(/^-EINVAL: usleep_range: max 10000000000000 is not a delay the simulated clock can hold/);
    expect(s.now()).toBe(t);
    udelay(s, 9e12); // 9 * 10^18 ps: inside the 9.22 * 10^18
    expect(s.now()).toBe(t + 9e18);
    // 3 * 10^17 ps more would end at 9.3 * 10^18; 2^53 - 1 ns (9.007 * 10^15 us) too.
    expect(() => udelay(s, 3e11)).toThrow(/^-EINVAL: udelay: usecs 300000000000 is not a delay the simulated clock can hold/);
    expect(() => ndelay(s, Number.MAX_SAFE_INTEGER)).toThrow(`${leftIn(1000n)} ns from now`);
    expect(s.now()).toBe(t + 9e18);
    expect(() => udelay(s, 1)).not.toThrow();
  });

  it("msleep of an unsigned int that would wake past the clock's end is -EINVAL; at boot even UINT_MAX ms fits", async () => {
    const z = await zynq();
    // 60 days in: UINT_MAX ms (49.7 days) more would end at 109.7 days, past 106.75.
    udelay(z, 60 * 86400e6);
    const t = z.now();
    expect(() => msleep(z, 2 ** 32 - 1)).toThrow(/^-EINVAL: msleep: msecs 4294967295 is not a delay the simulated clock can hold: it ends at 2\^63 ps \(about 106.75 days after power-on\), \d+ ms from now$/);
    expect(z.now()).toBe(t);
    msleep(z, 2 ** 31); // 24.9 days: ends at 84.9
    expect(z.now()).toBeGreaterThanOrEqual(t + 2 ** 31 * 1e9);
    const fresh = await zynq();
    msleep(fresh, 2 ** 32 - 1);
    expect(fresh.now()).toBeGreaterThanOrEqual((2 ** 32 - 1) * 1e9);
  });

  it("msleep takes an unsigned int: more than UINT_MAX milliseconds is -EINVAL", async () => {
    const z = await zynq();
    expect(() => msleep(z, 2 ** 32)).toThrow(KernelError);
    expect(() => msleep(z, 2 ** 32)).toThrow(/msleep: msecs 4294967296 is not an unsigned int/);
  });
});

describe("usleep_range's hrtimer per kernel version", () => {
  /** `fn` under a spinlock: the BUG lines it leaves, and the simulated time it took. */
  function underLock(s: System, fn: () => void) {
    const lock = spin_lock_init(s);
    spin_lock(lock);
    const t = s.now();
    fn();
    const ps = s.now() - t;
    spin_unlock(lock);
    return { bugs: s.kernel.printk.grep("BUG:"), ps };
  }

  it("usleep_range(0, 0): current Linux arms its timer at ktime_get() + 0, never 0, and reaches schedule(): under a lock, scheduling while atomic", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "modern" });
    const { bugs, ps } = underLock(s, () => usleep_range(s, 0, 0));
    // One lock (1) plus schedule()'s own preempt_disable (1); the timer has already expired.
    expect(bugs).toEqual(["BUG: scheduling while atomic: insmod/100/0x00000002 (usleep_range)"]);
    expect(ps).toBe(0);
  });

  it("4.9's do_usleep_range with min 0 asks for a relative expiry of 0: schedule_hrtimeout_range returns at once, with no schedule() and no sleep, whatever max is", async () => {
    for (const board of ["zynq-7000", "arm64-ref"]) {
      const s = await createSystem({ board, kernel: "v4.9" });
      const { bugs, ps } = underLock(s, () => {
        usleep_range(s, 0, 0);
        usleep_range(s, 0, 500);
      });
      expect(bugs).toEqual([]);
      expect(ps).toBe(0);
    }
  });

  it("max < min on current Linux: one WARN_ON_ONCE(max < min), then a slack of 0: the task wakes min microseconds later", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "modern" });
    let t = s.now();
    usleep_range(s, 20, 10);
    expect(s.now() - t).toBe(20e6);
    t = s.now();
    usleep_range(s, 300, 7);
    expect(s.now() - t).toBe(300e6);
    expect(s.kernel.printk.grep("WARNING:")).toEqual(["WARNING: kernel/time/sleep_timeout.c: usleep_range_state: WARN_ON_ONCE(max < min)"]);
  });

  it("min == max on current Linux is no WARN (WARN_ON_ONCE(max < min) is strict): the task wakes max microseconds later", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "modern" });
    const t = s.now();
    usleep_range(s, 10, 10);
    expect(s.now() - t).toBe(10e6);
    expect(s.kernel.printk.grep("WARNING:")).toEqual([]);
  });

  it("max < min on current Linux past the clock's end: the hard expiry is min's, so min is the delay refused", async () => {
    // arm64's unsigned long holds 10^13 us; the timer ends min = 10^19 ps from now, past 2^63 ps.
    const s = await createSystem({ board: "arm64-ref", kernel: "modern" });
    expect(() => usleep_range(s, 1e13, 10)).toThrow(/^-EINVAL: usleep_range: min 10000000000000 is not a delay the simulated clock can hold/);
  });

  it("max < min on 4.9 arm: no warning; the unsigned long slack wraps to 2^32 - (min - max) us, so the timer ends 2^32 + max us after the call", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const t = s.now();
    usleep_range(s, 20, 10);
    // 20 us + (2^32 - 10) us = 4294967306 us = 4294.967306 s.
    expect(s.now() - t).toBe(4294967306e6);
    expect(s.kernel.printk.grep("WARNING:")).toEqual([]);
  });

  it("max < min on 4.9 arm64: the slack is a negative ktime, ktime_add_safe saturates the hard expiry, and the sleep would never end: -EINVAL saying so", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const t = s.now();
    const err = thrown<KernelError>(() => usleep_range(s, 20, 10));
    expect(err.errno).toBe(-EINVAL);
    expect(err.message).toMatch(/usleep_range: max 10 is not at least min \(20\) on 4\.9 arm64: .*KTIME_SEC_MAX.*with nothing printed/);
    expect(s.now()).toBe(t);
    expect(s.kernel.printk.grep("WARNING:")).toEqual([]);
  });

  it("4.9 arm computes min * NSEC_PER_USEC in 32 bits: usleep_range(5000000, 5000000) sleeps 5e9 mod 2^32 ns = 705032704 ns", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    let t = s.now();
    usleep_range(s, 5_000_000, 5_000_000);
    expect(s.now() - t).toBe(705032704e3);
    // The same call on arm64 (64-bit unsigned long) and on current Linux sleeps the 5 s asked.
    for (const [board, kernel] of [["arm64-ref", "v4.9"], ["zynq-7000", "modern"]] as const) {
      const o = await createSystem({ board, kernel });
      t = o.now();
      usleep_range(o, 5_000_000, 5_000_000);
      expect(o.now() - t).toBe(5e12);
    }
  });

  it("32-bit arm's unsigned long holds at most 2^32 - 1 us: a count above it is -EINVAL on both kernels, as msleep's above UINT_MAX; arm64 takes it", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const t = s.now();
      const err = thrown<KernelError>(() => usleep_range(s, 2 ** 32, 2 ** 32));
      expect(err.errno, kernel).toBe(-EINVAL);
      expect(err.message).toBe("-EINVAL: usleep_range: min 4294967296 is not an unsigned long on 32-bit arm (at most 4294967295)");
      expect(() => usleep_range(s, 10, 2 ** 32)).toThrow(/^-EINVAL: usleep_range: max 4294967296 is not an unsigned long on 32-bit arm \(at most 4294967295\)$/);
      expect(s.now(), kernel).toBe(t);
    }
    // 2^32 - 1 itself is taken. Current Linux sleeps it whole: 4294967295 us.
    const modern = await createSystem({ board: "zynq-7000", kernel: "modern" });
    let t = modern.now();
    usleep_range(modern, 0, 2 ** 32 - 1);
    expect(modern.now() - t).toBe(4294967295e6);
    // 4.9 multiplies by 1000 in 32 bits: (2^32 - 1) * 1000 mod 2^32 = 2^32 - 1000 ns.
    const old = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    t = old.now();
    usleep_range(old, 2 ** 32 - 1, 2 ** 32 - 1);
    expect(old.now() - t).toBe(4294966296e3);
    // arm64's unsigned long is 64 bits: 2^32 us is 4294967296 us.
    const a = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    t = a.now();
    usleep_range(a, 2 ** 32, 2 ** 32);
    expect(a.now() - t).toBe(4294967296e6);
  });
});
