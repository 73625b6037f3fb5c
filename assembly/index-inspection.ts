// The pins that look at the chip rather than drive it: handing its memory on, the backdoor,
// statistics, the DMA peripherals' logs, the benchmark kernels and the trace. index.ts exports
// them with the rest.

import * as time from "./time";
import * as sched from "./scheduler";
import * as dram from "./dram";
import * as H from "./hierarchy";
import * as mmu from "./mmu";
import * as V8 from "./walk-v8";
import * as cpu from "./cpu";
import * as prefetch from "./prefetch";
import * as inspect from "./inspect";
import * as kernels from "./bench-kernels";
import * as trace from "./trace";
import * as handover from "./memory-handover";
import { pl330s, pl310s, peripherals } from "./devices";
import { addr } from "./boundary";
import { readRegister } from "./pl330/regs";

// ---- handing the memory on to the next System (memory-handover.ts, src/hw/wasm.ts) ------------

export function memoryHeapTop(): usize {
  return handover.heapTop();
}
export function memoryWrittenPages(): usize {
  return handover.writtenPages();
}
export function memoryRegionCount(): i32 {
  return dram.regionTotal();
}
/** Host address of region i's bytes if it is RAM, else 0. */
export function memoryRamHost(i: i32): usize {
  return dram.ramRegionHost(i);
}
export function memoryRegionBytes(i: i32): f64 {
  return <f64>dram.regionBytes(i);
}

// ---- backdoor: untimed, beneath the caches; for loaders, tests and reports only ---------------

export function physRead(pa: f64, len: u32, dst: usize): bool {
  return dram.ramRead(addr(pa), len, dst);
}
export function physWrite(pa: f64, len: u32, src: usize): bool {
  return dram.ramWrite(addr(pa), len, src);
}
/** 0 not cached, 1 clean, 2 dirty; +4 when the cached data differs from DRAM. */
export function cacheLineState(level: i32, pa: f64): i32 {
  return H.lineState(level, addr(pa));
}
/** One byte per line of [va, va+len) into dst: L1 state in bits [2:0], L2 in [5:3], bit 6 when
 *  the line has no translation or is not RAM. Untimed. Returns the number of lines. */
export function cacheLines(va: f64, len: f64, dst: usize): u32 {
  return inspect.cacheLines(addr(va), <u64>len, dst);
}

// Statistics, by id.
export const STAT_L1_HITS = 0;
export const STAT_L1_MISSES = 1;
export const STAT_L1_WRITEBACKS = 2;
export const STAT_L1_EVICTIONS = 3;
export const STAT_L2_HITS = 4;
export const STAT_L2_MISSES = 5;
export const STAT_L2_WRITEBACKS = 6;
export const STAT_L2_EVICTIONS = 7;
export const STAT_TLB_HITS = 8;
export const STAT_TLB_MISSES = 9;
export const STAT_WALKS = 10;
export const STAT_CPU_LOADS = 11;
export const STAT_CPU_STORES = 12;
export const STAT_CPU_BULK_BYTES = 13;
export const STAT_DRAM_READ = 14;
export const STAT_DRAM_WRITTEN = 15;
export const STAT_DRAM_REQUESTS = 16;
export const STAT_PREFETCH_NEXT_LINE = 17;
export const STAT_PREFETCH_SPECULATIVE = 18;
export const STAT_WALK_READS = 19;
export const STAT_DESCRIPTOR_CACHE_HITS = 20;
export const STAT_SRAM_READ = 21;
export const STAT_SRAM_WRITTEN = 22;
export const STAT_WALK_CACHE_HITS = 23;

