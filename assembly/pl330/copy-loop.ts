// The burst copy loop body, DMALD; DMAST; DMALPEND back to the DMALD (what Linux's pl330 driver
// and a bare memcpy emit), run for a channel that has the engine to itself (lone-channel.ts):
// each iteration does exactly what loadFast, storeFast and the DMALPEND do one by one (datapath.ts,
// axi.ts, mfifo.ts), in the same order and with the same times, but with what does not change
// between iterations (CCR fields, beat counts, the controller's latency) worked out once and
// the channel's MFIFO left out: the DMALD's bytes go straight to the DMAST that takes them, as
// the FIFO's deferred run would have carried them (channel-fifo.ts). Each burst is timed by the
// AXI master's own steps (axi.ts readAddress, readFromRam, writeBeats, ...); the statistics that
// only add up are added once at the end.
//
// It runs only while nothing could tell the difference: no trace, a non-coherent port, an
// incrementing burst of the same size on both sides without endian swap, an empty channel FIFO,
// no thread waiting for MFIFO space, every burst within one RAM page, room in both queues. At
// anything else it stops before the instruction it cannot do alone (after the DMALD, with its
// bytes deferred in the channel FIFO as loadFast leaves them) and lone-channel.ts's general
// loop carries on from there.

import * as T from "../trace";
import { Thread, STALL_NONE } from "./thread";
import { Dmac } from "./dmac";
import { copyBytes } from "./channel-fifo";
import { mfifoWait } from "./mfifo-wait";

/** Where the last runCopyLoop left the channel: its issue time and the loop counter. */
export let copyT: i64 = 0;
export let copyLc: u32 = 0;
/** Instructions of the body it retired, by kind (the caller moves CPC from these). */
export let copyLoads: i32 = 0;
export let copyStores: i32 = 0;
export let copyEnds: i32 = 0;
/** The loop counter reached 0 at a DMALPEND: the loop is over (CPC past the DMALPEND). */
export let copyExited: bool = false;

/** AXI bus beats of an incrementing burst (datapath.ts busBeats, with inc true). */
@inline function incBeats(widthBytes: u32, addr: u32, size: u32, beats: u32): u32 {
  const per = size <= widthBytes ? 1 : size / widthBytes;
  return beats * per + ((addr & (size - 1)) != 0 ? 1 : 0);
}

/** Whether the copy loop can run th's body at all (beyond what each iteration checks). */
@inline function eligible(d: Dmac, th: Thread): bool {
  const f = th.fifo;
  return !T.enabled && !d.coherent && th.srcInc && th.dstInc && th.swap == 0 &&
    th.srcSize * th.srcLen == th.dstSize * th.dstLen && f.count == 0 && f.segCount == 0 &&
    f.headUsed == 0 && d.mfifoWaiters == 0 && th.stall == STALL_NONE && !d.rescan;
}

/** Runs iterations of th's copy body from its DMALD at time t (the MFIFO wait before it already
 *  done), the loop counter `lc`, while the next issue stays ≤ limit and fewer than `budget`
 *  instructions have issued. Returns the instructions issued (0 if it could not start); the
 *  copy* globals say where it stopped. On a stop between the DMALD and the DMAST the channel
 *  FIFO holds the load's bytes, deferred. */
