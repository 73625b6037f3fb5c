// The chip's pins: the wasm module's only exports, as flat functions grouped by who uses them
// on real hardware. Addresses cross the boundary as f64: physical addresses are exact below
// 2^53, and 64-bit kernel virtual addresses travel as their signed value (0xffffffc000000000 is
// -2^38), which is exact too. Inside, both become u64 by reinterpretation.

import * as time from "./time";
import * as dram from "./dram";
import * as irq from "./irq";
import * as H from "./hierarchy";
import * as mmu from "./mmu";
import * as W from "./walk";
import * as V8 from "./walk-v8";
import * as cpu from "./cpu";
import * as dc from "./dc-ops";
import * as prefetch from "./prefetch";
import * as inspect from "./inspect";
import * as kernels from "./bench-kernels";
import * as sched from "./scheduler";
import * as machine from "./machine";
import * as trace from "./trace";
import * as handover from "./memory-handover";
import { pl330s, pl310s, peripherals } from "./devices";

@inline function addr(x: f64): u64 {
  return <u64>(<i64>x);
}

// ---- machine: building the board -------------------------------------------------------------

export function configureMemController(id: i32, latencyPs: f64, psPerKiB: f64): void {
  dram.configureController(id, <i64>latencyPs, <i64>psPerKiB);
}
export function addRam(base: f64, size: f64, controller: i32): i32 {
  return dram.addRam(addr(base), addr(size), controller);
}
export function configureCaches(
  l1Size: u32, l1Ways: u32, line: u32, l1Repl: i32, l2Size: u32, l2Ways: u32, l2Repl: i32, pocLevels: i32,
): void {
  H.configure(l1Size, l1Ways, line, l1Repl, l2Size, l2Ways, l2Repl, pocLevels);
}
export function configureCacheCosts(l1HitPs: f64, l2HitPs: f64, maintPs: f64, outstanding: i32): void {
  H.configureCosts(<i64>l1HitPs, <i64>l2HitPs, <i64>maintPs, outstanding);
}
export function configureTlb(sets: u32, ways: u32, missPs: f64): void {
  mmu.configureTlb(sets, ways, <i64>missPs);
}
/** The walk cache of non-final VMSAv8 descriptors (0 entries: none). */
export function configureWalkCache(entries: u32, ways: u32): void {
  V8.configureWalkCache(entries, ways);
}
/** Whether table walks that miss every cache level allocate the line in L2. */
export function configureWalks(allocateL2: bool): void {
  H.configureWalks(allocateL2);
}
/** The CPU's prefetcher: next-line on demand misses, and one speculative touch every `every`
 *  line accesses within ±`window` lines of a recent one (0 turns each off). */
export function configurePrefetch(nextLine: bool, every: u32, window: u32): void {
  prefetch.configure(nextLine, every, window);
}
/** Every cache line invalid and the cache and prefetch counters zeroed (a cold start). */
export function resetCaches(): void {
  H.resetCaches();
  prefetch.reset();
}
/** DC ZVA block size in bytes (DCZID_EL0), 0 for a core without it. */
export function configureZva(bytes: u32): void {
  dc.configureZva(bytes);
}
export function configureCpu(cyclePs: f64, mmioPs: f64, ncIssuePs: f64, ncReadBytes: u32, ncWriteBytes: u32, writeSlots: i32): void {
  cpu.configure(<i64>cyclePs, <i64>mmioPs, <i64>ncIssuePs, ncReadBytes, ncWriteBytes, writeSlots);
}
export function addPl330(
  base: f64, size: f64,
  channels: u32, periph: u32, events: u32, widthBits: u32, depth: u32,
  rdCap: u32, wrCap: u32, rdQ: u32, wrQ: u32, icLines: u32, icLineBytes: u32,
  revision: u32, mgrNs: bool, irqNs: u32, periphNs: u32,
  cyclePs: f64, coherent: bool, deviceLatencyPs: f64,
): i32 {
  return machine.createPl330(addr(base), addr(size), channels, periph, events, widthBits, depth,
    rdCap, wrCap, rdQ, wrQ, icLines, icLineBytes, revision, mgrNs, irqNs, periphNs,
    <i64>cyclePs, coherent, <i64>deviceLatencyPs);
}
/** Wires the DMAC's irq[event] output to interrupt line `line` (-1 leaves it unconnected). */
export function wirePl330Irq(inst: i32, event: i32, line: i32): void {
  const d = pl330s[inst];
  d.irqLines[event] = line;
}
export function wirePl330Abort(inst: i32, line: i32): void {
  pl330s[inst].abortLine = line;
}
export function addPl310(base: f64, size: f64, latencyPs: f64): i32 {
  return machine.createPl310(addr(base), addr(size), <i64>latencyPs);
}
/** PL330 tie-offs and model options (machine.ts PL330_OPT_*). */
export function setPl330Option(inst: i32, option: i32, value: u32): bool {
  return machine.setPl330Option(inst, option, value);
}

