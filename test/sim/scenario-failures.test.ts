// The memcpy scenario when it cannot run: a bad channel count is a RangeError before anything is
// taken, and a request or an allocation that fails part way gives the kernel's error and leaves
// every channel and every page as it found them, so the same System runs the next copy.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { KernelError } from "../../src/kernel/errno.js";
import { dma_release_channel, dma_request_chan_by_mask } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";

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
    expect((error as Error).message).toMatch(/^-ENOMEM: (dma_alloc_coherent|kmalloc)\(4194304\) failed: no room for a source and a destination$/);
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
