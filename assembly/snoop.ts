// What other masters see through the CPU's caches: a coherent DMA port (snoopRead / snoopWrite,
// for a `dma-coherent` device or an ACP-style port, and what its snoops cost: snoopTime), the
// table walker, and a debugger's untimed peek. The newest copy of a line wins: L1, then L2,
// then DRAM.

import { Cache } from "./cache";
import { copyLine } from "./line-bytes";
import { ramHost, ramHostForWrite, memAccess, lastController } from "./dram";
import { markWritten } from "./memory-handover";
import * as H from "./hierarchy";
import { memoSlot, memoHolds, memoData, memoL2, memoRemember, memoServed } from "./walker-memo";

/** Host pointer to the bytes of the newest copy of `line`: a cached copy (L1 first) or DRAM.
 *  0 if the line is not RAM. */
function newestCopy(line: u64): usize {
  let e = H.l1.find(line);
  if (e >= 0 && !H.l1.isDeferred(e)) return H.l1.dataAt(e);
  if (e < 0) {
    const c2 = H.below();
    if (c2 != null) {
      e = c2.find(line);
      if (e >= 0 && !c2.isDeferred(e)) return c2.dataAt(e);
    }
  }
  return ramHost(line << H.lineShift, H.lineBytes);
}

// A coherent port's transaction is snooped one CPU cache line at a time (an SCU or interconnect
// splits a burst at line boundaries: Cortex-A15 TRM DDI 0438 §7.8.2 for its ACP): a line no
// cache holds costs a lookup (the duplicate tags say miss) before memory is asked; a line a cache
// holds is answered from it, at the hit's cost and with no DRAM access for a read. The Cortex-A53
// TRM (DDI 0500D table 7-9) gives best cases of 6 cycles for a miss and 13 for a hit with data
// (16 from L1 alone); the profile (cpu.snoopLookupCycles / snoopHitCycles) sets both, 0 is free.
let snoopLookupPs: i64 = 0;
let snoopHitPs: i64 = 0;
/** Bytes of the range last given to snoopTime that a CPU cache held (a read needs no DRAM for
 *  them). */
export let snoopHitBytes: u32 = 0;

export function configureSnoop(lookupPs: i64, hitPs: i64): void {
  snoopLookupPs = lookupPs;
  snoopHitPs = hitPs;
}

/** Whether L1 or the (enabled) L2 holds `line`: a snoop hit. A deferred line counts: its tag is
 *  there, only its bytes are still DRAM's. */
@inline function cached(line: u64): bool {
  if (H.l1.find(line) >= 0) return true;
  const c2 = H.below();
  return c2 != null && c2.find(line) >= 0;
}

/** Time the snoop of a coherent transaction on [pa, pa+len) takes: its lines one after another,
 *  a lookup for each that misses, a hit's cost for each a cache holds. Sets snoopHitBytes.
 *  Changes no cache state and no statistics. */
export function snoopTime(pa: u64, len: u32): i64 {
  snoopHitBytes = 0;
  if (len == 0) return 0;
  let ps: i64 = 0;
  let done: u32 = 0;
  while (done < len) {
    const a = pa + done;
    const n = min<u32>(H.lineBytes - <u32>(a & (H.lineBytes - 1)), len - done);
    if (cached(a >> H.lineShift)) {
      ps += snoopHitPs;
      snoopHitBytes += n;
    } else ps += snoopLookupPs;
    done += n;
  }
  return ps;
}

/** Copies [pa, pa+len) as a coherent master sees it: the newest copy of each line, whether in
 *  L1, L2 or DRAM. Does not change cache state. Returns false on a bus error. */
export function snoopRead(pa: u64, len: u32, dst: usize): bool {
  let done: u32 = 0;
  while (done < len) {
    const a = pa + done;
    const off = <u32>(a & (H.lineBytes - 1));
    const n = min<u32>(H.lineBytes - off, len - done);
    const src = newestCopy(a >> H.lineShift);
    if (src == 0) return false;
    memory.copy(dst + done, src + off, n);
    done += n;
  }
  return true;
}

/** Writes [pa, pa+len) as a coherent master: DRAM and every cached copy are updated, so no
 *  cache holds stale data and no dirty neighbour bytes are lost. */
export function snoopWrite(pa: u64, len: u32, src: usize): bool {
  let done: u32 = 0;
  while (done < len) {
    const a = pa + done;
    const off = <u32>(a & (H.lineBytes - 1));
    const n = min<u32>(H.lineBytes - off, len - done);
    const p = ramHostForWrite(a, n);
    if (p == 0) return false;
    memory.copy(p, src + done, n);
    // Deferred copies are DRAM's bytes: they have just been updated too.
    const line = a >> H.lineShift;
    let e = H.l1.find(line);
    if (e >= 0 && !H.l1.isDeferred(e)) memory.copy(H.l1.dataAt(e) + off, src + done, n);
    const c2 = H.l2;
    if (c2 != null) {
      e = c2.find(line);
      if (e >= 0 && !c2.isDeferred(e)) memory.copy(c2.dataAt(e) + off, src + done, n);
    }
    done += n;
  }
  return true;
}

/** A coherent master is about to read [pa, pa+len) straight from DRAM (the PL330 fetches its
 *  microcode into an i-cache that refers to RAM): DRAM takes the newest copy of each line, as a
 *  snoop that passes dirty data back would. Cached copies keep their state. False on a bus error. */
