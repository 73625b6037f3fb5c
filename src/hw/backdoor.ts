// The backdoor of a machine: untimed physical access beneath the caches, the counters, and the
// cache-line view of a buffer — for loaders, tests and reports. Kernel code never uses it.

import type { SiliconExports } from "./exports.js";
import { STAT, PL330_STAT } from "./exports.js";
import { checkPhysArg, checkVirtArg, type PhysAddr, type VirtAddr } from "./address.js";
import { isWholeIn } from "../whole-number.js";
import type { CacheLineInfo, CacheLineSummary, LineState } from "./cache-lines.js";

const LINE_STATES: LineState[] = ["invalid", "clean", "dirty", "dirty"];

/** Lines per cacheLines call into the silicon. */
const LINES_PER_CALL = 1 << 20;

/** The most lines one query may cover (the silicon counts them in 32 bits): 128 GiB of 32-byte
 *  lines, more than the linear map of any board holds. */
const MAX_LINES = 2 ** 32 - 1;

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
  /** loads / stores: single accesses (load, store, load64n, …); bulkBytes: bytes moved by read,
   *  write and fill (copy counts both sides), never those of a single access. */
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
    checkPhysArg("backdoor.read", pa);
    // The silicon counts bytes in 32 bits: a NaN, fractional or larger length would wrap.
    if (!isWholeIn(len, 0, 2 ** 32 - 1)) throw new RangeError(`backdoor.read: length ${len} is not a whole number of bytes from 0 to 2^32 - 1`);
    const p = this.x.scratch(len) >>> 0;
    if (!this.x.physRead(pa, len, p)) throw new RangeError(`backdoor read of ${len} bytes at PA 0x${pa.toString(16)}: not RAM`);
    return new Uint8Array(this.x.memory.buffer, p, len).slice();
  }

  write(pa: PhysAddr, bytes: Uint8Array): void {
    checkPhysArg("backdoor.write", pa);
    const p = this.x.scratch(bytes.length) >>> 0;
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes);
    if (!this.x.physWrite(pa, bytes.length, p)) throw new RangeError(`backdoor write of ${bytes.length} bytes at PA 0x${pa.toString(16)}: not RAM`);
  }

  /** 0 not cached, 1 clean, 2 dirty; +4 when the cached data differs from DRAM. */
  lineState(level: 1 | 2, pa: PhysAddr): number {
    checkPhysArg("backdoor.lineState", pa);
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
    const out: CacheLineInfo[] = [];
    const lineBytes = this.lineBytes;
    this.lineStates("cacheLines", va, len, (states, first) => {
      for (let i = 0; i < states.length; i++) {
        const v = states[i];
        out.push({
          va: out.length === 0 ? va : first + i * lineBytes,
          mapped: (v & 64) === 0,
          l1: LINE_STATES[v & 3],
          l2: LINE_STATES[(v >> 3) & 3],
          l1DiffersFromDram: (v & 4) !== 0,
          l2DiffersFromDram: (v & 32) !== 0,
        });
      }
    });
    return out;
  }

  /** Counts over cacheLines(va, len), without making an object per line. */
  cacheLineSummary(va: VirtAddr, len: number): CacheLineSummary {
    const sum: CacheLineSummary = { lines: 0, l1Valid: 0, l1Dirty: 0, l2Valid: 0, l2Dirty: 0, differFromDram: 0, unmapped: 0 };
    this.lineStates("cacheLineSummary", va, len, (states) => {
      for (const v of states) {
        const l1 = v & 3;
        const l2 = (v >> 3) & 3;
        sum.lines++;
        if (v & 64) sum.unmapped++;
        if (l1) sum.l1Valid++;
        if (l1 & 2) sum.l1Dirty++;
        if (l2) sum.l2Valid++;
        if (l2 & 2) sum.l2Dirty++;
        if (l1 ? v & 4 : v & 32) sum.differFromDram++;
      }
    });
    return sum;
  }

  /** The silicon's state byte of every line of [va, va+len), handed to `each` a piece at a time
   *  with the address of the piece's first line: the scratch buffer (one byte a line, and it only
   *  grows) stays small however long the range. */
  private lineStates(fn: string, va: VirtAddr, len: number, each: (states: Uint8Array, first: VirtAddr) => void): void {
    checkVirtArg(fn, va);
    if (!Number.isSafeInteger(len)) throw new RangeError(`${fn}: length ${len} is not a whole number of bytes`);
    if (len <= 0) return;
    const lineBytes = this.lineBytes;
    const lineOf = (a: VirtAddr) => a - (((a % lineBytes) + lineBytes) % lineBytes);
    const lines = (lineOf(va + len - 1) - lineOf(va)) / lineBytes + 1;
    if (!Number.isSafeInteger(va + len) || lines > MAX_LINES) {
      throw new RangeError(`${fn}: ${len} bytes span ${lines} lines of ${lineBytes} bytes, more than the ${MAX_LINES} one query may cover`);
    }
    const end = va + len;
    for (let at = va; at < end; ) {
      const first = lineOf(at);
      const next = Math.min(end, first + LINES_PER_CALL * lineBytes);
      const n = Math.ceil((next - first) / lineBytes);
      const p = this.x.scratch(n) >>> 0;
      const got = this.x.cacheLines(at, next - at, p);
      each(new Uint8Array(this.x.memory.buffer, p, got), first);
      at = next;
    }
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

  /** A PL330 register (offset in its 4 KB window) as the CPU would read it, untimed. */
  pl330Register(inst: number, off: number): number {
    return this.x.pl330Register(inst, off) >>> 0;
  }

  /** The peripheral model (its `index`) wired to request line `line` of PL330 `inst`, or -1:
   *  the SoC's wiring as the silicon holds it, not what a device tree's `dmas` say. */
  pl330RequestPeripheral(inst: number, line: number): number {
    return this.x.pl330RequestPeripheral(inst, line);
  }
}
