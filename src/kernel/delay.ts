// include/linux/delay.h: busy-waits (udelay, ndelay, mdelay), sleeps (msleep, usleep_range) and
// cpu_relax, for the kernel or anything that holds one (a System).
//
// Interrupts: a caller in process context runs with IRQs on, so a line that rises during the
// wait is taken when it rises (its handler, then the tasklets on IRQ exit), and the wait goes on
// to its end, as the arch timer-based __delay does. From interrupt context (a handler, a tasklet,
// a completion callback) nothing is taken: a hard handler runs with IRQs masked; in a tasklet
// Linux would still take a hard IRQ, but the tasklet it schedules waits for this one to return,
// so dmasim leaves the whole interrupt for after it (a simplification, said here). With the
// CPU's interrupts masked (irqflags.ts) a busy-wait passes its time and takes nothing: the
// line stays pending until they are unmasked.

import type { Kernel } from "./kernel.js";
import { kernelOf } from "../dmaengine/arguments.js";
import { invalid } from "../dma/arguments.js";
import { might_sleep } from "./might-sleep.js";

/** What the delays accept: the kernel, or a System in this thread. */
export type KernelOwner = Kernel | { kernel: Kernel };

/** One `yield` (arm64) or a compiler barrier (arm): a core cycle. */
const CPU_RELAX_CYCLES = 1;

/** CONFIG_HZ of the defconfigs: arm64's default HZ_250, arm's default HZ_100
 *  (arch/arm/Kconfig's "Timer frequency" choice). */
function hz(k: Kernel): number {
  return k.machine.profile.arch === "arm64" ? 250 : 100;
}

function checkCount(fn: string, v: unknown, what: string): asserts v is number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) invalid(fn, what, v, "a non-negative whole number");
}

/** The CPU is busy (spinning, or sleeping in WFI: the same in simulated time, no memory traffic)
 *  until `deadline`; with IRQs on, interrupts are taken as their lines rise. */
export function waitUntil(k: Kernel, deadline: number): void {
  const m = k.machine;
  if (k.irq.in_interrupt()) {
    if (deadline > m.now()) m.idleUntil(deadline);
    return;
  }
  k.irq.handlePending();
  while (m.now() < deadline) {
    const woke = m.waitForInterrupt(deadline);
    // No device will raise a line, or one is high that nobody takes: the rest of the wait is quiet.
    if (woke === null || (!k.irq.handlePending() && m.now() < deadline)) {
      m.idleUntil(deadline);
      break;
    }
  }
  k.irq.handlePending();
}

/** A busy-wait of `count` units of `psPerUnit` picoseconds (the delay exactly: the timer
 *  counter's granularity and the call's few instructions are not modelled). */
function spin(fn: string, owner: KernelOwner, count: number, unit: string, psPerUnit: number): void {
  const k = kernelOf(fn, owner);
  checkCount(fn, count, unit);
  waitUntil(k, k.machine.now() + count * psPerUnit);
}

/** ndelay: spins for `nsecs` nanoseconds. */
export function ndelay(owner: KernelOwner, nsecs: number): void {
  spin("ndelay", owner, nsecs, "nsecs", 1e3);
}

/** udelay: spins for `usecs` microseconds. */
export function udelay(owner: KernelOwner, usecs: number): void {
  spin("udelay", owner, usecs, "usecs", 1e6);
}

/** mdelay: spins for `msecs` milliseconds (udelay(1000) msecs times: the same time). */
export function mdelay(owner: KernelOwner, msecs: number): void {
  spin("mdelay", owner, msecs, "msecs", 1e9);
}

/** msecs_to_jiffies: rounded up to whole ticks. */
export function msecs_to_jiffies(owner: KernelOwner, msecs: number): number {
  const k = kernelOf("msecs_to_jiffies", owner);
  checkCount("msecs_to_jiffies", msecs, "msecs");
  return Math.ceil((msecs * hz(k)) / 1000);
}

/** INITIAL_JIFFIES (include/linux/jiffies.h): jiffies at boot, 5 minutes before the 32-bit
 *  wrap. Only its alignment to the timer wheel's level granularity shows (below). */
