// Where the L2 keeps the lines table walks read: the L2 entry of each recently read descriptor
// line, direct-mapped by line number. A table walk reads one to four descriptors, and the same
// tables again and again, so most of its lookups can skip the L2's set search: the memo names an
// entry and that entry's tag proves it (a line sits in one entry of its set, so the entry the
// search would return). A stale slot, whose entry now holds another line, costs only the search
// it would have made anyway. Nothing simulated is kept here: hits, misses, LRU order and timing
// are the caller's, as for a search.

import { Cache } from "./cache";

const SLOT_BITS: u32 = 14; // 16384 lines: 1 MB of tables with 64-byte lines
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;

let slots: usize = 0;
/** The cache whose entry indices the slots hold: another (a reconfigured L2) starts afresh. */
let owner: usize = 0;

/** The entry of `c2` that holds `line`, or -1: as c2.find(line). */
@inline export function l2EntryOf(c2: Cache, line: u64): i32 {
  const slot = slots + (<usize>(line & SLOT_MASK) << 2);
  if (changetype<usize>(c2) == owner) {
    const e = <i32>load<u32>(slot);
    if (c2.lineAt(e) == line) return e;
  } else adopt(c2);
  const e = c2.find(line);
  if (e >= 0) store<u32>(slot, <u32>e);
  return e;
}

function adopt(c2: Cache): void {
  if (slots == 0) slots = heap.alloc(<usize>4 << SLOT_BITS);
  // Entry 0 exists in every cache: an unused slot is a stale one.
  memory.fill(slots, 0, <usize>4 << SLOT_BITS);
  owner = changetype<usize>(c2);
}
