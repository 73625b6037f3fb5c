// The CPU's speculation as the caches see it: a next-line prefetcher that follows demand misses,
// and speculative loads near recent accesses (an out-of-order or mispredicted path touching a
// neighbour). ARMv7 and ARMv8 allow both on any Normal cacheable memory, which is why Linux
// invalidates a DMA_FROM_DEVICE buffer again when the device is done (spec mmu-cache §4.4): with
// this on, a driver that invalidates only before the transfer reads stale lines after it.
//
// Deterministic: the choice of line comes from a counter and an LFSR reset with the machine, so
// the same program gives the same fills. Hardware prefetchers do not cross a 4 KB page (they see
// physical addresses and know nothing of the next page's mapping), and neither does this one.

import * as H from "./hierarchy";
import { prefetchL1 } from "./line-policies";

/** Next-line prefetch on every demand miss and on the first use of a prefetched line (a tagged
 *  prefetcher: a stream keeps one line ahead of the CPU). */
export let nextLine: bool = false;
/** One speculative touch every `specEvery` demand line accesses (0 = off)... */
export let specEvery: u32 = 0;
/** ...of a line within ±specWindow lines of one of the last RECENT lines accessed. */
export let specWindow: u32 = 0;
export let active: bool = false;

const RECENT: i32 = 4;
const recent = new StaticArray<u64>(RECENT);
let recentIdx: i32 = 0;
let counter: u32 = 0;
let lfsr: u32 = 0xB400;

export let nextLineFills: u64 = 0;
export let speculativeFills: u64 = 0;

export function configure(next: bool, every: u32, window: u32): void {
  nextLine = next;
  specEvery = every;
  specWindow = window;
  active = next || (every > 0 && window > 0);
  reset();
}

export function reset(): void {
  for (let i = 0; i < RECENT; i++) unchecked((recent[i] = H.INVALID));
  recentIdx = 0;
  counter = 0;
  lfsr = 0xB400;
  nextLineFills = 0;
  speculativeFills = 0;
}

@inline function samePage(a: u64, b: u64): bool {
  return (a << H.lineShift) >> 12 == (b << H.lineShift) >> 12;
}

function step(): u32 {
  // 16-bit Galois LFSR, polynomial 0xB400 (maximal length).
  const lsb = lfsr & 1;
  lfsr >>= 1;
  if (lsb) lfsr ^= 0xB400;
  return lfsr;
}

/** Called by the CPU port after each demand access to a line of Normal cacheable memory, once
 *  the access has used the line (a fill here may evict it). `trigger`: hierarchy.lastTrigger. */
export function observe(line: u64, trigger: bool): void {
  if (trigger && nextLine) {
    const next = line + 1;
    if (samePage(next, line) && prefetchL1(next)) nextLineFills++;
  }
  if (specEvery == 0 || specWindow == 0) return;
  unchecked((recent[recentIdx] = line));
  recentIdx = (recentIdx + 1) & (RECENT - 1);
  if (++counter < specEvery) return;
  counter = 0;
  const r = step();
  const base = unchecked(recent[<i32>(r & (RECENT - 1))]);
  if (base == H.INVALID) return;
  const span = specWindow * 2;
  let d = <i64>((r >> 2) % span) - <i64>specWindow;
  if (d >= 0) d++; // never the line itself
  const target = <u64>(<i64>base + d);
  if (samePage(target, base) && prefetchL1(target)) speculativeFills++;
}
