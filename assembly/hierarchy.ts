// The CPU's data-side cache hierarchy: L1 and an optional L2, all with the same line size, over
// the memory controllers of dram.ts. Write-back; writes allocate unless the memory type says
// otherwise (cpu.ts picks the path per access from the descriptor's attributes). Dirty victims are
// written back to the level below. The L2 does not include L1 (PL310 with the A9 is
// non-inclusive; a victim leaving L1 allocates in L2). `pocLevels` says how far maintenance by VA
// reaches: on Cortex-A53 the L2 is inside the point of coherency (DC CIVAC cleans both levels), on
// Zynq the PL310 is an outer cache that the kernel maintains separately, by physical address,
// through its own registers (pl310.ts).
//
// Fills from DRAM are deferred (cache.ts; deferred-bytes.ts makes the copies when they are
// needed). Lines that enter L1 other than by a demand fill are in line-policies.ts; what other
// masters see through the caches in snoop.ts.
//
// All costs are added to `cursor`, the time of the CPU operation in progress (cpu.ts owns it).

import { Cache, INVALID, REPL_LRU } from "./cache";
import { copyLine, isZeroLine } from "./line-bytes";
import { markWritten, neverWritten } from "./memory-handover";
import { ramHost, memAccess, lastController } from "./dram";
import { max64 } from "./time";
import { memoAdopt, memoL1Took, memoL2, memoServed, memoTakeServed } from "./walker-memo";
import { materialize } from "./deferred-bytes";

export const OP_CLEAN: i32 = 0;
export const OP_INV: i32 = 1;
export const OP_CLEAN_INV: i32 = 2;

export const LEVEL_L1: i32 = 1;
export const LEVEL_L2: i32 = 2;

export let l1: Cache = new Cache(1024, 1, 32, REPL_LRU);
export let l2: Cache | null = null;
/** The PL310's CTRL enable bit: a disabled L2 is bypassed (its lines stay, unseen). */
export let l2Enabled: bool = true;
export let lineShift: u32 = 5;
export let lineBytes: u32 = 32;
/** Cache levels reached by maintenance by VA (bitmask of LEVEL_*). */
export let pocLevels: i32 = LEVEL_L1;
/** Whether a table walk that misses every level allocates the line in L2 (walks are outer
 *  write-back cacheable as Linux sets TCR/TTBR; which levels a walker fills is not documented
 *  for either core, spec mmu-cache §5.2, so it is a profile parameter). */
export let walkAllocatesL2: bool = true;

export let cursor: i64 = 0;
/** When the last write-back that a clean by VA (DC CVAC / DC CIVAC, dc-ops.ts) sent to DRAM
 *  completes: a DSB after them ends only once the cleaned lines have reached the point of
 *  coherency (cpu.barrier). Write-backs of victims that loads and stores evict are not counted:
 *  a DSB waits for the program's own accesses, and a cacheable store completes into the cache. */
export let cleansUntil: i64 = 0;
/** When the last line this hierarchy wrote back to DRAM gets there, whatever sent it: a dirty
 *  victim's eviction or a maintenance write-back. Until then the line sits in the outer cache's
 *  eviction buffer, which a PL310 Cache Sync waits to see empty (pl310.ts); a DSB does not. */
export let writeBacksUntil: i64 = 0;
export let l1HitPs: i64 = 0;
export let l2HitPs: i64 = 0;
export let maintPs: i64 = 0;
/** Set when a fill or write-back touched a physical address that is not RAM. */
export let busError: bool = false;
/** Whether the last l1Line call missed or was the first use of a prefetched line: what makes a
 *  next-line prefetcher fetch further ahead. */
export let lastTrigger: bool = false;
/** Descriptor reads by table walks served by a cache, and those no cache held (a read is
 *  one or the other: walkReads counts both, without a third count to keep on every read). */
export let descriptorCacheHits: u64 = 0;
export let descriptorCacheMisses: u64 = 0;

