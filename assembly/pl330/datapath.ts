// DMALD / DMAST / DMASTZ: moving bytes between memory (or a peripheral's data register) and a
// channel's MFIFO share, and timing the AXI bursts that carry them (spec pl330 §2.2, §9).
//
// A burst moves size × len bytes (the CCR's beat size and length). With an unaligned
// incrementing address the MFIFO realigns byte lanes and the whole burst still moves, taking
// one more bus beat; SAR/DAR advance by the bytes moved. A fixed address repeats the beat at
// the same address (a peripheral FIFO register). Data moves when the instruction issues (a RAM
// load's bytes are copied at the matching store, channel-fifo.ts, with the same result); the
// AXI model gives the times at which it is really on the bus (docs/pl330-divergences.md).

import { ramRead, ramWrite } from "../dram";
import { snoopRead, snoopWrite } from "../hierarchy";
import { peripheralAt, peripheralOffset } from "../peripherals/peripheral";
import { Thread, STALL_NONE, STALL_QUEUE, F_DATA_READ_ERR, F_DATA_WRITE_ERR, F_ST_DATA_UNAVAILABLE,
  F_MFIFO_ERR } from "./thread";
import { Dmac } from "./dmac";
import { faultAfter, mfifoStall, wakeMfifoWaiters } from "./thread-stop";
import { DECERR } from "../dma-windows";

/** Largest burst: 16 beats of up to 128 bytes (CCR sizes beyond the bus width are not
 *  rejected; docs/pl330-divergences.md). */
const SCRATCH_BYTES: u32 = 4096;
const scratch = heap.alloc(SCRATCH_BYTES);

/** AXI cycles a burst occupies on a data channel: one per beat (narrow beats too), more when a
 *  beat is wider than the bus, one more when an unaligned incrementing burst spills over. */
@inline function busBeats(d: Dmac, addr: u32, size: u32, beats: u32, inc: bool): u32 {
  const w = d.axi.widthBytes;
  const per = size <= w ? 1 : size / w;
  return beats * per + (inc && (addr & (size - 1)) != 0 ? 1 : 0);
}

/** Reads (or writes) bus range [bus, bus+n) as the DMAC's master port sees it, to or from the
 *  host bytes at `host`; false on a bus error (DECERR included). Through dma-ranges windows,
 *  each 4 KiB piece is an AXI transaction of its own, decoded on its own (axi.ts splits bursts
 *  there). */
function busAccess(d: Dmac, bus: u64, n: u32, host: usize, t: i64, write: bool): bool {
  if (!d.translates) return physAccess(d, bus, n, host, t, write);
  for (let at: u32 = 0; at < n;) {
    const a = bus + at;
    const piece = min<u32>(n - at, 0x1000 - <u32>(a & 0xfff));
    const pa = d.windows.toPhys(a, piece);
    if (pa == DECERR || !physAccess(d, pa, piece, host + at, t, write)) return false;
    at += piece;
  }
  return true;
}

@inline function readTarget(d: Dmac, bus: u64, n: u32, dst: usize, t: i64): bool {
  return busAccess(d, bus, n, dst, t, false);
}

@inline function writeTarget(d: Dmac, bus: u64, n: u32, src: usize, t: i64): bool {
  return busAccess(d, bus, n, src, t, true);
}

/** RAM (snooping the CPU caches for a coherent master) or a device at physical address pa. */
function physAccess(d: Dmac, pa: u64, n: u32, host: usize, t: i64, write: bool): bool {
  if (write) {
    if (d.coherent ? snoopWrite(pa, n, host) : ramWrite(pa, n, host)) return true;
  } else if (d.coherent ? snoopRead(pa, n, host) : ramRead(pa, n, host)) return true;
  const dev = peripheralAt(pa);
  return dev !== null && (write ? dev.dmaWrite(peripheralOffset, t, host, n) : dev.dmaRead(peripheralOffset, t, host, n));
}

/** Stalls th until the read (or write) queue has room; true if it must wait. */
@inline function queueFull(th: Thread, t: i64, freeAt: i64): bool {
  if (freeAt <= t) return false;
  th.wakeAt = freeAt;
  th.stall = STALL_QUEUE;
  return true;
}

/** Clears a DMALD's MFIFO stall (it found room). */
@inline function unstall(d: Dmac, th: Thread): void {
  if (th.stall != STALL_NONE) {
    th.stall = STALL_NONE;
    d.mfifoWaiters &= ~(<u32>1 << th.id);
  }
}

/** DMALD's common case: an incrementing burst from RAM within a 4 KB page, with room in the
 *  read queue and the MFIFO. The bytes are left in place (deferred, channel-fifo.ts). Returns
 *  false, having done nothing, when the general path must handle it. */
