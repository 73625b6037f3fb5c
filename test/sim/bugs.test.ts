// The mask-overflow and swiotlb-exhaustion bugs on boards that cannot show them: the symptom
// says why (and where they can be seen) instead of reporting mappings that worked as the
// failure, and never quotes an empty warning; with DMA-API debug on, no report but their own.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { bugSystem, type BugResult } from "../../src/sim/scenarios/bugs.js";
import { editedSystem } from "../helpers/edited-system.js";
import { runBug } from "../helpers/run-bug.js";
import type { SystemOptions } from "../../src/system.js";

const maskOverflow = (options: SystemOptions): Promise<BugResult> => runBug("mask-overflow", options);

describe("bug mask-overflow", () => {
  it("reproduces on its own System (arm64-highmem, no swiotlb), quoting the overflow warning", async () => {
    const r = await maskOverflow(bugSystem({ kind: "mask-overflow" }));
    expect(r.reproduced).toBe(true);
    expect(r.symptom).toMatch(/^dma_map_single of a buffer at PA 0x[0-9a-f]{9} for a device with mask 0xffffffff returned DMA_MAPPING_ERROR: "DMA addr 0x[0-9a-f]{16}\+4096 overflow \(mask ffffffff, bus limit 0\)\."$/);
  });

  it("on arm64-ref, whose RAM (0x40000000-0x7fffffff) is all below a 32-bit mask, says the board cannot show it", async () => {
    const r = await maskOverflow({ board: "arm64-ref" });
    expect(r.reproduced).toBe(false);
    expect(r.symptom).toBe("this board cannot show the bug: all of its RAM (up to PA 0x7fffffff) is within the device's mask 0xffffffff; run it without the board option (arm64-highmem, RAM above 4 GiB, no swiotlb)");
  });

  it("on arm64-highmem with its swiotlb, says the bounce buffer hid it", async () => {
    const r = await maskOverflow({ board: "arm64-highmem" });
    expect(r.reproduced).toBe(false);
    expect(r.symptom).toMatch(/^dma_map_single of a buffer at PA 0x[0-9a-f]{9} for a device with mask 0xffffffff returned 0x[0-9a-f]{1,8}, a swiotlb bounce slot: this System's swiotlb hides the bug; run it without the board option \(arm64-highmem, RAM above 4 GiB, no swiotlb\)$/);
    expect(r.symptom).not.toContain('""');
  });
});

describe("bug mask-overflow on Linux 4.9", () => {
  // arm64-highmem's RAM: 256 MiB at 0x80000000 and at 0x880000000 (its .dts), so its last byte is
  // 0x88fffffff; 4.9's ZONE_DMA ends 4 GB above the 4 GB-aligned base of DRAM, at 0xffffffff.
  it("keeps the pool 4.9's mem_init builds, and says the bounce slot hid the bug", async () => {
    const own = bugSystem({ kind: "mask-overflow" }, { kernel: "v4.9" });
    expect(own).toEqual({ board: "arm64-highmem" });
    const r = await maskOverflow({ ...own, kernel: "v4.9" });
    expect(r.reproduced).toBe(false);
    // The default 64 MiB pool, taken top-down below 4 GB from the 256 MiB bank that ends at
    // 0x90000000, starts at 0x8c000000: its first slot is the first mapping's.
    expect(r.symptom).toBe(
      `dma_map_single of a buffer at PA 0x${Number(r.details.bufferPa).toString(16)} for a device with mask 0xffffffff returned 0x8c000000, a swiotlb bounce slot: ` +
        "Linux 4.9 cannot show the bug on arm64, whose mem_init always builds a swiotlb pool when RAM extends beyond ZONE_DMA (swiotlb=0 means the default 64 MiB); run it on the modern kernel");
    expect(Number(r.details.bufferPa)).toBeGreaterThan(0xffffffff);
  });

  it("refuses a System with no pool there: 4.9 has no way to ask for one", async () => {
    await expect(createSystem({ board: "arm64-highmem", kernel: "v4.9", swiotlb: { size: 0 }, worker: false })).rejects.toThrow(
      "swiotlb: no bounce pool (size 0) cannot be had on Linux 4.9 arm64 with RAM up to PA 0x88fffffff, beyond ZONE_DMA's end at 0xffffffff: " +
        "4.9's mem_init then always calls swiotlb_init, which takes the default 64 MiB for swiotlb=0 (there is no swiotlb=noforce before 4.10); " +
        "leave the option out (a 64 MiB pool), or use the modern kernel");
  });

  it("still boots 4.9 with no pool where all RAM is within ZONE_DMA (arm64-ref)", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9", swiotlb: { size: 0 }, worker: false });
    expect(s.kernel.dma.swiotlb).toBeNull();
    s.dispose();
  });
});

