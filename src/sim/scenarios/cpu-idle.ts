// Where the CPU's time goes while a driver waits for a peripheral: a task sleeping until a
// condition holds, with interrupts and tasklets running as they come, and the time the CPU sat
// in WFI counted as idle (the idle column of /proc/stat). Kernel.waitEvent is the same sleep
// without the accounting; scenarios that report CPU load sleep here instead.
//
// The sleep starts as wait_event_timeout's does (wait_event_prepare): might_sleep() reports a
// caller that holds a lock or has interrupts masked, and the sleep's schedule() turns them on,
// so the waiting CPU takes the interrupt that ends the wait. (Without that, a CPU with its mask
// set would wake from WFI on the pending line and take nothing, over and over.) The uart-tx and
// adc-rx scenarios sleep here from process context with interrupts on, as their Linux drivers'
// waits run, and see neither report.

import type { System } from "../../system.js";
import { wait_event_prepare } from "../../kernel/might-sleep.js";

export interface IdleClock {
  /** Simulated time the CPU spent idle (ps). */
  idlePs: number;
  /** Interrupts taken. */
  irqs: number;
}

export function idleClock(): IdleClock {
  return { idlePs: 0, irqs: 0 };
}

/** Sleeps until `cond()` holds or `timeoutPs` passes; false on timeout or when nothing is left
 *  that could make it hold. */
export function sleepUntil(s: System, clock: IdleClock, cond: () => boolean, timeoutPs: number): boolean {
  const m = s.machine;
  const irq = s.kernel.irq;
  const deadline = m.now() + timeoutPs;
  wait_event_prepare(s.kernel, cond);
  clock.irqs += irq.handlePending();
  while (!cond()) {
    const before = m.now();
    const woke = m.waitForInterrupt(deadline);
    clock.idlePs += m.now() - before;
    const taken = irq.handlePending();
    clock.irqs += taken;
    if (woke === null || (!taken && m.now() >= deadline)) return cond();
  }
  return true;
}

/** The CPU's busy share of an interval that had `clock.idlePs` idle (0…1). */
export function busyShare(clock: IdleClock, intervalPs: number): number {
  return intervalPs > 0 ? Math.max(0, intervalPs - clock.idlePs) / intervalPs : 0;
}
