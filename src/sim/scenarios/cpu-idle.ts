// Where the CPU's time goes while a driver waits for a peripheral: a task sleeping until a
// condition holds, with interrupts and tasklets running as they come, and the time the CPU sat
// in WFI counted as idle (the idle column of /proc/stat). Kernel.waitEvent is the same sleep
// without the accounting; scenarios that report CPU load sleep here instead.

import type { System } from "../../system.js";

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