// ---- DMA peripherals (assembly/peripherals/) ----------------------------------------------------

/** A UART-like TX FIFO; `charPs` is one character time (bits per character / baud). */
export function addTxFifo(base: f64, size: f64, depth: u32, charPs: f64, burstBytes: u32, logBytes: u32): i32 {
  return machine.createTxFifo(addr(base), addr(size), depth, <i64>charPs, burstBytes, logBytes);
}
/** An ADC-like RX stream of `total` samples (0 = endless), one every `periodPs`. */
export function addRxStream(base: f64, size: f64, periodPs: f64, sampleBytes: u32, depthSamples: u32, burstBytes: u32, total: f64): i32 {
  return machine.createRxStream(addr(base), addr(size), <i64>periodPs, sampleBytes, depthSamples, burstBytes, <u64>total);
}
/** Connects a peripheral's DMA request interface to request line `line` of PL330 `dmac`. */
export function wirePeripheral(periph: i32, dmac: i32, line: i32): bool {
  return machine.wirePeripheral(periph, dmac, line);
}

// ---- time ------------------------------------------------------------------------------------

export function now(): f64 {
  return <f64>time.now;
}
/** The CPU waits (WFI) until an interrupt line is high, at most until `limitPs`. Returns the
 *  time it woke, or -1 if no device will ever raise one (everything idle). */
export function waitForInterrupt(limitPs: f64): f64 {
  const t = sched.runUntilInterrupt(time.now, <i64>limitPs);
  if (t == time.NEVER) return -1;
  time.setNow(t);
  return <f64>t;
}
/** Lets simulated time pass (devices run) until `t`. */
export function advanceTo(t: f64): void {
  const target = <i64>t;
  sched.catchUp(target);
  time.setNow(target);
}
export function nextDeviceEvent(): f64 {
  const t = sched.nextDeviceEvent();
  return t == time.NEVER ? -1 : <f64>t;
}

// ---- interrupts --------------------------------------------------------------------------------

export function irqFirstPending(): i32 {
  return irq.firstPending();
}
export function irqLevel(line: i32): bool {
  return irq.lineLevel(line);
}
export function irqSetEnabled(line: i32, on: bool): void {
  irq.setEnabled(line, on);
}

// ---- CPU port: loads, stores, bulk accesses by VA ---------------------------------------------

let loadHigh: u32 = 0;
export function cpuLoad(va: f64, size: u32): u32 {
  const v = cpu.loadValue(addr(va), size);
  loadHigh = <u32>(v >> 32);
  return <u32>v;
}
/** The upper 32 bits of the last 8-byte cpuLoad. */
export function cpuLoadHigh(): u32 {
  return loadHigh;
}
export function cpuStore(va: f64, size: u32, lo: u32, hi: u32): void {
  cpu.storeValue(addr(va), size, (<u64>hi << 32) | lo);
}
export function cpuRead(va: f64, len: u32, dst: usize): bool {
  return cpu.read(addr(va), len, dst);
}
export function cpuWrite(va: f64, len: u32, src: usize): bool {
  return cpu.write(addr(va), len, src);
}
export function cpuFill(va: f64, byte: u32, len: u32): bool {
  return cpu.fill(addr(va), <u8>byte, len);
}
export function cpuCopy(dst: f64, src: f64, len: u32): bool {
  return cpu.copy(addr(dst), addr(src), len);
}
/** 0 if the last CPU operation succeeded, else its fault kind (1 translation, 2 access flag,
 *  3 permission, 4 external abort, 5 domain, 6 alignment). */
export function cpuStatus(): i32 {
  return cpu.status;
}
export function cpuFaultAddress(): f64 {
  return <f64>(<i64>cpu.faultAddress);
}
export function cpuSpend(ps: f64): void {
  cpu.spend(<i64>ps);
}
export function cpuBarrier(): void {
  cpu.barrier();
}
export function cpuMmioWriteSeries(va: f64, first: u32, step: u32, count: u32): bool {
  return cpu.mmioWriteSeries(addr(va), first, step, count);
}

