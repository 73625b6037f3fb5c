// The architecture hooks the DMA layer calls for a non-coherent device (kernel/dma/direct.h):
// arch_sync_dma_for_device / arch_sync_dma_for_cpu on a physical range, and
// arch_dma_prep_coherent on freshly allocated coherent-buffer pages.

import type { PhysAddr } from "../hw/address.js";

export const DMA_BIDIRECTIONAL = 0;
export const DMA_TO_DEVICE = 1;
export const DMA_FROM_DEVICE = 2;
export const DMA_NONE = 3;
export type DmaDirection = 0 | 1 | 2 | 3;

export interface ArchDmaOps {
  syncForDevice(paddr: PhysAddr, size: number, dir: DmaDirection): void;
  syncForCpu(paddr: PhysAddr, size: number, dir: DmaDirection): void;
  prepCoherent(paddr: PhysAddr, size: number): void;
}
