// Scenarios that cannot run: a bad parameter is a RangeError before anything is taken, and a
// request or an allocation that fails part way gives the kernel's error and leaves every channel
// and every page as it found them (src/sim/teardown.ts), so the same System runs the next one.
// The bug scenarios, which run to the end, give back what they took too.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { KernelError } from "../../src/kernel/errno.js";
import { dma_release_channel, dma_request_chan_by_mask } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";
import { BUG_KINDS, bugSystem, type BugResult } from "../../src/sim/scenarios/bugs.js";

/** Free pages, and how many memcpy channels can be had at once (then given back). */
function resources(s: System): { freePages: number; memcpyChannels: number } {
  const chans = [];
  for (;;) {
    try {
      chans.push(dma_request_chan_by_mask(s, DMA_MEMCPY));
    } catch {
      break;
    }
  }
  chans.forEach((c) => dma_release_channel(c));
  return { freePages: s.kernel.mm.buddy.freePageCount, memcpyChannels: chans.length };
}

describe("memcpy scenario failures", () => {
  it("refuses a channel count that is not a whole number ≥ 1 before taking anything", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: false });
    const before = resources(s);
    for (const channels of [0, 2.5, "two"]) {
      expect(() => s.run("memcpy", { channels })).toThrow(`channels must be a whole number ≥ 1, not "${channels}"`);
    }
    expect(resources(s)).toEqual(before);
    s.dispose();
  });

  it("refuses a size of no bytes (pl330_prep_dma_memcpy has no transfer for it) before taking anything", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: false });
    const before = resources(s);
    for (const size of [0, "0", "0K"]) expect(() => s.run("memcpy", { size })).toThrow(new RangeError(`size must be at least one byte, not ${size}`));
    expect(resources(s)).toEqual(before);
    s.dispose();
  });

  it("more channels than the controller has: -ENODEV, and the channels it got are free again", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: false });
    const before = resources(s);
    expect(before.memcpyChannels).toBe(8); // the Zynq PL330's eight channel threads
    expect(() => s.run("memcpy", { channels: 9, size: "4K" })).toThrow("-ENODEV: no free DMA channel with capability DMA_MEMCPY");
    expect(resources(s)).toEqual(before);
    expect((s.run("memcpy", { channels: 8, size: "4K" }) as MemcpyResult).ok).toBe(true);
    s.dispose();
  });

  it.each(["coherent", "streaming"])("a %s copy larger than memory: -ENOMEM, and every page allocated on the way is back", async (buffers) => {
    const s = await createSystem({ board: "zynq-7000", memory: "96M", worker: false });
    const fail = (): unknown => {
      try {
        s.run("memcpy", { size: "64M", buffers });
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const before = resources(s);
    const error = fail();
    expect(error).toBeInstanceOf(KernelError);
    expect((error as KernelError).errno).toBe(-12);
    // 64 MiB goes in 4 MiB segments, 16 of them; 96 MiB of RAM holds fewer than 12 pairs.
    expect((error as Error).message).toMatch(
      /^-ENOMEM: (dma_alloc_coherent|kmalloc)\(4194304\) failed: no room for a source and a destination \(segment (\d+) of 16: copying 64 MiB needs twice that\)$/,
    );
    expect(Number((error as Error).message.match(/segment (\d+)/)![1])).toBeLessThan(12);
    // Every buffer is back: one left behind would be 1,024 pages. What stays is a few page tables
    // of the vmalloc area, where this non-coherent board remaps coherent buffers (Linux keeps
    // those too, and frees the areas themselves lazily).
    const after = resources(s);
    expect(after.memcpyChannels).toBe(8);
    expect(before.freePages - after.freePages).toBeGreaterThanOrEqual(0);
    expect(before.freePages - after.freePages).toBeLessThan(64);
    expect(fail()).toBeInstanceOf(KernelError);
    expect(before.freePages - resources(s).freePages).toBeLessThan(64);
    expect((s.run("memcpy", { size: "32M", buffers }) as MemcpyResult).ok).toBe(true);
    s.dispose();
  }, 30_000);
});

