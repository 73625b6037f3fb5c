// How a line enters L1 other than by a demand fill, or how a store avoids entering it: fills the
// CPU does not wait for (the prefetcher's), DC ZVA's allocation without a read, and the stores of
// write-through and no-write-allocate memory.

import { zeroLine } from "./line-bytes";
import { lineData, materialize } from "./deferred-bytes";
import { ramHost, ramHostForWrite, memAccess, lastController } from "./dram";
import * as H from "./hierarchy";
import { memoL1Took } from "./walker-memo";

/** When the last store that went around the caches to DRAM (write-through, or no-write-allocate
 *  missing every level) gets there. Such a store completes only in DRAM, so a DSB waits for it
 *  (cpu.barrier), and on its way it sits in the PL310's store buffer (Cache Sync, pl310.ts). */
export let aroundUntil: i64 = 0;
/** When the last prefetched line arrives: a line fill the PL310's line read and fill buffers
 *  hold until then (Cache Sync). The CPU's demand fills are waited for as they happen. */
export let prefetchUntil: i64 = 0;

/** A fill the CPU did not wait for (prefetch, speculative load): the line comes into L1 clean
 *  and is usable when its data arrives. Returns false if it was already there or is not RAM. */
export function prefetchL1(line: u64): bool {
  const c1 = H.l1;
  if (c1.find(line) >= 0) return false;
  if (ramHost(line << H.lineShift, H.lineBytes) == 0) return false;
  const start = H.cursor;
  const wasBulk = H.bulk;
  H.bulk = false;
  const e = H.evictL1(line);
  const ok = H.fillL1(e, line, false);
  H.bulk = wasBulk;
  const arrives = H.cursor;
  H.cursor = start;
  if (!ok) {
    H.busError = false;
    c1.drop(e);
    return false;
  }
  // Copied now: a line nobody has asked for yet would otherwise stay deferred.
  lineData(e);
  c1.setReady(e, arrives);
  if (arrives > prefetchUntil) prefetchUntil = arrives;
  c1.prefetches++;
  return true;
}

/** DC ZVA on one line of Normal cacheable memory: allocated in L1 zero-filled and dirty,
 *  without reading memory (spec mmu-cache §4.2). */
export function zeroAllocateL1(line: u64): bool {
  const c1 = H.l1;
  let e = c1.find(line);
  if (e < 0) {
    if (ramHost(line << H.lineShift, H.lineBytes) == 0) {
      H.busError = true;
      return false;
    }
    e = H.evictL1(line);
    c1.install(e, line, true, false);
    memoL1Took(line);
  } else {
    c1.touch(e);
    c1.clearDeferred(e);
    c1.setDirty(e, true);
    c1.setReady(e, 0);
  }
  zeroLine(c1.dataAt(e), H.lineBytes);
  H.cursor += H.l1HitPs;
  return true;
}

@inline function writeBytes(dst: usize, src: usize, byte: u8, n: u32): void {
  if (src != 0) memory.copy(dst, src, n);
  else memory.fill(dst, byte, n);
}

/** A store that does not allocate in L1: write-through memory (every cached copy and DRAM are
 *  updated) or write-back no-write-allocate memory that missed L1 (the L2 copy takes the bytes
 *  and becomes dirty; without one, DRAM does). `src` 0 means fill with `byte`. n bytes within
 *  one line. */
export function storeAround(pa: u64, n: u32, src: usize, byte: u8, through: bool): bool {
  const line = pa >> H.lineShift;
  const off = <usize>(pa & (H.lineBytes - 1));
  const c1 = H.l1;
  let e = c1.find(line);
  // A deferred copy needs nothing when DRAM takes the same bytes (write-through).
  if (e >= 0) {
    c1.hits++;
    c1.touch(e);
    if (!c1.isDeferred(e)) writeBytes(c1.dataAt(e) + off, src, byte, n);
  }
  H.cursor += H.l1HitPs;
  const c2 = H.below();
  let inL2 = false;
  if (c2 != null) {
    e = c2.find(line);
    if (e >= 0) {
      c2.touch(e);
      if (!through) {
        if (c2.isDeferred(e)) materialize(c2, e);
        c2.setDirty(e, true);
      }
      if (!c2.isDeferred(e)) writeBytes(c2.dataAt(e) + off, src, byte, n);
      inL2 = true;
    }
  }
  if (through || !inL2) {
    const p = ramHostForWrite(pa, n);
    if (p == 0) {
      H.busError = true;
      return false;
    }
    writeBytes(p, src, byte, n);
    const written = memAccess(lastController, H.cursor, n, true);
    if (written > aroundUntil) aroundUntil = written;
  }
  return true;
}
