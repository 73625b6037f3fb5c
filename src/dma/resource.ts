// dma_map_resource / dma_unmap_resource (kernel/dma/mapping.c, dma_direct_map_resource): a
// device's DMA address for another device's MMIO range, such as a peripheral FIFO register a
// DMA controller writes. RAM is refused (it has struct pages: dma_map_page is the call for it).
// Without an IOMMU the DMA address is the physical address itself — no dma-ranges offset, which
// describes the path to RAM — provided the device can reach it.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, PhysAddr } from "../hw/address.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { DMA_MAPPING_ERROR, type DmaDirection } from "./constants.js";
import { checkDevice, checkDirection, checkDmaAddr, checkSize, checkWhole } from "./arguments.js";
import { dma_capable } from "./direct.js";
import { dev_err } from "../kernel/dev-printk.js";

export function dma_map_resource(dev: Device, phys_addr: PhysAddr, size: number, dir: DmaDirection, attrs = 0): DmaAddr {
  const fn = "dma_map_resource";
  checkDevice(fn, dev);
  checkDirection(fn, dir);
  checkWhole(fn, phys_addr, "phys_addr");
  checkSize(fn, size);
  checkWhole(fn, attrs, "attrs");
  const k = dev.kernel;
  if (k.mm.buddy.pfnValid(Math.floor(phys_addr / PAGE_SIZE))) {
    k.dma.warnOnce(dev, "map-resource-ram", `WARNING: dma_map_resource of RAM at 0x${phys_addr.toString(16)}`);
    return DMA_MAPPING_ERROR;
  }
  let addr: DmaAddr = phys_addr;
  if (k.version === "modern" && !dma_capable(dev, phys_addr, size)) {
    dev_err(dev, `DMA addr 0x${phys_addr.toString(16)}+${size} overflow (mask ${(dev.dma_mask ?? 0n).toString(16)}, bus limit ${dev.bus_dma_limit.toString(16)}).`);
    addr = DMA_MAPPING_ERROR;
  }
  // The RAM refusal above returns before dma-debug sees the call; a mapping the mask cannot
  // reach does not: debug_dma_map_resource records whatever address came back.
  if (k.dma.debug.enabled) k.dma.debug.map_resource(dev, phys_addr, size, dir, addr, attrs);
  return addr;
}

/** Nothing to undo without an IOMMU; the arguments are checked as the mapping's were, and
 *  dma-debug checks the unmap against the mapping. */
export function dma_unmap_resource(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs = 0): void {
  const fn = "dma_unmap_resource";
  checkDevice(fn, dev);
  checkDirection(fn, dir);
  checkDmaAddr(fn, addr, "addr");
  checkSize(fn, size);
  checkWhole(fn, attrs, "attrs");
  const k = dev.kernel;
  if (k.dma.debug.enabled) k.dma.debug.unmap_resource(dev, addr, size, dir, k.dma.ops.mapping_error(dev, addr) !== 0);
}
