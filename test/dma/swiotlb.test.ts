// swiotlb on the arm64 board with RAM above 4 GB: the PL330 (32-bit DMA mask) maps kmalloc
// buffers that live above 4 GB through bounce slots in low memory; a full pool fails the way
// each kernel generation fails. Slot numbers are worked out from spec dma-api §4.2/§4.3.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import {
  dma_alloc_coherent, dma_map_single, dma_unmap_single, dma_mapping_error, dma_sync_single_for_cpu, dma_map_sg,
  dma_map_single_attrs, dma_map_page, dma_unmap_page,
} from "../../src/dma/mapping.js";
import { DMA_ATTR_NO_WARN, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { sg_alloc, sg_set_buf } from "../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { KernelPanic } from "../../src/kernel/errno.js";
import { dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";

const DMAC = "ff6e0000.dma-controller";
const pat = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);
const KB = 1024;

function pl330Copy(s: System, dst: number, src: number, len: number): void {
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT)!;
  expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
}

describe("swiotlb: a 32-bit device and RAM above 4 GB (acceptance)", () => {
  it("maps a high kmalloc buffer through a bounce slot; the PL330 reads the data from it", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(s.kernel.mm.virt_to_phys(va)).toBeGreaterThanOrEqual(2 ** 32);
    const data = pat(4096);
    s.cpu.write(va, data);
    const dma = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(dma).toBeLessThan(2 ** 32);
    expect(dma >= tlb.start && dma < tlb.end).toBe(true);
    expect(s.machine.backdoor.read(dma, 4096)).toEqual(data); // copied in and cleaned to DRAM
    const dst = dma_alloc_coherent(dev, 4096, GFP_KERNEL)!;
    pl330Copy(s, dst.dmaAddr, dma, 4096);
    expect(s.cpu.read(dst.cpuAddr, 4096)).toEqual(data);
    dma_unmap_single(dev, dma, 4096, DMA_TO_DEVICE);
    expect(tlb.usage().used).toBe(0);
  });

  it("exhausting the pool returns DMA_MAPPING_ERROR with \"swiotlb buffer is full\"; the System goes on", async () => {
    // swiotlb=1024 (2 MB) keeps the test short; the default 64 MB pool behaves the same.
    const s = await createSystem({ board: "arm64-highmem", swiotlb: { size: 2 << 20 } });
    const dev = s.device(DMAC);
    const va = s.kernel.kmalloc(256 * KB, GFP_KERNEL);
    const maps: number[] = [];
    let dma = 0;
    for (;;) {
      dma = dma_map_single(dev, va, 256 * KB, DMA_TO_DEVICE);
      if (dma_mapping_error(dev, dma)) break;
      maps.push(dma);
    }
    // 2 MB of 2 KB slots in 128-slot segments: 8 mappings of one segment each.
    expect(maps.length).toBe(8);
    expect(dma).toBe(DMA_MAPPING_ERROR);
    expect(dma_mapping_error(dev, dma)).toBe(-12);
    expect(s.dmesg()).toContain("dma-pl330 ff6e0000.dma-controller: swiotlb buffer is full (sz: 262144 bytes), total 1024 (slots), used 1024 (slots)");
    dma_unmap_single(dev, maps.pop()!, 256 * KB, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, dma_map_single(dev, va, 4096, DMA_TO_DEVICE))).toBe(0);
  });
});

