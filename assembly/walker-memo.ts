// Where the L2 keeps the lines table walks read: the L2 entry of each recently read descriptor
// line, direct-mapped by line number. A table walk reads one to four descriptors, and the same
// tables again and again, so most of its reads can skip the L1's and the L2's set searches: the
// memo names an entry and that entry's tag proves it (a line sits in one entry of its set, so
// the entry the search would return). A stale slot, whose entry now holds another line, costs
// only the searches it would have made anyway. Nothing simulated is kept here but a count of
// the reads it served (memoServed), which the hierarchy adds to the L2's hits and the
// descriptor cache hits before either is read; misses, LRU order and timing are the caller's,
// as for a search.
//
// The L1 need not be searched because no slot names a line the L1 holds: a slot is written
// when a walk has just missed the line in the L1, and forgotten when the L1 takes the line
// (memoL1Took, after every L1 fill). The L1's own fills keep the memo's other slots. Nor need
// the entry's bytes be checked for a deferred copy (whose bytes are DRAM's): a slot is written
// only for an entry whose bytes are in place, and an L2 entry's bytes become deferred only as
// the L1 takes that very line (a fill from DRAM, which forgets the slot) or gives it up (an L1
// line written back deferred, which no slot could name while the L1 held it). So the CPU's
// deferred fills of other lines leave the memo serving.
//
// The L2 is adopted when the hierarchy is built or the L2 is turned on or off (memoAdopt), and
// its array addresses kept here, so that a read the memo serves loads no field of a cache
// object but the ones it changes.

import { Cache } from "./cache";

const SLOT_BITS: u32 = 14; // 16384 lines: 1 MB of tables with 64-byte lines
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;

// Static memory: its address is a constant in the code that reads it, not a global to load.
const slots: usize = memory.data(<i32>4 << SLOT_BITS, 16);
/** A tag no line has, for a memo with no L2 to serve (null, or disabled): every slot names it. */
const noTags: usize = heap.alloc(8);
store<u64>(noTags, u64.MAX_VALUE);
/** Eight bytes a walk loads for the L3 read it does not make (walk-v8.ts atL2Timed). */
export const memoNothing: usize = memory.data(8, 8);
/** The L2 the slots name entries of (a real cache only while one is served). */
export let memoL2: Cache = changetype<Cache>(0);
let l2Tags: usize = noTags;
let l2Data: usize = 0;
let l2LineShift: u32 = 0;
let l2OffsetMask: usize = 0; // a byte's offset in its line
/** The entry a forgotten slot names: one past the L2's last, whose tag is always invalid
 *  (Cache keeps it so), so a forgotten slot fails the tag test a stale one fails. */
let forgotten: u32 = 0;

/** Reads the memo has served since memoTakeServed: each is an L2 hit and a descriptor cache
 *  hit, counted once on the served path and added to both by the hierarchy
 *  (settleWalkerCounts) before either count is read, or the L2 reset or changed. */
export let memoServed: u64 = 0;

export function memoTakeServed(): u64 {
  const n = memoServed;
  memoServed = 0;
  return n;
}

/** The L2 walks read through from now on (null: none, or disabled). Every slot is forgotten,
 *  which also keeps the rule memoHolds relies on: no slot names a line the L1 holds. The
 *  served count must have been settled into the L2 before. */
export function memoAdopt(c2: Cache | null): void {
  if (c2 != null) {
    memoL2 = c2;
    l2Tags = c2.tags;
    l2Data = c2.data;
    l2LineShift = c2.lineShift;
    l2OffsetMask = <usize>c2.lineBytes - 1;
    forgotten = c2.sets * c2.ways;
  } else {
    l2Tags = noTags;
    forgotten = 0;
  }
  for (let i: usize = 0; i < (<usize>1 << SLOT_BITS); i++) store<u32>(slots + (i << 2), forgotten);
}

/** The L2 entry the memo names for `line`: the one holding it, if memoHolds says so. */
@inline export function memoSlot(line: u64): i32 {
  return <i32>load<u32>(slots + (<usize>(line & SLOT_MASK) << 2));
}

/** Whether a walk may read `line` from L2 entry e (from memoSlot) at once: the entry holds the
 *  line. Its bytes are there, not deferred to DRAM's, and the L1 does not hold the line (it
 *  would be the newer copy): see the rules above. */
@inline export function memoHolds(e: i32, line: u64): bool {
  return load<u64>(l2Tags + (<usize>e << 3)) == line;
}

/** The L1 has just taken `line`: the slot naming it, if any, is forgotten (a slot naming
 *  another line is kept, so the CPU's own fills do not empty the memo). Told after the fill,
 *  not before: the fill may itself bring the line into the very L2 entry a slot names. */
@inline export function memoL1Took(line: u64): void {
  const s = slots + (<usize>(line & SLOT_MASK) << 2);
  if (load<u64>(l2Tags + (<usize>load<u32>(s) << 3)) == line) store<u32>(s, forgotten);
}

/** Host address of the bytes of `pa` in the line of L2 entry e (e from memoSlot, memoHolds
 *  true). */
@inline export function memoData(e: i32, pa: u64): usize {
  return l2Data + (<usize>e << l2LineShift) + (<usize>pa & l2OffsetMask);
}

/** The L2 holds `line` in entry e (found by a search, or just filled). */
@inline export function memoRemember(line: u64, e: i32): void {
  store<u32>(slots + (<usize>(line & SLOT_MASK) << 2), <u32>e);
}
