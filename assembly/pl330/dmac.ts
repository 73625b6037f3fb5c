// One DMA-330 controller: the manager and channel threads, the shared MFIFO, the AXI master, the
// instruction cache, events and interrupts (spec pl330 §8), faults (§6), and the engine that
// issues at most one instruction per AXI cycle, round-robin among ready threads (§1, §11).
//
// The engine runs lazily: the scheduler asks it to catch up to a point in simulated time
// before the CPU looks at anything the DMAC could have changed.

import { NEVER, max64 } from "../time";
import { drive } from "../irq";
import { findRegion, regionKind, regionController, KIND_RAM } from "../dram";
import { Pl330Config } from "./config";
import { Thread, ST_STOPPED, ST_EXECUTING, ST_CACHE_MISS, ST_WFE, ST_BARRIER, ST_KILLING,
  ST_COMPLETING, ST_FAULT_COMPLETING, ST_FAULTING, F_DBG_INSTR, F_UNDEF } from "./thread";
import { Mfifo } from "./mfifo";
import { Axi } from "./axi";
import { ICache } from "./icache";
import { execute, executeDebug } from "./exec";

const MANAGER: i32 = 8;

export class Dmac {
  cfg: Pl330Config;
  cyclePs: i64;
  coherent: bool;
  axi: Axi;
  mfifo: Mfifo;
  ic: ICache;
  threads: StaticArray<Thread>; // 0..numChannels-1 channels, index 8 the manager
  manager: Thread;
  inten: u32 = 0;
  ris: u32 = 0;
  intmis: u32 = 0;
  wd: u32 = 0;
  dbgInst0: u32 = 0;
  dbgInst1: u32 = 0;
  dbgBusyUntil: i64 = 0;
  irqLines: StaticArray<i32> = new StaticArray<i32>(32);
  abortLine: i32 = -1;
  abortHigh: bool = false;
  outLevel: u32 = 0; // irq[e] outputs currently asserted
  issueFree: i64 = 0;
  lastIssued: i32 = MANAGER;
  /** Time of the first interrupt raised since it was last cleared (NEVER if none). */
  irqRaisedAt: i64 = NEVER;
  // Last region looked up by controllerFor.
  ctlBase: u64 = 1;
  ctlEnd: u64 = 0;
  ctlId: i32 = -1;

  constructor(cfg: Pl330Config, cyclePs: i64, coherent: bool, mmioLatencyPs: i64) {
    this.cfg = cfg;
    this.cyclePs = cyclePs;
    this.coherent = coherent;
    this.axi = new Axi(cyclePs, cfg.widthBytes, cfg.rdCap, cfg.wrCap, mmioLatencyPs);
    const capacity = cfg.bufferDepth * cfg.widthBytes;
    this.mfifo = new Mfifo(capacity);
    this.ic = new ICache(cfg.icLines, cfg.icLineBytes);
    const manager = new Thread(MANAGER, true, 16);
    this.manager = manager;
    const threads = new StaticArray<Thread>(MANAGER + 1);
    for (let i = 0; i < MANAGER; i++) threads[i] = new Thread(i, false, i < <i32>cfg.numChannels ? capacity : 16);
    threads[MANAGER] = manager;
    this.threads = threads;
    for (let i = 0; i < 32; i++) this.irqLines[i] = -1;
    this.reset();
  }

  reset(): void {
    for (let i = 0; i <= MANAGER; i++) {
      const th = this.threads[i];
      th.state = ST_STOPPED;
      th.wakeAt = NEVER;
      th.ftr = 0;
      th.clearData();
    }
    this.manager.ns = this.cfg.mgrNs;
    this.inten = 0;
    this.ris = 0;
    this.intmis = 0;
    this.mfifo.reset();
    this.axi.reset();
    this.ic.invalidate();
    this.updateIrqLines();
    if (this.cfg.bootEn) {
      this.manager.pc = this.cfg.bootAddr;
      this.manager.state = ST_EXECUTING;
      this.manager.wakeAt = 0;
    }
  }

  @inline channel(n: i32): Thread {
    return unchecked(this.threads[n]);
  }

  @inline get numChannels(): i32 {
    return <i32>this.cfg.numChannels;
  }

  /** Memory controller serving pa, or -1 for a device target. */
  controllerFor(pa: u64): i32 {
    if (pa >= this.ctlBase && pa < this.ctlEnd) return this.ctlId;
    const r = findRegion(pa);
    if (r < 0) return -1;
    // Remember the page: regions are page-aligned, so this is exact.
    this.ctlBase = pa & ~(<u64>0xfff);
    this.ctlEnd = this.ctlBase + 0x1000;
    this.ctlId = regionKind(r) == KIND_RAM ? regionController(r) : -1;
    return this.ctlId;
  }

  // ---- interrupts and events (spec §8) ---------------------------------------------------

  /** Drives the irq[e] outputs from INTMIS and irq_abort from the thread states. */
  updateIrqLines(): void {
    const level = this.intmis;
    const changed = level ^ this.outLevel;
    if (changed) {
      for (let e = 0; e < 32; e++) {
        if (((changed >> e) & 1) == 0) continue;
        const line = unchecked(this.irqLines[e]);
        if (line >= 0) drive(line, ((level >> e) & 1) != 0);
      }
      this.outLevel = level;
    }
    let faulting = false;
    for (let i = 0; i <= MANAGER; i++) {
      const s = unchecked(this.threads[i]).state;
      if (s == ST_FAULTING || s == ST_FAULT_COMPLETING) faulting = true;
    }
    if (faulting != this.abortHigh) {
      this.abortHigh = faulting;
      if (this.abortLine >= 0) drive(this.abortLine, faulting);
    }
  }