describe("bounce copies by direction", () => {
  it("FROM_DEVICE: what the device wrote into the slot reaches the buffer at unmap", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await createSystem({ board: "arm64-highmem", kernel });
      const dev = s.device(DMAC);
      const va = s.kernel.kmalloc(4096, GFP_KERNEL);
      s.cpu.write(va, pat(4096, 1));
      const dma = dma_map_single(dev, va, 4096, DMA_FROM_DEVICE);
      // Modern kernels copy the buffer in even for FROM_DEVICE (unwritten bytes survive);
      // 4.9 leaves the slot as it was (zeroes here).
      expect(s.machine.backdoor.read(dma, 4096)).toEqual(kernel === "modern" ? pat(4096, 1) : new Uint8Array(4096));
      s.machine.backdoor.write(dma, pat(4096, 2)); // the device writes DRAM
      dma_unmap_single(dev, dma, 4096, DMA_FROM_DEVICE);
      expect(s.cpu.read(va, 4096)).toEqual(pat(4096, 2));
    }
  });

  it("a partial sync_for_cpu copies back only the bytes synced", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device(DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    s.cpu.fill(va, 0x11, 4096);
    const dma = dma_map_single(dev, va, 4096, DMA_BIDIRECTIONAL);
    s.machine.backdoor.write(dma, new Uint8Array(4096).fill(0x22));
    dma_sync_single_for_cpu(dev, dma + 1024, 1024, DMA_BIDIRECTIONAL);
    const got = s.cpu.read(va, 4096);
    expect(got.subarray(0, 1024).every((b) => b === 0x11)).toBe(true);
    expect(got.subarray(1024, 2048).every((b) => b === 0x22)).toBe(true);
    expect(got.subarray(2048).every((b) => b === 0x11)).toBe(true);
  });

  it("an unmap copies the slot back once, for both kernels", async () => {
    // Modern dma_direct_unmap_phys syncs for the CPU (the one copy back), then calls
    // swiotlb_tbl_unmap_single with DMA_ATTR_SKIP_CPU_SYNC so it frees without copying again;
    // 4.9 swiotlb_unmap_page copies back inside swiotlb_tbl_unmap_single only. Either way the
    // 4096 bytes of a FROM_DEVICE mapping cross the CPU once.
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: 2 << 20 } });
      const dev = s.device(DMAC);
      const t = s.kernel.dma.time;
      const va = s.kernel.kmalloc(4096, GFP_KERNEL);
      const dma = dma_map_single(dev, va, 4096, DMA_FROM_DEVICE);
      expect(s.kernel.dma.swiotlb!.is_swiotlb_buffer(dma)).toBe(true);
      const before = t.snapshot();
      dma_unmap_single(dev, dma, 4096, DMA_FROM_DEVICE);
      expect(t.since(before).bouncedBytes).toBe(4096);
    }
  });

  it("costs simulated time in proportion to the bytes copied", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device(DMAC);
    const t = s.kernel.dma.time;
    const cost = (n: number) => {
      const va = s.kernel.kmalloc(n, GFP_KERNEL);
      s.cpu.fill(va, 1, n);
      const before = t.snapshot();
      const dma = dma_map_single(dev, va, n, DMA_TO_DEVICE);
      const d = t.since(before);
      dma_unmap_single(dev, dma, n, DMA_TO_DEVICE);
      expect(d.bouncedBytes).toBe(n);
      return d.bouncePs;
    };
    // Both larger than the L1 (32 KB), both within the L2 (1 MB): the same cost per byte.
    const small = cost(64 * KB);
    const big = cost(256 * KB);
    expect(big / small).toBeGreaterThan(3.9);
    expect(big / small).toBeLessThan(4.1);
  });
});

/** 4.9 with a 512 KB pool (256 slots, two segments), a buffer of `bytes` above 4 GB to map, and
 *  the slot number of a bounce address. */
async function v49Pool(bytes: number) {
  const s = await createSystem({ board: "arm64-highmem", kernel: "v4.9", swiotlb: { size: 512 * KB } });
  const dev = s.device(DMAC);
  const tlb = s.kernel.dma.swiotlb!;
  const va = s.kernel.kmalloc(bytes, GFP_KERNEL);
  return { dev, tlb, va, slot: (dma: number) => (dma - tlb.start) / 2048 };
}

