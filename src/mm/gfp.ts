// GFP flags (include/linux/gfp.h, 4.9 values — spec dma-api §1.4) and page-size arithmetic.

export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_MOVABLE = 0x08;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_NOWARN = 0x200;
export const __GFP_COMP = 0x4000;
export const __GFP_ZERO = 0x8000;
export const __GFP_ATOMIC = 0x80000;
export const __GFP_DIRECT_RECLAIM = 0x400000;
export const __GFP_KSWAPD_RECLAIM = 0x2000000;

export const GFP_KERNEL = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export function gfpflags_allow_blocking(gfp: number): boolean {
  return (gfp & __GFP_DIRECT_RECLAIM) !== 0;
}

/** Smallest order o with PAGE_SIZE << o >= size (size 1..4096 → 0). */
export function get_order(size: number): number {
  let o = 0;
  while (PAGE_SIZE * 2 ** o < size) o++;
  return o;
}

export function PAGE_ALIGN(size: number): number {
  return Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
}
