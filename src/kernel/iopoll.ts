// include/linux/iopoll.h: poll a register until a condition holds or a timeout passes. C's
// macros assign `val`; here the call returns it beside the result: { ret: 0 | -ETIMEDOUT, val }.
//
// readl_poll_timeout sleeps usleep_range(sleep_us / 4 + 1, sleep_us) between reads (it may
// sleep: process context only) and judges the timeout by the clock, so the time it costs is
// every readl plus every sleep. readl_poll_timeout_atomic spins with udelay(delay_us); current
// Linux (commit 7349a69cf312, 6.5: "iopoll: Do not use timekeeping in
// read_poll_timeout_atomic()") counts its timeout down by delay_us and 1 ns a lap for cpu_relax
// without reading a clock: the reads' own time is not counted, so a timeout lasts at least as
// long as asked (with delay_us 0, timeout_us * 1000 laps). 4.9's readx_poll_timeout_atomic
// judges it by ktime_get like the sleeping poll, so the reads count and a timeout lasts about
// timeout_us. 4.9's loops have no cpu_relax (added by "iopoll: Call cpu_relax() in busy loops",
// the same 6.5 series), so a 4.9 lap costs no core cycle for it; dmasim still takes a pending
// interrupt there in process context, as the CPU would with IRQs on.
//
// readl_poll_timeout begins with might_sleep_if(sleep_us) (4.9's readx_poll_timeout, current
// read_poll_timeout): with a sleep between reads it reports a call from atomic context (IRQs
// off, a lock held) once, before the first read, even if the condition already holds; its
// usleep_range sleeps do not check again (delay.ts), only their schedule() does. With sleep_us
// 0 it neither sleeps nor checks.
//
// readl_poll_timeout_atomic is meant for code with IRQs off (irqflags.ts): then its udelays
// pass their time and take nothing; a caller that left them on takes them there.
//
// A timeout_us of 0 polls for ever in Linux: what Linux prints about a condition that never
// comes true, and where dmasim stops the poll, are poll-forever.ts's.

import type { VirtAddr } from "../hw/address.js";
import { ETIMEDOUT } from "./errno.js";
import { PollForever } from "./poll-forever.js";
export { POLL_FOREVER_LAPS } from "./poll-forever.js";
import type { Kernel } from "./kernel.js";
import { readl } from "./io.js";
import { cpu_relax, udelay, usleep_range, type KernelOwner } from "./delay.js";
import { might_sleep } from "./might-sleep.js";
import { kernelOf } from "../dmaengine/arguments.js";
import { checkVirt, invalid } from "../dma/arguments.js";

export interface PollResult {
  /** 0 when the condition held, -ETIMEDOUT otherwise. */
  ret: number;
  /** The last value read. */
  val: number;
}

/** The arguments every poll takes after what it reads: the condition, the pause and the timeout. */
function checkPoll(fn: string, cond: unknown, us: unknown, timeoutUs: unknown): void {
  if (typeof cond !== "function") invalid(fn, "cond", cond, "a function of the value read");
  for (const [what, v] of [["sleep_us", us], ["timeout_us", timeoutUs]] as const) {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) invalid(fn, what, v, "a non-negative whole number");
  }
}

/** A readl poll's register address, then the rest (checkPoll). */
function checkReadlPoll(fn: string, addr: unknown, cond: unknown, us: unknown, timeoutUs: unknown): VirtAddr {
  const at = checkVirt(fn, addr, "addr");
  checkPoll(fn, cond, us, timeoutUs);
  return at;
}

/** The loop both polls share (iopoll.h's read_poll_timeout): read, test, give up once
 *  `timedOut()` says so (after one more read, as Linux does), else `pause()` and read again. A
 *  timeout_us of 0 never times out (see PollForever). */