describe("slot allocation", () => {
  it("4.9: page-sized mappings start on even slots and never cross a 128-slot segment", async () => {
    const { dev, tlb, va, slot } = await v49Pool(256 * KB);
    expect(tlb.nslabs).toBe(256);
    const a = dma_map_single(dev, va, 127 * 2048, DMA_TO_DEVICE); // slots 0..126
    expect(slot(a)).toBe(0);
    const b = dma_map_single(dev, va, 4096, DMA_TO_DEVICE); // from ALIGN(127, 2): slot 128
    expect(slot(b)).toBe(128);
    const c = dma_map_single(dev, va, 2048, DMA_TO_DEVICE); // stride 1 from 130
    expect(slot(c)).toBe(130);
    dma_unmap_single(dev, a, 127 * 2048, DMA_TO_DEVICE);
    dma_unmap_single(dev, b, 4096, DMA_TO_DEVICE);
    dma_unmap_single(dev, c, 2048, DMA_TO_DEVICE);
    expect(tlb.usage().used).toBe(0);
    // Freed slots merged back: a whole segment fits again (the search resumes at slot 131).
    expect(slot(dma_map_single(dev, va, 256 * KB, DMA_TO_DEVICE))).toBe(0);
  });

  it("4.9: a two-slot mapping skips the last free slot of a segment rather than straddle into the next", async () => {
    const { dev, va, slot } = await v49Pool(256 * KB);
    expect(slot(dma_map_single(dev, va, 127 * 2048, DMA_TO_DEVICE))).toBe(0); // slots 0..126
    // 3000 bytes: 2 slots, stride 1 from slot 127. Slot 127 is the segment's last (one free
    // slot to its end), so the run starts at 128, the next segment's first.
    expect(slot(dma_map_single(dev, va, 3000, DMA_TO_DEVICE))).toBe(128);
  });

  it("4.9: a mapping of exactly one page is page-sized: it starts on an even slot", async () => {
    const { dev, va, slot } = await v49Pool(8 * KB);
    expect(slot(dma_map_single(dev, va, 2048, DMA_TO_DEVICE))).toBe(0); // the search resumes at 1
    expect(slot(dma_map_single(dev, va, 4096, DMA_TO_DEVICE))).toBe(2); // size >= PAGE_SIZE: stride 2 from ALIGN(1, 2)
  });

  it("4.9: freeing and taking slots next to a segment's start recounts only that segment", async () => {
    // list[i] counts the free slots from i to the end of i's segment; a recount after a take or
    // a release stops at the previous segment's last slot, so no run can straddle slot 127|128.
    const { dev, va, slot } = await v49Pool(256 * KB);
    expect(slot(dma_map_single(dev, va, 127 * 2048, DMA_TO_DEVICE))).toBe(0); // slots 0..126
    const b = dma_map_single(dev, va, 2048, DMA_TO_DEVICE);
    expect(slot(b)).toBe(127);
    const c = dma_map_single(dev, va, 3000, DMA_TO_DEVICE);
    expect(slot(c)).toBe(128); // 128, 129
    dma_unmap_single(dev, b, 2048, DMA_TO_DEVICE); // slot 127 free: 1 slot to its segment's end
    dma_unmap_single(dev, c, 3000, DMA_TO_DEVICE); // 128.. free: release recounts 129, 128, not 127
    expect(slot(dma_map_single(dev, va, 2048, DMA_TO_DEVICE))).toBe(130); // take recounts 129, 128, not 127
    expect(slot(dma_map_single(dev, va, 124 * 2048, DMA_TO_DEVICE))).toBe(132); // stride 2 from 131: 132..255
    // The search wraps to 0 and finds slot 127 with one free slot to its segment's end: the
    // two-slot run starts at 128.
    expect(slot(dma_map_single(dev, va, 3000, DMA_TO_DEVICE))).toBe(128);
  });

  it("modern: min_align_mask keeps the low bits of the original address in the bounce address", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device(DMAC);
    dev.dma_parms = { max_segment_size: 65536, segment_boundary_mask: 0xffffffffn, min_align_mask: 0xfff };
    const va = s.kernel.kmalloc(8192, GFP_KERNEL);
    const dma = dma_map_single(dev, va + 0x234, 1000, DMA_TO_DEVICE);
    expect(dma % 4096).toBe(0x234);
  });

  it("modern: min_align_mask above the slot size picks a slot whose address has the original's bit 11", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device(DMAC);
    dev.dma_parms = { max_segment_size: 65536, segment_boundary_mask: 0xffffffffn, min_align_mask: 0xfff };
    const va = s.kernel.kmalloc(8192, GFP_KERNEL); // page aligned
    // 0x934: bit 11 set, so no padding inside a slot gives it (0x934 & 0x7ff = 0x134); the slot
    // itself must sit at an odd 2 KB position, and the bounce address keeps all 12 low bits.
    const dma = dma_map_single(dev, va + 0x934, 1000, DMA_TO_DEVICE);
    expect(dma % 4096).toBe(0x934);
  });

  it("modern: with min_align_mask padding, a sync of the mapping's tail (in its second slot) copies back", async () => {
    const s = await createSystem({ board: "arm64-highmem" });
    const dev = s.device(DMAC);
    dev.dma_parms = { max_segment_size: 65536, segment_boundary_mask: 0xffffffffn, min_align_mask: 0xfff };
    const va = s.kernel.kmalloc(8192, GFP_KERNEL); // page aligned
    s.cpu.fill(va, 0x11, 8192);
    // Offset 0x634 & 0x7ff = 1588 bytes of padding + 2000 = 3588 bytes: two slots.
    const dma = dma_map_single(dev, va + 0x634, 2000, DMA_FROM_DEVICE);
    expect(dma % 2048).toBe(1588);
    s.machine.backdoor.write(dma, new Uint8Array(2000).fill(0x22));
    // Bytes 1000..1499 of the mapping lie at slot offset 2588..3087: the second slot.
    dma_sync_single_for_cpu(dev, dma + 1000, 500, DMA_FROM_DEVICE);
    const got = s.cpu.read(va + 0x634, 2000);
    expect(got.subarray(0, 1000).every((b) => b === 0x11)).toBe(true);
    expect(got.subarray(1000, 1500).every((b) => b === 0x22)).toBe(true);
    expect(got.subarray(1500).every((b) => b === 0x11)).toBe(true);
  });

  it("modern: a mapping of a page or more gets a page-aligned slot even after a smaller one", async () => {
    const s = await createSystem({ board: "arm64-highmem", swiotlb: { size: 1 << 20 } });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(16384, GFP_KERNEL);
    const slot = (dma: number) => (dma - tlb.start) / 2048;
    expect(slot(dma_map_single(dev, va, 2048, DMA_TO_DEVICE))).toBe(0); // the area index moves to 1
    // Stride 2 from ALIGN(1, 2): slot 2, the next page; slot 1 stays free.
    const page = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(slot(page)).toBe(2);
    expect(page % 4096).toBe(0);
    // 8000 bytes need 4 slots, searched from ALIGN(4, 2) = 4.
    expect(slot(dma_map_single(dev, va + 100, 8000, DMA_TO_DEVICE))).toBe(4);
    expect(slot(dma_map_single(dev, va, 100, DMA_TO_DEVICE))).toBe(8);
  });

  it("4.9: an unmap with a larger size copies back and frees that many slots; the used count stays true", async () => {
    const s = await createSystem({ board: "arm64-highmem", kernel: "v4.9", swiotlb: { size: 512 * KB } });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(8192, GFP_KERNEL);
    s.cpu.fill(va, 0x11, 8192);
    const dma = dma_map_single(dev, va, 4096, DMA_BIDIRECTIONAL); // slots 0-1
    expect(tlb.usage().used).toBe(2);
    s.machine.backdoor.write(dma, new Uint8Array(8192).fill(0x22));
    dma_unmap_single(dev, dma, 8192, DMA_BIDIRECTIONAL);
    // lib/swiotlb.c 4.9 copies the caller's 8192 bytes back, past the mapping.
    expect(s.cpu.read(va, 8192)).toEqual(new Uint8Array(8192).fill(0x22));
    // It releases slots 0-3; slots 2-3 were free, so 0 are in use (not -2).
    expect(tlb.usage().used).toBe(0);
    expect(tlb.usageText()).toContain("io_tlb_used: 0\n");
  });

  it("modern: an unmap frees the slots recorded at map time, whatever size the caller gives", async () => {
    const s = await createSystem({ board: "arm64-highmem", swiotlb: { size: 1 << 20 } });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(8192, GFP_KERNEL);
    const dma = dma_map_single(dev, va, 8000, DMA_TO_DEVICE); // ceil(8000 / 2048) = 4 slots
    expect(tlb.usage().used).toBe(4);
    dma_unmap_single(dev, dma, 100, DMA_TO_DEVICE);
    // swiotlb_release_slots reads mem->slots[index].alloc_size: all 4 go back.
    expect(tlb.usage().used).toBe(0);
  });

  it("4.9: a full pool returns the overflow buffer (dma_mapping_error says 1), and panics above 32 KB", async () => {
    const s = await createSystem({ board: "arm64-highmem", kernel: "v4.9", swiotlb: { size: 256 * KB } });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    const va = s.kernel.kmalloc(256 * KB, GFP_KERNEL);
    expect(dma_mapping_error(dev, dma_map_single(dev, va, 256 * KB, DMA_TO_DEVICE))).toBe(0);
    const small = dma_map_single(dev, va, 4096, DMA_TO_DEVICE);
    expect(small).toBe(tlb.overflowBuffer);
    expect(dma_mapping_error(dev, small)).toBe(1);
    expect(s.dmesg()).toContain("dma-pl330 ff6e0000.dma-controller: swiotlb buffer is full (sz: 4096 bytes)");
    expect(s.dmesg()).toContain("DMA: Out of SW-IOMMU space for 4096 bytes at device ff6e0000.dma-controller");
    // swiotlb_full: `if (size <= io_tlb_overflow || !do_panic) return;` — exactly the overflow
    // buffer's 32 KB still gets it; one byte more panics.
    expect(dma_map_single(dev, va, 32 * KB, DMA_FROM_DEVICE)).toBe(tlb.overflowBuffer);
    expect(() => dma_map_single(dev, va, 32 * KB + 1, DMA_FROM_DEVICE)).toThrow(KernelPanic);
    expect(() => dma_map_single(dev, va, 64 * KB, DMA_FROM_DEVICE)).toThrow(KernelPanic);
    expect(() => dma_map_single(dev, va, 64 * KB, DMA_FROM_DEVICE)).toThrow("Kernel panic - not syncing: DMA: Random memory could be DMA written");
    // dma_map_sg does not panic: it unmaps what it mapped and returns 0.
    const sgl = sg_alloc(2);
    sg_set_buf(sgl[0], va, 4096);
    sg_set_buf(sgl[1], va + 4096, 64 * KB);
    expect(dma_map_sg(dev, sgl, 2, DMA_TO_DEVICE)).toBe(0);
  });

  it.each(["v4.9", "modern"] as const)("%s: a mapping that fills a segment-boundary window exactly fits, at the next window after a used slot", async (kernel) => {
    const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: 512 * KB } });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    // dma_set_seg_boundary(dev, 0xffff): no mapping may cross a 64 KB line (32 slots).
    dev.dma_parms = { max_segment_size: 65536, segment_boundary_mask: 0xffffn, min_align_mask: 0 };
    expect(tlb.start % 0x10000).toBe(0); // windows start at slots 0, 32, 64, …
    const va = s.kernel.kmalloc(64 * KB, GFP_KERNEL);
    const small = dma_map_single(dev, va, 2048, DMA_TO_DEVICE);
    expect((small - tlb.start) / 2048).toBe(0);
    // iommu_is_span_boundary: (index mod 32) + 32 > 32 is false only at a window's start; slot 0
    // is taken, so the 32 slots are 32..63, ending exactly at the next line.
    const whole = dma_map_single(dev, va, 64 * KB, DMA_TO_DEVICE);
    expect(dma_mapping_error(dev, whole)).toBe(0);
    expect((whole - tlb.start) / 2048).toBe(32);
  });

  it("a page just past the pool's end is no bounce slot: its unmap does not touch the pool", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 512 * KB } });
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    // The page right after the pool, mapped by struct page (no bounce: the device reaches it).
    const pfn = tlb.end / 4096;
    const dma = dma_map_page(dev, pfn, 0, 4096, DMA_FROM_DEVICE);
    expect(dma).toBe(tlb.end);
    s.machine.backdoor.write(dma, pat(4096, 5)); // the device writes the page
    dma_unmap_page(dev, dma, 4096, DMA_FROM_DEVICE);
    expect(s.cpu.read(s.kernel.mm.phys_to_virt(tlb.end), 4096)).toEqual(pat(4096, 5));
    expect(tlb.usage().used).toBe(0);
  });

  it.each(["v4.9", "modern"] as const)("%s: a pool size that is not whole segments is rounded up to them", async (kernel) => {
    // 4.9 swiotlb_init: io_tlb_nslabs = ALIGN(size >> IO_TLB_SHIFT, IO_TLB_SEGSIZE); modern
    // swiotlb_adjust_size likewise. 300 KB is 150 slots, rounded up to two 128-slot segments.
    const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: 300 * KB } });
    const u = s.kernel.dma.swiotlb!.usage();
    expect(u.nslabs).toBe(256);
    expect(u.end - u.start).toBe(256 * 2048);
  });

  it("shows its usage as the debugfs files do", async () => {
    const s = await createSystem({ board: "arm64-highmem", swiotlb: { size: 1 << 20 } });
    const dev = s.device(DMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const d1 = dma_map_single(dev, va, 3000, DMA_TO_DEVICE);
    dma_map_single(dev, va, 1000, DMA_TO_DEVICE);
    dma_unmap_single(dev, d1, 3000, DMA_TO_DEVICE);
    const u = s.kernel.dma.swiotlb!.usage();
    expect([u.nslabs, u.used, u.hiwater]).toEqual([512, 1, 3]);
    expect(s.kernel.dma.swiotlb!.usageText()).toMatch(/^io_tlb_nslabs: 512\nio_tlb_used: 1\nio_tlb_used_hiwater: 3\n/);
  });
});

