// Constants of the DMA mapping API (include/linux/dma-mapping.h, dma-direction.h; spec
// dma-api §1). dma_addr_t values are numbers; DMA_MAPPING_ERROR, ~(dma_addr_t)0, is -1 in
// dmasim's signed address convention (hw/address.ts).

import { isWholeIn } from "../whole-number.js";

export { DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE, DMA_NONE, type DmaDirection } from "../arch/dma-maintenance.js";

export const DMA_MAPPING_ERROR = -1;

export const DMA_ATTR_WRITE_BARRIER = 1 << 0;
export const DMA_ATTR_WEAK_ORDERING = 1 << 1;
export const DMA_ATTR_WRITE_COMBINE = 1 << 2;
export const DMA_ATTR_NON_CONSISTENT = 1 << 3;
export const DMA_ATTR_NO_KERNEL_MAPPING = 1 << 4;
export const DMA_ATTR_SKIP_CPU_SYNC = 1 << 5;
export const DMA_ATTR_FORCE_CONTIGUOUS = 1 << 6;
export const DMA_ATTR_ALLOC_SINGLE_PAGES = 1 << 7;
export const DMA_ATTR_NO_WARN = 1 << 8;
export const DMA_ATTR_PRIVILEGED = 1 << 9;
/** The driver promises the CPU dirties no cache line of the buffer while it is mapped, so
 *  mappings that all carry it may share a line (commit 61868dc55a11, January 2026; in 6.19
 *  and 6.18.y). 7.0 renames it DMA_ATTR_DEBUGGING_IGNORE_CACHELINES; only dma-debug reads it. */
export const DMA_ATTR_CPU_CACHE_CLEAN = 1 << 11;
/** The mapping must need neither swiotlb nor cache maintenance: dma_map_phys refuses it for a
 *  non-coherent device (DMA_MAPPING_ERROR), __dma_map_sg_attrs with -EOPNOTSUPP, dma-direct
 *  never bounces it, and dma-debug lets such mappings share cache lines (commit e6a58fa25562,
 *  "dma-mapping: Introduce DMA require coherency attribute", Linux 7.0, for RDMA and HMM
 *  user-memory registration). Linux 4.9 has no such attribute: dmasim refuses it there. */
export const DMA_ATTR_REQUIRE_COHERENT = 1 << 12;

/** DMA_BIT_MASK(n): n low bits set, as a bigint (64-bit masks do not fit a number). Linux's
 *  macro is defined for 0 … 64 only (a shift by more is undefined in C), so any other n is a
 *  RangeError rather than a mask that looks valid. */
export function DMA_BIT_MASK(n: number): bigint {
  if (!isWholeIn(n, 0, 64)) throw new RangeError(`DMA_BIT_MASK: n must be a whole number from 0 to 64, not ${String(n)}`);
  return n === 64 ? 0xffffffffffffffffn : (1n << BigInt(n)) - 1n;
}

export function valid_dma_direction(dir: number): boolean {
  return dir === 0 || dir === 1 || dir === 2;
}

export const DIRECTION_NAMES = ["DMA_BIDIRECTIONAL", "DMA_TO_DEVICE", "DMA_FROM_DEVICE", "DMA_NONE"] as const;

/** Core cycles of bookkeeping per streaming map/unmap call (an estimate; docs/calibration.md). */
export const MAP_CYCLES = 60;
