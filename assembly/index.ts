// The chip's pins: the wasm module's only exports, as flat functions grouped by who uses them
// on real hardware; those that look at the chip rather than drive it are in index-inspection.ts.
// Addresses cross the boundary as f64 (boundary.ts).

import * as time from "./time";
import * as dram from "./dram";
import * as irq from "./irq";
import * as gicDist from "./gic-dist";
import * as H from "./hierarchy";
import * as mmu from "./mmu";
import * as W from "./walk";
import * as V8 from "./walk-v8";
import * as cpu from "./cpu";
import * as dc from "./dc-ops";
import * as prefetch from "./prefetch";
import * as sched from "./scheduler";
import * as machine from "./machine";
import { configureSnoop as setSnoopCosts } from "./snoop";
import { pl330s } from "./devices";
import { addr, exactAddr } from "./boundary";

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
/** What a coherent DMA port's snoop of the CPU's caches costs per line: a lookup that misses,
 *  a hit answered from a cache (snoop.ts). */
export function configureSnoop(lookupPs: f64, hitPs: f64): void {
  setSnoopCosts(<i64>lookupPs, <i64>hitPs);
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
/** A window of the DMAC's bus `dma-ranges` (dma-windows.ts): bus addresses
 *  [dmaStart, dmaStart+size) reach the memory map at cpuStart. Once a DMAC has one, its bus
 *  addresses outside every window are decode errors. False when its table is full. */
export function addPl330DmaWindow(inst: i32, dmaStart: f64, cpuStart: f64, size: f64): bool {
  return pl330s[inst].addWindow(addr(dmaStart), addr(cpuStart), addr(size));
}
/** The GIC distributor's GICD_TYPER as the SoC was built (gic-dist.ts): how many interrupt IDs
 *  have lines. */
export function configureGic(typer: u32): void {
  gicDist.configure(typer);
}
/** Maps the distributor's registers at base (-1: the address map is full). */
export function addGicDistributor(base: f64, size: f64): i32 {
  return machine.createGicDistributor(addr(base), addr(size));
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

/** What the kernel's dispatcher sees when it looks now, after the CPU's last operation. */
export function irqFirstPending(): i32 {
  return sched.pendingAt(time.now);
}
export function irqLevel(line: i32): bool {
  return sched.levelAt(line, time.now);
}
export function irqSetEnabled(line: i32, on: bool): void {
  irq.setEnabled(line, on);
}
/** A distributor register read by the kernel's GIC driver at init (GICD_TYPER), untimed as
 *  irqSetEnabled is: the same register a CPU load from the distributor's window reads, timed. */
export function irqDistributorRead(offset: u32): u32 {
  return gicDist.read(offset);
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
/** An 8-byte load of a value that fits a number exactly (a kernel pointer or a DMA address),
 *  as the signed value of its bit pattern, or NaN if it faulted or `va` is no address: one
 *  crossing where cpuLoad, cpuStatus and cpuLoadHigh take three on hot kernel paths such as
 *  dma_pool's free list. */
export function cpuLoad64n(va: f64): f64 {
  if (!exactAddr(va)) return NaN;
  const v = cpu.loadValue(addr(va), 8);
  return cpu.status != 0 ? NaN : <f64>(<i64>v);
}
/** The store counterpart of cpuLoad64n (the value's two's-complement bits); false if it faulted
 *  or `va` is no address. */
export function cpuStore64n(va: f64, value: f64): bool {
  if (!exactAddr(va)) return false;
  cpu.storeValue(addr(va), 8, <u64>(<i64>value));
  return cpu.status == 0;
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
export function cpuDmb(): void {
  cpu.dmb();
}
/** The privilege of the CPU's accesses from now on: 1 EL0 / PL0 (a user process runs), 0 EL1 /
 *  PL1 (the kernel runs: the reset state). */
export function cpuSetUnprivileged(on: u32): void {
  mmu.setUnprivileged(on != 0);
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

export * from "./index-inspection";
