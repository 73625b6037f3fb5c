// dma_map_single(TO_DEVICE) of a buffer the CPU has just written, on arm64-ref: dcache_clean_poc
// runs DC CVAC over it and ends with a DSB, which completes only once the cleaned lines have
// reached DRAM (the point of coherency). The map therefore lasts at least the write-backs' DRAM
// time, and the PL330 copy that reads the buffer next has the DRAM to itself: it takes as long as
// the copy of a buffer whose lines were already clean.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { dma_map_single, dma_unmap_single } from "../../src/dma/mapping.js";
import { dma_alloc_coherent } from "../../src/dma/coherent.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { dma_release_channel, dma_request_chan_by_mask } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import { memcpyAndWait } from "../../src/sim/scenarios/memcpy-channel.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { ARM64_A53 } from "../../src/hw/profile.js";
import { dramTransferPs } from "../helpers/profile-machine.js";

const LEN = 64 * 1024;
const LINE = 64; // arm64-ref's Cortex-A53: 64-byte lines in L1 and L2

describe("a DMA read after dma_map_single(TO_DEVICE) of a dirty buffer (arm64-ref)", () => {
  it("the map waits for the cleaned lines to reach DRAM; the copy then runs as from a clean buffer", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const dev = chan.device.dev;
    const dst = dma_alloc_coherent(dev, LEN, GFP_KERNEL)!;
    const data = Uint8Array.from({ length: LEN }, (_, i) => (i * 7 + 3) & 0xff);

    /** Writes the buffer (every line dirty), then maps and copies it: the two phases' times. */
    const mapAndCopy = (buf: number, cleanFirst: boolean) => {
      s.cpu.fill(dst.cpuAddr, 0, LEN);
      s.cpu.write(buf, data);
      if (cleanFirst) dma_unmap_single(dev, dma_map_single(dev, buf, LEN, DMA_TO_DEVICE), LEN, DMA_TO_DEVICE);
      const t0 = s.now();
      const addr = dma_map_single(dev, buf, LEN, DMA_TO_DEVICE);
      const t1 = s.now();
      memcpyAndWait(chan, dst.dmaAddr, addr, LEN);
      const t2 = s.now();
      dma_unmap_single(dev, addr, LEN, DMA_TO_DEVICE);
      expect(s.cpu.read(dst.cpuAddr, LEN)).toEqual(data);
      return { mapPs: t1 - t0, copyPs: t2 - t1 };
    };

    // The channel's first copy pays a one-time cost (110 ns here) the others do not: a warm-up.
    mapAndCopy(s.kernel.kmalloc(LEN, GFP_KERNEL), true);
    const clean = mapAndCopy(s.kernel.kmalloc(LEN, GFP_KERNEL), true);
    const dirty = mapAndCopy(s.kernel.kmalloc(LEN, GFP_KERNEL), false);

    // 1024 write-backs of 64 bytes at 7680 MB/s, after the DRAM latency: 8.62 µs at the least.
    const writebacksPs = ARM64_A53.dram.latencyNs * 1000 + (LEN / LINE) * dramTransferPs(ARM64_A53, LINE);
    expect(dirty.mapPs).toBeGreaterThanOrEqual(writebacksPs);
    // Clean lines cost their DC CVAC only (2 cycles at 1.2 GHz each: 1.71 µs for 1024).
    expect(clean.mapPs).toBeLessThan(writebacksPs / 4);
    // The copies differ by no more than where their bursts fall in the DRAM calendar's 16.384 ns
    // buckets (not at all here). A copy competing with the write-backs takes µs longer: their
    // 8.5 µs of bus time, less the 1.7 µs of the cleans, shared with its reads and writes.
    expect(Math.abs(dirty.copyPs - clean.copyPs)).toBeLessThanOrEqual(2 * 16_384);
    dma_release_channel(chan);
  });
});
