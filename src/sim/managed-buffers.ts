// Buffers and mappings a scenario takes through the kernel's API, each checked as a driver must
// check it (a null buffer, dma_mapping_error) and its release registered with the run's teardown
// (teardown.ts), as devm_* allocations are with a device's: given back when the run ends or fails,
// or sooner through the function returned.

import { GFP_KERNEL } from "../mm/gfp.js";
import { dma_alloc_coherent, dma_free_coherent, dma_map_single, dma_mapping_error, dma_unmap_single } from "../dma/mapping.js";
import type { DmaDirection } from "../dma/constants.js";
import type { Device } from "../kernel/device.js";
import { ENOMEM, KernelError } from "../kernel/errno.js";
import type { DmaAddr, VirtAddr } from "../hw/address.js";
import type { System } from "../system.js";
import type { Defer } from "./teardown.js";
import type { CoherentBuffer } from "../dma/ops.js";
import { noforceOverflowText } from "../dma/direct.js";

export interface ManagedCoherentBuffer extends CoherentBuffer {
  free(): void;
}

export function coherentBuffer(dev: Device, len: number, defer: Defer): ManagedCoherentBuffer {
  const b = dma_alloc_coherent(dev, len, GFP_KERNEL);
  if (!b) throw new KernelError(ENOMEM, `dma_alloc_coherent(${len}) failed`);
  return { cpuAddr: b.cpuAddr, dmaAddr: b.dmaAddr, free: defer(() => dma_free_coherent(dev, len, b.cpuAddr, b.dmaAddr)) };
}

/** kmalloc of each length, all freed together in the order they were allocated. */
export function kmallocBuffers(system: System, lens: number[], defer: Defer): { vas: VirtAddr[]; free(): void } {
  const k = system.kernel;
  const vas: VirtAddr[] = [];
  const free = defer(() => vas.forEach((va) => k.kfree(va)));
  for (const len of lens) {
    const va = k.kmalloc(len, GFP_KERNEL);
    if (!va) throw new KernelError(ENOMEM, `kmalloc(${len}) failed`);
    vas.push(va);
  }
  return { vas, free };
}

/** One kmalloc'ed buffer, checked and freed by the teardown unless freed sooner. */
export function kmallocOne(system: System, len: number, defer: Defer): { va: VirtAddr; free(): void } {
  const { vas, free } = kmallocBuffers(system, [len], defer);
  return { va: vas[0], free };
}

export interface ManagedMapping {
  addr: DmaAddr;
  unmap(): void;
}

/** dma_map_single checked as a driver must (dma_mapping_error, so that DMA-API debug reports
 *  only the bug a scenario shows, not an unchecked mapping besides); the unmap is registered
 *  with the run's teardown, for a scenario that fails before it unmaps. */
export function mapSingle(dev: Device, va: VirtAddr, len: number, dir: DmaDirection, defer: Defer): ManagedMapping {
  const addr = dma_map_single(dev, va, len, dir);
  if (dma_mapping_error(dev, addr)) {
    const why = dev.kernel.dma.swiotlbDisabled ? `: ${noforceOverflowText(dev, dev.kernel.mm.virt_to_phys(va), len)}` : "";
    throw new KernelError(ENOMEM, `dma_map_single of ${len} bytes for ${dev.name} failed (DMA_MAPPING_ERROR)${why}`);
  }
  return { addr, unmap: defer(() => dma_unmap_single(dev, addr, len, dir)) };
}
