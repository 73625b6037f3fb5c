// DMA-API debugging's table of mappings: what happens at device removal, the reporting options,
// the entry pool, kmalloc objects sharing a cache line, failed mappings, and which entry a check
// or an unmap matches. (Each check's report is in debug.test.ts.)

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { dma_map_single, dma_unmap_single, dma_mapping_error, dma_alloc_coherent, dma_map_resource } from "../../src/dma/mapping.js";
import { DMA_FROM_DEVICE, DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_release_channel, dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY, DMA_PREP_INTERRUPT } from "../../src/dmaengine/types.js";
import { ZDMAC, ADMAC, P, a16, sys, buffer } from "../helpers/dma-debug-system.js";

describe("device removal, reporting options and the entry pool", () => {
  it("reports nothing of what a platform driver left mapped when it lets go of the device (dma_debug_add_bus is PCI's); dmasim notes it", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await sys({ allErrors: true }, { kernel });
      const dev = s.device("e0001000.serial");
      s.kernel.device_bind_driver(dev, "xuartps");
      const { va, pa } = buffer(s);
      dma_map_single(dev, va, 64, DMA_TO_DEVICE);
      s.kernel.device_release_driver(dev);
      expect(s.kernel.dma.debug.reports).toEqual([]);
      expect(s.kernel.dma.debug.errorCount).toBe(0);
      expect(s.dmesg()).not.toContain("DMA-API: platform");
      // 4.9's debugfs has no dump file (added in 5.1): only the free-entry count shows the leak.
      const where = kernel === "modern"
        ? "/sys/kernel/debug/dma-api/dump lists them"
        : "only /sys/kernel/debug/dma-api/num_free_entries counts them (4.9 has no dump file)";
      expect(s.kernel.printk.grep("dmasim: note")).toEqual([
        `dmasim: note: platform e0001000.serial: driver xuartps unbound with 1 DMA-API debug entry still live, e.g. [device address=${a16(pa)}] [size=64 bytes] [mapped with DMA_TO_DEVICE] [mapped as single]; ` +
          `Linux reports leaked entries at unbind only for PCI devices, so a board prints nothing: the entries stay, and ${where}`,
      ]);
      expect(dev.driverName).toBeUndefined();
      expect(s.kernel.dma.debug.entries(dev)).toBe(1);
    }
  });

  it("notes nothing once DMA-API debugging has disabled itself: its table no longer follows the mappings", async () => {
    // 4.9 with 2 entries: the pl330's microcode takes one, the first mapping the other, the
    // second finds none and global_disable is set. dma_debug_device_change returns at once when
    // dma_debug_disabled(), so no count of the entries left would be true to tell.
    const s = await sys({ allErrors: true, entries: 2 }, { kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    const { va } = buffer(s, 128);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    dma_map_single(dev, va + 64, 64, DMA_TO_DEVICE);
    expect(s.readFile("/sys/kernel/debug/dma-api/disabled")).toBe("Y\n");
    s.kernel.device_release_driver(dev);
    expect(dev.driverName).toBeUndefined();
    expect(s.kernel.printk.grep("dmasim: note")).toEqual([]);
  });

  it("checks: { leak: false } drops the note", async () => {
    const s = await sys({ allErrors: true, checks: { leak: false } });
    const dev = s.device("e0001000.serial");
    s.kernel.device_bind_driver(dev, "xuartps");
    const { va } = buffer(s);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    s.kernel.device_release_driver(dev);
    expect(s.kernel.printk.grep("dmasim: note")).toEqual([]);
    expect(s.kernel.dma.debug.reports).toEqual([]);
  });

  it("the leak note names the last entry walking the hash buckets: 16384 of them in modern kernels, 1024 in 4.9", async () => {
    // hash_fn = (addr >> 13) & (HASH_SIZE - 1): 0xe0002000 is bucket 1 in both; 0xe0800000
    // (>> 13: 0x70400) is bucket 0x70400 & 1023 = 0 in 4.9, & 16383 = 1024 in modern kernels.
    const [low, high] = [0xe0002000, 0xe0800000];
    for (const [kernel, last] of [["modern", high], ["v4.9", low]] as const) {
      const s = await sys({ allErrors: true }, { kernel });
      const dev = s.device("e0001000.serial");
      s.kernel.device_bind_driver(dev, "xuartps");
      dma_map_resource(dev, low, 4, DMA_TO_DEVICE);
      dma_map_resource(dev, high, 4, DMA_TO_DEVICE);
      s.kernel.device_release_driver(dev);
      const [note] = s.kernel.printk.grep("dmasim: note");
      expect(note).toContain(`unbound with 2 DMA-API debug entries still live, e.g. [device address=${a16(last)}] [size=4 bytes]`);
    }
  });

  it("prints the first error only by default, counts all, filters by driver, and switches checks off", async () => {
    const one = await sys({});
    const dev = one.device(ZDMAC);
    const { pa } = buffer(one);
    dma_unmap_single(dev, pa, 64, DMA_TO_DEVICE);
    dma_unmap_single(dev, pa + 64, 64, DMA_TO_DEVICE);
    expect(one.kernel.dma.debug.reports).toHaveLength(1);
    expect(one.kernel.dma.debug.errorCount).toBe(2);
    const filtered = await sys({ allErrors: true, driverFilter: "xuartps" });
    dma_unmap_single(filtered.device(ZDMAC), pa, 64, DMA_TO_DEVICE);
    expect([filtered.kernel.dma.debug.reports.length, filtered.kernel.dma.debug.errorCount]).toEqual([0, 1]);
    const quiet = await sys({ allErrors: true, checks: { mapError: false } });
    const b = buffer(quiet);
    dma_unmap_single(quiet.device(ZDMAC), dma_map_single(quiet.device(ZDMAC), b.va, 64, DMA_TO_DEVICE), 64, DMA_TO_DEVICE);
    expect(quiet.kernel.dma.debug.reports).toEqual([]);
  });

  it("4.9 disables itself when its entries run out; modern kernels grow the pool", async () => {
    const old = await sys({ entries: 2 }, { kernel: "v4.9" });
    const { va } = buffer(old, 256);
    for (let i = 0; i < 3; i++) dma_map_single(old.device(ZDMAC), va + i * 64, 64, DMA_TO_DEVICE);
    expect(old.dmesg()).toContain("DMA-API: debugging out of memory - disabling");
    expect(old.kernel.dma.debug.disabled).toBe(true);
    const s = await sys({ entries: 32 });
    const b = buffer(s, 4096);
    for (let i = 0; i < 33; i++) dma_map_single(s.device(ZDMAC), b.va + i * 64, 64, DMA_TO_DEVICE);
    expect(s.dmesg()).toContain("DMA-API: dma_debug_entry pool grown to 64 (200%)");
    expect(s.kernel.dma.debug.entries()).toBe(34); // with the pl330 driver's microcode buffer
  });

  it("does nothing when off", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const { pa } = buffer(s);
    dma_unmap_single(s.device(ZDMAC), pa, 64, DMA_TO_DEVICE);
    expect(s.dmesg()).not.toMatch(/DMA-API/);
  });
});

