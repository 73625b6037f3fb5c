// The DMAC's AXI master, for timing: a read queue and a write queue (CRD rd_q_dep / wr_q_dep)
// in front of independent read (AR/R) and write (AW/W/B) channels, one beat of the bus width
// per AXI cycle on each data channel, at most rd_cap / wr_cap transactions outstanding, and
// bursts that would cross a 4 KB boundary split in two (AXI forbids crossing it). Memory behind
// the bus is timed by the memory controllers of dram.ts, which every master shares.
//
// A transfer is scheduled when its instruction issues: the model knows when it will start and
// finish, so it only has to remember when each resource next becomes free (per burst, never per
// byte).
//
// On a port that snoops the CPU's caches (`coherent`), each transaction to RAM is snooped from
// its address phase on (snoop.ts snoopTime): memory is asked only once the snoop has answered,
// and a read's lines a cache held come from it rather than from DRAM. A write's snoop runs while
// its data beats arrive, so it delays the write to memory only if it ends after them.

import { memAccessStream, controllerLatency } from "../dram";
import { snoopTime, snoopHitBytes } from "../snoop";
import { DmaWindows, DECERR } from "../dma-windows";
import { max64 } from "../time";
import * as T from "../trace";
import { N_AXI_READ, N_AXI_WRITE, N_BYTES } from "../trace-names";

const MAX_CAP: i32 = 32;

export class Axi {
  cyclePs: i64;
  widthBytes: u32;
  rdCap: i32;
  wrCap: i32;
  rdQueue: i32;
  wrQueue: i32;
  deviceLatencyPs: i64;
  /** The port snoops the CPU's caches (an ACP or a coherent interconnect port). */
  coherent: bool = false;
  /** The dma-ranges windows in front of memory, when the bus has any: snoops are by physical
   *  address. */
  windows: DmaWindows | null = null;
  /** This DMAC's trace tracks (trace.ts TRACK_DMAC + instance × 0x100). */
  traceBase: u32 = T.TRACK_DMAC;
  arFree: i64 = 0;
  rFree: i64 = 0;
  awFree: i64 = 0;
  wFree: i64 = 0;
  // Completion times of the last rd_cap / wr_cap transactions: a slot is reused when its
  // transaction has finished (issuing capability).
  rdDone: StaticArray<i64> = new StaticArray<i64>(MAX_CAP);
  wrDone: StaticArray<i64> = new StaticArray<i64>(MAX_CAP);
  rdIdx: i32 = 0;
  wrIdx: i32 = 0;
  // When each of the last rd_q_dep / wr_q_dep queued instructions left its queue (its address
  // phase): a DMALD/DMAST can only enter the queue when the one that many places earlier left.
  rdLeave: StaticArray<i64> = new StaticArray<i64>(MAX_CAP);
  wrLeave: StaticArray<i64> = new StaticArray<i64>(MAX_CAP);
  rqIdx: i32 = 0;
  wqIdx: i32 = 0;
  // Results of the last read()/write().
  issuedAt: i64 = 0; // address phase (of the last piece)
  dataDoneAt: i64 = 0; // read: last R beat; write: last W beat (MFIFO space free again)
  doneAt: i64 = 0; // read: == dataDoneAt; write: B response
  // Statistics.
  readBursts: u64 = 0;
  writeBursts: u64 = 0;
  bytesRead: u64 = 0;
  bytesWritten: u64 = 0;
  rBusyPs: i64 = 0;
  wBusyPs: i64 = 0;

  constructor(cyclePs: i64, widthBytes: u32, rdCap: u32, wrCap: u32, rdQueue: u32, wrQueue: u32, deviceLatencyPs: i64) {
    this.cyclePs = cyclePs;
    this.widthBytes = widthBytes;
    this.rdCap = clampCap(rdCap);
    this.wrCap = clampCap(wrCap);
    this.rdQueue = clampCap(rdQueue);
    this.wrQueue = clampCap(wrQueue);
    this.deviceLatencyPs = deviceLatencyPs;
  }

  reset(): void {
    this.latCtl = -1;
    this.latPs = this.deviceLatencyPs;
    this.arFree = 0;
    this.rFree = 0;
    this.awFree = 0;
    this.wFree = 0;
    for (let i = 0; i < MAX_CAP; i++) {
      unchecked((this.rdDone[i] = 0));
      unchecked((this.wrDone[i] = 0));
      unchecked((this.rdLeave[i] = 0));
      unchecked((this.wrLeave[i] = 0));
    }
  }

  /** Earliest time a new read instruction finds room in the read queue. */
  @inline readQueueFreeAt(): i64 {
    return unchecked(this.rdLeave[this.rqIdx]);
  }

  @inline writeQueueFreeAt(): i64 {
    return unchecked(this.wrLeave[this.wqIdx]);
  }

  // The last memory controller asked about, and its latency.
  latCtl: i32 = -1;
  latPs: i64 = 0;