function initialJiffies(k: Kernel): number {
  return 2 ** 32 - 300 * hz(k);
}

/** The timer wheel's geometry (kernel/time/timer.c): 64 buckets a level, each level 8 times
 *  coarser; LVL_DEPTH is 9 above HZ 100, 8 at HZ 100. */
const LVL_CLK_SHIFT = 3;
const LVL_SIZE = 64;

/** The jiffy at which a timer armed at jiffy `clk` for `expires` runs: calc_wheel_index picks
 *  the level by the delta, and calc_index rounds up to the next multiple of the level's
 *  granularity ("(expires + LVL_GRAN(lvl)) >> LVL_SHIFT(lvl)", the same in 4.9 and current
 *  Linux), so even at level 0 the timer runs one tick after `expires`: it never fires early. A
 *  delta past the last level (weeks) is rounded as the last level's, not capped at
 *  WHEEL_TIMEOUT_MAX. */
function timerRunsAt(k: Kernel, clk: number, expires: number): number {
  const depth = hz(k) > 100 ? 9 : 8;
  let lvl = 0;
  while (lvl < depth - 1 && expires - clk >= (LVL_SIZE - 1) * 2 ** (lvl * LVL_CLK_SHIFT)) lvl++;
  const gran = 2 ** (lvl * LVL_CLK_SHIFT);
  return (Math.floor(expires / gran) + 1) * gran;
}

/** msleep: schedule_timeout_uninterruptible(msecs_to_jiffies(msecs)) in current Linux
 *  (kernel/time/sleep_timeout.c; commit 4381b895f544, 6.12, removed the "+ 1" because the timer
 *  wheel already rounds up); msecs_to_jiffies(msecs) + 1 in 4.9 (kernel/time/timer.c). The
 *  ticks fall every 1/HZ of simulated time from power-on, where jiffies is INITIAL_JIFFIES, so
 *  the task wakes on the tick the timer wheel runs its timer: msleep(m) lasts more than
 *  msecs_to_jiffies(m) ticks (4.9: one more) and at most one tick more than that at level 0.
 *  Must not be called in interrupt context (it schedules). */
export function msleep(owner: KernelOwner, msecs: number): void {
  const k = kernelOf("msleep", owner);
  checkCount("msleep", msecs, "msecs");
  mightSleep(k, "msleep");
  const tickPs = 1e12 / hz(k);
  const clk = initialJiffies(k) + Math.floor(k.machine.now() / tickPs);
  const timeout = msecs_to_jiffies(k, msecs) + (k.version === "v4.9" ? 1 : 0);
  if (timeout === 0) return;
  waitUntil(k, (timerRunsAt(k, clk, clk + timeout) - initialJiffies(k)) * tickPs);
}

/** usleep_range: an hrtimer sleep whose timer is programmed for `max` (the soft expiry `min`
 *  only lets another hrtimer's interrupt end it early, and dmasim runs no other hrtimer), so the
 *  task wakes `max` microseconds later. */
export function usleep_range(owner: KernelOwner, min: number, max: number): void {
  const k = kernelOf("usleep_range", owner);
  checkCount("usleep_range", min, "min");
  checkCount("usleep_range", max, "max");
  if (max < min) invalid("usleep_range", "max", max, `at least min (${min})`);
  mightSleep(k, "usleep_range");
  waitUntil(k, k.machine.now() + max * 1e6);
}

/** cpu_relax: the body of a polling loop. With IRQs on, a pending interrupt is taken here. */
export function cpu_relax(owner: KernelOwner): void {
  const k = kernelOf("cpu_relax", owner);
  k.machine.cpu.spend(CPU_RELAX_CYCLES);
  if (!k.irq.in_interrupt()) k.irq.handlePending();
}

/** might_sleep(): a sleep in atomic context (interrupt context, IRQs off, a lock held) is a bug
 *  Linux reports and then schedules anyway; dmasim reports it and sleeps (might-sleep.ts). */
function mightSleep(k: Kernel, fn: string): void {
  might_sleep(k, "include/linux/delay.h", fn);
}
