// One DMA-330 controller: the manager and channel threads, the shared MFIFO, the AXI master, the
// instruction cache, the peripheral request interfaces, the state of events and interrupts
// (events.ts) and of faults and the lock-up watchdog (§6; how a thread stops is thread-stop.ts),
// and the debug interface (§7). The engine that issues instructions is engine.ts.

import { NEVER } from "../time";
import * as T from "../trace";
import { N_RUN } from "../trace-names";
import { findRegion, regionKind, regionController, KIND_RAM, ramPtr, lastController } from "../dram";
import { DmaPeripheral, RequestListener } from "../peripherals/peripheral";
import { Pl330Config } from "./config";
import { Thread, ST_STOPPED, ST_EXECUTING, ST_WFP, ST_KILLING } from "./thread";
import { Mfifo } from "./mfifo";
import { Axi } from "./axi";
import { ICache } from "./icache";
import { DmaWindows, DECERR } from "../dma-windows";
import { snoopToDram } from "../snoop";
import { updateIrqLines } from "./events";
import { nextEvent, runEngine } from "./engine";

export const MANAGER: i32 = 8;

export class Dmac extends RequestListener {
  cfg: Pl330Config;
  cyclePs: i64;
  coherent: bool;
  axi: Axi;
  mfifo: Mfifo;
  ic: ICache;
  threads: StaticArray<Thread>; // 0..7 channels, index 8 the manager
  manager: Thread;
  ports: StaticArray<DmaPeripheral | null> = new StaticArray<DmaPeripheral | null>(32);
  inten: u32 = 0;
  ris: u32 = 0;
  wd: u32 = 0;
  /** The watchdog found a lock-up while WD.wd_irq_only was set: irq_abort without a fault. */
  wdAbort: bool = false;
  dbgInst0: u32 = 0;
  dbgInst1: u32 = 0;
  dbgPending: bool = false;
  dbgAt: i64 = 0;
  /** A debug DMAKILL is in flight until this thread leaves Killing (-1: none). */
  dbgKilling: i32 = -1;
  irqLines: StaticArray<i32> = new StaticArray<i32>(32);
  abortLine: i32 = -1;
  abortHigh: bool = false;
  outLevel: u32 = 0; // irq[e] outputs currently asserted
  issueFree: i64 = 0;
  lastIssued: i32 = MANAGER;
  /** Set by anything that changes another thread's wake time, so a running burst re-picks. */
  rescan: bool = false;
  /** Threads stalled for MFIFO space (bit per thread index). */
  mfifoWaiters: u32 = 0;
  /** Time of the first interrupt raised since it was last cleared (NEVER if none). */
  irqRaisedAt: i64 = NEVER;
  /** Simulated time of the action being performed (when an output it raises went high). */
  raisedTime: i64 = 0;
  // The RAM pages the data path last read and wrote: page number, host address, controller.
  rdPage: u32 = 0xffffffff;
  rdHost: usize = 0;
  rdCtl: i32 = 0;
  wrPage: u32 = 0xffffffff;
  wrHost: usize = 0;
  wrCtl: i32 = 0;
  /** Physical range holding every deferred DMALD source (channel-fifo.ts), empty if none. */
  defLo: u32 = 0xffffffff;
  defHi: u32 = 0;
  // Last page looked up by controllerFor.
  ctlBase: u64 = 1;
  ctlEnd: u64 = 0;
  ctlId: i32 = -1;
  /** Trace tracks: TRACK_DMAC + instance × 0x100 (trace.ts). */
  traceBase: u32 = T.TRACK_DMAC;
  /** The bus's dma-ranges between the AXI master and memory (dma-windows.ts); SAR, DAR, CPC
   *  and every address the data path and fetch keep are bus addresses. */
  windows: DmaWindows = new DmaWindows();
  translates: bool = false;

