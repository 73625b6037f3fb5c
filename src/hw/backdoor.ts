// The backdoor of a machine: untimed physical access beneath the caches, the counters, and the
// cache-line view of a buffer — for loaders, tests and reports. Kernel code never uses it.

import type { SiliconExports } from "./exports.js";
import { STAT, PL330_STAT } from "./exports.js";
import type { PhysAddr, VirtAddr } from "./address.js";
import type { CacheLineInfo, CacheLineSummary, LineState } from "./cache-lines.js";

const LINE_STATES: LineState[] = ["invalid", "clean", "dirty", "dirty"];

export interface CacheStats {
  hits: number;
  misses: number;
  writebacks: number;
  evictions: number;
}

export interface MachineStats {
  l1: CacheStats;
  l2: CacheStats;
  /** walks: every table walk; descriptorReads: their memory reads, descriptorCacheHits of them
   *  served by L1 or L2; walkCacheHits: walks that started below the top level (A53). */
  tlb: {
    hits: number; misses: number; walks: number; descriptorReads: number; descriptorCacheHits: number;
    walkCacheHits: number;
  };
  prefetch: { nextLine: number; speculative: number };
  cpu: { loads: number; stores: number; bulkBytes: number };
  dram: { bytesRead: number; bytesWritten: number; requests: number };
  sram: { bytesRead: number; bytesWritten: number };
}

export interface DmacStats {
  instructions: number;
  bytesRead: number;
  bytesWritten: number;
  readBursts: number;
  writeBursts: number;
  icacheMisses: number;
  mfifoPeakBytes: number;
  readBusyPs: number;
  writeBusyPs: number;
}

/** Untimed physical access and counters, beneath the caches. */
export class Backdoor {
  constructor(
    private readonly x: SiliconExports,
    private readonly lineBytes: number,
  ) {}

  read(pa: PhysAddr, len: number): Uint8Array {
    const p = this.x.scratch(len) >>> 0;
    if (!this.x.physRead(pa, len, p)) throw new RangeError(`backdoor read of ${len} bytes at PA 0x${pa.toString(16)}: not RAM`);
    return new Uint8Array(this.x.memory.buffer, p, len).slice();
  }

  write(pa: PhysAddr, bytes: Uint8Array): void {
    const p = this.x.scratch(bytes.length) >>> 0;
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes);
    if (!this.x.physWrite(pa, bytes.length, p)) throw new RangeError(`backdoor write of ${bytes.length} bytes at PA 0x${pa.toString(16)}: not RAM`);
  }

  /** 0 not cached, 1 clean, 2 dirty; +4 when the cached data differs from DRAM. */
  lineState(level: 1 | 2, pa: PhysAddr): number {
    return this.x.cacheLineState(level, pa);
  }

  stats(): MachineStats {
    const s = (id: number) => this.x.stat(id);
    return {
      l1: { hits: s(STAT.l1Hits), misses: s(STAT.l1Misses), writebacks: s(STAT.l1Writebacks), evictions: s(STAT.l1Evictions) },
      l2: { hits: s(STAT.l2Hits), misses: s(STAT.l2Misses), writebacks: s(STAT.l2Writebacks), evictions: s(STAT.l2Evictions) },
      tlb: {
        hits: s(STAT.tlbHits), misses: s(STAT.tlbMisses), walks: s(STAT.walks),
        descriptorReads: s(STAT.walkReads), descriptorCacheHits: s(STAT.descriptorCacheHits),
        walkCacheHits: s(STAT.walkCacheHits),
      },
      prefetch: { nextLine: s(STAT.prefetchNextLine), speculative: s(STAT.prefetchSpeculative) },
      cpu: { loads: s(STAT.cpuLoads), stores: s(STAT.cpuStores), bulkBytes: s(STAT.cpuBulkBytes) },
      dram: { bytesRead: s(STAT.dramRead), bytesWritten: s(STAT.dramWritten), requests: s(STAT.dramRequests) },
      sram: { bytesRead: s(STAT.sramRead), bytesWritten: s(STAT.sramWritten) },
    };
  }

  /** Every line of [va, va+len) in L1 and L2: valid, dirty, and whether it differs from DRAM.
   *  Translation is an untimed walk; nothing in the machine changes. */
  cacheLines(va: VirtAddr, len: number): CacheLineInfo[] {
    if (len <= 0) return [];
    const lineBytes = this.lineBytes;
    const lines = Math.floor((((va % lineBytes) + lineBytes) % lineBytes + len - 1) / lineBytes) + 1;
    const p = this.x.scratch(lines) >>> 0;
    const n = this.x.cacheLines(va, len, p);
    const b = new Uint8Array(this.x.memory.buffer, p, n).slice();
    const first = va - (((va % lineBytes) + lineBytes) % lineBytes);
    return Array.from(b, (v, i) => ({
      va: i === 0 ? va : first + i * lineBytes,
      mapped: (v & 64) === 0,
      l1: LINE_STATES[v & 3],
      l2: LINE_STATES[(v >> 3) & 3],
      l1DiffersFromDram: (v & 4) !== 0,
      l2DiffersFromDram: (v & 32) !== 0,
    }));
  }

  /** Counts over cacheLines(va, len). */
  cacheLineSummary(va: VirtAddr, len: number): CacheLineSummary {
    const sum: CacheLineSummary = { lines: 0, l1Valid: 0, l1Dirty: 0, l2Valid: 0, l2Dirty: 0, differFromDram: 0, unmapped: 0 };
    for (const l of this.cacheLines(va, len)) {
      sum.lines++;
      if (!l.mapped) sum.unmapped++;
      if (l.l1 !== "invalid") sum.l1Valid++;
      if (l.l1 === "dirty") sum.l1Dirty++;
      if (l.l2 !== "invalid") sum.l2Valid++;
      if (l.l2 === "dirty") sum.l2Dirty++;
      if (l.l1 !== "invalid" ? l.l1DiffersFromDram : l.l2DiffersFromDram) sum.differFromDram++;
    }
    return sum;
  }

  /** A cold start of the caches: every line invalid (dirty data discarded), counters zeroed. */
  resetCaches(): void {
    this.x.resetCaches();
  }

  dmacStats(inst: number): DmacStats {
    const s = (id: number) => this.x.pl330Stat(inst, id);
    return {
      instructions: s(PL330_STAT.instructions),
      bytesRead: s(PL330_STAT.bytesRead),
      bytesWritten: s(PL330_STAT.bytesWritten),
      readBursts: s(PL330_STAT.readBursts),
      writeBursts: s(PL330_STAT.writeBursts),
      icacheMisses: s(PL330_STAT.icacheMisses),
      mfifoPeakBytes: s(PL330_STAT.mfifoPeak),
      readBusyPs: s(PL330_STAT.rBusyPs),
      writeBusyPs: s(PL330_STAT.wBusyPs),
    };
  }
}
