// The issue loop for a channel that has the engine to itself: while no other thread wants the
// issue slot before `limit`, a channel issues one instruction per AXI cycle with nothing to
// arbitrate, so the common instructions of a transfer loop (DMALD, DMAST, DMALP, DMALPEND,
// DMANOP) run here with the program counter and loop counters in locals, and a copy loop body
// (DMALD; DMAST; DMALPEND) runs without being decoded again each iteration. A stall that ends
// before anyone else wants the engine (a full MFIFO, a full queue) is waited out here.
// Anything else, and any fault, goes back to the general engine (exec.ts) with the thread's
// state written back: both paths give the same results, this one skips the per-instruction
// arbitration and dispatch.

import { insnLength } from "./isa";
import { Thread, ST_EXECUTING } from "./thread";
import { max64 } from "../time";
import { Dmac } from "./dmac";
import { loadBurst, storeBurst, loadFast, storeFast } from "./datapath";
import { mfifoWait } from "./mfifo-wait";
import { runCopyLoop, copyT, copyLc, copyLoads, copyStores, copyEnds, copyExited } from "./copy-loop";

/** Issues instructions of th from time t while the next issue time stays ≤ limit, at most
 *  `budget` of them, and returns how many. On return th.wakeAt is when th may issue next
 *  (later than the issue slot if a DMALD/DMAST stalled) and d.issueFree when the slot is free:
 *  the engine goes on at the later of the two with the instruction at th.pc. */
export function runLone(d: Dmac, th: Thread, t: i64, limit: i64, budget: i32): i32 {
  if (th.winGen != d.ic.gen) return 0;
  const lo = th.winLo;
  const span = th.winHi - lo;
  const host = th.winHost;
  const cyc = d.cyclePs;
  let pc = th.pc;
  let lc0 = th.lc0;
  let lc1 = th.lc1;
  let n: i32 = 0;
  while (n < budget) {
    const off = pc - lo;
    if (off >= span) break;
    const p = host + <usize>off;
    const b0 = <u32>load<u8>(p);
    if (off + 6 > span && off + insnLength(b0) > span) break;
    if (b0 == 0x04) {
      const w = mfifoWait(d, th, t, limit);
      if (w < 0) {
        th.pc = pc;
        th.lc0 = lc0;
        th.lc1 = lc1;
        th.instructions += <u64>n;
        th.wakeAt = -w;
        d.issueFree = t + cyc;
        return n;
      }
      t = w;
      // A burst copy loop body, DMALD; DMAST; DMALPEND back to the DMALD (what Linux emits):
      // run its iterations here without decoding them again.
      if (off + 4 <= span && load<u8>(p + 1) == 0x08 && (load<u8>(p + 2) | 4) == 0x3c && load<u8>(p + 3) == 2) {
        const onLc1 = (load<u8>(p + 2) & 4) != 0;
        const n0 = n;
        const k = runCopyLoop(d, th, t, limit, budget - n, onLc1 ? lc1 : lc0);
        if (k != 0) {
          n += k;
          t = copyT;
          if (onLc1) lc1 = copyLc;
          else lc0 = copyLc;
          // It stopped at the DMALD, the DMAST or the DMALPEND, or past the loop.
          pc += copyExited ? 4 : <u32>(copyLoads - copyEnds + copyStores - copyEnds);
          if (t > limit || d.rescan) break;
          continue;
        }
        // The same, one instruction at a time, where the copy loop cannot run (a trace, a
        // coherent port, ...).
        while (true) {
          const tw = mfifoWait(d, th, t, limit);
          if (tw < 0) break; // the general loop below exits at the DMALD
          t = tw;
          if (!loadFast(d, th, t, th.srcLen)) break;
          pc++;
          n++;
          t += cyc;
          if (t > limit || d.rescan || n >= budget) break;
          if (!storeFast(d, th, t, th.dstLen)) break;
          pc++;
          n++;
          t += cyc;
          if (t > limit || d.rescan || n >= budget) break;
          if (onLc1 ? lc1 == 0 : lc0 == 0) {
            pc += 2;
            n++;
            t += cyc;
            break;
          }
          if (onLc1) lc1--;
          else lc0--;
          pc -= 2;
          n++;
          t += cyc;
          if (t > limit || d.rescan || n >= budget) break;
        }
        if (n != n0) {
          if (t > limit || d.rescan) break;
          continue;
        }
      }
    }
    if (b0 == 0x04 || b0 == 0x08) {
      if (b0 == 0x04 ? loadFast(d, th, t, th.srcLen) : storeFast(d, th, t, th.dstLen)) {
        pc++;
      } else if (((th.pc = pc), (th.wakeAt = t + cyc), !(b0 == 0x04 ? loadBurst(d, th, t, th.srcLen) : storeBurst(d, th, t, th.dstLen)))) {
        // Stalled (th.wakeAt moved) or faulted (th.pc and state set); the slot was used. A
        // stall that ends before anyone else wants the engine is waited out here.
        const w = max64(th.wakeAt, t + cyc);
        if (th.state != ST_EXECUTING || d.rescan || w > limit) {
          th.lc0 = lc0;
          th.lc1 = lc1;
          th.instructions += <u64>n;
          d.issueFree = t + cyc;
          return n;
        }
        t = w;
        continue;
      } else pc++;
    } else if (b0 == 0x3c) {
      if (lc1 != 0) {
        lc1--;
        pc -= <u32>load<u8>(p + 1);
      } else pc += 2;
    } else if (b0 == 0x38) {
      if (lc0 != 0) {
        lc0--;
        pc -= <u32>load<u8>(p + 1);
      } else pc += 2;
    } else if (b0 == 0x22) {
      lc1 = <u32>load<u8>(p + 1);
      pc += 2;
    } else if (b0 == 0x20) {
      lc0 = <u32>load<u8>(p + 1);
      pc += 2;
    } else if (b0 == 0x18) {
      pc++;
    } else break;
    n++;
    t += cyc;
    if (t > limit || d.rescan) break;
  }
  th.pc = pc;
  th.lc0 = lc0;
  th.lc1 = lc1;
  th.instructions += <u64>n;
  th.wakeAt = t;
  d.issueFree = t;
  return n;
}
