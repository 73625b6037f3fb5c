// The architecture hooks the DMA layer calls for a non-coherent device, by physical range:
// arch_sync_dma_for_device / arch_sync_dma_for_cpu (the map and unmap columns of spec dma-api
// §2.2 for the kernel generation), and the whole-range operations coherent allocations need:
// flush (clean+invalidate, 4.9 __dma_flush_area, arm __dma_clear_buffer) and clean (modern
// arch_dma_prep_coherent).

import type { PhysAddr } from "../hw/address.js";

export const DMA_BIDIRECTIONAL = 0;
export const DMA_TO_DEVICE = 1;
export const DMA_FROM_DEVICE = 2;
export const DMA_NONE = 3;
export type DmaDirection = 0 | 1 | 2 | 3;

export interface ArchDmaOps {
  syncForDevice(paddr: PhysAddr, size: number, dir: DmaDirection): void;
  syncForCpu(paddr: PhysAddr, size: number, dir: DmaDirection): void;
  /** Clean and invalidate [paddr, paddr+size) to the point of coherency. */
  flushRange(paddr: PhysAddr, size: number): void;
  /** Clean [paddr, paddr+size) to the point of coherency. */
  cleanRange(paddr: PhysAddr, size: number): void;
}
