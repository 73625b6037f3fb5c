// The CPU's memory port: what kernel code does when it touches memory. Every access is
// translated by the MMU and then goes where its memory type sends it: through the cache
// hierarchy (Normal write-back; write-through and no-write-allocate stores go around L1, see
// line-policies.ts), straight to DRAM (uncached.ts: Normal non-cacheable, or any RAM while the
// MMU is off or mapped as Device), or to a device's registers (Device memory on an MMIO window, 32-bit only).
// Bulk operations are one call per range and work line by line inside the wasm module. The
// prefetcher (prefetch.ts) watches every cacheable line access.
//
// Time: an operation starts at `now`, accumulates its cost in hierarchy.cursor, and moves
// `now` forward when it ends. Devices catch up before each page of work and before every device
// register access, to the instant the access reaches the device (after a walk, after the words
// before it). A single load or store is one architectural access: it is translated once (once
// per page if it crosses one).

import { now, setNow, max64 } from "./time";
import * as H from "./hierarchy";
import * as P from "./prefetch";
import { storeAround, aroundUntil } from "./line-policies";
import { translate, lastAttr, BAD_PA, MT_NORMAL, MT_NORMAL_WT, ATTR_NOWA, FAULT_EXTERNAL, FAULT_ALIGNMENT, FAULT_NONE } from "./mmu";
import { faultKind } from "./walk";
import { copyLine } from "./line-bytes";
import { lineData, settleL2 } from "./deferred-bytes";
import { findRegion, regionKind, KIND_RAM } from "./dram";
import { mmioRead32, mmioWrite32, mmioError, mmioLatencyPs, clearMmioError } from "./devices";
import { catchUp, nextDeviceEvent } from "./scheduler";
import { configureUncached, ncRead, ncWrite, postedUntil } from "./uncached";

export let cyclePs: i64 = 1500;
export let mmioPs: i64 = 0;

/** FAULT_NONE after a successful operation, else the fault kind (mmu.ts FAULT_*). */
export let status: i32 = FAULT_NONE;
export let faultAddress: u64 = 0;

export let loads: u64 = 0;
export let stores: u64 = 0;
export let bulkBytes: u64 = 0;

import * as T from "./trace";
import * as N from "./trace-names";
import { findRegion, regionDevice, regionBase } from "./dram";
import { DEV_PL310 } from "./devices";

const tmp = heap.alloc(4096);

export function configure(cycle: i64, mmio: i64, ncIssue: i64, ncReadBytes: u32, ncWriteBytes: u32, writeSlots: i32): void {
  cyclePs = cycle;
  mmioPs = mmio;
  configureUncached(ncIssue, ncReadBytes, ncWriteBytes, writeSlots);
}

// The operation in progress, for the trace: its start, name and argument, and a second track
// (a cache level's maintenance) that shows it too.
let opStart: i64 = 0;
let opName: u16 = 0;
let opValue: f64 = 0;
let opAlso: u32 = 0;

@inline export function begin(): void {
  status = FAULT_NONE;
  H.cursor = now;
  opStart = now;
  opName = 0;
  catchUp(now);
}

/** Devices catch up at the start of every operation (begin). A walk on a TLB miss moves time
 *  on, and an access that leaves the core (uncached, a device register) or a page of
 *  maintenance must not happen before the devices have reached its instant; while time has not
 *  moved they are already there. */
@inline export function catchUpToAccess(): void {
  if (H.cursor > now) catchUp(H.cursor);
}

/** Names the operation in progress for the trace (no effect while tracing is off). */
@inline export function traceAs(name: u16, value: f64, also: u32): void {
  opName = name;
  opValue = value;
  opAlso = also;
}

@inline export function finish(): void {
  setNow(H.cursor);
  if (T.enabled && opName != 0) {
    T.slice(T.TRACK_CPU, opName, opStart, H.cursor, opValue);
    if (opAlso != 0) T.slice(opAlso, opName, opStart, H.cursor, opValue);
    opName = 0;
  }
}

export function fail(kind: i32, va: u64): bool {
  status = kind;
  faultAddress = va;
  return false;
}

/** Spends CPU time on work that is not a memory access (instructions, a DSB's wait). */
export function spend(ps: i64): void {
  begin();
  H.cursor += ps;
  finish();
}

