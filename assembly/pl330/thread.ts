// A DMAC thread: the manager or one channel, with the state machine of spec pl330 §5 and the
// registers software reads back (CSR, CPC, SAR, DAR, CCR, LC0, LC1, FTR).

import { NEVER } from "../time";
import { ChannelFifo } from "./channel-fifo";
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

// Why an Executing thread is not issuing (for the watchdog and for reports).
export const STALL_NONE: u8 = 0;
export const STALL_MFIFO: u8 = 1; // DMALD waiting for MFIFO space
export const STALL_QUEUE: u8 = 2; // read or write queue full
export const STALL_END: u8 = 3; // DMAEND with loaded data never stored

export const NO_PC: u32 = 0xffffffff;

export class Thread {
  id: i32;
  isManager: bool;
  state: u32 = ST_STOPPED;
  pc: u32 = 0;
  sar: u32 = 0;
  dar: u32 = 0;
  ccr: u32 = 0;
  lc0: u32 = 0;
  lc1: u32 = 0;
  ftr: u32 = 0;
  ns: bool = false;
  /** The pc whose i-cache lines this thread's last miss filled (NO_PC: none pending). */
  filledPc: u32 = NO_PC;
  /** When the running program was started by DMAGO (NEVER once its end was traced). */
  runStart: i64 = NEVER;
  /** Bytes this channel's program has written since its DMAGO: its trace slice's value. */
  runBytes: u64 = 0;
  wakeup: u32 = 0; // CSR[8:4] / DSR[8:4]: event or peripheral waited on
  wfpB: bool = false;
  wfpP: bool = false;
  reqFlag: u8 = REQ_SINGLE;
  /** The pending DMAWFE asked for the i-cache to be invalidated when it resumes. */
  wfeInvalidate: bool = false;
  /** The peripheral flagged its last request (drlast) at the latest DMAWFP: a DMALPFE loop
   *  ends at its DMALPEND. */
  reqLast: bool = false;
  /** When the thread next needs the engine (an instruction to issue, outstanding traffic to
   *  finish, a peripheral request due); NEVER while stopped, faulting or waiting for an event. */
  wakeAt: i64 = NEVER;
  stall: u8 = STALL_NONE;
  stallSince: i64 = 0;
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
  // Instruction fetch window: [winLo, winHi) lies in i-cache lines known present while the
  // cache generation is winGen, and in RAM at host address winHost + (pc - winLo).
  winLo: u32 = 0;
  winHi: u32 = 0;
  winHost: usize = 0;
  winGen: u32 = 0;
  // Accounting for reports.
  instructions: u64 = 0;

  constructor(id: i32, isManager: bool, fifoBytes: u32) {
    this.id = id;
    this.isManager = isManager;
    this.fifo = new ChannelFifo(fifoBytes);
    this.setCcr(0);
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
    // ES 1..4 swap 16..128-bit items; 5–7 are reserved and treated as no swap.
    this.swap = es == 0 || es > 4 ? 0 : <u32>1 << es;
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

  @inline outstandingUntil(): i64 {
    return this.lastRead > this.lastWrite ? this.lastRead : this.lastWrite;
  }

  /** Forgets the fetch window (after a jump out of it or a cache change). */
  @inline dropWindow(): void {
    this.winLo = 0;
    this.winHi = 0;
  }
}