export function stat(id: i32): f64 {
  // Memory controllers count the DMACs' traffic too, which is due up to the present.
  if (id == STAT_DRAM_READ || id == STAT_DRAM_WRITTEN || id == STAT_DRAM_REQUESTS || id == STAT_SRAM_READ || id == STAT_SRAM_WRITTEN) {
    sched.catchUp(time.now);
  }
  H.settleWalkerCounts();
  const c2 = H.l2;
  switch (id) {
    case STAT_L1_HITS: return <f64>H.l1.hits;
    case STAT_L1_MISSES: return <f64>H.l1.misses;
    case STAT_L1_WRITEBACKS: return <f64>H.l1.writebacks;
    case STAT_L1_EVICTIONS: return <f64>H.l1.evictions;
    case STAT_L2_HITS: return c2 ? <f64>c2.hits : 0;
    case STAT_L2_MISSES: return c2 ? <f64>c2.misses : 0;
    case STAT_L2_WRITEBACKS: return c2 ? <f64>c2.writebacks : 0;
    case STAT_L2_EVICTIONS: return c2 ? <f64>c2.evictions : 0;
    case STAT_TLB_HITS: return <f64>mmu.tlb.hits;
    case STAT_TLB_MISSES: return <f64>mmu.tlb.misses;
    case STAT_WALKS: return <f64>mmu.walks();
    case STAT_CPU_LOADS: return <f64>cpu.loads;
    case STAT_CPU_STORES: return <f64>cpu.stores;
    case STAT_CPU_BULK_BYTES: return <f64>cpu.bulkBytes;
    case STAT_DRAM_READ: return <f64>dram.controllerBytesRead(0);
    case STAT_DRAM_WRITTEN: return <f64>dram.controllerBytesWritten(0);
    case STAT_DRAM_REQUESTS: return <f64>dram.controllerRequests(0);
    case STAT_PREFETCH_NEXT_LINE: return <f64>prefetch.nextLineFills;
    case STAT_PREFETCH_SPECULATIVE: return <f64>prefetch.speculativeFills;
    case STAT_WALK_READS: return <f64>H.walkReads();
    case STAT_DESCRIPTOR_CACHE_HITS: return <f64>H.descriptorCacheHits;
    case STAT_SRAM_READ: return <f64>dram.controllerBytesRead(1);
    case STAT_SRAM_WRITTEN: return <f64>dram.controllerBytesWritten(1);
    case STAT_WALK_CACHE_HITS: {
      const wc = V8.walkCache;
      return wc != null ? <f64>wc.hits : 0;
    }
  }
  return 0;
}

export const PL330_STAT_INSTRUCTIONS = 0;
export const PL330_STAT_BYTES_READ = 1;
export const PL330_STAT_BYTES_WRITTEN = 2;
export const PL330_STAT_READ_BURSTS = 3;
export const PL330_STAT_WRITE_BURSTS = 4;
export const PL330_STAT_ICACHE_MISSES = 5;
export const PL330_STAT_MFIFO_PEAK = 6;
export const PL330_STAT_R_BUSY_PS = 7;
export const PL330_STAT_W_BUSY_PS = 8;
export const PL330_STAT_ICACHE_HITS = 9;

/** A DMAC register as an MMIO read would return it, untimed and without the bus access: what
 *  dmasim's hang diagnosis reads (src/report/dma-hang.ts); register reads have no side effects
 *  (pl330/regs.ts), so only the CPU's cost of the access is left out. */
export function pl330Register(inst: i32, off: u32): u32 {
  sched.catchUp(time.now);
  return readRegister(pl330s[inst], off, time.now);
}

/** The peripheral (its index, as addTxFifo/addRxStream returned it) whose request interface is
 *  wired to request line `line` of PL330 `inst`, or -1 if none is (or there is no such line):
 *  the SoC's wiring as a debugger reads it, whatever the device tree's `dmas` claim. */
export function pl330RequestPeripheral(inst: i32, line: i32): i32 {
  if (inst < 0 || inst >= pl330s.length) return -1;
  const d = pl330s[inst];
  if (line < 0 || line >= <i32>d.cfg.numPeriph) return -1;
  const port = d.ports[line];
  return port === null ? -1 : peripherals.indexOf(port);
}

/** A DMAC's statistic, brought up to the present as a peripheral's is: the DMAC has run only to
 *  the CPU's last access to a device, and time has passed since. */