let scratchPtr: usize = 0;
let scratchLen: usize = 0;
/** A host buffer of at least `len` bytes for moving data in and out of the CPU port. */
export function scratch(len: u32): usize {
  if (<usize>len > scratchLen) {
    scratchLen = (<usize>len + 0xffff) & ~0xffff;
    scratchPtr = heap.alloc(scratchLen);
  }
  return scratchPtr;
}

// ---- cache maintenance -------------------------------------------------------------------------

/** op: 0 clean, 1 invalidate, 2 clean+invalidate; every line [va, va+len) touches. */
export function dcacheRange(op: i32, va: f64, len: f64): bool {
  return dc.dcacheRange(op, addr(va), <u64>len);
}
/** DC ZVA of the block holding va. */
export function dcZva(va: f64): bool {
  return dc.dcZva(addr(va));
}

// ---- MMU ---------------------------------------------------------------------------------------

export function mmuSetFormat(format: i32, vaBits: u32): void {
  mmu.setFormat(format, vaBits);
}
export function mmuSetTtbr(which: i32, pa: f64): void {
  mmu.setTtbr(which, addr(pa));
}
export function mmuSetMair(lo: u32, hi: u32): void {
  mmu.setMair((<u64>hi << 32) | lo);
}
export function mmuSetTexRemap(prrr: u32, nmrr: u32): void {
  mmu.setTexRemap(prrr, nmrr);
}
export function mmuSetDacr(v: u32): void {
  mmu.setDacr(v);
}
export function mmuSetAsid(a: u32): void {
  mmu.setAsid(a);
}
export function tlbiAll(): void {
  mmu.tlbiAll();
}
export function tlbiVa(va: f64): void {
  mmu.tlbiVa(addr(va));
}
export function tlbiAsid(a: u32): void {
  mmu.tlbiAsid(a);
}
export function tlbiVaAsid(va: f64, a: u32): void {
  mmu.tlbiVaAsid(addr(va), a);
}
/** Translation as an AT instruction would do it (through the TLB): PA, or -1 on a fault. */
export function mmuTranslate(va: f64, write: bool): f64 {
  cpu.begin();
  const pa = mmu.translate(addr(va), write);
  cpu.finish();
  return pa == mmu.BAD_PA ? -1 : <f64>pa;
}
/** A debugger's table walk (ptdump): bypasses the TLB, costs no time, changes no cache state
 *  and makes no permission checks. PA, or -1 on a fault; the mmuLast* functions describe the
 *  leaf. */
export function mmuWalk(va: f64): f64 {
  W.setQuiet(true);
  const pa = mmu.walk(addr(va));
  W.setQuiet(false);
  if (pa == mmu.BAD_PA) return -1;
  mmu.lastAttr = W.attr;
  return <f64>pa;
}
export function mmuLastAttr(): u32 {
  return mmu.lastAttr;
}
/** log2 of the size of the last walk's mapping (12, 16, 20, 21, 24, 30). */
export function mmuLastSizeLog2(): u32 {
  return W.sizeLog2;
}
/** The last walk's MAIR attribute byte (v8) or TEX remap index (v7). */
export function mmuLastMemAttr(): u32 {
  return W.memAttr;
}
/** The last walk's leaf descriptor, low and high words. */
export function mmuLastDescriptorLo(): u32 {
  return <u32>W.descriptor;
}
export function mmuLastDescriptorHi(): u32 {
  return <u32>(W.descriptor >> 32);
}
export function mmuFaultKind(): i32 {
  return W.faultKind;
}
export function mmuFaultLevel(): i32 {
  return W.faultLevel;
}
export function mmuFaultAddress(): f64 {
  return <f64>(<i64>W.faultVa);
}

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
    case STAT_WALKS: return <f64>mmu.walks;
    case STAT_CPU_LOADS: return <f64>cpu.loads;
    case STAT_CPU_STORES: return <f64>cpu.stores;
    case STAT_CPU_BULK_BYTES: return <f64>cpu.bulkBytes;
    case STAT_DRAM_READ: return <f64>dram.controllerBytesRead(0);
    case STAT_DRAM_WRITTEN: return <f64>dram.controllerBytesWritten(0);
    case STAT_DRAM_REQUESTS: return <f64>dram.controllerRequests(0);
    case STAT_PREFETCH_NEXT_LINE: return <f64>prefetch.nextLineFills;
    case STAT_PREFETCH_SPECULATIVE: return <f64>prefetch.speculativeFills;
    case STAT_WALK_READS: return <f64>H.walkReads;
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

export function pl330Stat(inst: i32, id: i32): f64 {
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
export function traceDisable(): void {
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
