// Non-coherent and coherent DMA masters against the CPU's caches, on booted boards with the PL330
// doing the transfers. A non-coherent master reads and writes DRAM beneath the caches: the CPU
// reads stale lines until it invalidates, and the device reads stale DRAM until the CPU cleans.
// (A snooping master: test/assembly/coherent-master.test.ts.)

import { describe, expect, it } from "vitest";
import { zynq, arm64 } from "../helpers/system.js";
import type { System } from "../../src/system.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_map_single, dma_map_single_attrs, dma_unmap_single, dma_sync_single_for_device } from "../../src/dma/mapping.js";
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../src/dmaengine/types.js";

const LEN = 4096;
const pattern = Uint8Array.from({ length: LEN }, (_, i) => (i * 13 + 7) & 0xff);
const zeros = new Uint8Array(LEN);

function copy(chan: DmaChan, dst: number, src: number): void {
  const tx = dmaengine_prep_dma_memcpy(chan, dst, src, LEN, DMA_PREP_INTERRUPT)!;
  expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
}

function setup(s: System) {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const src = s.kernel.kmalloc(LEN, GFP_KERNEL);
  const dst = s.kernel.kmalloc(LEN, GFP_KERNEL);
  return { chan, dev: chan.device.dev, src, dst };
}

const boards = [["zynq-7000", zynq], ["arm64", arm64]] as const;

describe("a non-coherent DMA master", () => {
  for (const [name, boot] of boards) {
    it(`${name}: the CPU reads its stale cached lines after the device wrote DRAM, until it invalidates`, async () => {
      const s = await boot();
      const { chan, dev, src, dst } = setup(s);
      s.cpu.write(src, pattern);
      const ds = dma_map_single(dev, src, LEN, DMA_TO_DEVICE);
      const dd = dma_map_single(dev, dst, LEN, DMA_FROM_DEVICE);
      s.cpu.read(dst, LEN); // touching a buffer the device owns: its lines come into the caches
      copy(chan, dd, ds);
      expect(s.cpu.read(dst, LEN)).toEqual(zeros);
      const lines = s.machine.backdoor.cacheLineSummary(dst, LEN);
      expect(lines.differFromDram).toBe(lines.lines); // every line cached, every one stale
      dma_unmap_single(dev, dd, LEN, DMA_FROM_DEVICE);
      expect(s.cpu.read(dst, LEN)).toEqual(pattern);
      dma_unmap_single(dev, ds, LEN, DMA_TO_DEVICE);
    });

    it(`${name}: the device reads DRAM's old bytes when the CPU's dirty lines were not cleaned`, async () => {
      const s = await boot();
      const { chan, dev, src, dst } = setup(s);
      s.cpu.write(src, pattern);
      const ds = dma_map_single_attrs(dev, src, LEN, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
      const dd = dma_map_single(dev, dst, LEN, DMA_FROM_DEVICE);
      copy(chan, dd, ds);
      dma_unmap_single(dev, dd, LEN, DMA_FROM_DEVICE);
      expect(s.cpu.read(dst, LEN)).toEqual(zeros);
      dma_sync_single_for_device(dev, ds, LEN, DMA_TO_DEVICE); // the clean that was missing
      dma_sync_single_for_device(dev, dd, LEN, DMA_FROM_DEVICE);
      copy(chan, dd, ds);
      dma_unmap_single(dev, dd, LEN, DMA_FROM_DEVICE);
      expect(s.cpu.read(dst, LEN)).toEqual(pattern);
    });
  }
});
