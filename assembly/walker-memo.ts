// Where the L2 keeps the lines table walks read: the L2 entry of each recently read descriptor
// line, direct-mapped by line number. A table walk reads one to four descriptors, and the same
// tables again and again, so most of its reads can skip the L1's and the L2's set searches: the
// memo names an entry and that entry's tag proves it (a line sits in one entry of its set, so
// the entry the search would return). A stale slot, whose entry now holds another line, costs
// only the searches it would have made anyway. Nothing simulated is kept here: hits, misses,
// LRU order and timing are the caller's, as for a search.
//
// The L1 need not be searched because no slot names a line the L1 holds: a slot is written
// when a walk has just missed the line in the L1, and forgotten when the L1 takes the line
// (memoL1Took, after every L1 fill). The L1's own fills keep the memo's other slots.
//
// The L2 is adopted when the hierarchy is built or the L2 is turned on or off (memoAdopt), and
// its array addresses kept here, so that a read the memo serves loads no field of a cache
// object but the ones it changes.

import { Cache } from "./cache";

const SLOT_BITS: u32 = 14; // 16384 lines: 1 MB of tables with 64-byte lines
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;

const slots: usize = heap.alloc(<usize>4 << SLOT_BITS);
/** A tag no line has, for a memo with no L2 to serve (null, or disabled): every slot names it. */
const noTags: usize = heap.alloc(8);
store<u64>(noTags, u64.MAX_VALUE);
/** The L2 the slots name entries of (a real cache only while one is served). */
export let memoL2: Cache = changetype<Cache>(0);
let l2Tags: usize = noTags;
let l2Data: usize = 0;
let l2LineShift: u32 = 0;
/** The entry a forgotten slot names: one past the L2's last, whose tag is always invalid
 *  (Cache keeps it so), so a forgotten slot fails the tag test a stale one fails. */
let forgotten: u32 = 0;

/** The L2 walks read through from now on (null: none, or disabled). Every slot is forgotten,
 *  which also keeps the rule memoEntry relies on: no slot names a line the L1 holds. */
export function memoAdopt(c2: Cache | null): void {
  if (c2 != null) {
    memoL2 = c2;
    l2Tags = c2.tags;
    l2Data = c2.data;
    l2LineShift = c2.lineShift;
    forgotten = c2.sets * c2.ways;
  } else {
    l2Tags = noTags;
    forgotten = 0;
  }
  for (let i: usize = 0; i < (<usize>1 << SLOT_BITS); i++) store<u32>(slots + (i << 2), forgotten);
}

/** The L2 entry from which a walk may read `line` at once, or -1 (then the caller looks the
 *  line up as any read would): the memo's entry holds the line, and the L2 has no deferred
 *  lines (whose bytes would be DRAM's). The L1 does not hold the line (it would be the newer
 *  copy): a slot is only written once a walk has missed the line in the L1, and forgotten
 *  when the L1 takes the line (memoL1Took). */
@inline export function memoEntry(line: u64): i32 {
  const e = <i32>load<u32>(slots + (<usize>(line & SLOT_MASK) << 2));
  if (load<u64>(l2Tags + (<usize>e << 3)) != line || memoL2.deferredHere != 0) return -1;
  return e;
}

/** The L1 has just taken `line`: the slot naming it, if any, is forgotten (a slot naming
 *  another line is kept, so the CPU's own fills do not empty the memo). Told after the fill,
 *  not before: the fill may itself bring the line into the very L2 entry a slot names. */
@inline export function memoL1Took(line: u64): void {
  const s = slots + (<usize>(line & SLOT_MASK) << 2);
  if (load<u64>(l2Tags + (<usize>load<u32>(s) << 3)) == line) store<u32>(s, forgotten);
}

/** Host address of the bytes at `offset` in the line of L2 entry e (e from memoEntry). */
@inline export function memoData(e: i32, offset: usize): usize {
  return l2Data + (<usize>e << l2LineShift) + offset;
}

/** The L2 holds `line` in entry e (found by a search, or just filled). */
@inline export function memoRemember(line: u64, e: i32): void {
  store<u32>(slots + (<usize>(line & SLOT_MASK) << 2), <u32>e);
}
