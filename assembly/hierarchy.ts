// The CPU's data-side cache hierarchy: L1 and an optional L2, all with the same line size, over
// the memory controllers of dram.ts. Writes allocate; dirty victims are written back to the level
// below. `pocLevels` says how far maintenance by VA reaches: on Cortex-A53 the L2 is inside the
// point of coherency (DC CIVAC cleans both levels), on Zynq the PL310 is an outer cache that the
// kernel maintains separately, by physical address, through its own registers (pl310.ts).
//
// All costs are added to `cursor`, the time of the CPU operation in progress (cpu.ts owns it).

import { Cache, INVALID, REPL_LRU } from "./cache";
import { ramPtr, ramRead, ramWrite, memAccess, lastController } from "./dram";
import { max64 } from "./time";

export const OP_CLEAN: i32 = 0;
export const OP_INV: i32 = 1;
export const OP_CLEAN_INV: i32 = 2;

export const LEVEL_L1: i32 = 1;
export const LEVEL_L2: i32 = 2;

export let l1: Cache = new Cache(1024, 1, 32, REPL_LRU);
export let l2: Cache | null = null;
export let lineShift: u32 = 5;
export let lineBytes: u32 = 32;
/** Cache levels reached by maintenance by VA (bitmask of LEVEL_*). */
export let pocLevels: i32 = LEVEL_L1;

export let cursor: i64 = 0;
export let l1HitPs: i64 = 0;
export let l2HitPs: i64 = 0;
export let maintPs: i64 = 0;
/** Set when a fill or write-back touched a physical address that is not RAM. */
export let busError: bool = false;

// Bulk operations overlap up to `mlp` line fills (the core's outstanding-miss capacity plus the
// prefetcher keep a streaming copy from paying the full DRAM latency on every line).
let bulk: bool = false;
let mlp: i32 = 1;
const fillRing = new StaticArray<i64>(16);
let fillIdx: i32 = 0;
let fillLast: i64 = 0;

export function configure(
  l1Size: u32, l1Ways: u32, line: u32, l1Repl: i32,
  l2Size: u32, l2Ways: u32, l2Repl: i32, poc: i32,
): void {
  l1 = new Cache(l1Size, l1Ways, line, l1Repl);
  l2 = l2Size > 0 ? new Cache(l2Size, l2Ways, line, l2Repl) : null;
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

/** Reads one line from DRAM, timed. Returns its host pointer, or 0 on a bus error. */
function dramLineIn(line: u64): usize {
  const p = ramPtr(line << lineShift, lineBytes);
  if (p == 0) {
    busError = true;
    return 0;
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
  return p;
}

/** Writes one line to DRAM. Posted: the CPU does not wait, but the controller is kept busy. */
function dramLineOut(line: u64, src: usize): void {
  const p = ramPtr(line << lineShift, lineBytes);
  if (p == 0) {
    busError = true;
    return;
  }
  memory.copy(p, src, lineBytes);
  memAccess(lastController, cursor, lineBytes, true);
}

/** Writes a line leaving L1 into L2 (allocating there) or, without an L2, into DRAM. */
function writeBelowL1(line: u64, src: usize): void {
  const c2 = l2;
  if (c2 == null) {
    dramLineOut(line, src);
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
      dramLineOut(c2.victimLine, c2.dataAt(e));
    }
    c2.install(e, line, false);
  }
  memory.copy(c2.dataAt(e), src, lineBytes);
  c2.setDirty(e, true);
}

/** The data of `line` from below L1: an L2 line (filled on a miss) or DRAM. */
function fetchBelowL1(line: u64): usize {
  const c2 = l2;
  if (c2 == null) return dramLineIn(line);
  let e = c2.find(line);
  if (e >= 0) {
    c2.hits++;
    c2.touch(e);
    cursor += l2HitPs;
    return c2.dataAt(e);
  }
  c2.misses++;
  e = c2.victim(line);
  if (c2.victimDirty) {
    c2.writebacks++;
    dramLineOut(c2.victimLine, c2.dataAt(e));
  }
  const src = dramLineIn(line);
  if (src == 0) {
    c2.drop(e);
    return 0;
  }
  memory.copy(c2.dataAt(e), src, lineBytes);
  c2.install(e, line, false);
  return c2.dataAt(e);
}

/** Makes `line` present in L1 (write-allocate) and returns its entry, or -1 on a bus error.
 *  This is the path of every cacheable CPU load and store. */
export function l1Line(line: u64, write: bool): i32 {
  const c1 = l1;
  let e = c1.find(line);
  if (e >= 0) {
    c1.hits++;
    c1.touch(e);
    if (write) c1.setDirty(e, true);
    cursor += l1HitPs;
    return e;
  }
  c1.misses++;
  e = c1.victim(line);
  if (c1.victimDirty) {
    c1.writebacks++;
    writeBelowL1(c1.victimLine, c1.dataAt(e));
  }
  const src = fetchBelowL1(line);
  if (src == 0) {
    c1.drop(e);
    return -1;
  }
  memory.copy(c1.dataAt(e), src, lineBytes);
  c1.install(e, line, write);
  cursor += l1HitPs;
  return e;
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
        writeBelowL1(line, c1.dataAt(e));
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
        dramLineOut(line, c2.dataAt(e));
        c2.setDirty(e, false);
      }
      if (op != OP_CLEAN) c2.drop(e);
    }
  }
}