/** DSB: waits until posted non-cacheable writes, stores that went around the caches
 *  (write-through, no-write-allocate misses), and the write-backs of lines cleaned by VA have
 *  reached memory. A DSB completes only when the memory accesses and cache maintenance before it
 *  have completed (Arm ARM); a store that no cache keeps, and a clean to the point of coherency,
 *  complete when their write has reached memory: the core waits for their DRAM time, not a DMA
 *  that reads the buffer next. Victims that fills evict are not the program's accesses. */
export function barrier(): void {
  begin();
  H.waitUntil(max64(max64(postedUntil, aroundUntil), H.cleansUntil));
  finish();
}

/** DMB: orders the accesses before it against those after it, and waits for none of them to
 *  complete (Arm ARM: a DMB is about observation order; only a DSB waits for completion). The
 *  model performs every access in program order, so the ordering holds by construction; neither
 *  the Cortex-A9 nor the Cortex-A53 TRM gives a figure for the instruction, so it costs nothing
 *  beyond its issue, which no instruction is charged for. It is an operation of its own so the
 *  devices catch up to its instant, as before any access. */
export function dmb(): void {
  begin();
  finish();
}

@inline function isRam(pa: u64): bool {
  return regionKind(findRegion(pa)) == KIND_RAM;
}

// ---- one page of a bulk operation ------------------------------------------------------------

const MODE_READ: i32 = 0;
const MODE_WRITE: i32 = 1;
const MODE_FILL: i32 = 2;

/** One piece of a cacheable access, inside one line, by the policy of the memory type: a
 *  write-through store, or a no-write-allocate store that misses L1, goes around L1; everything
 *  else comes through an L1 line. False on a bus error. */
function cachedPiece(mode: i32, pa: u64, k: u32, buf: usize, byte: u8, attr: u32): bool {
  const line = pa >> H.lineShift;
  if (mode != MODE_READ) {
    const through = (attr & 3) == MT_NORMAL_WT;
    if (through || ((attr & ATTR_NOWA) != 0 && H.l1.find(line) < 0)) {
      return storeAround(pa, k, mode == MODE_WRITE ? buf : 0, byte, through);
    }
  }
  const e = H.l1Line(line, mode != MODE_READ);
  if (e < 0) return false;
  if (k == H.lineBytes && mode != MODE_READ) {
    // The whole line is written: its old bytes are never needed in L1.
    if (H.l1.isDeferred(e)) {
      H.l1.clearDeferred(e);
      settleL2(line);
    }
    const p = H.l1.dataAt(e);
    if (mode == MODE_FILL) memory.fill(p, byte, k);
    else copyLine(p, buf, k);
  } else {
    const p = lineData(e) + <usize>(pa & (H.lineBytes - 1));
    if (mode == MODE_FILL) memory.fill(p, byte, k);
    else if (k == H.lineBytes) copyLine(buf, p, k);
    else if (mode == MODE_READ) memory.copy(buf, p, k);
    else memory.copy(p, buf, k);
  }
  if (P.active) P.observe(line, H.lastTrigger);
  return true;
}

/** Moves n bytes (within one page) between va and host memory `buf` (or fills with `byte`). */
function pageOp(mode: i32, va: u64, n: u32, buf: usize, byte: u8): bool {
  const pa = translate(va, mode != MODE_READ);
  if (pa == BAD_PA) return fail(faultKind, va);
  return pageAccess(mode, va, pa, lastAttr, n, buf, byte);
}

/** pageOp once va is translated to pa with attributes attr. */
function pageAccess(mode: i32, va: u64, pa: u64, attr: u32, n: u32, buf: usize, byte: u8): bool {
  const mt = attr & 3;
  if (mt == MT_NORMAL || mt == MT_NORMAL_WT) {
    const lb = H.lineBytes;
    let done: u32 = 0;
    H.beginBulk();
    while (done < n) {
      const a = pa + done;
      const k = min<u32>(lb - <u32>(a & (lb - 1)), n - done);
      if (!cachedPiece(mode, a, k, buf + done, byte, attr)) {
        H.endBulk();
        H.busError = false;
        return fail(FAULT_EXTERNAL, va + done);
      }
      done += k;
    }
    H.endBulk();
    return true;
  }
  // Normal non-cacheable, or Device memory that is RAM (MMU off, strongly-ordered mappings).
  if (isRam(pa)) {
    const ok = mode == MODE_READ ? ncRead(pa, n, buf) : ncWrite(pa, n, buf, mode == MODE_FILL, byte);
    return ok ? true : fail(FAULT_EXTERNAL, va);
  }
  // Device registers: word accesses only (readsl/writesl style).
  if ((pa & 3) != 0 || (n & 3) != 0 || mode == MODE_FILL) return fail(FAULT_ALIGNMENT, va);
  for (let i: u32 = 0; i < n; i += 4) {
    if (i > 0) catchUp(H.cursor);
    else catchUpToAccess();
    clearMmioError();
    if (mode == MODE_READ) store<u32>(buf + i, mmioRead32(pa, H.cursor));
    else mmioWrite32(pa, load<u32>(buf + i), H.cursor);
    H.cursor += mmioLatencyPs > 0 ? mmioLatencyPs : mmioPs;
    if (mmioError) return fail(FAULT_EXTERNAL, va);
  }
  return true;
}

