// The DMAC's AXI master, for timing: independent read (AR/R) and write (AW/W/B) channels, one
// beat of the bus width per AXI cycle on each, at most rd_cap / wr_cap transactions outstanding,
// bursts that cross a 4 KB boundary split in two (AXI forbids crossing it). Memory behind the bus
// is timed by the memory controllers of dram.ts, which every master shares.
//
// A transfer is scheduled when its instruction issues: the model knows when it will start and
// finish, so it only has to remember when each resource next becomes free (per burst, never per
// byte).

import { memAccess, findRegion, regionKind, regionController, controllerLatency, KIND_RAM } from "../dram";
import { max64 } from "../time";

const RING: i32 = 32;

export class Axi {
  cyclePs: i64;
  widthBytes: u32;
  rdCap: i32;
  wrCap: i32;
  mmioLatencyPs: i64;
  arFree: i64 = 0;
  rFree: i64 = 0;
  awFree: i64 = 0;
  wFree: i64 = 0;
  rdDone: StaticArray<i64> = new StaticArray<i64>(RING);
  wrDone: StaticArray<i64> = new StaticArray<i64>(RING);
  rdIdx: i32 = 0;
  wrIdx: i32 = 0;
  // Results of the last read()/write().
  issuedAt: i64 = 0; // address phase
  dataDoneAt: i64 = 0; // read: last R beat; write: last W beat (MFIFO space free again)
  doneAt: i64 = 0; // read: == dataDoneAt; write: B response
  // Statistics.
  readBursts: u64 = 0;
  writeBursts: u64 = 0;
  bytesRead: u64 = 0;
  bytesWritten: u64 = 0;
  rBusyPs: i64 = 0;
  wBusyPs: i64 = 0;

  constructor(cyclePs: i64, widthBytes: u32, rdCap: i32, wrCap: i32, mmioLatencyPs: i64) {
    this.cyclePs = cyclePs;
    this.widthBytes = widthBytes;
    this.rdCap = rdCap < 1 ? 1 : rdCap > RING ? RING : rdCap;
    this.wrCap = wrCap < 1 ? 1 : wrCap > RING ? RING : wrCap;
    this.mmioLatencyPs = mmioLatencyPs;
  }

  reset(): void {
    this.arFree = 0;
    this.rFree = 0;
    this.awFree = 0;
    this.wFree = 0;
    for (let i = 0; i < RING; i++) {
      unchecked((this.rdDone[i] = 0));
      unchecked((this.wrDone[i] = 0));
    }
  }

  /** Memory-side completion of a transfer starting at t: DRAM/SRAM through its controller,
   *  a device FIFO with a fixed register latency. */
  @inline private memory(pa: u64, t: i64, bytes: u32, write: bool, controller: i32): i64 {
    if (controller >= 0) return memAccess(controller, t, bytes, write);
    return t + this.mmioLatencyPs;
  }

  /** Number of AXI transactions a burst needs: two when it crosses a 4 KB boundary. */
  @inline private pieces(pa: u64, bytes: u32): i64 {
    return ((pa & 0xfff) + <u64>bytes > 0x1000) ? 2 : 1;
  }

  /** Schedules a read burst of `beats` beats carrying `bytes` bytes, requested at t. */
  read(t: i64, pa: u64, bytes: u32, beats: u32, controller: i32): void {
    const slot = unchecked(this.rdDone[this.rdIdx]);
    const start = max64(max64(t, this.arFree), slot);
    const n = this.pieces(pa, bytes);
    this.arFree = start + this.cyclePs * n;
    const mem = this.memory(pa, start, bytes, false, controller);
    const beatTime = <i64>beats * this.cyclePs;
    // Beats leave the R channel one per cycle, no earlier than the first data arrives.
    const firstData = start + (controller >= 0 ? controllerLatency(controller) : this.mmioLatencyPs);
    const end = max64(mem, max64(firstData, this.rFree) + beatTime);
    this.rFree = end;
    this.rBusyPs += beatTime;
    unchecked((this.rdDone[this.rdIdx] = end));
    this.rdIdx = this.rdIdx + 1 == this.rdCap ? 0 : this.rdIdx + 1;
    this.issuedAt = start;
    this.dataDoneAt = end;
    this.doneAt = end;
    this.readBursts += n;
    this.bytesRead += bytes;
  }

  /** Schedules a write burst requested at t whose data is in the MFIFO from `dataReady`. */
  write(t: i64, dataReady: i64, pa: u64, bytes: u32, beats: u32, controller: i32): void {
    const slot = unchecked(this.wrDone[this.wrIdx]);
    const start = max64(max64(t, this.awFree), slot);
    const n = this.pieces(pa, bytes);
    this.awFree = start + this.cyclePs * n;
    const beatTime = <i64>beats * this.cyclePs;
    const wStart = max64(max64(start, this.wFree), dataReady);
    const wEnd = wStart + beatTime;
    this.wFree = wEnd;
    this.wBusyPs += beatTime;
    const mem = this.memory(pa, wStart, bytes, true, controller);
    const bresp = max64(wEnd, mem) + this.cyclePs;
    unchecked((this.wrDone[this.wrIdx] = bresp));
    this.wrIdx = this.wrIdx + 1 == this.wrCap ? 0 : this.wrIdx + 1;
    this.issuedAt = start;
    this.dataDoneAt = wEnd;
    this.doneAt = bresp;
    this.writeBursts += n;
    this.bytesWritten += bytes;
  }
}

/** Memory controller for a physical address, or -1 for a device (non-RAM) target. */
export function controllerFor(pa: u64): i32 {
  const r = findRegion(pa);
  if (r < 0 || regionKind(r) != KIND_RAM) return -1;
  return regionController(r);
}
