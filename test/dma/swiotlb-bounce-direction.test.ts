// Which way swiotlb copies, for each direction, at map, sync and unmap (spec dma-api §4; 4.9
// lib/swiotlb.c, modern kernel/dma/swiotlb.c): the original is copied into the slot at map for
// TO_DEVICE and BIDIRECTIONAL (modern kernels: always, so bytes the device leaves unwritten
// survive), and at sync_for_device for those same directions; the slot is copied back at
// sync_for_cpu and unmap for FROM_DEVICE and BIDIRECTIONAL. The expectations come from that
// table alone; the bytes are read beneath the caches (the device's view) and through the CPU.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import {
  dma_map_single, dma_mapping_error, dma_sync_single_for_cpu, dma_sync_single_for_device, dma_unmap_single,
} from "../../src/dma/mapping.js";
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const N = 2048;
const POOL = 2 << 20;
const bytes = (seed: number) => Uint8Array.from({ length: N }, (_, i) => (i * 13 + seed * 29 + (i >> 8)) & 0xff);
const STALE = new Uint8Array(N).fill(0xee);

const DIRS = [
  ["DMA_TO_DEVICE", DMA_TO_DEVICE],
  ["DMA_FROM_DEVICE", DMA_FROM_DEVICE],
  ["DMA_BIDIRECTIONAL", DMA_BIDIRECTIONAL],
] as const;

describe.each(["v4.9", "modern"] as const)("arm64-highmem %s: swiotlb bounce direction", (kernel) => {
  it.each(DIRS)("%s: map, sync_for_device, sync_for_cpu, unmap", async (_name, dir) => {
    const toDev = dir !== DMA_FROM_DEVICE;
    const toCpu = dir !== DMA_TO_DEVICE;
    const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: POOL } });
    const dev = s.device("ff6e0000.dma-controller");
    const tlb = s.kernel.dma.swiotlb!;
    // Every slot starts as bytes no step of the test writes.
    s.machine.backdoor.write(tlb.start, new Uint8Array(POOL).fill(0xee));
    const va = s.kernel.kmalloc(N, GFP_KERNEL);
    expect(s.kernel.mm.virt_to_phys(va)).toBeGreaterThanOrEqual(2 ** 32);

    s.cpu.write(va, bytes(1));
    const dma = dma_map_single(dev, va, N, dir);
    expect(dma_mapping_error(dev, dma)).toBe(0);
    expect(dma >= tlb.start && dma < tlb.end).toBe(true);
    const mapped = kernel === "modern" || toDev ? bytes(1) : STALE;
    expect(s.machine.backdoor.read(dma, N)).toEqual(mapped);

    s.cpu.write(va, bytes(2));
    dma_sync_single_for_device(dev, dma, N, dir);
    expect(s.machine.backdoor.read(dma, N)).toEqual(toDev ? bytes(2) : mapped);

    s.machine.backdoor.write(dma, bytes(3)); // the device writes the slot
    dma_sync_single_for_cpu(dev, dma, N, dir);
    const synced = toCpu ? bytes(3) : bytes(2);
    expect(s.cpu.read(va, N)).toEqual(synced);

    s.machine.backdoor.write(dma, bytes(4));
    dma_unmap_single(dev, dma, N, dir);
    expect(s.cpu.read(va, N)).toEqual(toCpu ? bytes(4) : synced);
    expect(tlb.usage().used).toBe(0);
    // Every sync covered the mapping exactly: no "Buffer overflow detected" (modern
    // swiotlb_bounce warns only when size > the slot's alloc_size).
    expect(s.kernel.printk.grep("Buffer overflow")).toEqual([]);
  });

  it("a sync longer than the mapping: modern copies only the mapping, with a warning; 4.9 copies it all", async () => {
    const s = await createSystem({ board: "arm64-highmem", kernel, swiotlb: { size: POOL } });
    const dev = s.device("ff6e0000.dma-controller");
    const va = s.kernel.kmalloc(2 * N, GFP_KERNEL);
    s.cpu.write(va, new Uint8Array(2 * N).fill(0x11));
    const dma = dma_map_single(dev, va, N - 16, DMA_FROM_DEVICE);
    s.machine.backdoor.write(dma, bytes(5)); // the device writes the slot and 16 bytes beyond
    dma_sync_single_for_cpu(dev, dma, N, DMA_FROM_DEVICE);
    if (kernel === "modern") {
      // swiotlb_bounce: "Buffer overflow detected. Allocation size: %zu. Mapping size: %zu.",
      // then size = alloc_size: the mapping's N - 16 bytes, the rest of the buffer untouched.
      expect(s.kernel.printk.grep("Buffer overflow")).toEqual([
        expect.stringContaining(`Buffer overflow detected. Allocation size: ${N - 16}. Mapping size: ${N}.`),
      ]);
      const got = s.cpu.read(va, 2 * N);
      expect(got.subarray(0, N - 16)).toEqual(bytes(5).subarray(0, N - 16));
      expect(got.subarray(N - 16).every((b) => b === 0x11)).toBe(true);
    } else {
      // 4.9 lib/swiotlb.c swiotlb_bounce has no such check: all N bytes come back.
      expect(s.kernel.printk.grep("Buffer overflow")).toEqual([]);
      const got = s.cpu.read(va, 2 * N);
      expect(got.subarray(0, N)).toEqual(bytes(5));
      expect(got.subarray(N).every((b) => b === 0x11)).toBe(true);
    }
    dma_unmap_single(dev, dma, N - 16, DMA_FROM_DEVICE);
  });
});