export function pl330Stat(inst: i32, id: i32): f64 {
  sched.catchUp(time.now);
  const d = pl330s[inst];
  switch (id) {
    case PL330_STAT_INSTRUCTIONS: {
      let n: u64 = 0;
      for (let i = 0; i <= 8; i++) n += d.threads[i].instructions;
      return <f64>n;
    }
    case PL330_STAT_BYTES_READ: return <f64>d.axi.bytesRead;
    case PL330_STAT_BYTES_WRITTEN: return <f64>d.axi.bytesWritten;
    case PL330_STAT_READ_BURSTS: return <f64>d.axi.readBursts;
    case PL330_STAT_WRITE_BURSTS: return <f64>d.axi.writeBursts;
    case PL330_STAT_ICACHE_MISSES: return <f64>d.ic.misses;
    case PL330_STAT_MFIFO_PEAK: return <f64>d.mfifo.peak;
    case PL330_STAT_R_BUSY_PS: return <f64>d.axi.rBusyPs;
    case PL330_STAT_W_BUSY_PS: return <f64>d.axi.wBusyPs;
    case PL330_STAT_ICACHE_HITS: {
      let n: u64 = 0;
      for (let i = 0; i <= 8; i++) n += d.threads[i].instructions;
      return <f64>n - <f64>d.ic.misses;
    }
  }
  return 0;
}


/** A DMA peripheral's statistic (peripheral.ts `stat` ids), brought up to the present. */
export function peripheralStat(inst: i32, id: i32): f64 {
  const p = peripherals[inst];
  p.advance(time.now);
  return p.stat(id);
}
/** Copies up to `max` bytes a TX peripheral has sent, from index `from`, to dst; returns the
 *  count (backdoor: what a receiver on the line would have seen). */
export function peripheralLog(inst: i32, from: u32, dst: usize, max: u32): u32 {
  const p = peripherals[inst];
  p.advance(time.now);
  return p.logged(from, dst, max);
}

export function pl310LineOps(inst: i32): f64 {
  return <f64>pl310s[inst].lineOps;
}
/** CACHE_SYNC writes the PL310 has taken: Linux's l2x0 range ops end with one each. */
export function pl310Syncs(inst: i32): f64 {
  return <f64>pl310s[inst].syncs;
}

// ---- the DRAM bus calendar, driven directly (test/assembly/dram-booking.test.ts) -------------

/** Books `bytes` on memory controller `controller` requested at `t` ps, as a master would:
 *  mode 0 a read and 1 a write through memAccess (CPU, caches), 2 a read and 3 a write through
 *  memAccessStream (the PL330's AXI port). Returns when the last byte has moved. */
export function dramBook(controller: i32, t: f64, bytes: u32, mode: i32): f64 {
  const write = (mode & 1) != 0;
  if (mode >= 2) return <f64>dram.memAccessStream(controller, <i64>t, bytes, write);
  return <f64>dram.memAccess(controller, <i64>t, bytes, write);
}

// ---- benchmark kernels (bench/cache.ts, bench/mmu.ts) -----------------------------------------

export function benchCacheTraceGenerate(n: u32): void {
  kernels.cacheTraceGenerate(n);
}
export function benchCacheTraceReplay(from: u32, count: u32): void {
  kernels.cacheTraceReplay(from, count);
}
export function benchPtwBuildTables(): f64 {
  return kernels.ptwBuildTables();
}
export function benchPtwStreamsGenerate(n: u32): void {
  kernels.ptwStreamsGenerate(n);
}
export function benchPtwTranslateReplay(stream: i32, from: u32, count: u32): void {
  kernels.ptwTranslateReplay(stream, from, count);
}
/** ptw.c's check values: 0 the low-word hash, 1 the high-word sum, 2 the faults; -1 resets. */
export function benchPtwCheck(which: i32): f64 {
  if (which < 0) kernels.ptwCheckReset();
  return which == 0 ? <f64>kernels.checkLo : which == 1 ? <f64>kernels.checkHi : which == 2 ? <f64>kernels.checkFaults : 0;
}

// ---- trace: records the host drains into a Chrome Trace Event file ---------------------------

/** Starts recording, with room for `records` records (32 bytes each). */
export function traceEnable(records: u32): void {
  trace.enable(records);
}
/** Stops recording; the memory controllers' byte counters end at the bytes moved up to now. */
export function traceDisable(): void {
  if (trace.enabled) {
    sched.catchUp(time.now);
    dram.flushTraceBytes(time.now);
  }
  trace.disable();
}
export function traceBuffer(): usize {
  return trace.buffer();
}
export function traceRecorded(): u32 {
  return trace.recorded();
}
export function traceDropped(): u32 {
  return trace.droppedRecords();
}
export function traceReset(): void {
  trace.reset();
}
