// What in a machine profile the silicon cannot be built from: cache and table geometry the wasm
// model indexes by masking, one line size for both cache levels, the DC ZVA block, the
// non-cacheable access sizes, positive clocks and bandwidths, snoop costs that are not negative. board.ts refuses such a profile
// (BoardError) before it configures the silicon.

import { isWholeIn } from "../whole-number.js";
import type { CacheSpec, MachineProfile } from "./profile.js";

/** The largest cache level dmasim allocates (its tags and data live in the wasm memory beside RAM). */
const MAX_CACHE_BYTES = 64 << 20;

const isPow2 = (n: number) => Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;
const positive = (n: number) => typeof n === "number" && Number.isFinite(n) && n > 0;

function cacheProblem(name: string, c: CacheSpec): string | undefined {
  if (!isWholeIn(c.ways, 1)) return `${name} ways ${c.ways} is not a whole number ≥ 1`;
  // Lines are copied 16 bytes at a time and located by masking (assembly/cache.ts).
  if (!isPow2(c.lineBytes) || c.lineBytes < 16 || c.lineBytes > 128) return `${name} lineBytes ${c.lineBytes} is not a power of two from 16 to 128`;
  if (!isWholeIn(c.sizeBytes, 1, MAX_CACHE_BYTES)) {
    return `${name} sizeBytes ${c.sizeBytes} is not a whole number from 1 to ${MAX_CACHE_BYTES} (64 MiB)`;
  }
  const sets = c.sizeBytes / (c.ways * c.lineBytes);
  if (!isPow2(sets)) {
    return `${name}: ${c.sizeBytes} bytes / (${c.ways} ways × ${c.lineBytes}-byte lines) = ${+sets.toFixed(3)} sets, not a power of two`;
  }
  if (c.replacement !== "lru" && c.replacement !== "random") return `${name} replacement "${c.replacement}" is not "lru" or "random"`;
  return undefined;
}

/** An associative structure indexed by masking: 0 entries (none), or ways × a power of two. */
function tableProblem(name: string, entries: number, ways: number): string | undefined {
  if (entries === 0) return undefined;
  if (!isWholeIn(ways, 1, 255)) return `${name} ways ${ways} is not a whole number from 1 to 255`;
  if (!isPow2(entries / ways)) return `${name}: ${entries} entries / ${ways} ways = ${+(entries / ways).toFixed(3)} sets, not a power of two`;
  return undefined;
}

/** What in a profile the silicon cannot be built from, or undefined. The checks are those the
 *  wasm model relies on (it would trap, hang or index garbage otherwise). */
export function profileProblem(p: MachineProfile): string | undefined {
  const problem =
    cacheProblem("l1d", p.l1d) ??
    (p.l2 ? cacheProblem("l2", p.l2) : undefined) ??
    tableProblem("tlb", p.tlb.entries, p.tlb.ways) ??
    tableProblem("walk cache", p.walk.cacheEntries, p.walk.cacheWays);
  if (problem) return problem;
  if (p.l2 && p.l2.lineBytes !== p.l1d.lineBytes) {
    return `L1 and L2 line sizes differ (${p.l1d.lineBytes} / ${p.l2.lineBytes}); the model needs one line size`;
  }
  if (!isWholeIn(p.tlb.entries, 0)) return `tlb entries ${p.tlb.entries} is not a whole number ≥ 0`;
  if (!isWholeIn(p.walk.cacheEntries, 0)) return `walk cache entries ${p.walk.cacheEntries} is not a whole number ≥ 0`;
  // DCZID_EL0.BS: 4 << BS bytes; the model zeroes whole lines.
  const zva = p.cpu.zvaBytes;
  if (zva !== 0 && (!isPow2(zva) || zva < p.l1d.lineBytes || zva > 2048)) {
    return `cpu zvaBytes ${zva} is not 0 or a power of two from the line size (${p.l1d.lineBytes}) to 2048`;
  }
  if (!isPow2(p.cpu.ncReadBytes) || !isPow2(p.cpu.ncWriteBytes)) {
    return `cpu ncReadBytes ${p.cpu.ncReadBytes} / ncWriteBytes ${p.cpu.ncWriteBytes} are not both powers of two`;
  }
  for (const [name, v] of [["cpu snoopLookupCycles", p.cpu.snoopLookupCycles], ["cpu snoopHitCycles", p.cpu.snoopHitCycles]] as const) {
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) return `${name} ${v} is not a number ≥ 0`;
  }
  for (const [name, v] of [["cpu clockMHz", p.cpu.clockMHz], ["dram bandwidthMBps", p.dram.bandwidthMBps],
    ["sram bandwidthMBps", p.sram.bandwidthMBps], ["dmac axiClockMHz", p.dmac.axiClockMHz]] as const) {
    if (!positive(v)) return `${name} ${v} is not a positive number`;
  }
  return undefined;
}
