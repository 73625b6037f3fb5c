// GFP flags (include/linux/gfp.h, 4.9 values — spec dma-api §1.4) and page-size arithmetic.
// dmasim uses the 4.9 bit values for both kernel generations: callers pass the symbols, and the
// modern renumbering only matters for traces.

export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_MOVABLE = 0x08;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_NOWARN = 0x200;
export const __GFP_NOFAIL = 0x800;
export const __GFP_COMP = 0x4000;
export const __GFP_ZERO = 0x8000;
export const __GFP_ATOMIC = 0x80000;
export const __GFP_DIRECT_RECLAIM = 0x400000;
export const __GFP_KSWAPD_RECLAIM = 0x2000000;

export const GFP_ZONEMASK = __GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE;

export const GFP_KERNEL = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** PAGE_ALLOC_COSTLY_ORDER (spec dma-api §7.1). */
export const PAGE_ALLOC_COSTLY_ORDER = 3;

export function gfpflags_allow_blocking(gfp: number): boolean {
  return (gfp & __GFP_DIRECT_RECLAIM) !== 0;
}

/** Smallest order o with PAGE_SIZE << o >= size (size 1..4096 → 0). Size 0 is undefined in
 *  Linux; here it gives 0. */
export function get_order(size: number): number {
  if (size <= PAGE_SIZE) return 0;
  const pages = Math.ceil(size / PAGE_SIZE);
  return 32 - Math.clz32(pages - 1);
}

export function PAGE_ALIGN(size: number): number {
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}

/** "0x24000c0(GFP_KERNEL)"-style names for warnings, as %pGg prints them (4.9
 *  __def_gfpflag_names): the first name whose bits are all set is printed and its bits taken
 *  away, composites first, so GFP_KERNEL | __GFP_HIGHMEM reads "GFP_KERNEL|__GFP_HIGHMEM". */
export function gfpName(gfp: number): string {
  const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;
  const names: [number, string][] = [
    [GFP_KERNEL, "GFP_KERNEL"], [__GFP_RECLAIM | __GFP_IO, "GFP_NOFS"], [GFP_ATOMIC, "GFP_ATOMIC"],
    [__GFP_RECLAIM, "GFP_NOIO"], [GFP_NOWAIT, "GFP_NOWAIT"], [GFP_DMA, "GFP_DMA"],
    [__GFP_HIGHMEM, "__GFP_HIGHMEM"], [GFP_DMA32, "GFP_DMA32"], [__GFP_HIGH, "__GFP_HIGH"],
    [__GFP_ATOMIC, "__GFP_ATOMIC"], [__GFP_IO, "__GFP_IO"], [__GFP_FS, "__GFP_FS"], [__GFP_NOWARN, "__GFP_NOWARN"],
    [__GFP_NOFAIL, "__GFP_NOFAIL"],
    [__GFP_COMP, "__GFP_COMP"], [__GFP_ZERO, "__GFP_ZERO"], [__GFP_MOVABLE, "__GFP_MOVABLE"],
    [__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"], [__GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"],
  ];
  const out: string[] = [];
  let rest = gfp;
  for (const [mask, name] of names) {
    if ((rest & mask) === mask) {
      out.push(name);
      rest &= ~mask;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.join("|") || "0";
}