function poll(
  k: Kernel, fn: string, read: () => number, cond: (val: number) => boolean, timeout_us: number, sleeping: boolean,
  timedOut: () => boolean, pause: () => void,
): PollResult {
  const forever = timeout_us ? null : new PollForever(k, fn, sleeping);
  let val: number;
  for (let laps = 1; ; laps++) {
    val = read();
    if (cond(val)) return { ret: 0, val };
    if (timeout_us && timedOut()) {
      val = read();
      break;
    }
    forever?.lap(laps, val);
    pause();
  }
  return { ret: cond(val) ? 0 : -ETIMEDOUT, val };
}

/** readl_poll_timeout(addr, val, cond, sleep_us, timeout_us): the timeout judged by the clock. */
export function readl_poll_timeout(
  owner: KernelOwner, addr: VirtAddr, cond: (val: number) => boolean, sleep_us: number, timeout_us: number,
): PollResult {
  const k = kernelOf("readl_poll_timeout", owner);
  const at = checkReadlPoll("readl_poll_timeout", addr, cond, sleep_us, timeout_us);
  const timeout = k.machine.now() + timeout_us * 1e6;
  if (sleep_us) might_sleep(k, "include/linux/iopoll.h", "readl_poll_timeout");
  return poll(k, "readl_poll_timeout", () => readl(k.machine, at), cond, timeout_us, sleep_us !== 0, () => k.machine.now() > timeout, () => {
    if (sleep_us) usleep_range(k, (sleep_us >> 2) + 1, sleep_us);
    relax(k);
  });
}

/** readl_poll_timeout_atomic(addr, val, cond, delay_us, timeout_us): the timeout counted down by
 *  the delays and 1 ns a lap, not by the clock; on 4.9, judged by the clock. */
export function readl_poll_timeout_atomic(
  owner: KernelOwner, addr: VirtAddr, cond: (val: number) => boolean, delay_us: number, timeout_us: number,
): PollResult {
  const k = kernelOf("readl_poll_timeout_atomic", owner);
  const at = checkReadlPoll("readl_poll_timeout_atomic", addr, cond, delay_us, timeout_us);
  return pollAtomic(k, "readl_poll_timeout_atomic", () => readl(k.machine, at), cond, delay_us, timeout_us);
}

/** read_poll_timeout_atomic(op, val, cond, delay_us, timeout_us, false): as
 *  readl_poll_timeout_atomic, with `op()` read instead of a register (a flag in memory a
 *  completion callback sets, dmaengine_tx_status...). */
export function read_poll_timeout_atomic(
  owner: KernelOwner, op: () => number, cond: (val: number) => boolean, delay_us: number, timeout_us: number,
): PollResult {
  const k = kernelOf("read_poll_timeout_atomic", owner);
  if (typeof op !== "function") invalid("read_poll_timeout_atomic", "op", op, "a function returning the value to test");
  checkPoll("read_poll_timeout_atomic", cond, delay_us, timeout_us);
  return pollAtomic(k, "read_poll_timeout_atomic", op, cond, delay_us, timeout_us);
}

function pollAtomic(
  k: Kernel, fn: string, read: () => number, cond: (val: number) => boolean, delay_us: number, timeout_us: number,
): PollResult {
  if (k.version === "v4.9") {
    const timeout = k.machine.now() + timeout_us * 1e6;
    return poll(k, fn, read, cond, timeout_us, false, () => k.machine.now() > timeout, () => {
      if (delay_us) udelay(k, delay_us);
      relax(k);
    });
  }
  let leftNs = timeout_us * 1e3;
  return poll(k, fn, read, cond, timeout_us, false, () => leftNs < 0, () => {
    if (delay_us) {
      udelay(k, delay_us);
      leftNs -= delay_us * 1e3;
    }
    cpu_relax(k);
    leftNs--;
  });
}

/** The end of a lap: cpu_relax in current Linux; nothing in 4.9 but the interrupts a process-
 *  context CPU with IRQs on takes anyway. */
function relax(k: Kernel): void {
  if (k.version === "v4.9") k.irq.irqs_on_point();
  else cpu_relax(k);
}
