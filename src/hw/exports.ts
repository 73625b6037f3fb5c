// The pins of the chip as TypeScript sees them: the wasm module's exports (assembly/index.ts).
// Addresses are f64: physical addresses are exact below 2^53; 64-bit kernel virtual addresses
// travel as their signed value (see address.ts). u32 results arrive as signed i32 and must be
// read with `>>> 0` where the sign matters. A test checks this list against the module.

export interface SiliconExports {
  readonly memory: WebAssembly.Memory;

  // machine
  configureMemController(id: number, latencyPs: number, psPerKiB: number): void;
  addRam(base: number, size: number, controller: number): number;
  configureCaches(l1Size: number, l1Ways: number, line: number, l1Repl: number,
    l2Size: number, l2Ways: number, l2Repl: number, pocLevels: number): void;
  configureCacheCosts(l1HitPs: number, l2HitPs: number, maintPs: number, outstanding: number): void;
  configureTlb(sets: number, ways: number, missPs: number): void;
  configureCpu(cyclePs: number, mmioPs: number, ncIssuePs: number, ncReadBytes: number,
    ncWriteBytes: number, writeSlots: number): void;
  addPl330(base: number, size: number, channels: number, periph: number, events: number,
    widthBits: number, depth: number, rdCap: number, wrCap: number, rdQ: number, wrQ: number,
    icLines: number, icLineBytes: number, revision: number, mgrNs: number, irqNs: number,
    periphNs: number, cyclePs: number, coherent: number, deviceLatencyPs: number): number;
  wirePl330Irq(inst: number, event: number, line: number): void;
  wirePl330Abort(inst: number, line: number): void;
  addPl330DmaWindow(inst: number, dmaStart: number, cpuStart: number, size: number): number;
  addPl310(base: number, size: number, latencyPs: number): number;
  configureGic(typer: number): void;
  addGicDistributor(base: number, size: number): number;
  configureWalks(allocateL2: number): void;
  configureWalkCache(entries: number, ways: number): void;
  configurePrefetch(nextLine: number, every: number, window: number): void;
  configureZva(bytes: number): void;
  configureSnoop(lookupPs: number, hitPs: number): void;
  resetCaches(): void;
  setPl330Option(inst: number, option: number, value: number): number;

  // DMA peripherals
  addTxFifo(base: number, size: number, depth: number, charPs: number, burstBytes: number, logBytes: number): number;
  addRxStream(base: number, size: number, periodPs: number, sampleBytes: number, depthSamples: number,
    burstBytes: number, total: number): number;
  wirePeripheral(periph: number, dmac: number, line: number): number;

  // time
  now(): number;
  waitForInterrupt(limitPs: number): number;
  advanceTo(t: number): void;
  nextDeviceEvent(): number;

  // interrupts
  irqFirstPending(): number;
  irqLevel(line: number): number;
  irqSetEnabled(line: number, on: number): void;
  irqDistributorRead(offset: number): number;

  // CPU port
  cpuLoad(va: number, size: number): number;
  cpuLoadHigh(): number;
  cpuStore(va: number, size: number, lo: number, hi: number): void;
  /** NaN when the load faulted. */
  cpuLoad64n(va: number): number;
  /** 0 when the store faulted. */
  cpuStore64n(va: number, value: number): number;
  cpuRead(va: number, len: number, dst: number): number;
  cpuWrite(va: number, len: number, src: number): number;
  cpuFill(va: number, byte: number, len: number): number;
  cpuCopy(dst: number, src: number, len: number): number;
  cpuStatus(): number;
  cpuFaultAddress(): number;
  cpuSpend(ps: number): void;
  cpuBarrier(): void;
  cpuDmb(): void;
  cpuSetUnprivileged(on: number): void;
  cpuMmioWriteSeries(va: number, first: number, step: number, count: number): number;
  /** A usize: wasm hands i32 results to JS signed, so a pointer above 2 GiB (RAM of 2 GiB or
   *  more lives below it) reads negative; callers take it `>>> 0`. */
  scratch(len: number): number;

  // cache maintenance
  dcacheRange(op: number, va: number, len: number): number;
  dcZva(va: number): number;

  // MMU
  mmuSetFormat(format: number, vaBits: number): void;
  mmuSetTtbr(which: number, pa: number): void;
  mmuSetMair(lo: number, hi: number): void;
  mmuSetTexRemap(prrr: number, nmrr: number): void;
  mmuSetDacr(v: number): void;
  mmuSetAsid(a: number): void;
  tlbiAll(): void;
  tlbiVa(va: number): void;
  tlbiAsid(a: number): void;
  tlbiVaAsid(va: number, a: number): void;
  mmuTranslate(va: number, write: number): number;
  mmuWalk(va: number): number;
  mmuLastAttr(): number;
  mmuLastSizeLog2(): number;
  mmuLastMemAttr(): number;
  mmuLastDescriptorLo(): number;
  mmuLastDescriptorHi(): number;
  mmuFaultKind(): number;
  mmuFaultLevel(): number;
  mmuFaultAddress(): number;

  // trace
  traceEnable(records: number): void;
  traceDisable(): void;
  traceBuffer(): number;
  traceRecorded(): number;
  traceDropped(): number;
  traceReset(): void;

  // handing the memory on (memory-reuse.ts)
  memoryHeapTop(): number;
  memoryWrittenPages(): number;
  memoryRegionCount(): number;
  memoryRamHost(i: number): number;
  memoryRegionBytes(i: number): number;

