// Runs the timed devices alongside the CPU. The CPU is the reference: before it observes or
// changes anything a device could touch, the DMACs catch up to the CPU's time. When the CPU waits
// for an interrupt, time jumps to the moment a device raises one. DMA peripherals
// (assembly/peripherals/) are timed lazily: their state is a function of time that every access
// (CPU, DMA, backdoor) brings up to date first, and a peripheral interacts only with the one DMAC
// its request line is wired to, answering its questions (when is the next request?) from that
// state — so each DMAC may still run ahead on its own.

import { NEVER, min64 } from "./time";
import { pl330s } from "./devices";
import { anyPending, firstPending, lineLevel } from "./irq";

export function nextDeviceEvent(): i64 {
  let best = NEVER;
  for (let i = 0, n = pl330s.length; i < n; i++) {
    const e = unchecked(pl330s[i]).nextEvent();
    if (e < best) best = e;
  }
  return best;
}

/** Runs every device up to time t. DMACs interact with each other only through memory and
 *  interrupt lines, so each may run ahead to t on its own. */
export function catchUp(t: i64): void {
  for (let i = 0, n = pl330s.length; i < n; i++) {
    const d = unchecked(pl330s[i]);
    if (d.nextEvent() <= t) d.run(t, false);
  }
}

/** The lowest pending line as the GIC presents it to the core at t, the instant the kernel
 *  looks (the end of the CPU's last operation). The devices have run only to that operation's
 *  last access to them; an interrupt they raise in its tail reaches the core when raised, so
 *  they first run to t. When nothing is due by t this runs no device, it only reads each
 *  DMAC's next event. */
export function pendingAt(t: i64): i32 {
  catchUp(t);
  return firstPending();
}

/** Whether `line` is high at t (see pendingAt). */
export function levelAt(line: i32, t: i64): bool {
  catchUp(t);
  return lineLevel(line);
}

/** Advances devices from `from` until an interrupt line is high or `limit` is reached. Returns
 *  the time the CPU wakes: when the interrupt was raised, `limit`, or NEVER if every device went
 *  idle with no interrupt pending (waiting would be forever). */
export function runUntilInterrupt(from: i64, limit: i64): i64 {
  catchUp(from);
  if (anyPending()) return from;
  let t = from;
  while (true) {
    let pick = -1;
    let best = NEVER;
    let second = NEVER;
    for (let i = 0, n = pl330s.length; i < n; i++) {
      const e = unchecked(pl330s[i]).nextEvent();
      if (e < best) {
        second = best;
        best = e;
        pick = i;
      } else if (e < second) second = e;
    }
    if (pick < 0) return NEVER;
    if (best > limit) return limit;
    const d = unchecked(pl330s[pick]);
    d.irqRaisedAt = NEVER;
    d.run(min64(limit, second), true);
    if (d.irqRaisedAt != NEVER && anyPending()) {
      const at = d.irqRaisedAt > t ? d.irqRaisedAt : t;
      // Let the other devices reach the same instant before the CPU looks.
      catchUp(at);
      return at;
    }
    t = best;
  }
  return NEVER;
}