function bulk(mode: i32, va: u64, len: u32, buf: usize, byte: u8): bool {
  begin();
  traceAs(mode == MODE_READ ? N.N_CPU_READ : mode == MODE_WRITE ? N.N_CPU_WRITE : N.N_CPU_FILL, <f64>len, 0);
  let done: u32 = 0;
  while (done < len) {
    const a = va + done;
    const k = min<u32>(0x1000 - <u32>(a & 0xfff), len - done);
    if (done > 0) catchUp(H.cursor);
    if (!pageOp(mode, a, k, buf + done, byte)) {
      finish();
      return false;
    }
    done += k;
  }
  bulkBytes += len;
  finish();
  return true;
}

export function read(va: u64, len: u32, dst: usize): bool {
  return bulk(MODE_READ, va, len, dst, 0);
}

export function write(va: u64, len: u32, src: usize): bool {
  return bulk(MODE_WRITE, va, len, src, 0);
}

export function fill(va: u64, byte: u8, len: u32): bool {
  return bulk(MODE_FILL, va, len, 0, byte);
}

/** memmove by the CPU, a page at a time through a bounce buffer in the core's registers. */
export function copy(dst: u64, src: u64, len: u32): bool {
  const backwards = dst > src && dst < src + len;
  let done: u32 = 0;
  while (done < len) {
    const k = min<u32>(4096, len - done);
    const off = backwards ? len - done - k : done;
    if (!read(src + off, k, tmp)) return false;
    if (!write(dst + off, k, tmp)) return false;
    done += k;
  }
  return true;
}

// ---- single loads and stores ------------------------------------------------------------------

/** A load or store, already translated to pa with attributes attr, that the inline paths of
 *  loadValue / storeValue do not take: uncached, write-through or no-write-allocate, or across
 *  a cache line (tmp holds its bytes). Only a part on the next page is translated again. */
function singleAccess(mode: i32, va: u64, pa: u64, attr: u32, size: u32): bool {
  catchUpToAccess();
  const k = min<u32>(0x1000 - <u32>(va & 0xfff), size);
  if (!pageAccess(mode, va, pa, attr, k, tmp, 0)) return false;
  if (k == size) return true;
  catchUp(H.cursor);
  return pageOp(mode, va + k, size - k, tmp + k, 0);
}

/** A load of 1, 2, 4 or 8 bytes. Device registers take 32-bit accesses only. */
export function loadValue(va: u64, size: u32): u64 {
  begin();
  traceAs(N.N_CPU_LOAD, <f64>size, 0);
  loads++;
  const pa = translate(va, false);
  if (pa == BAD_PA) {
    fail(faultKind, va);
    finish();
    return 0;
  }
  const mt = lastAttr & 3;
  let v: u64 = 0;
  const lb = H.lineBytes;
  if ((mt == MT_NORMAL || mt == MT_NORMAL_WT) && <u32>(pa & (lb - 1)) + size <= lb) {
    const e = H.l1Line(pa >> H.lineShift, false);
    if (e < 0) {
      H.busError = false;
      fail(FAULT_EXTERNAL, va);
    } else {
      const p = lineData(e) + <usize>(pa & (lb - 1));
      v = size == 8 ? load<u64>(p) : size == 4 ? <u64>load<u32>(p) : size == 2 ? <u64>load<u16>(p) : <u64>load<u8>(p);
      if (P.active) P.observe(pa >> H.lineShift, H.lastTrigger);
    }
  } else if (mt == MT_NORMAL || mt == MT_NORMAL_WT || isRam(pa)) {
    memory.fill(tmp, 0, 8);
    if (singleAccess(MODE_READ, va, pa, lastAttr, size)) v = load<u64>(tmp) & (size == 8 ? u64.MAX_VALUE : ((<u64>1 << (size * 8)) - 1));
  } else if (size != 4) {
    fail(FAULT_ALIGNMENT, va);
  } else {
    catchUpToAccess();
    clearMmioError();
    traceAs(N.N_MMIO, <f64>(<i64>pa), 0);
    v = mmioRead32(pa, H.cursor);
    H.cursor += mmioLatencyPs > 0 ? mmioLatencyPs : mmioPs;
    if (mmioError) fail(FAULT_EXTERNAL, va);
  }
  finish();
  return v;
}

