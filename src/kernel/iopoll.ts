// include/linux/iopoll.h: poll a register until a condition holds or a timeout passes. C's
// macros assign `val`; here the call returns it beside the result: { ret: 0 | -ETIMEDOUT, val }.
//
// readl_poll_timeout sleeps usleep_range(sleep_us / 4 + 1, sleep_us) between reads (it may
// sleep: process context only) and judges the timeout by the clock, so the time it costs is
// every readl plus every sleep. readl_poll_timeout_atomic spins with udelay(delay_us) and, as
// current Linux does (older kernels read ktime there too), counts the timeout down by delay_us
// and 1 ns a lap for cpu_relax without reading a clock: the reads' own time is not counted, so
// a timeout lasts at least as long as asked (with delay_us 0, timeout_us * 1000 laps). It is meant for code with IRQs off; dmasim masks interrupts only in interrupt context
// (delay.ts), so called from process context it takes them during its udelays, as Linux would
// for a caller that did not disable them.

import type { VirtAddr } from "../hw/address.js";
import { ETIMEDOUT } from "./errno.js";
import { readl } from "./io.js";
import { cpu_relax, udelay, usleep_range, type KernelOwner } from "./delay.js";
import { kernelOf } from "../dmaengine/arguments.js";
import { checkVirt, invalid } from "../dma/arguments.js";

export interface PollResult {
  /** 0 when the condition held, -ETIMEDOUT otherwise. */
  ret: number;
  /** The last value read. */
  val: number;
}

function checkPoll(fn: string, addr: unknown, cond: unknown, us: unknown, timeoutUs: unknown): VirtAddr {
  const at = checkVirt(fn, addr, "addr");
  if (typeof cond !== "function") invalid(fn, "cond", cond, "a function of the value read");
  for (const [what, v] of [["sleep_us", us], ["timeout_us", timeoutUs]] as const) {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) invalid(fn, what, v, "a non-negative whole number");
  }
  return at;
}

/** readl_poll_timeout(addr, val, cond, sleep_us, timeout_us); a timeout_us of 0 polls for ever
 *  (as in Linux: only a condition that comes true ends it). */
export function readl_poll_timeout(
  owner: KernelOwner, addr: VirtAddr, cond: (val: number) => boolean, sleep_us: number, timeout_us: number,
): PollResult {
  const k = kernelOf("readl_poll_timeout", owner);
  const at = checkPoll("readl_poll_timeout", addr, cond, sleep_us, timeout_us);
  const m = k.machine;
  const timeout = m.now() + timeout_us * 1e6;
  let val: number;
  for (;;) {
    val = readl(m, at);
    if (cond(val)) return { ret: 0, val };
    if (timeout_us && m.now() > timeout) {
      val = readl(m, at);
      break;
    }
    if (sleep_us) usleep_range(k, (sleep_us >> 2) + 1, sleep_us);
    cpu_relax(k);
  }
  return { ret: cond(val) ? 0 : -ETIMEDOUT, val };
}

/** readl_poll_timeout_atomic(addr, val, cond, delay_us, timeout_us). */
export function readl_poll_timeout_atomic(
  owner: KernelOwner, addr: VirtAddr, cond: (val: number) => boolean, delay_us: number, timeout_us: number,
): PollResult {
  const k = kernelOf("readl_poll_timeout_atomic", owner);
  const at = checkPoll("readl_poll_timeout_atomic", addr, cond, delay_us, timeout_us);
  const m = k.machine;
  let leftNs = timeout_us * 1e3;
  let val: number;
  for (;;) {
    val = readl(m, at);
    if (cond(val)) return { ret: 0, val };
    if (timeout_us && leftNs < 0) {
      val = readl(m, at);
      break;
    }
    if (delay_us) {
      udelay(k, delay_us);
      if (timeout_us) leftNs -= delay_us * 1e3;
    }
    cpu_relax(k);
    if (timeout_us) leftNs--;
  }
  return { ret: cond(val) ? 0 : -ETIMEDOUT, val };
}
