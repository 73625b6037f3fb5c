// DMA-API debugging's cache-line overlap tracking (kernel/dma/debug.c active_cacheline_insert,
// add_dma_entry; lib/dma-debug.c in 4.9). Expected texts are the kernel's; cache-line numbers
// are worked out here by hand: cln = pfn << (PAGE_SHIFT - L1_CACHE_SHIFT) + offset >> L1_CACHE_SHIFT,
// which is pa >> L1_CACHE_SHIFT. Zynq's multi_v7 kernel has L1_CACHE_SHIFT 6 (64-byte keys,
// though the A9's lines are 32 bytes); 4.9 arm64 has 7.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System, SystemOptions } from "../../src/system.js";
import type { Device } from "../../src/kernel/device.js";
import { dma_map_single, dma_map_single_attrs, dma_mapping_error, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_ATTR_CPU_CACHE_CLEAN, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const ZDMAC = "f8003000.dma-controller";
const ADMAC = "ff6e0000.dma-controller";
const EEXIST = "DMA-API: dma-pl330 f8003000.dma-controller: cacheline tracking EEXIST, overlapping mappings aren't supported";

async function sys(o: SystemOptions = {}): Promise<System> {
  return createSystem({ board: "zynq-7000", dmaDebug: { enabled: true, allErrors: true }, ...o });
}

/** A 128-byte kmalloc object: on arm it starts a 64-byte line (ARCH_DMA_MINALIGN 64). */
function struct128(s: System): { va: number; pa: number } {
  const va = s.kernel.kmalloc(128, GFP_KERNEL);
  const pa = s.kernel.mm.virt_to_phys(va);
  expect(pa % 64).toBe(0);
  return { va, pa };
}

function map(dev: Device, va: number, len: number, dir: number, attrs = 0): number {
  const dma = dma_map_single_attrs(dev, va, len, dir, attrs);
  expect(dma_mapping_error(dev, dma)).toBe(0);
  return dma;
}

const overlaps = (s: System) => s.kernel.dma.debug.reports.filter((r) => r.includes("cacheline tracking"));
const exceeded = (s: System) => s.dmesg().split("\n").filter((l) => l.includes("overlapping mappings of cacheline"));

describe("two FROM_DEVICE buffers in one cache line (two fields of one kmalloc object)", () => {
  it("modern Zynq: bytes 0 and 32 share a 64-byte key and are reported; bytes 64 on are another line", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    map(dev, va, 32, DMA_FROM_DEVICE);
    map(dev, va + 32, 32, DMA_FROM_DEVICE);
    expect(overlaps(s)).toEqual([EEXIST]);
    map(dev, va + 64, 32, DMA_FROM_DEVICE);
    expect(overlaps(s)).toEqual([EEXIST]);
  });

  it("modern Zynq: the line stays active until its last mapping goes; a new one then overlaps again", async () => {
    // active_cacheline_remove: the overlap count goes 1 -> 0 at the first unmap and the line
    // stays in the radix tree (only a count below 0 deletes it), so a third mapping of the line
    // while the second is live is another EEXIST; after the last unmap the line is free.
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    const a = map(dev, va, 32, DMA_FROM_DEVICE);
    const b = map(dev, va + 32, 32, DMA_FROM_DEVICE);
    expect(overlaps(s)).toEqual([EEXIST]);
    dma_unmap_single(dev, a, 32, DMA_FROM_DEVICE);
    const c = map(dev, va, 32, DMA_FROM_DEVICE);
    expect(overlaps(s)).toEqual([EEXIST, EEXIST]);
    dma_unmap_single(dev, b, 32, DMA_FROM_DEVICE);
    dma_unmap_single(dev, c, 32, DMA_FROM_DEVICE);
    map(dev, va + 32, 32, DMA_FROM_DEVICE);
    expect(overlaps(s)).toEqual([EEXIST, EEXIST]);
  });

  it("4.9 counts the overlap but never reports it (add_dma_entry's TODO)", async () => {
    const s = await sys({ kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    map(dev, va, 32, DMA_FROM_DEVICE);
    map(dev, va + 32, 32, DMA_FROM_DEVICE);
    expect(s.kernel.dma.debug.reports).toEqual([]);
  });

  it("the same buffer mapped twice is an overlap too", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    map(dev, va, 128, DMA_FROM_DEVICE);
    map(dev, va, 128, DMA_FROM_DEVICE);
    expect(overlaps(s)).toEqual([EEXIST]);
  });
});

describe("TO_DEVICE mappings are not tracked", () => {
  it("a TO_DEVICE and a FROM_DEVICE mapping of neighbouring bytes, either order, are silent; a BIDIRECTIONAL one is not", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const a = struct128(s);
    map(dev, a.va, 32, DMA_TO_DEVICE);
    map(dev, a.va + 32, 32, DMA_FROM_DEVICE);
    const b = struct128(s);
    map(dev, b.va + 32, 32, DMA_FROM_DEVICE);
    map(dev, b.va, 32, DMA_TO_DEVICE);
    expect(overlaps(s)).toEqual([]);
    map(dev, a.va + 16, 16, DMA_BIDIRECTIONAL);
    expect(overlaps(s)).toEqual([EEXIST]);
  });
});

