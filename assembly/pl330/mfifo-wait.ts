// A lone channel's DMALD that finds the MFIFO full waits here for the stores' releases, as long
// as they come before anyone else wants the engine (lone-channel.ts, copy-loop.ts).

import { max64 } from "../time";
import { Thread } from "./thread";
import { Dmac } from "./dmac";

/** Waits out a full MFIFO for the DMALD of th at t: returns the time it can issue (≥ t), or
 *  −(the time of the next release) when that is beyond `limit` and the thread must leave the
 *  engine; with no release queued it returns t (the DMALD then stalls in the general path). */
@inline export function mfifoWait(d: Dmac, th: Thread, t: i64, limit: i64): i64 {
  const mf = d.mfifo;
  const need = th.srcSize * th.srcLen;
  while (mf.reserved + need > mf.capacity && mf.relCount > 0) {
    const w = mf.nextRelease();
    if (w > t) {
      const next = max64(w, t + d.cyclePs);
      if (next > limit) return -w;
      t = next;
    }
    mf.applyNextRelease();
  }
  return t;
}