describe("bug swiotlb-exhaustion", () => {
  it("on zynq-7000, which has no swiotlb, says the board cannot show it instead of claiming a DMA_MAPPING_ERROR", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: false });
    const r = s.run("bug", { kind: "swiotlb-exhaustion" }) as BugResult;
    s.dispose();
    expect(r.reproduced).toBe(false);
    expect(r.symptom).toBe("the leaked 256 KiB mapping took no swiotlb bounce slot (the buffer is within the device's DMA mask): this board cannot show the bug; run it without the board option (arm64-highmem, RAM above 4 GiB, a 2 MiB swiotlb)");
    expect(r.details.mappingsBeforeFull).toBe(1);
  });
});

describe("bug mmap-cacheable", () => {
  it.each(["zynq-7000", "arm64-ref"])("on %s the remap_pfn_range mapping reads the bytes from before the transfer, dma_mmap_coherent's the device's", async (board) => {
    const s = await createSystem({ board, worker: false });
    const r = s.run("bug", { kind: "mmap-cacheable" }) as BugResult;
    s.dispose();
    // The process read zeros (the fresh coherent buffer) before the transfer; the pattern has a
    // zero byte in about 1 of 256 places, so nearly every byte differs — and none, uncached.
    expect(r.reproduced).toBe(true);
    expect(r.details).toMatchObject({ bytes: 16384, staleWithDmaMmap: 0, remapMemType: "Normal WB", dmaMmapMemType: "Normal NC" });
    expect(r.details.staleBytes).toBeGreaterThan(16000);
  });

  it("a dma-coherent DMAC snoops the process's cacheable alias: nothing is stale", async () => {
    const s = await editedSystem("zynq-7000", (tree) => {
      for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
    });
    const r = s.run("bug", { kind: "mmap-cacheable" }) as BugResult;
    expect(r.reproduced).toBe(false);
    expect(r.details).toMatchObject({ staleBytes: 0, staleWithDmaMmap: 0, remapMemType: "Normal WB", dmaMmapMemType: "Normal WB" });
    // The symptom says the board cannot show the bug instead of blaming the caches.
    expect(r.symptom).toMatch(/f8003000\.dma-controller is dma-coherent .*this board cannot show the bug/);
    expect(r.symptom).not.toMatch(/beneath the caches/);
  });
});

describe("with DMA-API debug on, a bug scenario reports only its own bug", () => {
  // Each maps its buffers as a driver must (dma_mapping_error after dma_map_single), so debug has
  // nothing to say about them; unchecked-map-error is the one whose bug that is.
  it.each(["modern", "v4.9"] as const)("%s: missing-sync, invalidate-only-before and mmap-cacheable leave no report", async (kernel) => {
    for (const kind of ["missing-sync", "invalidate-only-before", "mmap-cacheable"]) {
      const s = await createSystem({ board: "zynq-7000", kernel, dmaDebug: true, worker: false });
      s.run("bug", { kind });
      expect(s.kernel.dma.debug.reports, kind).toEqual([]);
      s.dispose();
    }
  });
});