describe("DMA_ATTR_CPU_CACHE_CLEAN (is_cache_clean): both mappings must promise", () => {
  it("silent when the line's first mapping and the new one both carry it", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    map(dev, va, 32, DMA_FROM_DEVICE, DMA_ATTR_CPU_CACHE_CLEAN);
    map(dev, va + 32, 32, DMA_FROM_DEVICE, DMA_ATTR_CPU_CACHE_CLEAN);
    expect(overlaps(s)).toEqual([]);
  });

  it("reported when only the first, or only the new mapping, carries it", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const a = struct128(s);
    map(dev, a.va, 32, DMA_FROM_DEVICE, DMA_ATTR_CPU_CACHE_CLEAN);
    map(dev, a.va + 32, 32, DMA_FROM_DEVICE);
    const b = struct128(s);
    map(dev, b.va, 32, DMA_FROM_DEVICE);
    map(dev, b.va + 32, 32, DMA_FROM_DEVICE, DMA_ATTR_CPU_CACHE_CLEAN);
    expect(overlaps(s)).toEqual([EEXIST, EEXIST]);
  });
});

describe("more than ACTIVE_CACHELINE_MAX_OVERLAP (7) overlaps", () => {
  const hex8 = (n: number) => "0x" + n.toString(16).padStart(8, "0");
  const hex16 = (n: number) => "0x" + n.toString(16).padStart(16, "0");

  it("Zynq: the 9th mapping of a line warns once with its cache-line number as a 32-bit %pa", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va, pa } = struct128(s);
    const handles = Array.from({ length: 8 }, () => map(dev, va, 64, DMA_FROM_DEVICE));
    expect(exceeded(s)).toEqual([]);
    handles.push(map(dev, va, 64, DMA_FROM_DEVICE));
    map(dev, va, 64, DMA_FROM_DEVICE);
    expect(exceeded(s).map((l) => l.slice(l.indexOf("DMA-API")))).toEqual([
      `DMA-API: exceeded 7 overlapping mappings of cacheline ${hex8(pa >> 6)}`,
    ]);
    expect(overlaps(s)).toHaveLength(9);
  });

  it("the count stuck at 7 makes the line idle one unmap early: a mapping then goes unreported", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    const handles = Array.from({ length: 9 }, () => map(dev, va, 64, DMA_FROM_DEVICE));
    expect(overlaps(s)).toHaveLength(8);
    // 9 mappings, count 7: unmaps take it 7 → 0, and the 8th deletes the line.
    handles.slice(0, 8).forEach((h) => dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE));
    map(dev, va, 64, DMA_FROM_DEVICE);
    expect(overlaps(s)).toHaveLength(8);
    map(dev, va, 64, DMA_FROM_DEVICE);
    expect(overlaps(s)).toHaveLength(9);
  });

  it("4.9 warns too (it counts what it does not report)", async () => {
    const s = await sys({ kernel: "v4.9" });
    const dev = s.device(ZDMAC);
    const { va, pa } = struct128(s);
    for (let i = 0; i < 9; i++) map(dev, va, 64, DMA_FROM_DEVICE);
    expect(exceeded(s).map((l) => l.slice(l.indexOf("DMA-API")))).toEqual([
      `DMA-API: exceeded 7 overlapping mappings of cacheline ${hex8(pa >> 6)}`,
    ]);
    expect(s.kernel.dma.debug.reports).toEqual([]);
  });

  it("4.9 arm64: 128-byte keys (L1_CACHE_SHIFT 7) and a 64-bit %pa", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9", dmaDebug: { enabled: true, allErrors: true } });
    const dev = s.device(ADMAC);
    const va = s.kernel.kmalloc(128, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    for (let i = 0; i < 9; i++) map(dev, va, 128, DMA_FROM_DEVICE);
    expect(exceeded(s).map((l) => l.slice(l.indexOf("DMA-API")))).toEqual([
      `DMA-API: exceeded 7 overlapping mappings of cacheline ${hex16(Math.floor(pa / 128))}`,
    ]);
  });

  it("mappings that all promise DMA_ATTR_CPU_CACHE_CLEAN do not warn however many share the line", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    for (let i = 0; i < 12; i++) map(dev, va, 64, DMA_FROM_DEVICE, DMA_ATTR_CPU_CACHE_CLEAN);
    expect(exceeded(s)).toEqual([]);
    expect(overlaps(s)).toEqual([]);
  });

  it("dma_unmap_single of every mapping leaves the line idle", async () => {
    const s = await sys();
    const dev = s.device(ZDMAC);
    const { va } = struct128(s);
    const handles = Array.from({ length: 9 }, () => map(dev, va, 64, DMA_FROM_DEVICE));
    handles.forEach((h) => dma_unmap_single(dev, h, 64, DMA_FROM_DEVICE));
    const before = overlaps(s).length;
    map(dev, va, 64, DMA_FROM_DEVICE);
    expect(overlaps(s)).toHaveLength(before);
    expect(dma_map_single(dev, va, 64, DMA_FROM_DEVICE)).toBeGreaterThan(0);
    expect(overlaps(s)).toHaveLength(before + 1);
  });
});