export function snoopToDram(pa: u64, len: u32): bool {
  const first = pa >> H.lineShift;
  const last = (pa + len - 1) >> H.lineShift;
  for (let line = first; line <= last; line++) {
    const src = newestCopy(line);
    if (src == 0) return false;
    const ram = ramHost(line << H.lineShift, H.lineBytes);
    if (src != ram) {
      memory.copy(ram, src, H.lineBytes);
      markWritten(ram, H.lineBytes);
    }
  }
  return true;
}

/** A 64-bit descriptor read by the table walker. Walks are cacheable and coherent with the data
 *  caches (TCR IRGN/ORGN = WBWA), so a PTE the kernel just wrote through a cacheable alias is
 *  seen. A read that misses fills L2 when the profile says walks allocate there.
 *  The usual read (the walker allocates in L2 only, so L1 rarely holds a table line) is taken
 *  first, inline: the walker's memo names the L2 entry holding the line with its bytes in
 *  place, which the L1 does not hold (walker-memo.ts). Anything else is walkerReadAny's, out of
 *  line. */
@inline export function walkerRead64(pa: u64): u64 {
  const e2 = walkerMemoEntry(pa);
  if (walkerMemoHolds(e2, pa)) {
    const d = load<u64>(memoData(e2, pa));
    walkerServed(e2, 0, false);
    return d;
  }
  return walkerReadAny(pa);
}

/** The L2 entry the walker's memo names for `pa`: if walkerMemoHolds(e, pa), the read is
 *  served from it (its bytes at memoData(e, pa)), else it goes through walkerReadAny. Nothing is
 *  counted or touched; walkerServed does that. For a walk that makes two reads in one run
 *  (walk-v8.ts atL2Timed). Two functions, not one returning -1: the bytes' load then waits for
 *  the slot's load only, not for the tag's comparison too. */
@inline export function walkerMemoEntry(pa: u64): i32 {
  return memoSlot(pa >> H.lineShift);
}

@inline export function walkerMemoHolds(e: i32, pa: u64): bool {
  return memoHolds(e, pa >> H.lineShift);
}

/** What a read the memo served from L2 entry e1 costs and counts (an L2 hit and a descriptor
 *  cache hit, an LRU touch, the L2's hit time), and the same for a second read from e2 after it
 *  if `second`, with no branch on `second`: counted once for both, and both touches stamped
 *  from one read of the clock. */
@inline export function walkerServed(e1: i32, e2: i32, second: bool): void {
  memoServed += 1 + <u64>second;
  memoL2.touchPair(e1, e2, second);
  H.cursor += H.l2HitPs << <i64>second; // (one hit time, or two)
}

/** walkerRead64 for any state of the caches. */
export function walkerReadAny(pa: u64): u64 {
  const line = pa >> H.lineShift;
  const off = <usize>(pa & (H.lineBytes - 1));
  const c1 = H.l1;
  const e1 = c1.find(line);
  if (e1 >= 0) {
    H.descriptorCacheHits++;
    H.cursor += H.l1HitPs;
    // A deferred copy's bytes are DRAM's. With none in the level (deferredHere, in the object
    // already loaded) the line's flag byte, in another host cache line, need not be read.
    return load<u64>(c1.deferredHere != 0 && c1.isDeferred(e1) ? ramHost(pa, 8) : c1.dataAt(e1) + off);
  }
  const c2 = H.below();
  if (c2 != null) {
    const e2 = c2.find(line);
    if (e2 >= 0) {
      if (!c2.isDeferred(e2)) memoRemember(line, e2);
      H.descriptorCacheHits++;
      c2.hits++;
      c2.touch(e2);
      H.cursor += H.l2HitPs;
      return load<u64>(c2.deferredHere != 0 && c2.isDeferred(e2) ? ramHost(pa, 8) : c2.dataAt(e2) + off);
    }
  }
  return walkerMiss(pa, c2);
}

/** A descriptor read that no cache holds: a line fill into L2, or an 8-byte DRAM read. */
function walkerMiss(pa: u64, c2: Cache | null): u64 {
  H.descriptorCacheMisses++;
  const line = pa >> H.lineShift;
  if (c2 != null && H.walkAllocatesL2) {
    c2.misses++;
    const e = H.evictL2(c2, line);
    if (!H.dramLineIn(line)) {
      c2.drop(e);
      return 0;
    }
    c2.install(e, line, false, false);
    memoRemember(line, e);
    copyLine(c2.dataAt(e), ramHost(line << H.lineShift, H.lineBytes), H.lineBytes);
    return load<u64>(c2.dataAt(e) + <usize>(pa & (H.lineBytes - 1)));
  }
  const p = ramHost(pa, 8);
  if (p == 0) {
    H.busError = true;
    return 0;
  }
  H.cursor = memAccess(lastController, H.cursor, 8, false);
  return load<u64>(p);
}

/** The same read for a debugger (ptdump, the cache-line query): untimed, no state changes. */
export function peek64(pa: u64): u64 {
  const src = newestCopy(pa >> H.lineShift);
  if (src == 0) {
    H.busError = true;
    return 0;
  }
  return load<u64>(src + <usize>(pa & (H.lineBytes - 1)));
}