@inline export function loadFast(d: Dmac, th: Thread, t: i64, beats: u32): bool {
  const axi = d.axi;
  const bytes = th.srcSize * beats;
  const sar = th.sar;
  const mf = d.mfifo;
  if (!th.srcInc || d.coherent || axi.readQueueFreeAt() > t || (sar & 0xfff) + bytes > 0x1000 ||
    mf.reserved + bytes > mf.capacity) return false;
  const page = sar >>> 12;
  let p = d.rdHost;
  if (page != d.rdPage) {
    p = d.mapPage(page, false);
    if (p == 0) return false;
  }
  p += <usize>(sar & 0xfff);
  mf.take(t, bytes);
  unstall(d, th);
  const done = axi.readInPage(t, <u64>sar, bytes, busBeats(d, sar, th.srcSize, beats, true), d.rdCtl);
  th.fifo.pushDeferred(p, bytes, done);
  d.noteDeferred(sar, bytes);
  if (done > th.lastRead) th.lastRead = done;
  th.sar = sar + bytes;
  return true;
}

/** DMALD (beats = CCR length, or 1 for the single form). Returns false if the thread must wait
 *  (its wakeAt is set) or faulted; the caller advances CPC only on true. `len` is the
 *  instruction's length (2 for DMALDP): a fault leaves CPC past the whole instruction. */
export function loadBurst(d: Dmac, th: Thread, t: i64, beats: u32, len: u32 = 1): bool {
  if (loadFast(d, th, t, beats)) return true;
  if (queueFull(th, t, d.axi.readQueueFreeAt())) return false;
  const size = th.srcSize;
  const bytes = size * beats;
  if (bytes > d.mfifo.capacity) {
    // More than the whole MFIFO: it can never be loaded (mfifo_err, spec §6).
    faultAfter(d, th, F_MFIFO_ERR, t, len);
    return false;
  }
  const wait = d.mfifo.reserve(t, bytes);
  if (wait != 0) {
    mfifoStall(d, th, t, wait);
    return false;
  }
  unstall(d, th);
  const sar = th.sar;
  const inc = th.srcInc;
  const ctl = d.controllerFor(<u64>sar);
  d.axi.read(t, <u64>sar, bytes, busBeats(d, sar, size, beats, inc), inc, ctl);
  const done = d.axi.doneAt;
  let ok = true;
  if (inc) {
    ok = readTarget(d, <u64>sar, bytes, scratch, d.axi.issuedAt);
  } else {
    for (let b: u32 = 0; b < beats && ok; b++) ok = readTarget(d, <u64>sar, size, scratch + b * size, d.axi.issuedAt);
  }
  if (done > th.lastRead) th.lastRead = done;
  if (!ok) {
    d.mfifo.releaseNow(t, bytes);
    if (inc) th.sar = sar + bytes;
    faultAfter(d, th, F_DATA_READ_ERR, t, len);
    return false;
  }
  th.fifo.push(scratch, bytes, done);
  if (inc) th.sar = sar + bytes;
  return true;
}

/** Reverses every `swap`-byte item of buf[0..n) (CCR endian_swap_size). */
function endianSwap(buf: usize, n: u32, swap: u32): void {
  for (let i: u32 = 0; i + swap <= n; i += swap) {
    let a = buf + i;
    let b = buf + i + swap - 1;
    while (a < b) {
      const x = load<u8>(a);
      store<u8>(a, load<u8>(b));
      store<u8>(b, x);
      a++;
      b--;
    }
  }
}

/** DMAST's common case: an incrementing burst to RAM within a 4 KB page without endian swap,
 *  with room in the write queue and the data in the MFIFO. Returns false, having done nothing,
 *  when the general path must handle it. */
@inline export function storeFast(d: Dmac, th: Thread, t: i64, beats: u32): bool {
  const axi = d.axi;
  const bytes = th.dstSize * beats;
  const dar = th.dar;
  const fifo = th.fifo;
  if (!th.dstInc || th.swap != 0 || d.coherent || axi.writeQueueFreeAt() > t ||
    (dar & 0xfff) + bytes > 0x1000 || fifo.count < bytes) return false;
  const page = dar >>> 12;
  let p = d.wrHost;
  if (page != d.wrPage) {
    p = d.mapPage(page, true);
    if (p == 0) return false;
  }
  p += <usize>(dar & 0xfff);
  d.beforeWrite(dar, bytes);
  const ctl = d.wrCtl;
  th.stall = STALL_NONE;
  const ready = fifo.pop(p, bytes);
  const freed = axi.writeInPage(t, ready, <u64>dar, bytes, busBeats(d, dar, th.dstSize, beats, true), ctl);
  th.runBytes += bytes;
  d.mfifo.release(freed, bytes);
  if (d.mfifoWaiters != 0) wakeMfifoWaiters(d, freed);
  const done = axi.doneAt;
  if (done > th.lastWrite) th.lastWrite = done;
  th.dar = dar + bytes;
  return true;
}

