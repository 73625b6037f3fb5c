// How a DMA-330 thread stops executing: a fault (spec pl330 §6), DMAKILL, DMAEND, or a stall
// that nothing will end, which the lock-up watchdog turns into a fault (§6). A channel drains
// its outstanding AXI transactions on the way out (§5). The state these act on (FTR, the
// watchdog's WD and abort, the threads stalled for MFIFO space) is the Dmac's (dmac.ts).

import { NEVER } from "../time";
import * as T from "../trace";
import { N_FAULT } from "../trace-names";
import { Thread, ST_STOPPED, ST_EXECUTING, ST_KILLING, ST_COMPLETING, ST_FAULT_COMPLETING, ST_FAULTING,
  STALL_NONE, STALL_MFIFO, STALL_END, F_LOCKUP } from "./thread";
import { Dmac, MANAGER } from "./dmac";
import { updateIrqLines } from "./events";

export function fault(d: Dmac, th: Thread, bits: u32, t: i64): void {
  th.ftr |= bits;
  T.instant(d.traceBase + (th.isManager ? <u32>MANAGER : <u32>th.id), N_FAULT, t, <f64>bits);
  d.mfifoWaiters &= ~(<u32>1 << th.id);
  th.stall = STALL_NONE;
  if (th.state == ST_FAULTING || th.state == ST_FAULT_COMPLETING) return;
  leave(d, th, t, ST_FAULT_COMPLETING, ST_FAULTING, t);
  d.raisedTime = t;
  updateIrqLines(d);
}

/** A channel leaving Executing for `final` (Stopped, Faulting) passes through `draining`
 *  (Completing, Killing, Faulting completing) until its outstanding AXI transactions are done
 *  (spec §5); the manager has none. Its program's trace slice ends when it gets there. */
function leave(d: Dmac, th: Thread, t: i64, draining: u32, final: u32, endsAt: i64): void {
  const busy = th.outstandingUntil();
  if (!th.isManager && busy > t) {
    th.state = draining;
    th.wakeAt = busy;
  } else {
    th.state = final;
    th.wakeAt = NEVER;
    d.endRun(th, endsAt);
  }
}

/** A fault raised by an instruction that decoded: CPC moves past it (what the reference
 *  model records for operand, security, DMAGO-in-a-channel and imprecise data faults). */
export function faultAfter(d: Dmac, th: Thread, bits: u32, t: i64, len: u32): void {
  th.pc += len;
  fault(d, th, bits, t);
}

/** DMALD found no MFIFO space at t; `wait` is when queued stores free some (NEVER if none
 *  are queued). */
export function mfifoStall(d: Dmac, th: Thread, t: i64, wait: i64): void {
  d.mfifoWaiters |= <u32>1 << th.id;
  watchStall(d, th, t, STALL_MFIFO, wait);
}

/** A channel in Executing cannot go on (`why`); `wait` is when it may (NEVER if nothing
 *  queued will free it). With nothing to wait for, the watchdog declares a lock-up after
 *  watchdogCycles: lockup_err, or only irq_abort when WD.wd_irq_only is set. */
export function watchStall(d: Dmac, th: Thread, t: i64, why: u8, wait: i64): void {
  if (th.stall != why) {
    th.stall = why;
    th.stallSince = t;
  }
  if (wait != NEVER) {
    th.wakeAt = wait;
    return;
  }
  const deadline = th.stallSince + <i64>d.cfg.watchdogCycles * d.cyclePs;
  if (t < deadline) {
    th.wakeAt = deadline;
    return;
  }
  if (d.wd & 1) {
    d.wdAbort = true;
    th.wakeAt = NEVER;
    d.raisedTime = t;
    updateIrqLines(d);
    return;
  }
  fault(d, th, F_LOCKUP, t);
}

/** MFIFO space frees at `at`: threads stalled for it look again then. */
export function wakeMfifoWaiters(d: Dmac, at: i64): void {
  let m = d.mfifoWaiters;
  d.mfifoWaiters = 0;
  while (m != 0) {
    const i = <i32>ctz(m);
    m &= m - 1;
    const th = unchecked(d.threads[i]);
    if (th.stall == STALL_MFIFO && th.wakeAt > at) {
      th.wakeAt = at;
      d.rescan = true;
    }
  }
}

/** Drops a thread's MFIFO data at t (DMAEND, DMAKILL). */
function discardData(d: Dmac, th: Thread, t: i64): void {
  const n = th.fifo.count;
  if (n == 0) return;
  d.mfifo.releaseNow(t, n);
  th.fifo.clear();
  if (d.mfifoWaiters != 0) wakeMfifoWaiters(d, t + d.cyclePs);
}

/** Ends a thread (DMAKILL): its MFIFO data is dropped, outstanding traffic drains first
 *  (Killing), and a fault is cleared. */
export function killThread(d: Dmac, th: Thread, t: i64): void {
  discardData(d, th, t);
  th.ftr = 0;
  th.stall = STALL_NONE;
  d.mfifoWaiters &= ~(<u32>1 << th.id);
  leave(d, th, t, ST_KILLING, ST_STOPPED, t);
  if (d.wdAbort) d.wdAbort = anyLockedUp(d);
  updateIrqLines(d);
}

function anyLockedUp(d: Dmac): bool {
  for (let i = 0; i < MANAGER; i++) {
    const th = unchecked(d.threads[i]);
    if (th.state == ST_EXECUTING && th.stall != STALL_NONE && th.wakeAt == NEVER) return true;
  }
  return false;
}

/** DMAEND: the channel stops once its outstanding traffic is done (Completing). Data it
 *  loaded and never stored keeps it from completing: it stalls, and the watchdog ends the
 *  stall with a lock-up, as the reference model records (spec §9 "Load > store"). */
export function endThread(d: Dmac, th: Thread, t: i64): bool {
  if (th.fifo.count > 0 && !th.isManager) {
    watchStall(d, th, t, STALL_END, NEVER);
    return false;
  }
  th.stall = STALL_NONE;
  leave(d, th, t, ST_COMPLETING, ST_STOPPED, t + d.cyclePs);
  return true;
}
