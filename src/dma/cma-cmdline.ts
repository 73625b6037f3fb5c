// The cma= kernel parameter (Documentation/admin-guide/kernel-parameters.txt:
// cma=nn[MG]@[start[MG][-end[MG]]]), as early_cma in kernel/dma/contiguous.c (4.9:
// drivers/base/dma-contiguous.c) reads it: a size, then after '@' a base, then after '-' a
// limit. A base with no limit asks for the area exactly there (the limit becomes base + size),
// and so does a limit of exactly base + size (dma_contiguous_reserve's `fixed`).

import type { PhysAddr } from "../hw/address.js";
import { parseSize } from "../units.js";

/** size_cmdline, base_cmdline, limit_cmdline (0: none given). */
export interface CmaCmdline {
  size: number;
  base: PhysAddr;
  limit: PhysAddr;
}

/** early_cma: "64M", "64M@0x50000000", "64M@0x40000000-0x60000000" (or a number of bytes).
 *  Throws a RangeError naming the part that is not a size. */
export function early_cma(p: string): CmaCmdline {
  const at = p.indexOf("@");
  if (at < 0) return { size: wholeSize(parseSize(p), "size", p), base: 0, limit: 0 };
  const size = wholeSize(part(p.slice(0, at), "size", p), "size", p);
  const rest = p.slice(at + 1);
  const dash = rest.indexOf("-");
  const base = wholeSize(part(dash < 0 ? rest : rest.slice(0, dash), "start", p), "start", p);
  if (dash < 0) return { size, base, limit: base + size };
  return { size, base, limit: wholeSize(part(rest.slice(dash + 1), "end", p), "end", p) };
}

/** dma_contiguous_reserve: the area is fixed at `base` when the limit is exactly its end. */
export function cmaFixed(c: CmaCmdline): boolean {
  return c.base + c.size === c.limit;
}

function part(text: string, what: string, whole: string): number {
  try {
    return parseSize(text);
  } catch {
    throw new RangeError(`not a size: "${whole}" (its ${what} "${text}"; try 64M, 64M@0x50000000 or 64M@0-0x60000000)`);
  }
}

function wholeSize(n: number, what: string, whole: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a size: "${whole}" (its ${what} is not a whole number of bytes)`);
  return n;
}
