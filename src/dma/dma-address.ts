// Physical ↔ DMA address translation for devices without an IOMMU (spec dma-api §1.2). With a
// bus `dma-ranges` the device's dma_range_map gives the windows (translate_phys_to_dma); a
// physical address outside every window has no DMA address (DMA_MAPPING_ERROR). Without one,
// arm64 uses the physical address itself and arm32 subtracts the device's dma_pfn_offset.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, PhysAddr } from "../hw/address.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { DMA_MAPPING_ERROR } from "./constants.js";

export function phys_to_dma(dev: Device, pa: PhysAddr): DmaAddr {
  const map = dev.dma_range_map;
  if (map) {
    for (const m of map) if (pa >= m.cpu_start && pa - m.cpu_start < m.size) return pa - m.offset;
    return DMA_MAPPING_ERROR;
  }
  return pa - dev.dma_pfn_offset * PAGE_SIZE;
}

export function dma_to_phys(dev: Device, dma: DmaAddr): PhysAddr {
  const map = dev.dma_range_map;
  if (map) {
    for (const m of map) if (dma >= m.dma_start && dma - m.dma_start < m.size) return dma + m.offset;
    return -1;
  }
  return dma + dev.dma_pfn_offset * PAGE_SIZE;
}