describe("bug unchecked-map-error", () => {
  // Only DMA-API debug reports a mapping never checked with dma_mapping_error (kernel/dma/debug.c
  // check_unmap): on a System chosen without it there is nothing to see, and the symptom says how
  // to turn it on rather than asking whether it is.
  it("on a board named without DMA-API debug, says it is off and how to turn it on", async () => {
    const r = await runBug("unchecked-map-error", { board: "arm64-ref" });
    expect(r.reproduced).toBe(false);
    expect(r.symptom).toBe(
      "no report: DMA-API debug is off on this System, and only it reports an unchecked mapping; add --dma-debug (createSystem({ dmaDebug: true })), or run it without the board option",
    );
  });

  it("with DMA-API debug on that board, quotes the report", async () => {
    const r = await runBug("unchecked-map-error", { board: "arm64-ref", dmaDebug: true });
    expect(r.reproduced).toBe(true);
    expect(r.symptom).toMatch(/^DMA-API debug: "DMA-API: dma-pl330 [0-9a-f]+\.dma-controller: device driver failed to check map error\[/);
  });
});

describe("bug gup-missing-unmap", () => {
  // The scenario's buffer is 4 pages of anonymous memory; the device writes bytes that are never
  // zero, so every byte still holding a page's zeros is stale. The process reads the first page
  // after the map (1 page = 4096 bytes) and reads all 4 pages after the driver returns.
  const PAGE = 4096;
  const BUFFER = 4 * PAGE;
  const run = async (options: Parameters<typeof createSystem>[0]) => {
    const s = await createSystem({ ...options, worker: false });
    try {
      return { r: s.run("bug", { kind: "gup-missing-unmap" }) as BugResult, reports: [...s.kernel.dma.debug.reports] };
    } finally {
      s.dispose();
    }
  };

  it.each([
    // arm and 4.9 arm64 invalidate a DMA_FROM_DEVICE buffer at map: only the page the process read
    // after the map is in the cache when the device writes beneath it.
    ["zynq-7000", "modern", PAGE, /arm's map for DMA_FROM_DEVICE invalidated the buffer/],
    ["zynq-7000", "v4.9", PAGE, /arm's map for DMA_FROM_DEVICE invalidated the buffer/],
    ["arm64-ref", "v4.9", PAGE, /4\.9 arm64's map for DMA_FROM_DEVICE invalidated the buffer/],
    // Modern arm64 cleans only: the whole buffer the page faults zeroed stays cached.
    ["arm64-ref", "modern", BUFFER, /arm64's map for DMA_FROM_DEVICE only cleans the buffer/],
    // RAM above the 32-bit mask: swiotlb bounces, and nothing copies the slots back.
    ["arm64-highmem", "modern", BUFFER, /swiotlb bounced them/],
    ["arm64-highmem", "v4.9", BUFFER, /swiotlb bounced them/],
  ] as const)("%s %s: %i stale bytes without the unmap, none with it", async (board, kernel, stale, why) => {
    const { r } = await run({ board, kernel });
    expect(r.reproduced).toBe(true);
    expect(r.details).toMatchObject({ bytes: BUFFER, staleBytes: stale, staleWithUnmap: 0, bounced: board === "arm64-highmem" ? "yes" : "no" });
    expect(r.symptom).toMatch(why);
    expect(r.fixed).toContain(kernel === "v4.9" ? "dma_unmap_sg before" : "dma_unmap_sgtable before");
  });

  it("a dma-coherent DMAC snoops the caches: nothing is stale, and the symptom says the board cannot show it", async () => {
    const s = await editedSystem("zynq-7000", (tree) => {
      for (const n of tree.compatibleNodes("arm,pl330")) n.properties.set("dma-coherent", new Uint8Array());
    });
    const r = s.run("bug", { kind: "gup-missing-unmap" }) as BugResult;
    expect(r.reproduced).toBe(false);
    expect(r.details).toMatchObject({ staleBytes: 0, staleWithUnmap: 0 });
    expect(r.symptom).toMatch(/f8003000\.dma-controller is dma-coherent .*this board cannot show the bug/);
  });

  it.each(["modern", "v4.9"] as const)("%s with DMA-API debug: no report at the unpin or the exit, the leaked entries counted", async (kernel) => {
    // 4 pinned pages make 2 sg entries: the pages come from the buddy allocator in two
    // physically contiguous pairs here, and sg_alloc_table_from_pages merges each pair.
    const { r, reports } = await run({ board: "zynq-7000", kernel, dmaDebug: true });
    expect(reports).toEqual([]);
    expect(r.details).toMatchObject({ debugReportsAtUnpin: 0, debugReportsAtExit: 0, leakedDebugEntries: 2 });
    // Linux reports a driver's leaked entries only at the unbind of a PCI device: never on this
    // board's AMBA DMAC. 4.9's debugfs has no dump file (5.1).
    const where = kernel === "modern" ? "/sys/kernel/debug/dma-api/dump lists them" : "only /sys/kernel/debug/dma-api/num_free_entries counts them (4.9 has no dump file)";
    expect(r.symptom).toContain(`DMA-API debug reported nothing at the unpin or at the process's exit: the 2 sg entries stay in its table, and an ARM board never reports them (Linux reports a driver's leaked entries at unbind only for PCI devices): ${where}`);
  });
});

describe("bug gup-missing-write", () => {
  // 4 pages the process has only read, all mapping the one zero page; the device writes 4 pages
  // whose bytes differ from each other at every offset. The zero page ends holding the last one,
  // so the process, reading it through all 4 pages, sees 3 wrong pages (3 * 4096 bytes); a fresh
  // mapping reads that page (4096 bytes, none zero: the device never writes a zero byte); the
  // process's 4-byte header write copies the zero page to fresh zeros (4096 zero bytes), where
  // with FOLL_WRITE its own page keeps the data but for the 4 bytes it cleared.
  const PAGE = 4096;
  it.each([
    ["zynq-7000", "modern"], ["zynq-7000", "v4.9"], ["arm64-ref", "modern"], ["arm64-ref", "v4.9"],
  ] as const)("%s %s: the device's bytes land in the zero page, FOLL_WRITE puts them in the process's pages", async (board, kernel) => {
    const s = await createSystem({ board, kernel, worker: false });
    try {
      const r = s.run("bug", { kind: "gup-missing-write" }) as BugResult;
      expect(r.reproduced).toBe(true);
      expect(r.details).toEqual({
        bytes: 4 * PAGE, wrongBytes: 3 * PAGE, wrongWithFollWrite: 0, zeroPagesPinned: 4,
        // 4.9's get_user_pages_fast takes a reference (get_page) per page on the zero page; 6.x none.
        zeroPageRefsBefore: 1, zeroPageRefsWhilePinned: kernel === "v4.9" ? 1 + 4 : 1, zeroPageRefsAfter: 1,
        zeroPageHoldsLastPage: PAGE, freshMappingNonZero: PAGE, zerosAfterWrite: PAGE, zerosAfterWriteWithFollWrite: 4,
      });
      expect(r.symptom).toContain(kernel === "v4.9" ? "after get_user_pages_fast(write = 0)" : "after pin_user_pages_fast without FOLL_WRITE");
      expect(r.symptom).toContain(`mapped the shared zero page (pfn 0x${s.kernel.mm.zeroPfn.toString(16)}), which the driver pinned 4 times`);
      // The run gives the System back whole: the zero page reads zero again.
      expect(s.machine.backdoor.read(s.kernel.mm.zeroPfn * PAGE, PAGE)).toEqual(new Uint8Array(PAGE));
      const uva = s.user.mmap(PAGE, null, { flags: 0x22 });
      expect(s.user.read(uva, PAGE)).toEqual(new Uint8Array(PAGE));
    } finally {
      s.dispose();
    }
  });
});

describe("bug missing-sync, where the receive mapping bounces", () => {
  // arm64-highmem's kmalloc memory is above the PL330's 32-bit mask, so both mappings go through
  // swiotlb: the device writes the slot, and without dma_sync_single_for_cpu nothing copies it
  // into the buffer, which still holds the first transfer. Two 64 KiB patterns (seeds 1 and 2)
  // differ in all but about 1/256 of their bytes, caches or no caches.
  it("blames the bounce buffer, not the caches, and the sync still fixes it", async () => {
    const bounced = await runBug("missing-sync", { board: "arm64-highmem" });
    expect(bounced.reproduced).toBe(true);
    expect(bounced.symptom).toMatch(/^\d+ of 65536 bytes read back stale: the previous transfer's data, the device wrote this one into the swiotlb bounce buffer, which only the sync copies back$/);
    expect(bounced.details.staleAfterSync).toBe(0);
    const cached = await runBug("missing-sync", { board: "zynq-7000" });
    expect(cached.symptom).toMatch(/the previous transfer's data, still in the CPU's caches$/);
  });
});