/** Descriptor reads by table walks. */
export function walkReads(): u64 {
  settleWalkerCounts();
  return descriptorCacheHits + descriptorCacheMisses;
}

/** Adds the reads the walker's memo served to the L2's hits and the descriptor cache hits
 *  (walker-memo.ts memoServed). Called before either is read and before the L2 is reset or
 *  another adopted. */
export function settleWalkerCounts(): void {
  if (memoServed == 0) return;
  const n = memoTakeServed();
  descriptorCacheHits += n;
  memoL2.hits += n;
}

// Bulk operations overlap up to `mlp` line fills (the core's outstanding-miss capacity keeps a
// streaming copy from paying the full DRAM latency on every line).
export let bulk: bool = false;
let mlp: i32 = 1;
const fillRing = new StaticArray<i64>(16);
let fillIdx: i32 = 0;
let fillLast: i64 = 0;

export function configure(
  l1Size: u32, l1Ways: u32, line: u32, l1Repl: i32,
  l2Size: u32, l2Ways: u32, l2Repl: i32, poc: i32,
): void {
  resetCaches(); // the old arrays' deferred lines leave the count
  l1 = new Cache(l1Size, l1Ways, line, l1Repl);
  l2 = l2Size > 0 ? new Cache(l2Size, l2Ways, line, l2Repl) : null;
  l2Enabled = true;
  lineBytes = line;
  lineShift = <u32>ctz(line);
  pocLevels = poc;
  memoAdopt(l2); // (resetCaches above settled the old L2's count)
}

export function configureCosts(l1Hit: i64, l2Hit: i64, maint: i64, outstanding: i32): void {
  l1HitPs = l1Hit;
  l2HitPs = l2Hit;
  maintPs = maint;
  mlp = outstanding < 1 ? 1 : outstanding > 16 ? 16 : outstanding;
}

export function configureWalks(allocateL2: bool): void {
  walkAllocatesL2 = allocateL2;
}

export function setL2Enabled(on: bool): void {
  settleWalkerCounts();
  l2Enabled = on;
  memoAdopt(below());
}

/** The L2 as the CPU sees it now (null without one, or while the PL310 is disabled). */
@inline export function below(): Cache | null {
  return l2Enabled ? l2 : null;
}

export function beginBulk(): void {
  bulk = true;
  fillIdx = 0;
  fillLast = cursor;
  for (let i = 0; i < 16; i++) unchecked((fillRing[i] = cursor));
}

export function endBulk(): void {
  bulk = false;
  cursor = max64(cursor, fillLast);
}

// ---- fills and write-backs --------------------------------------------------------------------

/** Times the read of one line from DRAM. False on a bus error. */
export function dramLineIn(line: u64): bool {
  if (ramHost(line << lineShift, lineBytes) == 0) {
    busError = true;
    return false;
  }
  if (bulk) {
    const t = max64(cursor, unchecked(fillRing[fillIdx]));
    const done = memAccess(lastController, t, lineBytes, false);
    unchecked((fillRing[fillIdx] = done));
    fillIdx = fillIdx + 1 == mlp ? 0 : fillIdx + 1;
    if (done > fillLast) fillLast = done;
    cursor = t;
  } else {
    cursor = memAccess(lastController, cursor, lineBytes, false);
  }
  return true;
}

/** Writes entry e of cache c back to DRAM. Posted: the CPU does not wait, but the controller is
 *  kept busy. A deferred line's bytes are DRAM's already. Returns when the write has reached
 *  DRAM (0 on a bus error), for whoever must wait for it (a DSB after a clean, CACHE_SYNC). */