export function runCopyLoop(d: Dmac, th: Thread, t: i64, limit: i64, budget: i32, lc: u32): i32 {
  copyLoads = 0;
  copyStores = 0;
  copyEnds = 0;
  copyExited = false;
  copyT = t;
  copyLc = lc;
  if (!eligible(d, th)) return 0;
  const axi = d.axi;
  const mf = d.mfifo;
  const cyc = d.cyclePs;
  const bytes = th.srcSize * th.srcLen;
  let sar = th.sar;
  let dar = th.dar;
  const beatsR = incBeats(axi.widthBytes, sar, th.srcSize, th.srcLen);
  const beatsW = incBeats(axi.widthBytes, dar, th.dstSize, th.dstLen);
  const beatTimeR = <i64>beatsR * cyc;
  const beatTimeW = <i64>beatsW * cyc;
  let lastRead = th.lastRead;
  let lastWrite = th.lastWrite;
  let loads: i32 = 0;
  let stores: i32 = 0;
  let ends: i32 = 0;
  let n: i32 = 0;
  let first = true;
  let rdCtlSeen: i32 = -2;
  let lat: i64 = 0;
  let start: i64 = 0; // the last burst's address phase, data end and completion (axi.ts)
  let dataDone: i64 = 0;
  let done: i64 = 0;
  while (true) {
    if (!first) {
      // Stopping, it leaves t where it was: the general loop waits again from there (the
      // releases applied stay applied), finds the same release beyond limit and leaves.
      const tw = mfifoWait(d, th, t, limit);
      if (tw < 0) break;
      t = tw;
    }
    first = false;
    // DMALD (loadFast).
    if (axi.readQueueFreeAt() > t || (sar & 0xfff) + bytes > 0x1000 || mf.reserved + bytes > mf.capacity) break;
    const rPage = sar >>> 12;
    let src = d.rdHost;
    if (rPage != d.rdPage) {
      src = d.mapPage(rPage, false);
      if (src == 0) break;
    }
    src += <usize>(sar & 0xfff);
    mf.take(t, bytes);
    const ctlR = d.rdCtl;
    if (ctlR != rdCtlSeen) {
      lat = axi.latency(ctlR);
      rdCtlSeen = ctlR;
    }
    start = axi.readAddress(t);
    const end = axi.readFromRam(start, lat, beatTimeR, ctlR, bytes);
    axi.leaveReadQueue(start);
    dataDone = end;
    done = end;
    d.noteDeferred(sar, bytes);
    if (end > lastRead) lastRead = end;
    sar += bytes;
    loads++;
    n++;
    t += cyc;
    // DMAST (storeFast), or leave the DMALD's bytes in the FIFO for the general loop's DMAST.
    let stored = false;
    if (t <= limit && n < budget && axi.writeQueueFreeAt() <= t && (dar & 0xfff) + bytes <= 0x1000 &&
      !(dar < d.defHi && dar + bytes > d.defLo)) {
      const wPage = dar >>> 12;
      let dst = d.wrHost;
      if (wPage != d.wrPage) dst = d.mapPage(wPage, true);
      if (dst != 0) {
        copyBytes(dst + <usize>(dar & 0xfff), src, bytes);
        start = axi.writeAddress(t);
        const wEnd = axi.writeBeats(start, end, beatTimeW);
        const bresp = axi.writeToRam(wEnd, beatTimeW, d.wrCtl, bytes);
        axi.leaveWriteQueue(start);
        dataDone = wEnd;
        done = bresp;
        mf.release(wEnd, bytes);
        if (bresp > lastWrite) lastWrite = bresp;
        dar += bytes;
        stores++;
        n++;
        t += cyc;
        stored = true;
      }
    }
    if (!stored) {
      th.fifo.pushDeferred(src, bytes, end);
      break;
    }
    if (t > limit || n >= budget) break;
    // DMALPEND.
    ends++;
    n++;
    t += cyc;
    if (lc == 0) {
      copyExited = true;
      break;
    }
    lc--;
    if (t > limit || n >= budget) break;
  }
  if (loads != 0) {
    // What loadFast/storeFast leave behind, and the totals they count one burst at a time.
    th.sar = sar;
    th.dar = dar;
    th.lastRead = lastRead;
    th.lastWrite = lastWrite;
    th.runBytes += <u64>stores * <u64>bytes;
    axi.issuedAt = start;
    axi.dataDoneAt = dataDone;
    axi.doneAt = done;
    axi.readBursts += <u64>loads;
    axi.writeBursts += <u64>stores;
    axi.bytesRead += <u64>loads * <u64>bytes;
    axi.bytesWritten += <u64>stores * <u64>bytes;
    axi.rBusyPs += <i64>loads * beatTimeR;
    axi.wBusyPs += <i64>stores * beatTimeW;
  }
  copyT = t;
  copyLc = lc;
  copyLoads = loads;
  copyStores = stores;
  copyEnds = ends;
  return n;
}
