// DMALD / DMAST / DMASTZ: moving bytes between memory and a channel's MFIFO share, and timing
// the AXI bursts that carry them (spec pl330 §2.2, §9). AXI semantics for unaligned addresses:
// the first beat only covers up to the next beat-size boundary, so an incrementing burst moves
// size × len − (addr mod size) bytes; with a fixed address every beat is cut short that way.

import { ramPtr, ramRead, ramWrite, lastController } from "../dram";
import { snoopRead, snoopWrite } from "../hierarchy";
import { NEVER } from "../time";
import { Thread, F_DATA_READ_ERR, F_DATA_WRITE_ERR, F_ST_DATA_UNAVAILABLE, F_LOCKUP } from "./thread";
import { Dmac } from "./dmac";

const scratch = heap.alloc(4096);

/** Bytes one DMALD/DMAST moves. */
@inline export function burstBytes(addr: u32, size: u32, beats: u32, inc: bool): u32 {
  const cut = addr & (size - 1);
  return inc ? size * beats - cut : beats * (size - cut);
}

/** Reads `n` bytes at pa as this DMAC's master port sees memory; 0 on a bus error. */
function readMemory(d: Dmac, pa: u64, n: u32, dst: usize): bool {
  if (d.coherent) return snoopRead(pa, n, dst);
  const p = ramPtr(pa, n);
  if (p == 0) return ramRead(pa, n, dst); // crosses a region boundary, or a bus error
  memory.copy(dst, p, n);
  return true;
}

function writeMemory(d: Dmac, pa: u64, n: u32, src: usize): bool {
  if (d.coherent) return snoopWrite(pa, n, src);
  const p = ramPtr(pa, n);
  if (p == 0) return ramWrite(pa, n, src);
  memory.copy(p, src, n);
  return true;
}

/** Timing beats for a burst: one per AXI cycle, more if a beat is wider than the bus. */
@inline function busBeats(d: Dmac, size: u32, beats: u32): u32 {
  const w = d.axi.widthBytes;
  return size <= w ? beats : beats * (size / w);
}

/** DMALD (beats = CCR length, or 1 for the single form). Returns false if the thread must wait
 *  for MFIFO space (its wakeAt is set) or faulted. */
export function loadBurst(d: Dmac, th: Thread, t: i64, beats: u32): bool {
  const size = th.srcSize;
  const sar = th.sar;
  const bytes = burstBytes(sar, size, beats, th.srcInc);
  const wait = d.mfifo.reserve(t, bytes);
  if (wait != 0) {
    if (wait == NEVER) d.fault(th, F_LOCKUP, t);
    else th.wakeAt = wait;
    return false;
  }
  let ok = true;
  if (th.srcInc) {
    if (!d.coherent && (<u64>sar + bytes) <= 0x100000000) {
      const p = ramPtr(<u64>sar, bytes);
      if (p != 0) th.fifo.push(p, bytes);
      else {
        ok = ramRead(<u64>sar, bytes, scratch);
        if (ok) th.fifo.push(scratch, bytes);
      }
    } else {
      ok = readMemory(d, <u64>sar, bytes, scratch);
      if (ok) th.fifo.push(scratch, bytes);
    }
  } else {
    const per = size - (sar & (size - 1));
    for (let b: u32 = 0; b < beats && ok; b++) {
      ok = readMemory(d, <u64>sar, per, scratch);
      if (ok) th.fifo.push(scratch, per);
    }
  }
  if (!ok) {
    d.mfifo.releaseNow(bytes);
    d.fault(th, F_DATA_READ_ERR, t);
    return false;
  }
  const controller = d.controllerFor(<u64>sar);
  d.axi.read(t, <u64>sar, bytes, busBeats(d, size, beats), controller);
  const done = d.axi.doneAt;
  th.recordLoad(done, bytes);
  if (done > th.lastRead) th.lastRead = done;
  th.bytesLoaded += bytes;
  if (th.srcInc) th.sar = sar + bytes;
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

/** DMAST (beats = CCR length, or 1 for the single form). Returns false on a fault. */
export function storeBurst(d: Dmac, th: Thread, t: i64, beats: u32): bool {
  const size = th.dstSize;
  const dar = th.dar;
  const bytes = burstBytes(dar, size, beats, th.dstInc);
  if (th.fifo.count < bytes) {
    d.fault(th, F_ST_DATA_UNAVAILABLE, t);
    return false;
  }
  let ok = true;
  if (th.dstInc) {
    th.fifo.pop(scratch, bytes);
    if (th.swap > 1) endianSwap(scratch, bytes, th.swap);
    ok = writeMemory(d, <u64>dar, bytes, scratch);
  } else {
    const per = size - (dar & (size - 1));
    for (let b: u32 = 0; b < beats; b++) {
      th.fifo.pop(scratch, per);
      if (th.swap > 1) endianSwap(scratch, per, th.swap);
      if (ok) ok = writeMemory(d, <u64>dar, per, scratch);
    }
  }
  const ready = th.consumeLoaded(bytes);
  if (!ok) {
    d.mfifo.releaseNow(bytes);
    d.fault(th, F_DATA_WRITE_ERR, t);
    return false;
  }
  const controller = d.controllerFor(<u64>dar);
  d.axi.write(t, ready, <u64>dar, bytes, busBeats(d, size, beats), controller);
  d.mfifo.release(d.axi.dataDoneAt, bytes);
  const done = d.axi.doneAt;
  if (done > th.lastWrite) th.lastWrite = done;
  th.bytesStored += bytes;
  if (th.dstInc) th.dar = dar + bytes;
  return true;
}

/** DMASTZ: a write burst of zeros; the MFIFO is not involved. */
export function storeZeros(d: Dmac, th: Thread, t: i64): bool {
  const size = th.dstSize;
  const beats = th.dstLen;
  const dar = th.dar;
  const bytes = burstBytes(dar, size, beats, th.dstInc);
  memory.fill(scratch, 0, <usize>min<u32>(bytes, 4096));
  const ok = th.dstInc
    ? writeMemory(d, <u64>dar, bytes, scratch)
    : writeMemory(d, <u64>dar, size - (dar & (size - 1)), scratch);
  if (!ok) {
    d.fault(th, F_DATA_WRITE_ERR, t);
    return false;
  }
  d.axi.write(t, t, <u64>dar, bytes, busBeats(d, size, beats), d.controllerFor(<u64>dar));
  const done = d.axi.doneAt;
  if (done > th.lastWrite) th.lastWrite = done;
  th.bytesStored += bytes;
  if (th.dstInc) th.dar = dar + bytes;
  return true;
}

export { lastController };
