// The zero-copy path a driver takes into user memory: pin_user_pages_fast, an sg_table from the
// pages, dma_map_sgtable, the PL330 (through dmaengine) writing the pages, dma_unmap_sgtable,
// unpin_user_pages_dirty_lock. The stale bytes expected without the unmap are counted by hand:
// the pattern has no zero byte, so a stale byte is a zero the CPU's cache still holds for a
// line it touched.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { editedSystem } from "../helpers/edited-system.js";
import { MAP_ANONYMOUS, MAP_PRIVATE } from "../../src/mm/mmap.js";
import { FOLL_WRITE, pin_user_pages_fast, unpin_user_pages_dirty_lock } from "../../src/mm/gup.js";
import { sg_alloc_table_from_pages, for_each_sg, sg_dma_address, sg_dma_len, type Scatterlist } from "../../src/dma/scatterlist.js";
import { dma_map_sg, dma_map_sgtable, dma_unmap_sg, dma_unmap_sgtable, dma_map_single, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_async_issue_pending, dma_sync_wait,
  dma_release_channel,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT, type DmaChan } from "../../src/dmaengine/types.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import type { Device } from "../../src/kernel/device.js";

const LEN = 4 * 4096;
const pattern = Uint8Array.from({ length: LEN }, (_, i) => (i * 7) % 251 + 1);

/** The PL330 writes each of the first `nents` mapped entries from srcDma on; waits for the last. */
function deviceWrites(chan: DmaChan, sgl: Scatterlist[], nents: number, srcDma: number): void {
  let off = 0;
  let cookie = 0;
  for_each_sg(sgl, nents, (sg) => {
    const tx = dmaengine_prep_dma_memcpy(chan, sg_dma_address(sg), srcDma + off, sg_dma_len(sg), DMA_PREP_INTERRUPT);
    if (!tx) throw new Error("prep failed");
    cookie = dmaengine_submit(tx);
    off += sg_dma_len(sg);
  });
  dma_async_issue_pending(chan);
  expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
}

/** A memcpy channel and the kernel buffer holding `bytes`, mapped for it to read from; `release`
 *  unmaps the buffer and gives the channel back. */
function deviceSource(s: System, bytes: Uint8Array): { chan: DmaChan; dev: Device; srcDma: number; release(): void } {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const dev = chan.device.dev;
  const src = s.kernel.kmalloc(bytes.length, GFP_KERNEL);
  s.cpu.write(src, bytes);
  const srcDma = dma_map_single(dev, src, bytes.length, DMA_TO_DEVICE);
  return {
    chan, dev, srcDma,
    release: () => {
      dma_unmap_single(dev, srcDma, bytes.length, DMA_TO_DEVICE);
      dma_release_channel(chan);
    },
  };
}

/** Runs the device into a pinned anonymous buffer; the process peeks at its first `peek` bytes
 *  between the map and the transfer. What the process reads at the end, with or without the
 *  unmap first. */
function deviceIntoUserBuffer(s: System, peek: number, unmap: boolean): Uint8Array {
  const mm = s.kernel.userMm;
  const uva = s.user.mmap(LEN, null, { flags: MAP_ANONYMOUS | MAP_PRIVATE });
  const pages = pin_user_pages_fast(mm, uva, LEN / 4096, FOLL_WRITE);
  if (!Array.isArray(pages) || pages.length !== LEN / 4096) throw new Error(`pinned ${String(pages)}`);
  const { chan, dev, srcDma, release } = deviceSource(s, pattern);
  const sgt = sg_alloc_table_from_pages(pages, pages.length, 0, LEN);
  expect(dma_map_sgtable(dev, sgt, DMA_FROM_DEVICE)).toBe(0);
  if (peek) s.user.read(uva, peek);
  deviceWrites(chan, sgt.sgl, sgt.nents, srcDma);
  if (unmap) dma_unmap_sgtable(dev, sgt, DMA_FROM_DEVICE);
  const seen = s.user.read(uva, LEN);
  if (!unmap) dma_unmap_sgtable(dev, sgt, DMA_FROM_DEVICE);
  unpin_user_pages_dirty_lock(mm, pages, pages.length, true);
  release();
  return seen;
}

const stale = (seen: Uint8Array) => seen.filter((b, i) => b !== pattern[i]).length;