export function dramLineOut(c: Cache, e: i32, line: u64): i64 {
  const p = ramHost(line << lineShift, lineBytes);
  if (p == 0) {
    busError = true;
    return 0;
  }
  const src = c.dataAt(e);
  // Zeros written over bytes nothing has written change nothing: the host page stays untouched
  // (a kernel's memset of a fresh buffer, written back, costs no page faults).
  if (!c.isDeferred(e) && !(neverWritten(p, lineBytes) && isZeroLine(src, lineBytes))) {
    // The one other copy whose bytes are DRAM's could be L1's, when c is L2 (c's own entry is
    // not deferred): it is made before DRAM changes.
    const c1 = l1;
    if (c != c1 && c1.deferredHere != 0) {
      const e1 = c1.find(line);
      if (e1 >= 0 && c1.isDeferred(e1)) materialize(c1, e1);
    }
    markWritten(p, lineBytes);
    copyLine(p, src, lineBytes);
  }
  const written = memAccess(lastController, cursor, lineBytes, true);
  if (written > writeBacksUntil) writeBacksUntil = written;
  return written;
}

/** The L1 entry that will receive `line`, its dirty victim written into L2 first. */
@inline export function evictL1(line: u64): i32 {
  const c1 = l1;
  const e = c1.victim(line);
  if (c1.victimDirty) {
    c1.writebacks++;
    writeBelowL1(e, c1.victimLine);
  }
  return e;
}

/** The L2 entry that will receive `line`, its dirty victim written to DRAM first. */
@inline export function evictL2(c2: Cache, line: u64): i32 {
  const e = c2.victim(line);
  if (c2.victimDirty) {
    c2.writebacks++;
    dramLineOut(c2, e, c2.victimLine);
  }
  return e;
}

/** Writes L1 entry e (holding `line`) into L2, allocating there, or without an L2 into DRAM.
 *  Returns when the line reaches DRAM in the second case, 0 in the first. */
export function writeBelowL1(e1: i32, line: u64): i64 {
  const c2 = below();
  if (c2 == null) return dramLineOut(l1, e1, line);
  let e = c2.find(line);
  if (e >= 0) {
    c2.hits++;
    c2.touch(e);
  } else {
    c2.misses++;
    e = evictL2(c2, line);
    c2.install(e, line, true, false);
  }
  if (l1.isDeferred(e1)) c2.setDeferred(e);
  else {
    c2.clearDeferred(e);
    copyLine(c2.dataAt(e), l1.dataAt(e1), lineBytes);
  }
  c2.setDirty(e, true);
  return 0;
}

/** Brings `line` into L1 entry e1 from L2 (filling L2 on a miss) or DRAM. False on a bus error. */
export function fillL1(e1: i32, line: u64, write: bool): bool {
  const c2 = below();
  if (c2 == null) {
    if (!dramLineIn(line)) return false;
    l1.install(e1, line, write, true);
    return true; // (no L2: the walker's memo serves nothing)
  }
  let e = c2.find(line);
  if (e >= 0) {
    c2.hits++;
    c2.touch(e);
    if (bulk) {
      // Hits in L2 overlap as misses to DRAM do: the core keeps several line fills in flight.
      const t = max64(cursor, unchecked(fillRing[fillIdx]));
      const done = t + l2HitPs;
      unchecked((fillRing[fillIdx] = done));
      fillIdx = fillIdx + 1 == mlp ? 0 : fillIdx + 1;
      if (done > fillLast) fillLast = done;
      cursor = t;
    } else cursor += l2HitPs;
  } else {
    c2.misses++;
    e = evictL2(c2, line);
    if (!dramLineIn(line)) {
      c2.drop(e);
      return false;
    }
    c2.install(e, line, false, true);
  }
  const deferred = c2.isDeferred(e);
  l1.install(e1, line, write, deferred);
  memoL1Took(line);
  if (!deferred) copyLine(l1.dataAt(e1), c2.dataAt(e), lineBytes);
  return true;
}

/** Makes `line` present in L1 (write-allocate) and returns its entry, or -1 on a bus error.
 *  This is the path of every cacheable CPU load and store; the caller reaches the bytes through
 *  lineData. */