/** DMAST (beats = CCR length, or 1 for the single form). Returns false if the thread must wait
 *  or faulted. A store that finds less data than it needs writes the whole beats it has and
 *  then faults (st_data_unavailable) after it has retired, as the reference model records.
 *  `len` is the instruction's length (2 for DMASTP), for CPC after a fault. */
export function storeBurst(d: Dmac, th: Thread, t: i64, beats: u32, len: u32 = 1): bool {
  if (storeFast(d, th, t, beats)) return true;
  if (queueFull(th, t, d.axi.writeQueueFreeAt())) return false;
  th.stall = STALL_NONE;
  const size = th.dstSize;
  const bytes = size * beats;
  const dar = th.dar;
  const inc = th.dstInc;
  const fifo = th.fifo;
  if (fifo.count < bytes) {
    storeUnderrun(d, th, t, beats, len);
    return false;
  }
  d.beforeWrite(dar, inc ? bytes : size);
  const ready = fifo.pop(scratch, bytes);
  if (th.swap > 1) endianSwap(scratch, bytes, th.swap);
  const ctl = d.controllerFor(<u64>dar);
  d.axi.write(t, ready, <u64>dar, bytes, busBeats(d, dar, size, beats, inc), inc, ctl);
  th.runBytes += bytes;
  const when = d.axi.dataDoneAt;
  let ok = true;
  if (inc) ok = writeTarget(d, <u64>dar, bytes, scratch, when);
  else for (let b: u32 = 0; b < beats && ok; b++) ok = writeTarget(d, <u64>dar, size, scratch + b * size, when);
  d.mfifo.release(when, bytes);
  if (d.mfifoWaiters != 0) wakeMfifoWaiters(d, when);
  const done = d.axi.doneAt;
  if (done > th.lastWrite) th.lastWrite = done;
  if (inc) th.dar = dar + bytes;
  if (!ok) {
    faultAfter(d, th, F_DATA_WRITE_ERR, t, len);
    return false;
  }
  return true;
}

/** The whole beats that data is there for are written; DAR advances by the full burst, CPC
 *  past the DMAST, and the channel faults (FTR bit 13). */
function storeUnderrun(d: Dmac, th: Thread, t: i64, beats: u32, len: u32): void {
  const size = th.dstSize;
  const have = th.fifo.count / size;
  const dar = th.dar;
  const inc = th.dstInc;
  if (have > 0) {
    const n = have * size;
    d.beforeWrite(dar, inc ? n : size);
    const ready = th.fifo.pop(scratch, n);
    if (th.swap > 1) endianSwap(scratch, n, th.swap);
    const ctl = d.controllerFor(<u64>dar);
    d.axi.write(t, ready, <u64>dar, n, busBeats(d, dar, size, have, inc), inc, ctl);
    th.runBytes += n;
    const when = d.axi.dataDoneAt;
    if (inc) writeTarget(d, <u64>dar, n, scratch, when);
    else for (let b: u32 = 0; b < have; b++) writeTarget(d, <u64>dar, size, scratch + b * size, when);
    d.mfifo.release(when, n);
    if (d.axi.doneAt > th.lastWrite) th.lastWrite = d.axi.doneAt;
  }
  if (inc) th.dar = dar + size * beats;
  faultAfter(d, th, F_ST_DATA_UNAVAILABLE, t, len);
}

/** DMASTZ: a write burst of zeros; the MFIFO is not involved. */
export function storeZeros(d: Dmac, th: Thread, t: i64): bool {
  if (queueFull(th, t, d.axi.writeQueueFreeAt())) return false;
  th.stall = STALL_NONE;
  const size = th.dstSize;
  const beats = th.dstLen;
  const bytes = size * beats;
  const dar = th.dar;
  const inc = th.dstInc;
  d.beforeWrite(dar, inc ? bytes : size);
  memory.fill(scratch, 0, bytes);
  const ctl = d.controllerFor(<u64>dar);
  d.axi.write(t, t, <u64>dar, bytes, busBeats(d, dar, size, beats, inc), inc, ctl);
  th.runBytes += bytes;
  const when = d.axi.dataDoneAt;
  let ok = true;
  if (inc) ok = writeTarget(d, <u64>dar, bytes, scratch, when);
  else for (let b: u32 = 0; b < beats && ok; b++) ok = writeTarget(d, <u64>dar, size, scratch, when);
  const done = d.axi.doneAt;
  if (done > th.lastWrite) th.lastWrite = done;
  if (inc) th.dar = dar + bytes;
  if (!ok) {
    faultAfter(d, th, F_DATA_WRITE_ERR, t, 1);
    return false;
  }
  return true;
}
