// Physical ↔ DMA address translation for devices without an IOMMU (spec dma-api §1.2): the
// same value on these arm64 boards; arm32 subtracts the device's dma_pfn_offset.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, PhysAddr } from "../hw/address.js";
import { PAGE_SIZE } from "../mm/gfp.js";

export function phys_to_dma(dev: Device, pa: PhysAddr): DmaAddr {
  return pa - dev.dma_pfn_offset * PAGE_SIZE;
}

export function dma_to_phys(dev: Device, dma: DmaAddr): PhysAddr {
  return dma + dev.dma_pfn_offset * PAGE_SIZE;
}
