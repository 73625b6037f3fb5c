// What RAM the linear map covers: the memory banks without their /reserved-memory no-map
// regions, cut into the pieces the page tables can map. arm maps 1 MB sections, and a 2 MB pair
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
