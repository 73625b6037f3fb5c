// memcpyAndWait (src/sim/scenarios/memcpy-channel.ts), the copy most scenarios and the demo wait
// for: a copy that does not complete must stop the run with its status, not let the scenario
// go on to read a buffer the device never wrote. The board: the Zynq-7000 example with the DMAC's
// event 0 moved from SPI 14 to SPI 70, GIC ID 102, past the 96 IDs its GIC implements (UG585
// ch. 7): that interrupt never fires, so the first channel's copy never completes and
// dma_sync_wait gives DMA_ERROR when it times out (test/hw/gic-config.test.ts shows the same).

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { withSystem } from "../helpers/system.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { dma_request_chan_by_mask } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import { memcpyAndWait } from "../../src/sim/scenarios/memcpy-channel.js";

const root = new URL("../..", import.meta.url).pathname;
const ZYNQ = readFileSync(join(root, "examples/boards/zynq-7000.dts"), "utf8");
const PAST = ZYNQ.replace("interrupts = <0 13 4>, <0 14 4>,", "interrupts = <0 13 4>, <0 70 4>,");

describe("memcpyAndWait", () => {
  it("throws with the status when the copy does not complete (event 0's interrupt never fires)", async () => {
    expect(PAST).not.toBe(ZYNQ);
    await withSystem({ dts: PAST }, (s) => {
      const chan = dma_request_chan_by_mask(s, DMA_MEMCPY); // channel 0: event 0, ID 102
      const a = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
      const b = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
      expect(() => memcpyAndWait(chan, b.dmaAddr, a.dmaAddr, 64)).toThrow("memcpy of 64 bytes ended with DMA_ERROR");
    });
  });

  it("returns once a copy on a channel whose interrupt fires completes", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
      const a = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
      const b = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
      s.cpu.write(a.cpuAddr, Uint8Array.from({ length: 64 }, (_, i) => i + 1));
      memcpyAndWait(chan, b.dmaAddr, a.dmaAddr, 64);
      expect([...s.cpu.read(b.cpuAddr, 64)]).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    });
  });
});
