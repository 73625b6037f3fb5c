// Events and interrupts (spec pl330 §8): DMASEV and DMAWFE, INTEN / INT_EVENT_RIS / INTMIS /
// INTCLR, and the irq[e] and irq_abort outputs. INTEN[e] decides at DMASEV time whether event e
// is an interrupt or an event for DMAWFE; INTMIS (and irq[e]) is the raw status masked by INTEN.

import { NEVER } from "../time";
import { drive } from "../irq";
import { Thread, ST_EXECUTING, ST_WFE, ST_FAULTING, ST_FAULT_COMPLETING, F_OPERAND, F_EVNT_ERR } from "./thread";
import { Dmac, MANAGER } from "./dmac";
import { faultAfter } from "./thread-stop";

@inline export function intmis(d: Dmac): u32 {
  return d.ris & d.inten;
}

/** Drives the irq[e] outputs from INTMIS and irq_abort from the thread states, noting when an
 *  output went high (d.raisedTime) for the scheduler. */
export function updateIrqLines(d: Dmac): void {
  const level = intmis(d);
  const changed = level ^ d.outLevel;
  if (changed) {
    if ((level & changed) != 0 && d.raisedTime < d.irqRaisedAt) d.irqRaisedAt = d.raisedTime;
    for (let e = 0; e < 32; e++) {
      if (((changed >> e) & 1) == 0) continue;
      const line = unchecked(d.irqLines[e]);
      if (line >= 0) drive(line, ((level >> e) & 1) != 0);
    }
    d.outLevel = level;
  }
  let faulting = d.wdAbort;
  for (let i = 0; i <= MANAGER; i++) {
    const s = unchecked(d.threads[i]).state;
    if (s == ST_FAULTING || s == ST_FAULT_COMPLETING) faulting = true;
  }
  if (faulting != d.abortHigh) {
    d.abortHigh = faulting;
    if (d.abortLine >= 0) drive(d.abortLine, faulting);
    if (faulting && d.raisedTime < d.irqRaisedAt) d.irqRaisedAt = d.raisedTime;
  }
}

/** DMASEV e at time t: an interrupt if INTEN[e]; else an event that wakes every thread
 *  waiting on it, or stays pending until a DMAWFE consumes it. */
export function signalEvent(d: Dmac, e: u32, t: i64): void {
  const bit: u32 = 1 << e;
  d.raisedTime = t;
  if (d.inten & bit) {
    d.ris |= bit;
    updateIrqLines(d);
    return;
  }
  let woke = false;
  for (let i = 0; i <= MANAGER; i++) {
    const th = unchecked(d.threads[i]);
    if (th.state == ST_WFE && th.wakeup == e) {
      resume(d, th, t);
      woke = true;
    }
  }
  if (!woke) d.ris |= bit;
}

/** DMAWFE e (b1 = the event byte, bit 1 = invalidate the i-cache when resuming). */
export function waitForEvent(d: Dmac, th: Thread, t: i64, b1: u32): void {
  const e = b1 >> 3;
  if ((b1 & 5) != 0 || e >= d.cfg.numEvents) {
    faultAfter(d, th, F_OPERAND, t, 2);
    return;
  }
  if (th.ns && ((d.cfg.irqNs >> e) & 1) == 0) {
    faultAfter(d, th, F_EVNT_ERR, t, 2);
    return;
  }
  th.wakeup = e;
  th.wfeInvalidate = (b1 & 2) != 0;
  const bit: u32 = 1 << e;
  if ((d.inten & bit) == 0 && (d.ris & bit) != 0) {
    d.ris &= ~bit;
    th.pc += 2;
    if (th.wfeInvalidate) d.ic.invalidate();
    return;
  }
  th.state = ST_WFE;
  th.wakeAt = NEVER;
}

/** A thread waiting in DMAWFE gets its event: it goes on with the next instruction. */
function resume(d: Dmac, th: Thread, t: i64): void {
  th.pc += 2;
  th.state = ST_EXECUTING;
  th.wakeAt = t + d.cyclePs;
  if (th.wfeInvalidate) d.ic.invalidate();
  d.rescan = true;
}

/** INTEN holds a bit per event/interrupt the DMAC is built with (CR0.num_events); the bits
 *  above are reserved, RAZ/WI, as for the other event registers. */
export function writeInten(d: Dmac, v: u32, t: i64): void {
  const n = d.cfg.numEvents;
  d.inten = n >= 32 ? v : v & ((<u32>1 << n) - 1);
  d.raisedTime = t;
  updateIrqLines(d);
}

/** INTCLR: clears the events of v that are routed to interrupts. */
export function clearInterrupts(d: Dmac, v: u32, t: i64): void {
  d.ris &= ~(v & d.inten);
  d.raisedTime = t;
  updateIrqLines(d);
}