export function l1Line(line: u64, write: bool): i32 {
  const c1 = l1;
  let e = c1.find(line);
  if (e >= 0) {
    c1.hits++;
    c1.touch(e);
    if (write) c1.setDirty(e, true);
    const ready = c1.readyAt(e);
    if (ready != 0) {
      // The first use of a prefetched line, whose data may still be on its way. A bulk access
      // overlaps it with its other fills, as it does a miss, and waits for all of them at the end.
      c1.setReady(e, 0);
      if (bulk) {
        if (ready > fillLast) fillLast = ready;
      } else if (ready > cursor) cursor = ready;
      lastTrigger = true;
    } else lastTrigger = false;
    cursor += l1HitPs;
    return e;
  }
  c1.misses++;
  lastTrigger = true;
  e = evictL1(line);
  if (!fillL1(e, line, write)) {
    c1.drop(e);
    return -1;
  }
  cursor += l1HitPs;
  return e;
}

/** One maintenance operation on one line at the given levels (L1 first: data flows down). A
 *  clean changes nothing in a level that does not hold the line dirty, so a cheap test that
 *  rules that out spares the search. Returns when the line's write-back reaches DRAM, or 0 if
 *  the operation sent nothing there (an L1 line cleaned into L2 stays inside the hierarchy). */
@inline export function maintainLine(op: i32, line: u64, levels: i32): i64 {
  cursor += maintPs;
  let written: i64 = 0;
  if ((levels & LEVEL_L1) && (op != OP_CLEAN || l1.mayHoldDirty(line))) {
    const c1 = l1;
    const e = c1.find(line);
    if (e >= 0) {
      if (op != OP_INV && c1.isDirty(e)) {
        c1.writebacks++;
        written = writeBelowL1(e, line);
        c1.setDirty(e, false);
      }
      if (op != OP_CLEAN) c1.drop(e);
    }
  }
  const c2 = l2;
  if ((levels & LEVEL_L2) && c2 != null && (op != OP_CLEAN || c2.mayHoldDirty(line))) {
    const e = c2.find(line);
    if (e >= 0) {
      if (op != OP_INV && c2.isDirty(e)) {
        c2.writebacks++;
        written = max64(written, dramLineOut(c2, e, line));
        c2.setDirty(e, false);
      }
      if (op != OP_CLEAN) c2.drop(e);
    }
  }
  return written;
}

/** Makes the CPU operation in progress wait until `t` (a barrier's or a register's completion). */
@inline export function waitUntil(t: i64): void {
  if (t > cursor) cursor = t;
}

/** How many of the `count` lines from `first` a clean at `levels` would leave alone, counted
 *  from the first: no level holds any of them dirty (Cache.cleanRun), so maintainLine would
 *  only spend their time. */
export function cleanRun(first: u64, count: u32, levels: i32): u32 {
  let n = count;
  if (levels & LEVEL_L1) n = l1.cleanRun(first, n);
  const c2 = l2;
  if (n > 0 && (levels & LEVEL_L2) && c2 != null) n = c2.cleanRun(first, n);
  return n;
}

/** Backdoor: 0 = not cached, 1 = clean, 2 = dirty, +4 if the line's data differs from DRAM. */
export function lineState(level: i32, pa: u64): i32 {
  const c = level == 1 ? l1 : l2;
  if (c == null) return 0;
  const line = pa >> lineShift;
  const e = c.find(line);
  if (e < 0) return 0;
  let s = c.isDirty(e) ? 2 : 1;
  const p = ramHost(line << lineShift, lineBytes);
  if (p != 0 && !c.isDeferred(e) && memory.compare(p, c.dataAt(e), lineBytes) != 0) s |= 4;
  return s;
}

export function resetCaches(): void {
  settleWalkerCounts();
  l1.reset();
  const c2 = l2;
  if (c2 != null) c2.reset();
}

export { INVALID };
// The PL330's datapath reaches the coherent port here.
export { snoopRead, snoopWrite } from "./snoop";
