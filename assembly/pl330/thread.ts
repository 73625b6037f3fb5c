// A DMAC thread: the manager or one channel, with the state machine of spec pl330 §5 and the
// registers software reads back (CSR, CPC, SAR, DAR, CCR, LC0, LC1, FTR).

import { NEVER } from "../time";
import { ChannelFifo } from "./mfifo";
import { REQ_SINGLE } from "./isa";

export const ST_STOPPED: u32 = 0;
export const ST_EXECUTING: u32 = 1;
export const ST_CACHE_MISS: u32 = 2;
export const ST_UPDATING_PC: u32 = 3;
export const ST_WFE: u32 = 4;
export const ST_BARRIER: u32 = 5;
export const ST_WFP: u32 = 7;
export const ST_KILLING: u32 = 8;
export const ST_COMPLETING: u32 = 9;
export const ST_FAULT_COMPLETING: u32 = 14;
export const ST_FAULTING: u32 = 15;

// Fault bits (FTR/FTRD, spec §6).
export const F_UNDEF: u32 = 1 << 0;
export const F_OPERAND: u32 = 1 << 1;
export const F_DMAGO_ERR: u32 = 1 << 4;
export const F_EVNT_ERR: u32 = 1 << 5;
export const F_PERIPH_ERR: u32 = 1 << 6;
export const F_RDWR_ERR: u32 = 1 << 7;
export const F_MFIFO_ERR: u32 = 1 << 12;
export const F_ST_DATA_UNAVAILABLE: u32 = 1 << 13;
export const F_INSTR_FETCH_ERR: u32 = 1 << 16;
export const F_DATA_WRITE_ERR: u32 = 1 << 17;
export const F_DATA_READ_ERR: u32 = 1 << 18;
export const F_DBG_INSTR: u32 = 1 << 30;
export const F_LOCKUP: u32 = 1 << 31;

const LOAD_RECORDS: i32 = 64;

export class Thread {
  id: i32;
  isManager: bool;
  state: u32 = ST_STOPPED;
  pc: u32 = 0;
  sar: u32 = 0;
  dar: u32 = 0;
  ccr: u32 = 0x00800200; // reset value: both prot[1] set (non-secure) [R]
  lc0: u32 = 0;
  lc1: u32 = 0;
  ftr: u32 = 0;
  ns: bool = false;
  wakeup: u32 = 0; // CSR[8:4]: event or peripheral waited on
  wfpB: bool = false;
  wfpP: bool = false;
  reqFlag: u8 = REQ_SINGLE;
  /** When the thread next needs the engine (an instruction to issue, outstanding traffic to
   *  finish); NEVER while stopped, faulting, or waiting for an event or a peripheral. */
  wakeAt: i64 = NEVER;
  lastRead: i64 = 0; // completion of its latest read
  lastWrite: i64 = 0; // completion (B response) of its latest write
  // CCR, decoded when written (spec §3).
  srcSize: u32 = 1;
  srcLen: u32 = 1;
  srcInc: bool = false;
  dstSize: u32 = 1;
  dstLen: u32 = 1;
  dstInc: bool = false;
  swap: u32 = 0; // bytes per swapped item, 0 = none
  fifo: ChannelFifo;
  // Arrival times of loaded data: record i says bytes up to loadEnd[i] (counted over the
  // channel's life) are in the MFIFO from loadReady[i].
  loadEnd: StaticArray<u64> = new StaticArray<u64>(LOAD_RECORDS);
  loadReady: StaticArray<i64> = new StaticArray<i64>(LOAD_RECORDS);
  recHead: i32 = 0;
  recCount: i32 = 0;
  loadedTotal: u64 = 0;
  storedTotal: u64 = 0;
  // Instruction fetch: the i-cache line last hit and the cache generation it was valid in.
  icLine: u32 = 0xffffffff;
  icGen: u32 = 0;
  // Accounting for reports.
  instructions: u64 = 0;
  bytesLoaded: u64 = 0;
  bytesStored: u64 = 0;

  constructor(id: i32, isManager: bool, fifoBytes: u32) {
    this.id = id;
    this.isManager = isManager;
    this.fifo = new ChannelFifo(fifoBytes < 16 ? 16 : fifoBytes);
    this.setCcr(this.ccr);
  }

  setCcr(v: u32): void {
    this.ccr = v;
    this.srcInc = (v & 1) != 0;
    this.srcSize = <u32>1 << ((v >> 1) & 7);
    this.srcLen = ((v >> 4) & 0xf) + 1;
    this.dstInc = ((v >> 14) & 1) != 0;
    this.dstSize = <u32>1 << ((v >> 15) & 7);
    this.dstLen = ((v >> 18) & 0xf) + 1;
    const es = (v >> 28) & 7;
    this.swap = es == 0 ? 0 : <u32>1 << es;
  }

  csr(): u32 {
    return (
      this.state |
      ((this.wakeup & 0x1f) << 4) |
      (this.wfpB ? 1 << 14 : 0) |
      (this.wfpP ? 1 << 15 : 0) |
      (this.ns ? 1 << 21 : 0)
    );
  }

  /** Outstanding AXI traffic has finished by time t. */
  @inline idleBy(t: i64): bool {
    return this.lastRead <= t && this.lastWrite <= t;
  }

  @inline outstandingUntil(): i64 {
    return this.lastRead > this.lastWrite ? this.lastRead : this.lastWrite;
  }

  recordLoad(readyAt: i64, n: u32): void {
    this.loadedTotal += n;
    if (this.recCount == LOAD_RECORDS) {
      // Merge the two oldest records; arrival times only grow, so the merged one is the later.
      const a = this.recHead;
      const b = (a + 1) & (LOAD_RECORDS - 1);
      unchecked((this.loadReady[b] = this.loadReady[b] > this.loadReady[a] ? this.loadReady[b] : this.loadReady[a]));
      this.recHead = b;
      this.recCount--;
    }
    const i = (this.recHead + this.recCount) & (LOAD_RECORDS - 1);
    unchecked((this.loadEnd[i] = this.loadedTotal));
    unchecked((this.loadReady[i] = readyAt));
    this.recCount++;
  }

  /** Consumes n bytes of loaded data; returns when the last of them arrived in the MFIFO. */
  consumeLoaded(n: u32): i64 {
    this.storedTotal += n;
    const upto = this.storedTotal;
    let ready: i64 = 0;
    while (this.recCount > 0) {
      const i = this.recHead;
      ready = unchecked(this.loadReady[i]);
      if (unchecked(this.loadEnd[i]) > upto) break;
      this.recHead = (i + 1) & (LOAD_RECORDS - 1);
      this.recCount--;
    }
    return ready;
  }

  clearData(): void {
    this.fifo.clear();
    this.recHead = 0;
    this.recCount = 0;
    this.loadedTotal = 0;
    this.storedTotal = 0;
  }
}
