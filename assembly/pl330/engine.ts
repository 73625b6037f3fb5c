// The engine of a DMA-330 (spec pl330 §1, §11): at most one instruction per AXI cycle for the
// whole controller, given round-robin to the threads that are ready, plus the debug instruction
// (§7) when one is pending. It runs lazily: the scheduler asks it to catch up to a point in
// simulated time before the CPU looks at anything the DMAC could have changed. While one thread
// stays the earliest to issue it runs without re-picking (lone-channel.ts), so a lone channel
// costs one compare per instruction; runs are cut into slices so that V8 compiles the loop
// optimised early (a long first call would stay in the baseline tier: no OSR for wasm).

import { NEVER, max64 } from "../time";
import { Dmac, MANAGER } from "./dmac";
import { ST_STOPPED, ST_EXECUTING, ST_CACHE_MISS, ST_BARRIER, ST_WFP, ST_KILLING, ST_COMPLETING,
  ST_FAULT_COMPLETING, ST_FAULTING } from "./thread";
import { execute } from "./exec";
import { executeDebug } from "./manager";
import { runLone } from "./lone-channel";

const DEBUG: i32 = 9;
const SLICE: i32 = 4096;

/** Threads in these states compete for the issue slot when they wake. */
@inline function issues(s: u32): bool {
  return s == ST_EXECUTING || s == ST_CACHE_MISS || s == ST_BARRIER || s == ST_WFP;
}

/** Earliest time this DMAC needs to run (NEVER when every thread is stopped or waiting). */
export function nextEvent(d: Dmac): i64 {
  let best = d.dbgPending ? max64(d.dbgAt, d.issueFree) : NEVER;
  for (let i = 0; i <= MANAGER; i++) {
    const th = unchecked(d.threads[i]);
    let w = th.wakeAt;
    if (w == NEVER) continue;
    if (issues(th.state)) w = max64(w, d.issueFree);
    if (w < best) best = w;
  }
  return best;
}

/** Runs every thread action due at or before `until`. With stopOnIrq, returns as soon as an
 *  interrupt (or abort) is raised, with irqRaisedAt set. */
export function runEngine(d: Dmac, until: i64, stopOnIrq: bool): void {
  while (slice(d, until, stopOnIrq)) {}
  // Memory may change before the next run (the CPU, a loader): nothing stays deferred.
  if (d.defHi != 0) d.materializeAll();
}

/** At most SLICE instructions; true if there may be more to do before `until`. */
function slice(d: Dmac, until: i64, stopOnIrq: bool): bool {
  const n = d.numChannels;
  const cyc = d.cyclePs;
  let budget = SLICE;
  while (budget > 0) {
    // Pick the earliest: instruction issue waits for the shared issue slot; ties go
    // round-robin, starting after the thread that issued last.
    let pick: i32 = -1;
    let best = NEVER;
    let second = NEVER;
    let idx = d.lastIssued;
    for (let k = 0; k <= n; k++) {
      idx = idx >= n ? 0 : idx + 1;
      const i = idx == n ? MANAGER : idx;
      const th = unchecked(d.threads[i]);
      let w = th.wakeAt;
      if (w == NEVER) continue;
      if (issues(th.state)) w = max64(w, d.issueFree);
      if (w < best) {
        second = best;
        best = w;
        pick = i;
      } else if (w < second) second = w;
    }
    if (d.dbgPending) {
      const w = max64(d.dbgAt, d.issueFree);
      if (w <= best) {
        second = best;
        best = w;
        pick = DEBUG;
      } else if (w < second) second = w;
    }
    if (pick < 0 || best > until) return false;
    if (pick == DEBUG) {
      d.issueFree = best + cyc;
      d.dbgPending = false;
      d.raisedTime = best;
      executeDebug(d, best);
      budget--;
      if (stopOnIrq && d.irqRaisedAt != NEVER) return false;
      continue;
    }
    const th = unchecked(d.threads[pick]);
    const s = th.state;
    if (s == ST_COMPLETING || s == ST_KILLING) {
      th.state = ST_STOPPED;
      th.wakeAt = NEVER;
      d.endRun(th, best);
      continue;
    }
    if (s == ST_FAULT_COMPLETING) {
      th.state = ST_FAULTING;
      th.wakeAt = NEVER;
      d.endRun(th, best);
      continue;
    }
    // Issue from this thread while it stays the earliest.
    const limit = second == NEVER ? until : min<i64>(until, second - 1);
    d.rescan = false;
    d.lastIssued = pick == MANAGER ? n : pick;
    let t = best;
    th.state = ST_EXECUTING; // a waiting thread re-issues the instruction it waits in
    while (true) {
      if (!th.isManager) {
        const issued = runLone(d, th, t, limit, budget);
        budget -= issued;
        if (stopOnIrq && d.irqRaisedAt != NEVER) return false;
        if (d.rescan || th.state != ST_EXECUTING || budget <= 0) break;
        const next = max64(th.wakeAt, d.issueFree);
        // Unmoved: it stopped at an instruction it leaves to execute() (the slot is still ours).
        if (next != t || issued != 0) {
          t = next;
          if (t > limit) break;
        }
      }
      d.issueFree = t + cyc;
      th.state = ST_EXECUTING;
      th.wakeAt = t + cyc;
      d.raisedTime = t;
      const pc = th.pc;
      execute(d, th, t);
      if (th.pc != pc) th.instructions++; // retired (a stalled or waiting one re-issues)
      budget--;
      if (stopOnIrq && d.irqRaisedAt != NEVER) return false;
      if (d.rescan || th.state != ST_EXECUTING || budget <= 0) break;
      t = max64(th.wakeAt, d.issueFree);
      if (t > limit) break;
    }
  }
  return true;
}