describe("other scenarios' failures", () => {
  const cases: [string, Record<string, string | number>, RegExp][] = [
    ["cpu-process", { size: "512M" }, /^-ENOMEM: dma_alloc_coherent\(536870912\) failed$/],
    ["cpu-process", { size: 0 }, /^size must be at least one byte, not 0$/],
    ["uart-tx", { size: "512M" }, /^-ENOMEM: kmalloc\(536870912\) failed$/],
    ["adc-rx", { period: "64M" }, /^-ENOMEM: e0001000\.serial: no 268435456-byte ring buffer$/],
    ["adc-rx", { periods: 1 }, /^periods must be a whole number ≥ 2, not 1$/],
    ["dma-mix", { maxSize: "5M", transfers: 1 }, /^copies of up to 5 MiB cannot be made: the largest kmalloc is 4 MiB \(KMALLOC_MAX_SIZE\)$/],
    ["fingerprint", { scenario: "memcpy", size: "4K", records: "abc" }, /^records must be a whole number ≥ 1, not "abc"$/],
    ["fingerprint", { scenario: "memcpy", size: "4K", records: 0 }, /^records must be a whole number ≥ 1, not "0"$/],
    ["demo", { size: "1G" }, /^-ENOMEM: dma_alloc_coherent\(1073741824\) failed$/],
  ];
  it.each(cases)("%s %j: the error, and every channel and page back", async (scenario, params, message) => {
    const s = await createSystem({ board: "zynq-7000", memory: "96M", worker: false });
    const before = resources(s);
    expect(() => s.run(scenario, params)).toThrow(message);
    const after = resources(s);
    expect(after.memcpyChannels).toBe(before.memcpyChannels);
    // A buffer left behind would be thousands of pages; a few page tables may stay (see above).
    expect(before.freePages - after.freePages).toBeLessThan(64);
    expect((s.run("memcpy", { size: "4M" }) as MemcpyResult).ok).toBe(true);
    s.dispose();
  });

  it("dma-mix takes its largest transfer as a size with a unit, and refuses what is not a size", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: false });
    const r = s.run("dma-mix", { transfers: 20, maxSize: "4K", seed: 3 }) as { transfers: number; badCopies: number; bytesCopied: number };
    expect(r).toMatchObject({ transfers: 20, badCopies: 0 });
    expect(r.bytesCopied).toBeLessThanOrEqual(20 * 4096);
    expect(() => s.run("dma-mix", { maxSize: "big" })).toThrow('not a size: "big"');
    expect(() => s.run("dma-mix", { maxSize: 0 })).toThrow('maxSize must be a whole number ≥ 1, not "0"');
    s.dispose();
  });

  it.each(BUG_KINDS)("bug %s: a second run on the same System ends with the pages and channels the first left", async (kind) => {
    const s = await createSystem({ ...bugSystem({ kind }), worker: false });
    const before = resources(s);
    s.run("bug", { kind });
    const once = resources(s);
    expect(once.memcpyChannels).toBe(before.memcpyChannels);
    expect(before.freePages - once.freePages).toBeLessThan(4); // a page table, at most
    s.run("bug", { kind });
    expect(resources(s)).toEqual(once);
    s.dispose();
  });
});

describe("scenarios that fail part way on a System that lives on", () => {
  // arm64-highmem without a swiotlb: kmalloc'ed buffers land above 4 GiB, beyond the PL330's
  // 32-bit mask, so the first dma_map_single of one fails — after the scenario has requested
  // its channel and allocated its buffers (and, for dma-mix, its descriptor pool).
  const cases: [string, Record<string, string | number>, string][] = [
    ["bug", { kind: "missing-sync" }, "dma_map_single of 65536 bytes for ff6e0000.dma-controller failed (DMA_MAPPING_ERROR)"],
    ["bug", { kind: "invalidate-only-before" }, "dma_map_single of 65024 bytes for ff6e0000.dma-controller failed (DMA_MAPPING_ERROR)"],
    ["bug", { kind: "mmap-cacheable" }, "dma_map_single of 16384 bytes for ff6e0000.dma-controller failed (DMA_MAPPING_ERROR)"],
    ["dma-mix", { transfers: 5 }, "-ENOMEM: dma_map_single"],
    ["calibration", {}, "-ENOMEM: dma_map_single of 1048576 bytes for ff6e0000.dma-controller failed (DMA_MAPPING_ERROR)"],
  ];

  /** Pages free, in page tables or in kmalloc caches: what a buffer left allocated would lower
   *  (a remap of a coherent buffer may leave a vmalloc-area page table, as Linux does). */
  const accounted = (s: System) => s.kernel.mm.buddy.freePageCount + s.kernel.mm.pageTablePages + s.kernel.mm.slab.slabPages;

  it("gives back its channel, buffers and mappings, so the next run on the same System gets them", async () => {
    const s = await createSystem({ board: "arm64-highmem", swiotlb: { size: 0 }, worker: false });
    const before = resources(s);
    const pagesBefore = accounted(s);
    for (const [scenario, params, message] of cases) {
      expect(() => s.run(scenario, params), `${scenario} ${JSON.stringify(params)}`).toThrow(message);
      expect(resources(s).memcpyChannels, `${scenario} ${JSON.stringify(params)}`).toBe(before.memcpyChannels);
      expect(accounted(s), `${scenario} ${JSON.stringify(params)}`).toBe(pagesBefore);
      expect(s.kernel.userMmRunning).toBe(false); // mmap-cacheable's process exited with its mappings
    }
    // Every channel at once, with coherent buffers (below 4 GiB: dma_alloc_coherent honours the mask).
    const r = s.run("memcpy", { channels: before.memcpyChannels, size: "4K" }) as MemcpyResult;
    expect(r.ok).toBe(true);
    expect((s.run("bug", { kind: "coherent-read" }) as BugResult).reproduced).toBe(true);
    expect(resources(s).memcpyChannels).toBe(before.memcpyChannels);
    s.dispose();
  });
});