  /** DMASEV e at time t: an interrupt if INTEN[e], else an event for DMAWFE. */
  signal(e: u32, t: i64): void {
    const bit: u32 = 1 << e;
    if (this.inten & bit) {
      this.ris |= bit;
      if ((this.intmis & bit) == 0) {
        this.intmis |= bit;
        this.updateIrqLines();
        if (t < this.irqRaisedAt) this.irqRaisedAt = t;
      }
      return;
    }
    let woke = false;
    for (let i = 0; i <= MANAGER; i++) {
      const th = unchecked(this.threads[i]);
      if (th.state == ST_WFE && th.wakeup == e) {
        th.state = ST_EXECUTING;
        th.wakeAt = t + this.cyclePs;
        woke = true;
      }
    }
    if (!woke) this.ris |= bit;
  }

  clearInterrupts(v: u32): void {
    const bits = v & this.inten;
    this.ris &= ~bits;
    this.intmis &= ~bits;
    this.updateIrqLines();
  }

  // ---- faults (spec §6) ------------------------------------------------------------------

  fault(th: Thread, bits: u32, t: i64): void {
    th.ftr |= bits;
    const busy = th.outstandingUntil();
    if (!th.isManager && busy > t) {
      th.state = ST_FAULT_COMPLETING;
      th.wakeAt = busy;
    } else {
      th.state = ST_FAULTING;
      th.wakeAt = NEVER;
    }
    this.updateIrqLines();
    if (this.irqRaisedAt > t) this.irqRaisedAt = t;
  }

  /** Ends a thread (DMAKILL): its MFIFO data is dropped, outstanding traffic drains first. */
  kill(th: Thread, t: i64): void {
    this.mfifo.releaseNow(th.fifo.count);
    th.clearData();
    th.ftr = 0;
    const busy = th.outstandingUntil();
    if (!th.isManager && busy > t) {
      th.state = ST_KILLING;
      th.wakeAt = busy;
    } else {
      th.state = ST_STOPPED;
      th.wakeAt = NEVER;
    }
    this.updateIrqLines();
  }

  // ---- debug interface (spec §7) -----------------------------------------------------------

  /** DBGCMD written at time t: run the instruction held in DBGINST0/1. */
  debugCommand(cmd: u32, t: i64): void {
    if ((cmd & 3) != 0) return; // 01–11 reserved
    const toChannel = (this.dbgInst0 & 1) != 0;
    const chan = <i32>((this.dbgInst0 >> 8) & 7);
    let th = this.manager;
    if (toChannel) {
      if (chan >= this.numChannels) return;
      th = this.channel(chan);
    }
    this.dbgBusyUntil = t + this.cyclePs;
    const b0 = (this.dbgInst0 >> 16) & 0xff;
    const b1 = this.dbgInst0 >>> 24;
    if (b0 != 0xa0 && b0 != 0xa2 && b0 != 0x34 && b0 != 0x01) {
      this.fault(th, F_UNDEF | F_DBG_INSTR, t);
      return;
    }
    executeDebug(this, th, t, b0, b1, this.dbgInst1);
  }

  // ---- the engine --------------------------------------------------------------------------

  /** Earliest time this DMAC needs to run (NEVER when every thread is stopped or waiting).
   *  Threads that issue instructions also wait for the shared issue slot. */
  nextEvent(): i64 {
    let best = NEVER;
    for (let i = 0; i <= MANAGER; i++) {
      const th = unchecked(this.threads[i]);
      let w = th.wakeAt;
      if (w == NEVER) continue;
      const s = th.state;
      if (s == ST_EXECUTING || s == ST_CACHE_MISS || s == ST_BARRIER) w = max64(w, this.issueFree);
      if (w < best) best = w;
    }
    return best;
  }

  /** Runs every thread action due at or before `until`. With stopOnIrq, returns as soon as an
   *  interrupt (or abort) is raised, with irqRaisedAt set; otherwise returns `until`. */
  run(until: i64, stopOnIrq: bool): void {
    const n = this.numChannels;
    while (true) {
      // Pick the thread with the earliest effective time; instruction issue also waits for the
      // shared issue slot. Ties go round-robin, starting after the last thread that issued.
      let pick: i32 = -1;
      let best = NEVER;
      let idx = this.lastIssued;
      for (let k = 0; k <= n; k++) {
        idx = idx >= n ? 0 : idx + 1;
        const i = idx == n ? MANAGER : idx;
        const th = unchecked(this.threads[i]);
        let w = th.wakeAt;
        if (w == NEVER) continue;
        const s = th.state;
        if (s == ST_EXECUTING || s == ST_CACHE_MISS || s == ST_BARRIER) w = max64(w, this.issueFree);
        if (w < best) {
          best = w;
          pick = i;
        }
      }
      if (pick < 0 || best > until) break;
      const th = unchecked(this.threads[pick]);
      const s = th.state;
      if (s == ST_COMPLETING || s == ST_KILLING) {
        th.state = ST_STOPPED;
        th.wakeAt = NEVER;
        continue;
      }
      if (s == ST_FAULT_COMPLETING) {
        th.state = ST_FAULTING;
        th.wakeAt = NEVER;
        continue;
      }
      th.state = ST_EXECUTING;
      this.issueFree = best + this.cyclePs;
      this.lastIssued = pick == MANAGER ? n : pick;
      th.wakeAt = best + this.cyclePs;
      execute(this, th, best);
      if (stopOnIrq && this.irqRaisedAt != NEVER) return;
    }
  }
}

export { MANAGER };