  /** A memory controller's latency (-1: a device's), remembered for the next burst. */
  @inline latency(controller: i32): i64 {
    if (controller == this.latCtl) return this.latPs;
    const l = controller >= 0 ? controllerLatency(controller) : this.deviceLatencyPs;
    this.latCtl = controller;
    this.latPs = l;
    return l;
  }

  /** Bytes of the last snooped transaction that a CPU cache held. */
  snoopHits: u32 = 0;

  /** The snoop of a transaction on bus range [bus, bus+bytes) to RAM: its time, and in
   *  snoopHits what the caches held. Only for a port that snoops. An address in no dma-ranges
   *  window reaches no cache (DECERR). */
  snoop(bus: u64, bytes: u32): i64 {
    const w = this.windows;
    const pa = w == null ? bus : w.toPhys(bus, bytes);
    if (pa == DECERR) {
      this.snoopHits = 0;
      return 0;
    }
    const ps = snoopTime(pa, bytes);
    this.snoopHits = snoopHitBytes;
    return ps;
  }

  // The timing of one burst, in steps that readOne / writeOne and the copy loop (copy-loop.ts)
  // share: each works out one resource's next free time and leaves the per-burst results and
  // statistics (issuedAt, doneAt, readBursts, ...) to its caller, which may add them up once
  // for many bursts.

  /** A read's address phase, requested at t: when the AR channel and a free issuing-capability
   *  slot both let it go (the AR channel is busy for its cycle). */
  @inline readAddress(t: i64): i64 {
    const start = max64(max64(t, this.arFree), unchecked(this.rdDone[this.rdIdx]));
    this.arFree = start + this.cyclePs;
    return start;
  }

  /** A read's R beats: the first can come at `firstData` (after the memory's latency) once the R
   *  channel is free, and the last not before memory has delivered them all (`mem`). Returns
   *  when the last beat is in: the transaction's issuing-capability slot is free again then. */
  @inline readBeats(firstData: i64, mem: i64, beatTime: i64): i64 {
    const end = max64(mem, max64(firstData, this.rFree) + beatTime);
    this.rFree = end;
    const ri = this.rdIdx;
    unchecked((this.rdDone[ri] = end));
    this.rdIdx = ri + 1 == this.rdCap ? 0 : ri + 1;
    return end;
  }

  /** readBeats for a read of `bytes` from RAM behind `controller` (latency `lat`), not snooped,
   *  whose address phase was at `start`. */
  @inline readFromRam(start: i64, lat: i64, beatTime: i64, controller: i32, bytes: u32): i64 {
    return this.readBeats(start + lat, memAccessStream(controller, start, bytes, false), beatTime);
  }

  /** A DMALD left the read queue at its address phase `start`. */
  @inline leaveReadQueue(start: i64): void {
    const qi = this.rqIdx;
    unchecked((this.rdLeave[qi] = start));
    this.rqIdx = qi + 1 == this.rdQueue ? 0 : qi + 1;
  }

  /** A write's address phase, requested at t (readAddress's twin on AW). */
  @inline writeAddress(t: i64): i64 {
    const start = max64(max64(t, this.awFree), unchecked(this.wrDone[this.wrIdx]));
    this.awFree = start + this.cyclePs;
    return start;
  }

  /** A write's W beats, after its address phase `start` once the W channel is free and its data
   *  is in the MFIFO (`dataReady`). Returns when the last beat has left. */
  @inline writeBeats(start: i64, dataReady: i64, beatTime: i64): i64 {
    const wEnd = max64(max64(start, this.wFree), dataReady) + beatTime;
    this.wFree = wEnd;
    return wEnd;
  }

  /** A write's B response, a cycle after both its last beat (`wEnd`) and memory (`mem`): its
   *  issuing-capability slot is free again then. Returns that time. */
  @inline writeResponse(wEnd: i64, mem: i64): i64 {
    const bresp = max64(wEnd, mem) + this.cyclePs;
    const wi = this.wrIdx;
    unchecked((this.wrDone[wi] = bresp));
    this.wrIdx = wi + 1 == this.wrCap ? 0 : wi + 1;
    return bresp;
  }

  /** writeResponse for a write of `bytes` to RAM behind `controller`, not snooped, whose beats
   *  (beatTime long) ended at wEnd: memory takes them as they arrive. */
  @inline writeToRam(wEnd: i64, beatTime: i64, controller: i32, bytes: u32): i64 {
    return this.writeResponse(wEnd, memAccessStream(controller, wEnd - beatTime, bytes, true));
  }

  /** A DMAST left the write queue at its address phase `start`. */
  @inline leaveWriteQueue(start: i64): void {
    const qi = this.wqIdx;
    unchecked((this.wrLeave[qi] = start));
    this.wqIdx = qi + 1 == this.wrQueue ? 0 : qi + 1;
  }