export function storeValue(va: u64, size: u32, v: u64): void {
  begin();
  traceAs(N.N_CPU_STORE, <f64>size, 0);
  stores++;
  const pa = translate(va, true);
  if (pa == BAD_PA) {
    fail(faultKind, va);
    finish();
    return;
  }
  const mt = lastAttr & 3;
  const lb = H.lineBytes;
  if (mt == MT_NORMAL && (lastAttr & ATTR_NOWA) == 0 && <u32>(pa & (lb - 1)) + size <= lb) {
    const e = H.l1Line(pa >> H.lineShift, true);
    if (e < 0) {
      H.busError = false;
      fail(FAULT_EXTERNAL, va);
    } else {
      const p = lineData(e) + <usize>(pa & (lb - 1));
      if (size == 8) store<u64>(p, v);
      else if (size == 4) store<u32>(p, <u32>v);
      else if (size == 2) store<u16>(p, <u16>v);
      else store<u8>(p, <u8>v);
      if (P.active) P.observe(pa >> H.lineShift, H.lastTrigger);
    }
  } else if (mt == MT_NORMAL || mt == MT_NORMAL_WT || isRam(pa)) {
    store<u64>(tmp, v);
    singleAccess(MODE_WRITE, va, pa, lastAttr, size);
  } else if (size != 4) {
    fail(FAULT_ALIGNMENT, va);
  } else {
    catchUpToAccess();
    clearMmioError();
    traceAs(N.N_MMIO, <f64>(<i64>pa), 0);
    mmioWrite32(pa, <u32>v, H.cursor);
    H.cursor += mmioLatencyPs > 0 ? mmioLatencyPs : mmioPs;
    if (mmioError) fail(FAULT_EXTERNAL, va);
  }
  finish();
}

/** A run of 32-bit writes to one device register with a value stepping by `step` (the loop of
 *  an outer-cache range operation: one physical line address per write). */
export function mmioWriteSeries(va: u64, first: u32, step: u32, count: u32): bool {
  begin();
  const pa = translate(va, true);
  if (pa == BAD_PA) {
    fail(faultKind, va);
    finish();
    return false;
  }
  const r = findRegion(pa);
  const l2 = r >= 0 && regionDevice(r) == DEV_PL310;
  if (T.enabled) {
    // The loop of an outer-cache range operation shows on the L2 maintenance track.
    const reg = r >= 0 ? <u32>(pa - regionBase(r)) : 0;
    const name = !l2 ? N.N_MMIO : reg == 0x7b0 ? N.N_L2_CLEAN : reg == 0x770 ? N.N_L2_INVAL : N.N_L2_CLEAN_INVAL;
    traceAs(name, <f64>count, l2 ? T.TRACK_L2 : 0);
  }
  // Each write reaches the device at its own instant, the first after the walk of a TLB miss: a
  // PL310 line operation moves data between L2 and DRAM that a DMAC running meanwhile reads or
  // writes. The devices' next event is looked up again only after they ran, or after a write
  // that may have moved it: a PL310's never does (it changes caches and DRAM, not a schedule),
  // and a catch-up per write would scan every DMAC's threads a hundred times per 4 KB.
  let due = nextDeviceEvent();
  let v = first;
  for (let i: u32 = 0; i < count; i++) {
    if (due <= H.cursor) {
      catchUp(H.cursor);
      due = nextDeviceEvent();
    }
    clearMmioError();
    mmioWrite32(pa, v, H.cursor);
    if (!l2) due = nextDeviceEvent();
    H.cursor += mmioLatencyPs > 0 ? mmioLatencyPs : mmioPs;
    if (mmioError) {
      fail(FAULT_EXTERNAL, va);
      finish();
      return false;
    }
    v += step;
  }
  finish();
  return true;
}