// ---- Coherent masters (a snooping DMA port, the table walker) -------------------------------

/** Copies [pa, pa+len) as a coherent master sees it: the newest copy of each line, whether in
 *  L1, L2 or DRAM. Does not change cache state. Returns false on a bus error. */
export function snoopRead(pa: u64, len: u32, dst: usize): bool {
  let done: u32 = 0;
  while (done < len) {
    const a = pa + done;
    const line = a >> lineShift;
    const off = <u32>(a & (lineBytes - 1));
    const n = min<u32>(lineBytes - off, len - done);
    let src: usize = 0;
    let e = l1.find(line);
    if (e >= 0) src = l1.dataAt(e) + off;
    else {
      const c2 = l2;
      if (c2 != null) {
        e = c2.find(line);
        if (e >= 0) src = c2.dataAt(e) + off;
      }
    }
    if (src == 0) {
      if (!ramRead(a, n, dst + done)) return false;
    } else memory.copy(dst + done, src, n);
    done += n;
  }
  return true;
}

/** Writes [pa, pa+len) as a coherent master: DRAM and every cached copy are updated, so no
 *  cache holds stale data and no dirty neighbour bytes are lost. */
export function snoopWrite(pa: u64, len: u32, src: usize): bool {
  if (!ramWrite(pa, len, src)) return false;
  let done: u32 = 0;
  while (done < len) {
    const a = pa + done;
    const line = a >> lineShift;
    const off = <u32>(a & (lineBytes - 1));
    const n = min<u32>(lineBytes - off, len - done);
    let e = l1.find(line);
    if (e >= 0) memory.copy(l1.dataAt(e) + off, src + done, n);
    const c2 = l2;
    if (c2 != null) {
      e = c2.find(line);
      if (e >= 0) memory.copy(c2.dataAt(e) + off, src + done, n);
    }
    done += n;
  }
  return true;
}

/** A 64-bit read by the table walker: walks are cacheable and coherent with the data caches
 *  (TCR IRGN/ORGN = WBWA), so a PTE the kernel just wrote through a cacheable alias is seen. */
export function walkerRead64(pa: u64): u64 {
  const line = pa >> lineShift;
  const off = <usize>(pa & (lineBytes - 1));
  let e = l1.find(line);
  if (e >= 0) {
    cursor += l1HitPs;
    return load<u64>(l1.dataAt(e) + off);
  }
  const c2 = l2;
  if (c2 != null) {
    e = c2.find(line);
    if (e >= 0) {
      cursor += l2HitPs;
      return load<u64>(c2.dataAt(e) + off);
    }
  }
  const p = ramPtr(pa, 8);
  if (p == 0) {
    busError = true;
    return 0;
  }
  cursor = memAccess(lastController, cursor, 8, false);
  return load<u64>(p);
}

export function walkerRead32(pa: u64): u32 {
  const v = walkerRead64(pa & ~7);
  return <u32>(v >> ((pa & 4) << 3));
}

/** Backdoor: 0 = not cached, 1 = clean, 2 = dirty, +4 if the line's data differs from DRAM. */
export function lineState(level: i32, pa: u64): i32 {
  const c = level == 1 ? l1 : l2;
  if (c == null) return 0;
  const line = pa >> lineShift;
  const e = c.find(line);
  if (e < 0) return 0;
  let s = c.isDirty(e) ? 2 : 1;
  const p = ramPtr(line << lineShift, lineBytes);
  if (p != 0 && memory.compare(p, c.dataAt(e), lineBytes) != 0) s |= 4;
  return s;
}

export function resetCaches(): void {
  l1.reset();
  const c2 = l2;
  if (c2 != null) c2.reset();
}

export { INVALID };
