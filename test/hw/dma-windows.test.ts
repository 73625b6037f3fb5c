// The interconnect between a PL330 and memory (assembly/dma-windows.ts): behind a bus whose
// dma-ranges offset DMA addresses, a bus address inside the window reaches
// cpuStart + (bus - dmaStart), and one in no window is a decode error the channel faults on.
// arm64-dma-offset's bus maps bus [0xc0000000, 0x100000000) to CPU [0, 0x40000000), all of RAM
// (BCM2711's legacy DMA window).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import type { System } from "../../src/system.js";
import { dma_alloc_coherent, dma_map_single, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_BIDIRECTIONAL, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait,
} from "../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_ERROR, DMA_MEMCPY, type DmaChan } from "../../src/dmaengine/types.js";

const BUS = 0xc0000000;
const RAM_END = 0x40000000;

async function offsetBoard() {
  const s = await createSystem({ board: "arm64-dma-offset" });
  return { s, chan: dma_request_chan_by_mask(s, DMA_MEMCPY) };
}

/** A memcpy of len bytes from bus address src into a fresh coherent buffer filled with 0x5a;
 *  its status and what the buffer then holds. */
function copyFromBus(s: System, chan: DmaChan, src: number, len: number) {
  const dst = dma_alloc_coherent(chan.device.dev, len, GFP_KERNEL)!;
  s.cpu.fill(dst.cpuAddr, 0x5a, len);
  const status = dma_sync_wait(chan, dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src, len, 0)!));
  return { status, bytes: s.cpu.read(dst.cpuAddr, len), dmaAddr: dst.dmaAddr };
}

describe("the interconnect's dma-ranges windows", () => {
  it("reads the window's first bytes from RAM's first bytes", async () => {
    const { s, chan } = await offsetBoard();
    const expected = s.machine.backdoor.read(0, 256);
    expect(expected).not.toEqual(new Uint8Array(256).fill(0x5a));
    const r = copyFromBus(s, chan, BUS, 256);
    expect(r.status).toBe(DMA_COMPLETE);
    expect(r.bytes).toEqual(expected);
  });

  it("reads the window's last bytes from RAM's last bytes", async () => {
    const { s, chan } = await offsetBoard();
    const expected = s.machine.backdoor.read(RAM_END - 256, 256);
    expect(expected).not.toEqual(new Uint8Array(256).fill(0x5a));
    const r = copyFromBus(s, chan, 0x100000000 - 256, 256);
    expect(r.status).toBe(DMA_COMPLETE);
    expect(r.bytes).toEqual(expected);
  });

  it("faults on the bytes just below the window, leaving the destination alone", async () => {
    const { s, chan } = await offsetBoard();
    const r = copyFromBus(s, chan, BUS - 256, 256);
    expect(r.status).toBe(DMA_ERROR);
    expect(r.bytes).toEqual(new Uint8Array(256).fill(0x5a));
    // data_read_err (FTR bit 18), as the driver logs the channel's fault.
    expect(s.kernel.printk.grep("FTC-").at(-1)).toMatch(/FTC-40000$/);
  });

  it("faults on a burst that starts below the window and runs into it", async () => {
    const { s, chan } = await offsetBoard();
    expect(copyFromBus(s, chan, BUS - 64, 256).status).toBe(DMA_ERROR);
  });

  it("faults on a physical address handed to the device as if it were a bus address", async () => {
    const { s, chan } = await offsetBoard();
    const buf = s.kernel.kmalloc(4096, GFP_KERNEL);
    expect(copyFromBus(s, chan, s.kernel.mm.virt_to_phys(buf), 256).status).toBe(DMA_ERROR);
  });

  it("writes through the window: a streaming memcpy lands the bytes at the buffers' PAs", async () => {
    const { s, chan } = await offsetBoard();
    const dev = chan.device.dev;
    const len = 64 * 1024;
    const src = s.kernel.kmalloc(len, GFP_KERNEL);
    const dst = s.kernel.kmalloc(len, GFP_KERNEL);
    const data = Uint8Array.from({ length: len }, (_, i) => (i ^ (i >> 9)) & 0xff);
    s.cpu.write(src, data);
    s.cpu.fill(dst, 0, len);
    const sd = dma_map_single(dev, src, len, DMA_TO_DEVICE);
    const dd = dma_map_single(dev, dst, len, DMA_BIDIRECTIONAL);
    const dstPa = s.kernel.mm.virt_to_phys(dst);
    expect(dd).toBe(dstPa + BUS);
    expect(sd).toBe(s.kernel.mm.virt_to_phys(src) + BUS);
    // The driver's microcode is fetched through the window too (its DMAGO address is a bus one).
    expect(dma_sync_wait(chan, dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dd, sd, len, 0)!))).toBe(DMA_COMPLETE);
    dma_unmap_single(dev, dd, len, DMA_BIDIRECTIONAL);
    dma_unmap_single(dev, sd, len, DMA_TO_DEVICE);
    expect(s.machine.backdoor.read(dstPa, len)).toEqual(data);
  });
});
