// The CPU's data-side cache hierarchy: L1 and an optional L2, all with the same line size, over
// the memory controllers of dram.ts. Write-back; writes allocate unless the memory type says
// otherwise (cpu.ts picks the path per access from the descriptor's attributes). Dirty victims are
// written back to the level below. The L2 does not include L1 (PL310 with the A9 is
// non-inclusive; a victim leaving L1 allocates in L2). `pocLevels` says how far maintenance by VA
// reaches: on Cortex-A53 the L2 is inside the point of coherency (DC CIVAC cleans both levels), on
// Zynq the PL310 is an outer cache that the kernel maintains separately, by physical address,
// through its own registers (pl310.ts).
//
// Fills from DRAM are deferred (cache.ts): whoever needs a line's bytes calls lineData, and
// anything that changes DRAM beneath the caches first calls materializeRange (dram.ts does so
// for the masters that use its ramPtr / ramWrite).
//
// All costs are added to `cursor`, the time of the CPU operation in progress (cpu.ts owns it).

import { Cache, INVALID, REPL_LRU, copyLine, zeroLine, deferredLines } from "./cache";
import { ramHost, memAccess, lastController } from "./dram";
import { max64 } from "./time";

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
export let l1HitPs: i64 = 0;
export let l2HitPs: i64 = 0;
export let maintPs: i64 = 0;
/** Set when a fill or write-back touched a physical address that is not RAM. */
export let busError: bool = false;
/** Whether the last l1Line call missed or was the first use of a prefetched line: what makes a
 *  next-line prefetcher fetch further ahead. */
export let lastTrigger: bool = false;
/** Descriptor reads by table walks, and how many of them were served by a cache. */
export let walkReads: u64 = 0;
export let descriptorCacheHits: u64 = 0;

// Bulk operations overlap up to `mlp` line fills (the core's outstanding-miss capacity keeps a
// streaming copy from paying the full DRAM latency on every line).
let bulk: bool = false;
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
  l2Enabled = on;
}

