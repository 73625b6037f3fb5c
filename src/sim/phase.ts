// Measuring a phase of a scenario in simulated time.

import type { System } from "../system.js";
import { mbPerSec } from "../units.js";

export interface PhaseResult {
  name: string;
  bytes: number;
  timePs: number;
  cpuCycles: number;
  mbPerSec: number;
  /** Of timePs: DMA cache maintenance (proportional to the range maintained). */
  maintenancePs: number;
  /** Of timePs: swiotlb bounce copies (proportional to the bytes bounced). */
  bouncePs: number;
  bouncedBytes: number;
  /** Cache accesses during the phase, per level. */
  cache: { l1Hits: number; l1Misses: number; l2Hits: number; l2Misses: number };
}

export function measure(system: System, name: string, bytes: number, fn: () => void): PhaseResult {
  const dma = system.kernel.dma.time;
  const before = dma.snapshot();
  const c0 = system.machine.backdoor.stats();
  const t0 = system.now();
  system.kernel.tracer.span(name, fn, bytes);
  const timePs = system.now() - t0;
  const d = dma.since(before);
  const c1 = system.machine.backdoor.stats();
  return {
    name,
    bytes,
    timePs,
    cpuCycles: Math.round(system.machine.cpuCycles(timePs)),
    mbPerSec: Math.round(mbPerSec(bytes, timePs) * 10) / 10,
    maintenancePs: d.maintenancePs,
    bouncePs: d.bouncePs,
    bouncedBytes: d.bouncedBytes,
    cache: {
      l1Hits: c1.l1.hits - c0.l1.hits,
      l1Misses: c1.l1.misses - c0.l1.misses,
      l2Hits: c1.l2.hits - c0.l2.hits,
      l2Misses: c1.l2.misses - c0.l2.misses,
    },
  };
}

/** Marsaglia's xorshift32 (13, 17, 5), seeded with seed × 0x9e3779b1 (never 0). */
function seedState(seed: number): number {
  return Math.imul(seed, 0x9e3779b1) >>> 0 || 1;
}

/** A deterministic byte pattern (never all one value, so misplaced bytes show): the low byte of
 *  each xorshift32 step. */
export function pattern(len: number, seed = 1): Uint8Array {
  const out = new Uint8Array(len);
  let x = seedState(seed);
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A pattern for buffers too large to hold on the host, a piece at a time: successive next(n)
 *  calls continue it. Each xorshift32 step gives four bytes (the word, in the host's byte order),
 *  not one as in pattern(): the steps depend on each other, and at a byte per step writing and
 *  checking 16 MiB cost a sweep job 60 ms. Every piece but the last must be a multiple of 4
 *  bytes long; `into` must be word-aligned, with room for n rounded up to a word. */
export class PatternStream {
  private x: number;

  constructor(seed = 1) {
    this.x = seedState(seed);
  }

  next(n: number, into = new Uint8Array((n + 3) & ~3)): Uint8Array {
    const nwords = (n + 3) >>> 2;
    if (into.byteOffset % 4 !== 0 || into.length < nwords * 4) {
      throw new RangeError(`PatternStream.next(${n}) needs a word-aligned buffer of ${nwords * 4} bytes`);
    }
    const words = new Uint32Array(into.buffer, into.byteOffset, nwords);
    let x = this.x;
    for (let w = 0; w < nwords; w++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[w] = x;
    }
    this.x = x;
    return into.subarray(0, n);
  }
}

/** How many bytes differ between a and b (bytes one has beyond the other's end count too). */
export function countDifferent(a: Uint8Array, b: Uint8Array): number {
  const len = Math.min(a.length, b.length);
  let n = Math.abs(a.length - b.length);
  let i = 0;
  // Four bytes per compare where both views are word-aligned: a 16 MiB check is a sweep job's
  // largest host cost after the simulation itself. Bytes are counted only in differing words.
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = len >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) {
      if (wa[w] !== wb[w]) for (let k = w * 4; k < w * 4 + 4; k++) if (a[k] !== b[k]) n++;
    }
    i = words * 4;
  }
  for (; i < len; i++) if (a[i] !== b[i]) n++;
  return n;
}