describe("\"swiotlb buffer is full\": what each kernel prints", () => {
  // A 2 MB pool of 1024 slots, filled by eight 256 KB mappings (one 128-slot segment each).
  async function fullPool(kernel: "modern" | "v4.9"): Promise<{ s: System; va: number }> {
    const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: 2 << 20 } });
    const dev = s.device(DMAC);
    const va = s.kernel.kmalloc(256 * KB, GFP_KERNEL);
    for (let i = 0; i < 8; i++) expect(dma_mapping_error(dev, dma_map_single(dev, va, 256 * KB, DMA_TO_DEVICE))).toBe(0);
    return { s, va };
  }

  it("modern: sz counts the min_align_mask padding the search asked for; DMA_ATTR_NO_WARN silences it", async () => {
    const { s, va } = await fullPool("modern");
    const dev = s.device(DMAC);
    dev.dma_parms = { max_segment_size: 65536, segment_boundary_mask: 0xffffffffffffffffn, min_align_mask: 0xfff };
    const pa = s.kernel.mm.virt_to_phys(va + 0x934);
    // swiotlb_align_offset: the address bits under min_align_mask within one 2 KB slot.
    const pad = (pa % 4096) % 2048;
    expect(pad).toBe(0x134); // the kmalloc buffer is page aligned
    expect(dma_map_single(dev, va + 0x934, 4096, DMA_TO_DEVICE)).toBe(DMA_MAPPING_ERROR);
    const line = `dma-pl330 ${DMAC}: swiotlb buffer is full (sz: ${4096 + pad} bytes), total 1024 (slots), used 1024 (slots)`;
    expect(s.kernel.printk.grep("swiotlb buffer is full")).toEqual([expect.stringContaining(line)]);
    expect(dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, DMA_ATTR_NO_WARN)).toBe(DMA_MAPPING_ERROR);
    expect(s.kernel.printk.grep("swiotlb buffer is full")).toHaveLength(1);
  });

  it("4.9: the size alone, and DMA_ATTR_NO_WARN does not silence it (lib/swiotlb.c never tested it)", async () => {
    const { s, va } = await fullPool("v4.9");
    const dev = s.device(DMAC);
    const tlb = s.kernel.dma.swiotlb!;
    expect(dma_map_single_attrs(dev, va, 4096, DMA_TO_DEVICE, DMA_ATTR_NO_WARN)).toBe(tlb.overflowBuffer);
    expect(s.kernel.printk.grep("swiotlb buffer is full")).toEqual([expect.stringContaining(`dma-pl330 ${DMAC}: swiotlb buffer is full (sz: 4096 bytes)`)]);
    expect(s.kernel.printk.grep("SW-IOMMU")).toEqual([expect.stringContaining(`DMA: Out of SW-IOMMU space for 4096 bytes at device ${DMAC}`)]);
  });
});