describe("the PL330 into a pinned user buffer", () => {
  it("zynq (non-coherent): with dma_unmap_sgtable the process reads the device's bytes", async () => {
    expect(deviceIntoUserBuffer(await createSystem({ board: "zynq-7000" }), 4096, true)).toEqual(pattern);
  });

  it("zynq: without the unmap, the page the process read after the map is stale zeros", async () => {
    // arm's map for DMA_FROM_DEVICE invalidates the buffer, dropping the zeros the fault-in
    // wrote; the process's read of the first page then brings 4096 bytes of zeros back.
    const seen = deviceIntoUserBuffer(await createSystem({ board: "zynq-7000" }), 4096, false);
    expect(stale(seen)).toBe(4096);
    expect(seen.subarray(0, 4096)).toEqual(new Uint8Array(4096));
    expect(seen.subarray(4096)).toEqual(pattern.subarray(4096));
  });

  it("zynq with a dma-coherent PL330: nothing is stale even without the unmap", async () => {
    const s = await editedSystem("zynq-7000", (tree) => {
      for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
    });
    expect(deviceIntoUserBuffer(s, 4096, false)).toEqual(pattern);
  });

  it("arm64: with the unmap, correct; without it, every byte the fault-in zeroed is stale", async () => {
    expect(deviceIntoUserBuffer(await createSystem({ board: "arm64-ref" }), 0, true)).toEqual(pattern);
    // Modern arm64 maps for the device by cleaning only: the zeroed lines stay in the cache.
    expect(stale(deviceIntoUserBuffer(await createSystem({ board: "arm64-ref" }), 0, false))).toBe(LEN);
  });
});

// A driver that pins without FOLL_WRITE a buffer the process has only read: every page is the
// zero page, so the device's 4 page-sized writes land in that one page. Page p of the device's
// data is 0x11 * (p + 1) throughout, so the zero page ends as 0x44s and the process, whose 4 pages
// all map it, reads 0x44 everywhere; a write to a page then copies the zero page to fresh zeros.
describe.each([
  ["zynq-7000", "modern"], ["zynq-7000", "v4.9"], ["arm64-ref", "modern"], ["arm64-ref", "v4.9"],
] as const)("the device into a read-only-touched buffer on %s %s", (board, kernel) => {
  const pages4 = Uint8Array.from({ length: LEN }, (_, i) => 0x11 * ((i >> 12) + 1));

  function receive(s: System, gupFlags: number): { uva: number; pages: number[] } {
    const mm = s.kernel.userMm;
    const uva = s.user.mmap(LEN, null, { flags: MAP_ANONYMOUS | MAP_PRIVATE });
    expect(s.user.read(uva, LEN)).toEqual(new Uint8Array(LEN));
    const pages = pin_user_pages_fast(mm, uva, LEN / 4096, gupFlags) as number[];
    const { chan, dev, srcDma, release } = deviceSource(s, pages4);
    const sgt = sg_alloc_table_from_pages(pages, pages.length, 0, LEN);
    const nents = dma_map_sg(dev, sgt.sgl, sgt.orig_nents, DMA_FROM_DEVICE);
    expect(nents).toBeGreaterThan(0);
    deviceWrites(chan, sgt.sgl, nents, srcDma);
    dma_unmap_sg(dev, sgt.sgl, sgt.orig_nents, DMA_FROM_DEVICE);
    unpin_user_pages_dirty_lock(mm, pages, pages.length, true);
    release();
    return { uva, pages };
  }

  it("without FOLL_WRITE the device writes the zero page: the process and every fresh page read 0x44s", async () => {
    const s = await createSystem({ board, kernel });
    const zero = s.kernel.mm.zeroPfn;
    const { uva, pages } = receive(s, 0);
    expect(pages).toEqual([zero, zero, zero, zero]);
    expect(s.user.read(uva, LEN)).toEqual(new Uint8Array(LEN).fill(0x44));
    expect(s.machine.backdoor.read(zero * 4096, 4096)).toEqual(new Uint8Array(4096).fill(0x44));
    const fresh = s.user.mmap(4096, null, { flags: MAP_ANONYMOUS | MAP_PRIVATE });
    expect(s.user.read(fresh, 4096)).toEqual(new Uint8Array(4096).fill(0x44));
    // The process clears a 4-byte header: its page 0 becomes a fresh page of zeros; page 1 still
    // maps the zero page.
    s.user.write(uva, new Uint8Array(4));
    expect(s.user.read(uva, 4096)).toEqual(new Uint8Array(4096));
    expect(s.user.read(uva + 4096, 4096)).toEqual(new Uint8Array(4096).fill(0x44));
  });

  it("with FOLL_WRITE each page is the process's own: it reads 0x11, 0x22, 0x33, 0x44 and the zero page stays zero", async () => {
    const s = await createSystem({ board, kernel });
    const zero = s.kernel.mm.zeroPfn;
    const { uva, pages } = receive(s, FOLL_WRITE);
    expect(pages).not.toContain(zero);
    expect(s.user.read(uva, LEN)).toEqual(pages4);
    expect(s.machine.backdoor.read(zero * 4096, 4096)).toEqual(new Uint8Array(4096));
  });
});