/** The L2 as the CPU sees it now (null without one, or while the PL310 is disabled). */
@inline function below(): Cache | null {
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

// ---- deferred bytes ---------------------------------------------------------------------------

/** Copies a deferred line's bytes in from DRAM. */
function materialize(c: Cache, e: i32): void {
  copyLine(c.dataAt(e), ramHost(c.lineAt(e) << lineShift, lineBytes), lineBytes);
  c.clearDeferred(e);
}

/** Host pointer to an L1 entry's bytes, for the CPU port that is about to use them. */
@inline export function lineData(e: i32): usize {
  const c1 = l1;
  if (c1.isDeferred(e)) materialize(c1, e);
  return c1.dataAt(e);
}

function materializeLine(line: u64): void {
  let e = l1.find(line);
  if (e >= 0 && l1.isDeferred(e)) materialize(l1, e);
  const c2 = l2;
  if (c2 != null) {
    e = c2.find(line);
    if (e >= 0 && c2.isDeferred(e)) materialize(c2, e);
  }
}

/** Called before DRAM bytes [pa, pa+len) change beneath the caches: cached copies keep the old
 *  bytes, as they do on hardware. */
export function materializeRange(pa: u64, len: u64): void {
  if (deferredLines == 0 || len == 0) return;
  let line = pa >> lineShift;
  const last = (pa + len - 1) >> lineShift;
  while (line <= last) {
    materializeLine(line);
    line++;
  }
}

// ---- fills and write-backs --------------------------------------------------------------------

/** Times the read of one line from DRAM. False on a bus error. */
function dramLineIn(line: u64): bool {
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
 *  kept busy. A deferred line's bytes are DRAM's already. */
function dramLineOut(c: Cache, e: i32, line: u64): void {
  const p = ramHost(line << lineShift, lineBytes);
  if (p == 0) {
    busError = true;
    return;
  }
  if (!c.isDeferred(e)) {
    if (deferredLines != 0) materializeLine(line);
    copyLine(p, c.dataAt(e), lineBytes);
  }
  memAccess(lastController, cursor, lineBytes, true);
}

/** Writes L1 entry e (holding `line`) into L2, allocating there, or without an L2 into DRAM. */
function writeBelowL1(e1: i32, line: u64): void {
  const c2 = below();
  if (c2 == null) {
    dramLineOut(l1, e1, line);
    return;
  }
  let e = c2.find(line);
  if (e >= 0) {
    c2.hits++;
    c2.touch(e);
  } else {
    c2.misses++;
    e = c2.victim(line);
    if (c2.victimDirty) {
      c2.writebacks++;
      dramLineOut(c2, e, c2.victimLine);
    }
    c2.install(e, line, true, false);
  }
  if (l1.isDeferred(e1)) c2.setDeferred(e);
  else {
    c2.clearDeferred(e);
    copyLine(c2.dataAt(e), l1.dataAt(e1), lineBytes);
  }
  c2.setDirty(e, true);
}

/** Brings `line` into L1 entry e1 from L2 (filling L2 on a miss) or DRAM. False on a bus error. */
function fillL1(e1: i32, line: u64, write: bool): bool {
  const c2 = below();
  if (c2 == null) {
    if (!dramLineIn(line)) return false;
    l1.install(e1, line, write, true);
    return true;
  }
  let e = c2.find(line);
  if (e >= 0) {
    c2.hits++;
    c2.touch(e);
    cursor += l2HitPs;
  } else {
    c2.misses++;
    e = c2.victim(line);
    if (c2.victimDirty) {
      c2.writebacks++;
      dramLineOut(c2, e, c2.victimLine);
    }
    if (!dramLineIn(line)) {
      c2.drop(e);
      return false;
    }
    c2.install(e, line, false, true);
  }
  const deferred = c2.isDeferred(e);
  l1.install(e1, line, write, deferred);
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
  e = c1.victim(line);
  if (c1.victimDirty) {
    c1.writebacks++;
    writeBelowL1(e, c1.victimLine);
  }
  if (!fillL1(e, line, write)) {
    c1.drop(e);
    return -1;
  }
  cursor += l1HitPs;
  return e;
}

/** A fill the CPU did not wait for (prefetch, speculative load): the line comes into L1 clean
 *  and is usable when its data arrives. Returns false if it was already there or is not RAM. */
export function prefetchL1(line: u64): bool {
  const c1 = l1;
  if (c1.find(line) >= 0) return false;
  if (ramHost(line << lineShift, lineBytes) == 0) return false;
  const start = cursor;
  const wasBulk = bulk;
  bulk = false;
  const e = c1.victim(line);
  if (c1.victimDirty) {
    c1.writebacks++;
    writeBelowL1(e, c1.victimLine);
  }
  const ok = fillL1(e, line, false);
  bulk = wasBulk;
  const arrives = cursor;
  cursor = start;
  if (!ok) {
    busError = false;
    c1.drop(e);
    return false;
  }
  // Copied now: a line nobody has asked for yet would otherwise stay deferred.
  lineData(e);
  c1.setReady(e, arrives);
  c1.prefetches++;
  return true;
}

/** DC ZVA on one line of Normal cacheable memory: allocated in L1 zero-filled and dirty,
 *  without reading memory (spec mmu-cache §4.2). */
export function zeroAllocateL1(line: u64): bool {
  const c1 = l1;
  let e = c1.find(line);
  if (e < 0) {
    if (ramHost(line << lineShift, lineBytes) == 0) {
      busError = true;
      return false;
    }
    e = c1.victim(line);
    if (c1.victimDirty) {
      c1.writebacks++;
      writeBelowL1(e, c1.victimLine);
    }
    c1.install(e, line, true, false);
  } else {
    c1.touch(e);
    c1.clearDeferred(e);
    c1.setDirty(e, true);
    c1.setReady(e, 0);
  }
  zeroLine(c1.dataAt(e), lineBytes);
  cursor += l1HitPs;
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
  const line = pa >> lineShift;
  const off = <usize>(pa & (lineBytes - 1));
  const c1 = l1;
  let e = c1.find(line);
  // A deferred copy needs nothing when DRAM takes the same bytes (write-through).
  if (e >= 0) {
    c1.hits++;
    c1.touch(e);
    if (!c1.isDeferred(e)) writeBytes(c1.dataAt(e) + off, src, byte, n);
  }
  cursor += l1HitPs;
  const c2 = below();
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
    const p = ramHost(pa, n);
    if (p == 0) {
      busError = true;
      return false;
    }
    writeBytes(p, src, byte, n);
    memAccess(lastController, cursor, n, true);
  }
  return true;
}

/** One maintenance operation on one line at the given levels (L1 first: data flows down). */
export function maintainLine(op: i32, line: u64, levels: i32): void {
  cursor += maintPs;
  if (levels & LEVEL_L1) {
    const c1 = l1;
    const e = c1.find(line);
    if (e >= 0) {
      if (op != OP_INV && c1.isDirty(e)) {
        c1.writebacks++;
        writeBelowL1(e, line);
        c1.setDirty(e, false);
      }
      if (op != OP_CLEAN) c1.drop(e);
    }
  }
  const c2 = l2;
  if ((levels & LEVEL_L2) && c2 != null) {
    const e = c2.find(line);
    if (e >= 0) {
      if (op != OP_INV && c2.isDirty(e)) {
        c2.writebacks++;
        dramLineOut(c2, e, line);
        c2.setDirty(e, false);
      }
      if (op != OP_CLEAN) c2.drop(e);
    }
  }
}

// ---- coherent masters (a snooping DMA port, the table walker) -------------------------------

/** Host pointer to the bytes of the newest copy of `line`: a cached copy (L1 first) or DRAM.
 *  0 if the line is not RAM. */
function newestCopy(line: u64): usize {
  let e = l1.find(line);
  if (e >= 0 && !l1.isDeferred(e)) return l1.dataAt(e);
  if (e < 0) {
    const c2 = below();
    if (c2 != null) {
      e = c2.find(line);
      if (e >= 0 && !c2.isDeferred(e)) return c2.dataAt(e);
    }
  }
  return ramHost(line << lineShift, lineBytes);
}

/** Copies [pa, pa+len) as a coherent master sees it: the newest copy of each line, whether in
 *  L1, L2 or DRAM. Does not change cache state. Returns false on a bus error. */
export function snoopRead(pa: u64, len: u32, dst: usize): bool {
  let done: u32 = 0;
  while (done < len) {
    const a = pa + done;
    const off = <u32>(a & (lineBytes - 1));
    const n = min<u32>(lineBytes - off, len - done);
    const src = newestCopy(a >> lineShift);
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
    const off = <u32>(a & (lineBytes - 1));
    const n = min<u32>(lineBytes - off, len - done);
    const p = ramHost(a, n);
    if (p == 0) return false;
    memory.copy(p, src + done, n);
    // Deferred copies are DRAM's bytes: they have just been updated too.
    const line = a >> lineShift;
    let e = l1.find(line);
    if (e >= 0 && !l1.isDeferred(e)) memory.copy(l1.dataAt(e) + off, src + done, n);
    const c2 = l2;
    if (c2 != null) {
      e = c2.find(line);
      if (e >= 0 && !c2.isDeferred(e)) memory.copy(c2.dataAt(e) + off, src + done, n);
    }
    done += n;
  }
  return true;
}

/** A 64-bit descriptor read by the table walker. Walks are cacheable and coherent with the data
 *  caches (TCR IRGN/ORGN = WBWA), so a PTE the kernel just wrote through a cacheable alias is
 *  seen. A read that misses fills L2 when the profile says walks allocate there. */
export function walkerRead64(pa: u64): u64 {
  walkReads++;
  const line = pa >> lineShift;
  const off = <usize>(pa & (lineBytes - 1));
  let e = l1.find(line);
  if (e >= 0) {
    descriptorCacheHits++;
    cursor += l1HitPs;
    if (!l1.isDeferred(e)) return load<u64>(l1.dataAt(e) + off);
  } else {
    const c2 = below();
    if (c2 != null) {
      e = c2.find(line);
      if (e >= 0) {
        descriptorCacheHits++;
        c2.hits++;
        c2.touch(e);
        cursor += l2HitPs;
        if (!c2.isDeferred(e)) return load<u64>(c2.dataAt(e) + off);
      } else if (walkAllocatesL2) {
        c2.misses++;
        e = c2.victim(line);
        if (c2.victimDirty) {
          c2.writebacks++;
          dramLineOut(c2, e, c2.victimLine);
        }
        if (!dramLineIn(line)) {
          c2.drop(e);
          return 0;
        }
        c2.install(e, line, false, false);
        copyLine(c2.dataAt(e), ramHost(line << lineShift, lineBytes), lineBytes);
        return load<u64>(c2.dataAt(e) + off);
      }
    }
    if (e < 0) {
      const p0 = ramHost(pa, 8);
      if (p0 == 0) {
        busError = true;
        return 0;
      }
      cursor = memAccess(lastController, cursor, 8, false);
      return load<u64>(p0);
    }
  }
  // A deferred cached copy: its bytes are DRAM's.
  return load<u64>(ramHost(pa, 8));
}

/** The same read for a debugger (ptdump, the cache-line query): untimed, no state changes. */
export function peek64(pa: u64): u64 {
  const src = newestCopy(pa >> lineShift);
  if (src == 0) {
    busError = true;
    return 0;
  }
  return load<u64>(src + <usize>(pa & (lineBytes - 1)));
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
  l1.reset();
  const c2 = l2;
  if (c2 != null) c2.reset();
}

export { INVALID };
