// The pl330 driver's tx_submit (drivers/dma/pl330.c pl330_tx_submit): a descriptor is queued
// once. A driver that submits the same descriptor again before it completed gets the BUG that
// Linux's list debugging raises, at the second submit; the first submit's transfer still runs,
// and the channel goes on with later transfers. (It used to be queued twice: its second
// completion hit "dma_cookie_complete of an unsubmitted descriptor" in every later tasklet,
// and the channel never ran again.)

import { describe, expect, it } from "vitest";
import { zynq } from "../../helpers/system.js";
import { createSystem } from "../../../src/create.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import { dma_async_issue_pending, dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_submit, dma_sync_wait } from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_MEMCPY } from "../../../src/dmaengine/types.js";
import { KernelBug } from "../../../src/kernel/errno.js";

describe("pl330 tx_submit", () => {
  it("refuses a descriptor submitted twice, and the channel goes on", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const src = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    s.cpu.fill(src.cpuAddr, 0x3c, 4096);

    const tx = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 256, 0)!;
    const cookie = dmaengine_submit(tx);
    expect(() => dmaengine_submit(tx)).toThrow(KernelBug);
    expect(() => dmaengine_submit(tx)).toThrow(`kernel BUG at drivers/dma/pl330.c: tx_submit of a descriptor already submitted (cookie ${cookie})`);
    expect(dma_sync_wait(chan, cookie)).toBe(DMA_COMPLETE);
    expect(s.cpu.read(dst.cpuAddr, 257)).toEqual(Uint8Array.from({ length: 257 }, (_, i) => (i < 256 ? 0x3c : 0)));

    const tx2 = dmaengine_prep_dma_memcpy(chan, dst.dmaAddr + 256, src.dmaAddr, 4096 - 256, 0)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx2))).toBe(DMA_COMPLETE);
    expect(s.cpu.read(dst.cpuAddr, 4096)).toEqual(new Uint8Array(4096).fill(0x3c));
  });
});

// pl330_issue_pending (drivers/dma/pl330.c, 4.9 and modern): with work_list empty it does
// WARN_ON(list_empty(&pch->submitted_list)), a WARN every time (not once), then goes on.
describe("pl330 issue_pending with nothing submitted", () => {
  const WARN = "WARNING: drivers/dma/pl330.c: pl330_issue_pending: WARN_ON(list_empty(&pch->submitted_list))";
  const warnings = (dmesg: string) =>
    dmesg.split("\n").filter((l) => l.includes("WARNING")).map((l) => l.replace(/^\[[ .0-9]+\] /, ""));

  for (const kernel of ["modern", "v4.9"] as const) {
    it(`${kernel}: WARNs at each empty issue, and a later transfer still completes`, async () => {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
      dma_async_issue_pending(chan);
      dma_async_issue_pending(chan);
      expect(warnings(s.dmesg())).toEqual([WARN, WARN]);
      const src = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
      const dst = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
      s.cpu.fill(src.cpuAddr, 0x5a, 64);
      expect(dma_sync_wait(chan, dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 64, 0)!))).toBe(DMA_COMPLETE);
      expect(s.cpu.read(dst.cpuAddr, 64)).toEqual(new Uint8Array(64).fill(0x5a));
      expect(warnings(s.dmesg())).toEqual([WARN, WARN]);
    });
  }
});
