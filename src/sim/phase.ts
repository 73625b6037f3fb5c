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

/** A deterministic byte pattern (never all one value, so misplaced bytes show). */
export function pattern(len: number, seed = 1): Uint8Array {
  const out = new Uint8Array(len);
  let x = (seed * 0x9e3779b1) >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function countDifferent(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