describe("overlapping mappings of small kmalloc buffers on arm64 (CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC)", () => {
  const A = "DMA-API: dma-pl330 ff6e0000.dma-controller: ";
  const LINE = 64; // the arm64 boards' cache line (CTR_EL0.DminLine)

  /** Two kmalloc(32) objects in one cache line: of three consecutive ones 32 bytes apart,
   *  one pair shares a line. */
  function twoInOneLine(s: System): [number, number] {
    const mm = s.kernel.mm;
    const v = [0, 1, 2].map(() => s.kernel.kmalloc(32, GFP_KERNEL));
    const line = (va: number) => Math.floor(mm.virt_to_phys(va) / LINE);
    const i = [0, 1].find((k) => line(v[k]) === line(v[k + 1]));
    expect(i).toBeDefined();
    return [v[i!], v[i! + 1]];
  }

  function deviceWrites(s: System, dst: number, bytes: Uint8Array): void {
    const src = dma_alloc_coherent(s.device(ADMAC), bytes.length, GFP_KERNEL)!;
    s.cpu.write(src.cpuAddr, bytes);
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const tx = dmaengine_prep_dma_memcpy(chan, dst, src.dmaAddr, bytes.length, DMA_PREP_INTERRUPT)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    dma_release_channel(chan);
  }

  it("modern: both bounce, no overlap report, and each gets what the device wrote", async () => {
    const s = await createSystem({ board: "arm64-ref", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const tlb = s.kernel.dma.swiotlb!;
    expect(dev.dma_coherent).toBe(false);
    const [a, b] = twoInOneLine(s);
    s.cpu.fill(a, 0xee, 32);
    s.cpu.fill(b, 0xee, 32);
    const da = dma_map_single(dev, a, 32, DMA_FROM_DEVICE);
    const db = dma_map_single(dev, b, 32, DMA_FROM_DEVICE);
    expect([dma_mapping_error(dev, da), dma_mapping_error(dev, db)]).toEqual([0, 0]);
    expect([tlb.is_swiotlb_buffer(da), tlb.is_swiotlb_buffer(db)]).toEqual([true, true]);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    const pa = Uint8Array.from({ length: 32 }, (_, i) => 0x10 + i);
    const pb = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    deviceWrites(s, da, pa);
    deviceWrites(s, db, pb);
    dma_unmap_single(dev, da, 32, DMA_FROM_DEVICE);
    dma_unmap_single(dev, db, 32, DMA_FROM_DEVICE);
    expect(s.cpu.read(a, 32)).toEqual(pa);
    expect(s.cpu.read(b, 32)).toEqual(pb);
    // The test is per device: an overlap the kernel did not bounce goes unreported too.
    const big = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(dma_map_single(dev, big, 4096, DMA_FROM_DEVICE)).toBe(s.kernel.mm.virt_to_phys(big));
    dma_map_single(dev, big, 4096, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    expect(s.dmesg()).not.toContain("overlapping mappings");
  });

  it("modern with no swiotlb pool: kmalloc keeps objects a line apart, and an overlap is reported", async () => {
    const s = await createSystem({ board: "arm64-ref", swiotlb: { size: 0 }, dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    expect(s.kernel.dma.swiotlb).toBeNull();
    const x = s.kernel.kmalloc(32, GFP_KERNEL);
    const y = s.kernel.kmalloc(32, GFP_KERNEL);
    expect(Math.abs(s.kernel.mm.virt_to_phys(y) - s.kernel.mm.virt_to_phys(x))).toBeGreaterThanOrEqual(LINE);
    dma_map_single(dev, x, 16, DMA_FROM_DEVICE);
    dma_map_single(dev, x + 16, 16, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([`${A}cacheline tracking EEXIST, overlapping mappings aren't supported`]);
  });

  it("4.9: kmalloc objects are ARCH_DMA_MINALIGN (128) apart, nothing bounces, and overlaps are never reported", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const mm = s.kernel.mm;
    const x = s.kernel.kmalloc(32, GFP_KERNEL);
    const y = s.kernel.kmalloc(32, GFP_KERNEL);
    expect(Math.abs(mm.virt_to_phys(y) - mm.virt_to_phys(x))).toBeGreaterThanOrEqual(128);
    expect(dma_map_single(dev, x, 32, DMA_FROM_DEVICE)).toBe(mm.virt_to_phys(x));
    dma_map_single(dev, x, 32, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([]);
  });
});

describe("failed mappings", () => {
  it("a mapping that failed leaves no entry: debug_dma_map_page returns on dma_mapping_error", async () => {
    // kernel/dma/debug.c debug_dma_map_page: `if (dma_mapping_error(dev, dma_addr)) return;`.
    // swiotlb=noforce on arm64-highmem leaves a buffer above 4 GiB no way to the 32-bit PL330.
    const s = await createSystem({ board: "arm64-highmem", swiotlb: "noforce", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(s.kernel.mm.virt_to_phys(va)).toBeGreaterThan(0xffffffff);
    const before = s.kernel.dma.debug.entries(dev); // the driver's own coherent buffers
    expect(dma_map_single(dev, va, 4096, DMA_FROM_DEVICE)).toBe(DMA_MAPPING_ERROR);
    expect(s.kernel.dma.debug.entries(dev)).toBe(before);
    expect(s.kernel.dma.debug.dump()).not.toContain(" single ");
  });
});

describe("dma_mapping_error marks one entry: that device's, at that address", () => {
  it("another device's check of the same address does not count for this one", async () => {
    // debug_dma_mapping_error walks the bucket for an exact_match: the same dev_addr *and* the
    // same dev. Without an IOMMU two devices mapping one buffer get one DMA address.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const other = s.device("e0001000.serial");
    const { va, pa } = buffer(s, 64);
    const mine = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const theirs = dma_map_single(other, va, 64, DMA_TO_DEVICE);
    expect(theirs).toBe(mine);
    expect(dma_mapping_error(other, theirs)).toBe(0);
    dma_unmap_single(dev, mine, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver failed to check map error[device address=${a16(pa)}] [size=64 bytes] [mapped as single]`,
    ]);
    dma_unmap_single(other, theirs, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toHaveLength(1);
  });

  it("a check of one address in a bucket does not count for another address in it", async () => {
    // Both mappings hash to one 8 KB bucket (dev_addr >> 13); only the checked one is marked.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 256);
    const first = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const second = dma_map_single(dev, va + 128, 64, DMA_TO_DEVICE);
    expect(Math.floor(first / 8192)).toBe(Math.floor(second / 8192));
    expect(dma_mapping_error(dev, second)).toBe(0);
    dma_unmap_single(dev, first, 64, DMA_TO_DEVICE);
    dma_unmap_single(dev, second, 64, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver failed to check map error[device address=${a16(pa)}] [size=64 bytes] [mapped as single]`,
    ]);
  });
});

describe("entries at one address", () => {
  it("two imperfect matches are no match: the unmap is of memory never allocated", async () => {
    // __hash_bucket_find: with several entries at the address and none matching size, type,
    // direction and sg count all four, it returns NULL ("If we have multiple matches but no
    // perfect-fit, just return NULL"), so check_unmap reports an unknown address.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 256);
    const a = dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const b = dma_map_single(dev, va, 128, DMA_TO_DEVICE);
    expect(b).toBe(a);
    dma_mapping_error(dev, a);
    dma_mapping_error(dev, b);
    dma_unmap_single(dev, a, 96, DMA_TO_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([
      `${P}device driver tries to free DMA memory it has not allocated [device address=${a16(pa)}] [size=96 bytes]`,
    ]);
  });

  it("the debugfs dump names each entry's hash bucket: dev_addr >> 13", async () => {
    // kernel/dma/debug.c hash_fn: (dev_addr >> HASH_FN_SHIFT) & HASH_FN_MASK, HASH_FN_SHIFT 13.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = buffer(s, 64);
    dma_map_single(dev, va, 64, DMA_TO_DEVICE);
    const line = s.kernel.dma.debug.dump().split("\n").find((l) => l.includes(` D=${pa.toString(16)} `))!;
    expect(line).toContain(` single idx ${Math.floor(pa / 8192) % 16384} `);
  });
});
