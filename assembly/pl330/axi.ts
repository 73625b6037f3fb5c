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

  /** One read transaction of `beats` bus beats carrying `bytes` from bus address `bus`,
   *  requested at t. */
  @inline readOne(t: i64, bus: u64, bytes: u32, beats: u32, controller: i32): void {
    const ri = this.rdIdx;
    const start = max64(max64(t, this.arFree), unchecked(this.rdDone[ri]));
    const cyc = this.cyclePs;
    this.arFree = start + cyc;
    const lat = this.latency(controller);
    const beatTime = <i64>beats * cyc;
    let rStart: i64;
    let mem: i64;
    if (this.coherent && controller >= 0) {
      const asked = start + this.snoop(bus, bytes);
      const fromDram = bytes - this.snoopHits;
      rStart = max64(fromDram == 0 ? asked : asked + lat, this.rFree);
      mem = fromDram == 0 ? asked : memAccessStream(controller, asked, fromDram, false);
    } else {
      rStart = max64(start + lat, this.rFree);
      mem = controller >= 0 ? memAccessStream(controller, start, bytes, false) : start + lat;
    }
    const end = max64(mem, rStart + beatTime);
    this.rFree = end;
    this.rBusyPs += beatTime;
    // The R beats: the data channel is busy for the last beatTime before `end`, and bursts
    // follow each other on it, so the slices never overlap.
    T.slice(this.traceBase + T.DMAC_AXI_R, N_AXI_READ, end - beatTime, end, <f64>bytes);
    unchecked((this.rdDone[ri] = end));
    this.rdIdx = ri + 1 == this.rdCap ? 0 : ri + 1;
    this.issuedAt = start;
    this.dataDoneAt = end;
    this.doneAt = end;
    this.readBursts++;
  }

  /** A DMALD's burst within one 4 KB page from RAM behind `controller` (read's common case,
   *  with the same effect); returns when its data is all in. */
  @inline readInPage(t: i64, bus: u64, bytes: u32, beats: u32, controller: i32): i64 {
    this.readOne(t, bus, bytes, beats, controller);
    const qi = this.rqIdx;
    unchecked((this.rdLeave[qi] = this.issuedAt));
    this.rqIdx = qi + 1 == this.rdQueue ? 0 : qi + 1;
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
    unchecked((this.rdLeave[this.rqIdx] = this.issuedAt));
    this.rqIdx = this.rqIdx + 1 == this.rdQueue ? 0 : this.rqIdx + 1;
    this.bytesRead += bytes;
  }

  /** One write transaction of `beats` bus beats carrying `bytes` to bus address `bus`, requested
   *  at t with its data in the MFIFO from dataReady. */
  @inline writeOne(t: i64, dataReady: i64, bus: u64, bytes: u32, beats: u32, controller: i32): void {
    const wi = this.wrIdx;
    const start = max64(max64(t, this.awFree), unchecked(this.wrDone[wi]));
    const cyc = this.cyclePs;
    this.awFree = start + cyc;
    const beatTime = <i64>beats * cyc;
    const wStart = max64(max64(start, this.wFree), dataReady);
    const wEnd = wStart + beatTime;
    this.wFree = wEnd;
    this.wBusyPs += beatTime;
    if (T.enabled) {
      T.slice(this.traceBase + T.DMAC_AXI_W, N_AXI_WRITE, wStart, wEnd, <f64>bytes);
      T.delta(this.traceBase + T.DMAC_BYTES, N_BYTES, wEnd, <f64>bytes);
    }
    // A snooped write reaches memory once both its data and the snoop's answer are there.
    const toMem = this.coherent && controller >= 0 ? max64(wStart, start + this.snoop(bus, bytes)) : wStart;
    const mem = controller >= 0 ? memAccessStream(controller, toMem, bytes, true) : wStart + this.deviceLatencyPs;
    const bresp = max64(wEnd, mem) + cyc;
    unchecked((this.wrDone[wi] = bresp));
    this.wrIdx = wi + 1 == this.wrCap ? 0 : wi + 1;
    this.issuedAt = start;
    this.dataDoneAt = wEnd;
    this.doneAt = bresp;
    this.writeBursts++;
  }

  /** A DMAST's burst within one 4 KB page to RAM behind `controller` (write's common case,
   *  with the same effect); returns when its write beats have left (dataDoneAt). */
  @inline writeInPage(t: i64, dataReady: i64, bus: u64, bytes: u32, beats: u32, controller: i32): i64 {
    this.writeOne(t, dataReady, bus, bytes, beats, controller);
    const qi = this.wqIdx;
    unchecked((this.wrLeave[qi] = this.issuedAt));
    this.wqIdx = qi + 1 == this.wrQueue ? 0 : qi + 1;
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
    unchecked((this.wrLeave[this.wqIdx] = this.issuedAt));
    this.wqIdx = this.wqIdx + 1 == this.wrQueue ? 0 : this.wqIdx + 1;
    this.bytesWritten += bytes;
  }
}

function clampCap(n: u32): i32 {
  return n < 1 ? 1 : n > <u32>MAX_CAP ? MAX_CAP : <i32>n;
}
