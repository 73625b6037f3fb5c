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
//
// Sleeping in atomic context: neither msleep nor usleep_range calls might_sleep(), in 4.9
// (kernel/time/timer.c: msleep, usleep_range and do_usleep_range, schedule_timeout) or in
// current Linux (kernel/time/sleep_timeout.c: msleep, usleep_range_state, schedule_timeout,
// schedule_hrtimeout_range_clock). They only reach schedule(), whose schedule_debug checks the
// preempt count alone (might-sleep.ts): under a lock or in interrupt context the sleep reports
// "scheduling while atomic", and with interrupts merely masked it reports nothing (and the
// sleep turns them on). "sleeping function called from invalid context" comes from the calls
// that begin with might_sleep(): wait_event_timeout, a sleeping readl_poll_timeout (iopoll.ts),
// dmaengine_synchronize.
//
// Huge delays: Linux refuses a constant udelay beyond MAX_UDELAY_MS at link time
// (__bad_udelay; arch/arm/include/asm/delay.h: more than 2000 us, asm-generic/delay.h: 20000 us
// or more) and mdelay loops udelay(1000); a count known only at run time is taken as it is.
// dmasim cannot tell a constant from a variable and spins for any count, up to what the
// simulated clock can hold (checkEndsInTime).

import type { Kernel } from "./kernel.js";
import { kernelOf } from "../dmaengine/arguments.js";
import { invalid } from "../dma/arguments.js";
import { schedule } from "./might-sleep.js";
import { HZ, jiffies, jiffyTime } from "./jiffies.js";

/** What the delays accept: the kernel, or a System in this thread. */
export type KernelOwner = Kernel | { kernel: Kernel };

/** One `yield` (arm64) or a compiler barrier (arm): a core cycle. */
const CPU_RELAX_CYCLES = 1;

function checkCount(fn: string, v: unknown, what: string): asserts v is number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) invalid(fn, what, v, "a non-negative whole number");
}

/** The silicon's clock counts picoseconds in a signed 64-bit integer (assembly/time.ts), passed
 *  to and from JavaScript as a double: a wait ending at 2^63 ps (about 106.75 days after
 *  power-on) or later would stop it at its last value, NEVER, for good. */
const CLOCK_END_PS = 2 ** 63;

/** -EINVAL (naming the limit) when `fn`'s argument `what` = `v` would end its wait at `endPs`,
 *  past the clock; the time left is told in `unit` (`psPerUnit` picoseconds each). */
