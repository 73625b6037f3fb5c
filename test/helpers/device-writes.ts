// A real device write for tests of what the CPU sees afterwards: the PL330 copies bytes from a
// coherent source into a DMA address, beneath the CPU's caches.

import { expect } from "vitest";
import { dma_alloc_coherent, dma_free_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait, dma_release_channel } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";
import type { Device } from "../../src/kernel/device.js";
import type { System } from "../../src/system.js";

/** The PL330 copies `data` into [dst, dst+len) from a coherent buffer of `dev`. */
export function deviceWrites(s: System, dev: Device, dst: number, data: Uint8Array): void {
  const src = dma_alloc_coherent(dev, data.length, GFP_KERNEL)!;
  s.cpu.write(src.cpuAddr, data);
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const tx = dmaengine_prep_dma_memcpy(chan, dst, src.dmaAddr, data.length, DMA_PREP_INTERRUPT)!;
  expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
  dma_release_channel(chan);
  dma_free_coherent(dev, data.length, src.cpuAddr, src.dmaAddr);
}
