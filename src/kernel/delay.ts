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

/** msleep: sleeps msecs_to_jiffies(msecs) + 1 ticks (kernel/time/timer.c up to 6.12; the extra
 *  tick makes sure a sleep begun just before a tick lasts at least `msecs`). dmasim starts the
 *  sleep on a tick, so it lasts exactly that many ticks. Must not be called in interrupt
 *  context (it schedules). */
export function msleep(owner: KernelOwner, msecs: number): void {
  const k = kernelOf("msleep", owner);
  checkCount("msleep", msecs, "msecs");
  mightSleep(k, "msleep");
  const ticks = msecs_to_jiffies(k, msecs) + 1;
  waitUntil(k, k.machine.now() + (ticks * 1e12) / hz(k));
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
