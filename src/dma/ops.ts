// struct dma_map_ops: the implementation behind a device's DMA API calls. Linux picks one per
// device; without an IOMMU these boards get (spec dma-api §0, §2.1):
//   - modern kernels: dma-direct (kernel/dma/direct.c), bouncing through swiotlb when needed;
//   - 4.9 arm64: swiotlb_dma_ops wrapped by arch/arm64/mm/dma-mapping.c;
//   - 4.9 arm: arm_dma_ops (arch/arm/mm/dma-mapping.c), which never bounces.
// Coherent and non-coherent devices share the ops; the ops look at dev.dma_coherent.

import type { Device } from "../kernel/device.js";
import type { DmaAddr, PhysAddr, VirtAddr } from "../hw/address.js";
import type { DmaDirection } from "./constants.js";
import { for_each_sg, type Scatterlist } from "./scatterlist.js";

/** What dma_alloc_coherent returns in place of its out-parameter. */
export interface CoherentBuffer {
  /** The kernel's address of the buffer (with DMA_ATTR_NO_KERNEL_MAPPING: an opaque cookie). */
  cpuAddr: VirtAddr;
  /** The device's address of byte 0. */
  dmaAddr: DmaAddr;
}

export interface DmaMapOps {
  readonly name: string;
  map_page(dev: Device, phys: PhysAddr, size: number, dir: DmaDirection, attrs: number): DmaAddr;
  unmap_page(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection, attrs: number): void;
  sync_single_for_cpu(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void;
  sync_single_for_device(dev: Device, addr: DmaAddr, size: number, dir: DmaDirection): void;
  /** The number of DMA segments, or 0 / a negative errno on failure. */
  map_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): number;
  unmap_sg(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection, attrs: number): void;
  sync_sg_for_cpu(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection): void;
  sync_sg_for_device(dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection): void;
  alloc(dev: Device, size: number, gfp: number, attrs: number): CoherentBuffer | null;
  free(dev: Device, size: number, cpuAddr: VirtAddr, dmaAddr: DmaAddr, attrs: number): void;
  /** Nonzero when `addr` is this implementation's failure cookie. */
  mapping_error(dev: Device, addr: DmaAddr): number;
  dma_supported(dev: Device, mask: bigint): boolean;
}

/** sync_sg_for_cpu / sync_sg_for_device of ops that sync an entry as they sync a single
 *  mapping: `sync` on each mapped entry in turn. */
export function sync_each_sg(
  sync: (dev: Device, addr: DmaAddr, size: number, dir: DmaDirection) => void,
): (dev: Device, sgl: Scatterlist[], nents: number, dir: DmaDirection) => void {
  return (dev, sgl, nents, dir) => for_each_sg(sgl, nents, (sg) => sync(dev, sg.dma_address, sg.dma_length, dir));
}
