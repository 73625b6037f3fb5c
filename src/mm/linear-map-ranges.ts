// What RAM the linear map covers: the memory banks without their /reserved-memory no-map
// regions, cut into the pieces the page tables can map, and the two questions the DMA layer asks
// about it (where linear-mapped RAM ends, whether a range is System RAM). arm maps 1 MB sections, and a 2 MB pair
// of them shares one pte table, so in a pair where some piece is not MB aligned every piece is
// cut into pages (alloc_init_pte for the whole pmd).

import type { Range } from "./memblock.js";
import { PAGE_SIZE } from "./gfp.js";

const MB = 2 ** 20;

/** The banks less the no-map ranges (sorted by base). */
function withoutNomap(memory: readonly Range[], nomap: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const bank of memory) {
    let cur = bank.base;
    const end = bank.base + bank.size;
    for (const r of nomap) {
      if (r.base + r.size <= cur || r.base >= end) continue;
      if (r.base > cur) out.push({ base: cur, size: r.base - cur });
      cur = Math.max(cur, r.base + r.size);
    }
    if (cur < end) out.push({ base: cur, size: end - cur });
  }
  return out;
}

/** The ranges to map, for `arch`, given the memory banks and the no-map ranges by base. */
export function linearMapRanges(arch: "arm" | "arm64", memory: readonly Range[], nomap: readonly Range[]): Range[] {
  const out = withoutNomap(memory, nomap);
  if (arch !== "arm" || !nomap.length) return out;
  const pairOf = (pa: number) => Math.floor(pa / (2 * MB));
  const paged = new Set<number>();
  for (const r of out) {
    if (r.base % MB) paged.add(pairOf(r.base));
    if ((r.base + r.size) % MB) paged.add(pairOf(r.base + r.size));
  }
  const pieces: Range[] = [];
  for (const r of out) {
    let cur = Math.ceil(r.base / PAGE_SIZE) * PAGE_SIZE;
    const end = Math.floor((r.base + r.size) / PAGE_SIZE) * PAGE_SIZE;
    while (cur < end) {
      const stop = Math.min(end, (pairOf(cur) + 1) * 2 * MB);
      if (!paged.has(pairOf(cur))) pieces.push({ base: cur, size: stop - cur });
      else for (let p = cur; p < stop; p += PAGE_SIZE) pieces.push({ base: p, size: PAGE_SIZE });
      cur = stop;
    }
  }
  return pieces;
}

/** The end of the linear-mapped RAM that holds `pa` (below `lowmemEnd`: arm's lowmem), or `pa`
 *  itself when the linear map has no RAM there: where maintenance by VA starting at `pa` would
 *  fault. */
export function linearRamEnd(memory: readonly Range[], nomap: readonly Range[], lowmemEnd: number, pa: number): number {
  // Every streaming map and sync asks this: one pass and no closure (no garbage per call).
  let hole = Infinity;
  for (const r of nomap) {
    if (pa >= r.base && pa < r.base + r.size) return pa;
    if (r.base > pa && r.base < hole) hole = r.base;
  }
  for (const b of memory) {
    if (pa >= b.base && pa < b.base + b.size) return Math.max(pa, Math.min(b.base + b.size, lowmemEnd, hole));
  }
  return pa;
}

/** region_intersects(IORESOURCE_SYSTEM_RAM): some of [pa, pa+size) is RAM outside the no-map
 *  ranges (sorted by base). */
export function intersectsSystemRam(memory: readonly Range[], nomap: readonly Range[], pa: number, size: number): boolean {
  const end = pa + size;
  for (const b of memory) {
    let cur = Math.max(pa, b.base);
    const stop = Math.min(end, b.base + b.size);
    for (const r of nomap) {
      if (r.base <= cur && r.base + r.size > cur) cur = r.base + r.size;
    }
    if (cur < stop) return true;
  }
  return false;
}
