// Where the L2 keeps the lines table walks read: the L2 entry of each recently read descriptor
// line, direct-mapped by line number. A table walk reads one to four descriptors, and the same
// tables again and again, so most of its reads can skip the L2's set search: the memo names an
// entry and that entry's tag proves it (a line sits in one entry of its set, so the entry the
// search would return). A stale slot, whose entry now holds another line, costs only the search
// it would have made anyway. Nothing simulated is kept here: hits, misses, LRU order and timing
// are the caller's, as for a search.
//
// The caches the memo serves are adopted when the hierarchy is built or the L2 is turned on or
// off (memoAdopt), and their array addresses kept here, so that a read the memo serves loads no
// field of a cache object but the ones it changes.

import { Cache } from "./cache";
import { hashIn4 } from "./hash-bytes";

const SLOT_BITS: u32 = 14; // 16384 lines: 1 MB of tables with 64-byte lines
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;

const slots: usize = heap.alloc(<usize>4 << SLOT_BITS);
/** Whether the memo serves reads: an L2 is below the L1 and enabled, and the L1 has 4 ways. */
let serving: bool = false;
/** The L2 the slots name entries of (valid while serving). */
export let memoL2: Cache = changetype<Cache>(0);
let l2Tags: usize = 0;
let l2Data: usize = 0;
let l2LineShift: u32 = 0;
let l1Hashes: usize = 0;
let l1SetMask: u32 = 0;
let l1SetBits: u32 = 0;

/** The caches walks read through from now on: the L1 and the L2 below it (null: none, or
 *  disabled). Every slot is forgotten: entry 0 exists in every cache, so an unused slot is only
 *  a stale one. */
export function memoAdopt(c1: Cache, c2: Cache | null): void {
  memory.fill(slots, 0, <usize>4 << SLOT_BITS);
  l1Hashes = c1.hashes;
  l1SetMask = c1.setMask;
  l1SetBits = c1.setBits;
  serving = c2 != null && c1.ways == 4;
  if (c2 != null) {
    memoL2 = c2;
    l2Tags = c2.tags;
    l2Data = c2.data;
    l2LineShift = c2.lineShift;
  }
}

/** The L2 entry from which a walk may read `line` at once, or -1 (then the caller looks the
 *  line up as any read would): the memo's entry holds the line, the L2 has no deferred lines
 *  (whose bytes would be DRAM's), and the L1 certainly does not hold it (the newer copy). */
@inline export function memoEntry(line: u64): i32 {
  if (!serving) return -1;
  const e = <i32>load<u32>(slots + (<usize>(line & SLOT_MASK) << 2));
  if (load<u64>(l2Tags + (<usize>e << 3)) != line || memoL2.deferredHere != 0 || l1MayHold(line)) return -1;
  return e;
}

/** The L1's mayHold, for its 4 ways. */
@inline function l1MayHold(line: u64): bool {
  return hashIn4(l1Hashes + (<usize>(<u32>line & l1SetMask) << 2), <u32>(line >> l1SetBits) & 0xFF);
}

/** Host address of the bytes at `offset` in the line of L2 entry e (e from memoEntry). */
@inline export function memoData(e: i32, offset: usize): usize {
  return l2Data + (<usize>e << l2LineShift) + offset;
}

/** The L2 holds `line` in entry e (found by a search, or just filled). */
@inline export function memoRemember(line: u64, e: i32): void {
  store<u32>(slots + (<usize>(line & SLOT_MASK) << 2), <u32>e);
}