  /** One read transaction of `beats` bus beats carrying `bytes` from bus address `bus`,
   *  requested at t. */
  @inline readOne(t: i64, bus: u64, bytes: u32, beats: u32, controller: i32): void {
    const start = this.readAddress(t);
    const lat = this.latency(controller);
    const beatTime = <i64>beats * this.cyclePs;
    let end: i64;
    if (this.coherent && controller >= 0) {
      const asked = start + this.snoop(bus, bytes);
      const fromDram = bytes - this.snoopHits;
      end = fromDram == 0
        ? this.readBeats(asked, asked, beatTime)
        : this.readBeats(asked + lat, memAccessStream(controller, asked, fromDram, false), beatTime);
    } else if (controller >= 0) end = this.readFromRam(start, lat, beatTime, controller, bytes);
    else end = this.readBeats(start + lat, start + lat, beatTime);
    this.rBusyPs += beatTime;
    // The R beats: the data channel is busy for the last beatTime before `end`, and bursts
    // follow each other on it, so the slices never overlap.
    T.slice(this.traceBase + T.DMAC_AXI_R, N_AXI_READ, end - beatTime, end, <f64>bytes);
    this.issuedAt = start;
    this.dataDoneAt = end;
    this.doneAt = end;
    this.readBursts++;
  }

  /** A DMALD's burst within one 4 KB page from RAM behind `controller` (read's common case,
   *  with the same effect); returns when its data is all in. */
  @inline readInPage(t: i64, bus: u64, bytes: u32, beats: u32, controller: i32): i64 {
    this.readOne(t, bus, bytes, beats, controller);
    this.leaveReadQueue(this.issuedAt);
    this.bytesRead += bytes;
    return this.doneAt;
  }

  /** A DMALD's burst: through the read queue, split at a 4 KB boundary when incrementing. */
  @inline read(t: i64, pa: u64, bytes: u32, beats: u32, inc: bool, controller: i32): void {
    const off = <u32>(pa & 0xfff);
    if (inc && off + bytes > 0x1000) {
      const first = 0x1000 - off;
      const b1 = max<u32>(1, (beats * first + bytes - 1) / bytes);
      this.readOne(t, pa, first, b1, controller);
      this.readOne(t, pa + first, bytes - first, max<u32>(1, beats - b1), controller);
    } else {
      this.readOne(t, pa, bytes, beats, controller);
    }
    this.leaveReadQueue(this.issuedAt);
    this.bytesRead += bytes;
  }

  /** One write transaction of `beats` bus beats carrying `bytes` to bus address `bus`, requested
   *  at t with its data in the MFIFO from dataReady. */
  @inline writeOne(t: i64, dataReady: i64, bus: u64, bytes: u32, beats: u32, controller: i32): void {
    const start = this.writeAddress(t);
    const beatTime = <i64>beats * this.cyclePs;
    const wEnd = this.writeBeats(start, dataReady, beatTime);
    const wStart = wEnd - beatTime;
    this.wBusyPs += beatTime;
    if (T.enabled) {
      T.slice(this.traceBase + T.DMAC_AXI_W, N_AXI_WRITE, wStart, wEnd, <f64>bytes);
      T.delta(this.traceBase + T.DMAC_BYTES, N_BYTES, wEnd, <f64>bytes);
    }
    let bresp: i64;
    if (controller < 0) bresp = this.writeResponse(wEnd, wStart + this.deviceLatencyPs);
    else if (this.coherent) {
      // A snooped write reaches memory once both its data and the snoop's answer are there.
      const toMem = max64(wStart, start + this.snoop(bus, bytes));
      bresp = this.writeResponse(wEnd, memAccessStream(controller, toMem, bytes, true));
    } else bresp = this.writeToRam(wEnd, beatTime, controller, bytes);
    this.issuedAt = start;
    this.dataDoneAt = wEnd;
    this.doneAt = bresp;
    this.writeBursts++;
  }

  /** A DMAST's burst within one 4 KB page to RAM behind `controller` (write's common case,
   *  with the same effect); returns when its write beats have left (dataDoneAt). */
  @inline writeInPage(t: i64, dataReady: i64, bus: u64, bytes: u32, beats: u32, controller: i32): i64 {
    this.writeOne(t, dataReady, bus, bytes, beats, controller);
    this.leaveWriteQueue(this.issuedAt);
    this.bytesWritten += bytes;
    return this.dataDoneAt;
  }

  /** A DMAST's (or DMASTZ's) burst whose data is in the MFIFO from `dataReady`. */
  @inline write(t: i64, dataReady: i64, pa: u64, bytes: u32, beats: u32, inc: bool, controller: i32): void {
    const off = <u32>(pa & 0xfff);
    if (inc && off + bytes > 0x1000) {
      const first = 0x1000 - off;
      const b1 = max<u32>(1, (beats * first + bytes - 1) / bytes);
      this.writeOne(t, dataReady, pa, first, b1, controller);
      const bresp = this.doneAt;
      this.writeOne(t, dataReady, pa + first, bytes - first, max<u32>(1, beats - b1), controller);
      if (bresp > this.doneAt) this.doneAt = bresp;
    } else {
      this.writeOne(t, dataReady, pa, bytes, beats, controller);
    }
    this.leaveWriteQueue(this.issuedAt);
    this.bytesWritten += bytes;
  }
}

function clampCap(n: u32): i32 {
  return n < 1 ? 1 : n > <u32>MAX_CAP ? MAX_CAP : <i32>n;
}