function checkEndsInTime(k: Kernel, fn: string, what: string, v: number, endPs: number, unit: string, psPerUnit: number): void {
  if (endPs < CLOCK_END_PS) return;
  const left = (2n ** 63n - BigInt(k.machine.now())) / BigInt(psPerUnit); // exact, unlike a double
  invalid(fn, what, v, `a delay the simulated clock can hold: it ends at 2^63 ps (about 106.75 days after power-on), ${left} ${unit} from now`);
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
function spin(fn: string, owner: KernelOwner, count: number, what: string, unit: string, psPerUnit: number): void {
  const k = kernelOf(fn, owner);
  checkCount(fn, count, what);
  const end = k.machine.now() + count * psPerUnit;
  checkEndsInTime(k, fn, what, count, end, unit, psPerUnit);
  waitUntil(k, end);
}

/** ndelay: spins for `nsecs` nanoseconds. */
export function ndelay(owner: KernelOwner, nsecs: number): void {
  spin("ndelay", owner, nsecs, "nsecs", "ns", 1e3);
}

/** udelay: spins for `usecs` microseconds. */
export function udelay(owner: KernelOwner, usecs: number): void {
  spin("udelay", owner, usecs, "usecs", "us", 1e6);
}

/** mdelay: spins for `msecs` milliseconds (udelay(1000) msecs times: the same time). */
export function mdelay(owner: KernelOwner, msecs: number): void {
  spin("mdelay", owner, msecs, "msecs", "ms", 1e9);
}

/** msecs_to_jiffies: rounded up to whole ticks. */
export function msecs_to_jiffies(owner: KernelOwner, msecs: number): number {
  const k = kernelOf("msecs_to_jiffies", owner);
  checkCount("msecs_to_jiffies", msecs, "msecs");
  return Math.ceil((msecs * HZ(k)) / 1000);
}

/** The timer wheel's geometry (kernel/time/timer.c): 64 buckets a level, each level 8 times
 *  coarser; LVL_DEPTH is 9 above HZ 100, 8 at HZ 100. */
const LVL_CLK_SHIFT = 3;
const LVL_SIZE = 64;

function lvlDepth(k: Kernel): number {
  return HZ(k) > 100 ? 9 : 8;
}

/** LVL_START(n): the smallest delta filed at level n; LVL_GRAN(n): a level-n bucket's width. */
const LVL_START = (n: number) => (LVL_SIZE - 1) * 2 ** ((n - 1) * LVL_CLK_SHIFT);
const LVL_GRAN = (n: number) => 2 ** (n * LVL_CLK_SHIFT);

/** The jiffy at which a timer armed at jiffy `clk` for `expires` runs: calc_wheel_index picks
 *  the level by the delta, and calc_index rounds up to the next multiple of the level's
 *  granularity ("(expires + LVL_GRAN(lvl)) >> LVL_SHIFT(lvl)", the same in 4.9 and current
 *  Linux), so even at level 0 the timer runs one tick after `expires`: it never fires early. A
 *  delta of WHEEL_TIMEOUT_CUTOFF (LVL_START(LVL_DEPTH): 15.3 days at HZ 100, 48.9 at HZ 250)
 *  or more is beyond the wheel: the timer is filed at clk + WHEEL_TIMEOUT_MAX (the cutoff less
 *  one last-level bucket) and runs early, before `expires`. dmasim files it so for both
 *  versions: 4.9.0 compared `expires` itself with the cutoff, a bug e2a71bdea816 fixed in 5.8
 *  and in stable kernels (4.14 and later among them). */
function timerRunsAt(k: Kernel, clk: number, expires: number): number {
  const depth = lvlDepth(k);
  const cutoff = LVL_START(depth);
  if (expires - clk >= cutoff) expires = clk + cutoff - LVL_GRAN(depth - 1);
  let lvl = 0;
  while (lvl < depth - 1 && expires - clk >= LVL_START(lvl + 1)) lvl++;
  const gran = LVL_GRAN(lvl);
  return (Math.floor(expires / gran) + 1) * gran;
}

/** UINT_MAX: msleep takes an unsigned int. */
const UINT_MAX = 2 ** 32 - 1;

/** msleep: schedule_timeout_uninterruptible(msecs_to_jiffies(msecs)) in current Linux
 *  (kernel/time/sleep_timeout.c; commit 4381b895f544, 6.12, removed the "+ 1" because the timer
 *  wheel already rounds up); msecs_to_jiffies(msecs) + 1 in 4.9 (kernel/time/timer.c). The
 *  task wakes on the tick the timer wheel runs its timer: msleep(m) lasts more than
 *  msecs_to_jiffies(m) ticks (4.9: one more) and at most one tick more than that at level 0.
 *  schedule_timeout returns the jiffies still left when the task wakes, and msleep sleeps
 *  again for them: a sleep beyond the wheel (its timer capped at WHEEL_TIMEOUT_MAX, weeks)
 *  takes more than one timer and still lasts the time asked. No might_sleep(): in atomic
 *  context only schedule() reports (see the top of this file). A sleep past the simulated
 *  clock's end is -EINVAL. */
export function msleep(owner: KernelOwner, msecs: number): void {
  const k = kernelOf("msleep", owner);
  checkCount("msleep", msecs, "msecs");
  if (msecs > UINT_MAX) invalid("msleep", "msecs", msecs, `an unsigned int (at most ${UINT_MAX})`);
  let timeout = msecs_to_jiffies(k, msecs) + (k.version === "v4.9" ? 1 : 0);
  checkEndsInTime(k, "msleep", "msecs", msecs, jiffyTime(k, lastWake(k, jiffies(k), timeout)), "ms", 1e9);
  while (timeout > 0) timeout = schedule_timeout(k, timeout, "msleep");
}

/** The jiffy msleep's loop wakes for the last time, armed at `clk` for `timeout`: each
 *  schedule_timeout wakes when its timer runs and re-arms for what is left of the same expiry. */
function lastWake(k: Kernel, clk: number, timeout: number): number {
  const expire = clk + timeout;
  while (clk < expire) clk = timerRunsAt(k, clk, expire);
  return clk;
}

/** schedule_timeout: sleeps until the timer armed `timeout` jiffies ahead runs; returns the
 *  jiffies left of `timeout` then (0 once it has passed). */
function schedule_timeout(k: Kernel, timeout: number, fn: string): number {
  const clk = jiffies(k);
  const expire = clk + timeout;
  const runsAt = timerRunsAt(k, clk, expire); // __mod_timer files it before the task sleeps
  schedule(k, fn);
  waitUntil(k, jiffyTime(k, runsAt));
  return Math.max(0, expire - jiffies(k));
}

/** usleep_range: an hrtimer sleep whose timer is programmed for its hard expiry (the soft
 *  expiry `min` only lets another hrtimer's interrupt end it early, and dmasim runs no other
 *  hrtimer), so the task wakes at the hard expiry: `max` microseconds later when min <= max.
 *  No might_sleep(), as msleep; schedule() is reached whenever the task sleeps, even for 0 us.
 *  What each version makes of its arguments is usleepTimer's; a count an unsigned long cannot
 *  hold (above 2^32 - 1 on 32-bit arm) is -EINVAL, as msleep's past its unsigned int. */
export function usleep_range(owner: KernelOwner, min: number, max: number): void {
  const k = kernelOf("usleep_range", owner);
  checkCount("usleep_range", min, "min");
  checkCount("usleep_range", max, "max");
  checkUnsignedLong(k, min, "min");
  checkUnsignedLong(k, max, "max");
  const timer = usleepTimer(k, min, max);
  if (timer === "no sleep") return;
  if (timer === "never") {
    invalid("usleep_range", "max", max, `at least min (${min}) on 4.9 arm64: (u64)(max - min) * NSEC_PER_USEC is negative as a ktime, ktime_add_safe saturates the timer's hard expiry to KTIME_SEC_MAX, and the task would sleep until some other timer interrupt after min, with nothing printed; dmasim runs no other timer, so the sleep would not end`);
  }
  const end = k.machine.now() + timer.hardPs;
  checkEndsInTime(k, "usleep_range", timer.what, timer.what === "max" ? max : min, end, "us", 1e6);
  schedule(k, "usleep_range");
  waitUntil(k, end);
}

/** ULONG_MAX on arm, whose unsigned long is 32 bits. */
const ARM_ULONG_MAX = 2 ** 32 - 1;

/** usleep_range takes unsigned long microseconds, in 4.9 (kernel/time/timer.c) and in current
 *  Linux (include/linux/delay.h): on arm, C would cut a larger count to its low 32 bits and sleep
 *  some other time. As msleep refuses more than its unsigned int, this is -EINVAL; on arm64 an
 *  unsigned long holds any count checkCount lets through. */
function checkUnsignedLong(k: Kernel, v: number, what: string): void {
  if (k.machine.profile.arch === "arm64" || v <= ARM_ULONG_MAX) return;
  invalid("usleep_range", what, v, `an unsigned long on 32-bit arm (at most ${ARM_ULONG_MAX})`);
}

/** Kernels whose usleep_range_state has fired its WARN_ON_ONCE(max < min). */
const warnedMaxBelowMin = new WeakSet<Kernel>();

/** usleep_range's timer: its hard expiry in picoseconds from the call (and the argument that
 *  set it), "no sleep" when the call returns at once, "never" when the timer has no end.
 *
 *  Current Linux (kernel/time/sleep_timeout.c: usleep_range_state) arms it at the absolute
 *  ktime_get() + min, never 0, so schedule_hrtimeout_range_clock always sleeps and schedule()
 *  always runs, usleep_range(0, 0) too; since 6279abf16a01 (6.13) max < min is
 *  WARN_ON_ONCE(max < min) and a slack of 0: the task wakes at min.
 *
 *  4.9 (kernel/time/timer.c: do_usleep_range) arms it relative, at ktime_set(0, min *
 *  NSEC_PER_USEC) with a slack of (u64)(max - min) * NSEC_PER_USEC, both computed in unsigned
 *  long (32 bits on arm); schedule_hrtimeout_range_clock (kernel/time/hrtimer.c) returns at once
 *  without schedule() when that expiry is 0: min 0, or on arm a min whose nanoseconds wrap to 0.
 *  The hard expiry is ktime_add_safe(expiry, ns_to_ktime(slack)): with max < min the slack
 *  wraps, to 2^32 - (min - max) microseconds on arm (the timer ends 2^32 + max microseconds
 *  later) and to a negative ktime on arm64, which ktime_add_safe saturates to KTIME_SEC_MAX.
 *  4.9 prints nothing for either. */
function usleepTimer(k: Kernel, min: number, max: number): { hardPs: number; what: "min" | "max" } | "no sleep" | "never" {
  if (k.version !== "v4.9") {
    if (max >= min) return { hardPs: max * 1e6, what: "max" };
    if (!warnedMaxBelowMin.has(k)) {
      warnedMaxBelowMin.add(k);
      k.printk.warn("WARNING: kernel/time/sleep_timeout.c: usleep_range_state: WARN_ON_ONCE(max < min)");
    }
    return { hardPs: min * 1e6, what: "min" };
  }
  const ulong = (v: bigint) => BigInt.asUintN(k.machine.profile.arch === "arm64" ? 64 : 32, v);
  const expiryNs = ulong(BigInt(min) * 1000n);
  if (expiryNs === 0n) return "no sleep";
  const slackNs = BigInt.asIntN(64, BigInt.asUintN(64, ulong(BigInt(max) - BigInt(min)) * 1000n));
  if (slackNs < 0n) return "never";
  return { hardPs: Number((expiryNs + slackNs) * 1000n), what: max >= min ? "max" : "min" };
}

/** cpu_relax: the body of a polling loop. With IRQs on, a pending interrupt is taken here. */
export function cpu_relax(owner: KernelOwner): void {
  const k = kernelOf("cpu_relax", owner);
  k.machine.cpu.spend(CPU_RELAX_CYCLES);
  if (!k.irq.in_interrupt()) k.irq.handlePending();
}