  // backdoor
  physRead(pa: number, len: number, dst: number): number;
  physWrite(pa: number, len: number, src: number): number;
  cacheLineState(level: number, pa: number): number;
  cacheLines(va: number, len: number, dst: number): number;
  stat(id: number): number;
  pl330Stat(inst: number, id: number): number;
  pl330Register(inst: number, off: number): number;
  pl330RequestPeripheral(inst: number, line: number): number;
  pl310LineOps(inst: number): number;
  pl310Syncs(inst: number): number;
  peripheralStat(inst: number, id: number): number;
  peripheralLog(inst: number, from: number, dst: number, max: number): number;
  /** Books DRAM bus time directly (mode 0/1 memAccess read/write, 2/3 the PL330's stream port). */
  dramBook(controller: number, t: number, bytes: number, mode: number): number;

  // benchmark kernels (bench/cache.ts, bench/mmu.ts)
  benchCacheTraceGenerate(n: number): void;
  benchCacheTraceReplay(from: number, count: number): void;
  benchPtwBuildTables(): number;
  benchPtwStreamsGenerate(n: number): void;
  benchPtwTranslateReplay(stream: number, from: number, count: number): void;
  benchPtwCheck(which: number): number;
}

/** Names the module must export (checked by test/hw/exports.test.ts). */
export const SILICON_FUNCTIONS: readonly (keyof SiliconExports)[] = [
  "configureMemController", "addRam", "configureCaches", "configureCacheCosts", "configureTlb",
  "configureCpu", "addPl330", "wirePl330Irq", "wirePl330Abort", "addPl330DmaWindow", "addPl310",
  "configureGic", "addGicDistributor",
  "configureWalks", "configureWalkCache", "configurePrefetch", "configureZva", "configureSnoop", "resetCaches",
  "setPl330Option", "addTxFifo", "addRxStream", "wirePeripheral",
  "now", "waitForInterrupt", "advanceTo", "nextDeviceEvent",
  "irqFirstPending", "irqLevel", "irqSetEnabled", "irqDistributorRead",
  "cpuLoad", "cpuLoadHigh", "cpuStore", "cpuLoad64n", "cpuStore64n", "cpuRead", "cpuWrite", "cpuFill", "cpuCopy", "cpuStatus",
  "cpuFaultAddress", "cpuSpend", "cpuBarrier", "cpuDmb", "cpuSetUnprivileged", "cpuMmioWriteSeries", "scratch",
  "dcacheRange", "dcZva",
  "mmuSetFormat", "mmuSetTtbr", "mmuSetMair", "mmuSetTexRemap", "mmuSetDacr", "mmuSetAsid",
  "tlbiAll", "tlbiVa", "tlbiAsid", "tlbiVaAsid", "mmuTranslate", "mmuWalk", "mmuLastAttr",
  "mmuLastSizeLog2", "mmuLastMemAttr", "mmuLastDescriptorLo", "mmuLastDescriptorHi",
  "mmuFaultKind", "mmuFaultLevel", "mmuFaultAddress",
  "traceEnable", "traceDisable", "traceBuffer", "traceRecorded", "traceDropped", "traceReset",
  "memoryHeapTop", "memoryWrittenPages", "memoryRegionCount", "memoryRamHost", "memoryRegionBytes",
  "physRead", "physWrite", "cacheLineState", "cacheLines", "stat", "pl330Stat", "pl330Register", "pl330RequestPeripheral", "pl310LineOps", "pl310Syncs",
  "benchCacheTraceGenerate", "benchCacheTraceReplay", "benchPtwBuildTables", "benchPtwStreamsGenerate",
  "benchPtwTranslateReplay", "benchPtwCheck",
  "peripheralStat", "peripheralLog", "dramBook",
];

// Statistic ids (assembly/index.ts STAT_*).
export const STAT = {
  l1Hits: 0, l1Misses: 1, l1Writebacks: 2, l1Evictions: 3,
  l2Hits: 4, l2Misses: 5, l2Writebacks: 6, l2Evictions: 7,
  tlbHits: 8, tlbMisses: 9, walks: 10,
  cpuLoads: 11, cpuStores: 12, cpuBulkBytes: 13,
  dramRead: 14, dramWritten: 15, dramRequests: 16,
  prefetchNextLine: 17, prefetchSpeculative: 18, walkReads: 19, descriptorCacheHits: 20,
  sramRead: 21, sramWritten: 22, walkCacheHits: 23,
} as const;

export const PL330_STAT = {
  instructions: 0, bytesRead: 1, bytesWritten: 2, readBursts: 3, writeBursts: 4,
  icacheMisses: 5, mfifoPeak: 6, rBusyPs: 7, wBusyPs: 8, icacheHits: 9,
} as const;

/** setPl330Option ids (assembly/machine.ts PL330_OPT_*). */
export const PL330_OPT = { boot: 0, watchdogCycles: 1, checkChannelProt: 2, unwiredRequestsIdle: 3 } as const;

/** peripheralStat ids (assembly/peripherals/peripheral.ts). */
export const PERIPH_STAT = {
  transferred: 0, overruns: 1, level: 2, requests: 3, acks: 4, flushes: 5, dmaBytes: 6, underruns: 7, underrunBytes: 8,
} as const;
