// The cache-line view of a buffer (Backdoor.cacheLines): per line, its state in each cache level
// and whether the cached bytes differ from DRAM.

import type { VirtAddr } from "./address.js";

export type LineState = "invalid" | "clean" | "dirty";

/** One cache line of a buffer, as a debugger sees it. */
export interface CacheLineInfo {
  /** Address of the line's first byte (the buffer's start for the first line). */
  va: VirtAddr;
  /** False when the line has no translation or is not RAM. */
  mapped: boolean;
  l1: LineState;
  l2: LineState;
  /** The cached copy's bytes differ from DRAM's (a dirty line written, or DRAM changed under a
   *  clean line by a non-coherent master). */
  l1DiffersFromDram: boolean;
  l2DiffersFromDram: boolean;
}

export interface CacheLineSummary {
  lines: number;
  l1Valid: number;
  l1Dirty: number;
  l2Valid: number;
  l2Dirty: number;
  /** Lines whose newest cached copy differs from DRAM: what a non-coherent device would miss,
   *  or what the CPU would read instead of what a device wrote. */
  differFromDram: number;
  unmapped: number;
}