  constructor(cfg: Pl330Config, cyclePs: i64, coherent: bool, deviceLatencyPs: i64) {
    super();
    this.cfg = cfg;
    this.cyclePs = cyclePs;
    this.coherent = coherent;
    const axi = new Axi(cyclePs, cfg.widthBytes, cfg.rdCap, cfg.wrCap, cfg.rdQueue, cfg.wrQueue, deviceLatencyPs);
    axi.coherent = coherent;
    this.axi = axi;
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
      th.fifo.clear();
      th.dropWindow();
    }
    this.manager.ns = this.cfg.mgrNs;
    this.inten = 0;
    this.ris = 0;
    this.wdAbort = false;
    this.dbgPending = false;
    this.dbgKilling = -1;
    this.mfifoWaiters = 0;
    this.mfifo.reset();
    this.axi.reset();
    this.ic.invalidate();
    updateIrqLines(this);
    if (this.cfg.bootEn) {
      this.manager.pc = this.cfg.bootAddr;
      this.manager.state = ST_EXECUTING;
      this.manager.wakeAt = 0;
    }
  }

  /** Which DMAC this is among the board's, for the trace's track ids. */
  setTraceIndex(inst: i32): void {
    this.traceBase = T.TRACK_DMAC + (<u32>inst << 8);
    this.axi.traceBase = this.traceBase;
    this.mfifo.traceTrack = this.traceBase + T.DMAC_MFIFO;
  }

  /** A channel's program is over at t (stopped, killed or faulting): its slice on the channel's
   *  track runs from its DMAGO. */
  endRun(th: Thread, t: i64): void {
    const start = th.runStart;
    if (start == NEVER || th.isManager) return;
    th.runStart = NEVER;
    T.slice(this.traceBase + <u32>th.id, N_RUN, start, max<i64>(t, start), <f64>th.runBytes);
  }

  @inline channel(n: i32): Thread {
    return unchecked(this.threads[n]);
  }

  @inline get numChannels(): i32 {
    return <i32>this.cfg.numChannels;
  }

  /** Adds a dma-ranges window; false when the table is full. */
  addWindow(dmaStart: u64, cpuStart: u64, size: u64): bool {
    if (!this.windows.add(dmaStart, cpuStart, size)) return false;
    this.translates = true;
    this.axi.windows = this.windows;
    this.rdPage = 0xffffffff;
    this.wrPage = 0xffffffff;
    this.ctlBase = 1;
    this.ctlEnd = 0;
    return true;
  }

  /** Where the bus range [bus, bus+len) lies in the memory map (DECERR: in no window). */
  @inline phys(bus: u64, len: u64): u64 {
    return this.translates ? this.windows.toPhys(bus, len) : bus;
  }

  /** Host address of the RAM behind the bus range, or 0 (not RAM, or DECERR). */
  ramAt(bus: u64, len: u64): usize {
    const pa = this.phys(bus, len);
    return pa == DECERR ? 0 : ramPtr(pa, len);
  }

  /** A coherent master's read of [bus, bus+len) snoops the CPU caches first. */
  snoopAt(bus: u64, len: u32): void {
    const pa = this.phys(bus, len);
    if (pa != DECERR) snoopToDram(pa, len);
  }

  /** Memory controller serving bus address `bus`, or -1 for a device target, a hole or
   *  DECERR. */
  controllerFor(bus: u64): i32 {
    if (bus >= this.ctlBase && bus < this.ctlEnd) return this.ctlId;
    const page = bus & ~(<u64>0xfff);
    const pa = this.phys(page, 0x1000);
    const r = pa == DECERR ? -1 : findRegion(pa);
    if (r < 0) return -1;
    // Remember the page: regions and windows are page-aligned, so this is exact.
    this.ctlBase = page;
    this.ctlEnd = page + 0x1000;
    this.ctlId = regionKind(r) == KIND_RAM ? regionController(r) : -1;
    return this.ctlId;
  }

  /** Host address of RAM behind bus page `page` (bus >> 12), remembered for reads or writes;
   *  0 if the page is not all RAM (a device, a hole, a region edge, DECERR). RAM regions and
   *  windows never move. */
  mapPage(page: u32, write: bool): usize {
    const host = this.ramAt(<u64>page << 12, 0x1000);
    if (host == 0) return 0;
    if (write) {
      this.wrPage = page;
      this.wrHost = host;
      this.wrCtl = lastController;
    } else {
      this.rdPage = page;
      this.rdHost = host;
      this.rdCtl = lastController;
    }
    return host;
  }

  // ---- deferred load data (channel-fifo.ts) ------------------------------------------------

  @inline noteDeferred(pa: u32, n: u32): void {
    if (pa < this.defLo) this.defLo = pa;
    const end = pa + n;
    if (end > this.defHi) this.defHi = end;
  }

  /** A write to [pa, pa+n) is about to happen: copy in any deferred load it could overwrite. */
  @inline beforeWrite(pa: u32, n: u32): void {
    if (pa < this.defHi && pa + n > this.defLo) this.materializeAll();
  }

  /** Copies every channel's deferred load data into the MFIFO. */
  materializeAll(): void {
    for (let i = 0; i < MANAGER; i++) {
      const f = unchecked(this.threads[i]).fifo;
      if (f.deferred != 0) f.materialize();
    }
    this.defLo = 0xffffffff;
    this.defHi = 0;
  }

  // ---- peripheral request interfaces -----------------------------------------------------

  /** A peripheral's request may have moved (a CPU access changed its FIFO): threads waiting
   *  on the line look again at t. */
  requestChanged(line: i32, t: i64): void {
    for (let i = 0; i < MANAGER; i++) {
      const th = unchecked(this.threads[i]);
      if (th.state == ST_WFP && <i32>th.wakeup == line) th.wakeAt = t;
    }
  }

  // ---- debug interface (spec §7) -----------------------------------------------------------

  /** DBGCMD written at t: the instruction in DBGINST0/1 executes at the next issue slot;
   *  DBGSTATUS reads busy until then. */
  debugCommand(cmd: u32, t: i64): void {
    if ((cmd & 3) != 0 || this.debugBusy) return;
    this.dbgPending = true;
    this.dbgAt = t + this.cyclePs;
  }

  /** DBGSTATUS: a debug instruction is waiting for the engine, or a debug DMAKILL waits for
   *  the killed channel's outstanding transfers. */
  get debugBusy(): bool {
    if (this.dbgPending) return true;
    const k = this.dbgKilling;
    if (k < 0) return false;
    if (unchecked(this.threads[k]).state == ST_KILLING) return true;
    this.dbgKilling = -1;
    return false;
  }

  // ---- time (engine.ts) --------------------------------------------------------------------

  /** Earliest time this DMAC needs to run (NEVER when every thread is stopped or waiting). */
  nextEvent(): i64 {
    return nextEvent(this);
  }

  /** Runs every thread action due at or before `until`; with stopOnIrq, stops as soon as an
   *  interrupt or the abort goes high (irqRaisedAt says when). */
  run(until: i64, stopOnIrq: bool): void {
    runEngine(this, until, stopOnIrq);
  }
}
