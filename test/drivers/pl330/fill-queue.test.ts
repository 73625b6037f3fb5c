// pl330's fill_queue walks work_list in order and stops at the first descriptor that finds both
// request slots of the thread taken (pl330_submit_req's -EAGAIN): the ones behind it are not
// looked at until a slot frees, so one that pl330_submit_req would refuse (a DMA_DEV_TO_DEV
// rqtype: -ENOSYS, "Bad Desc") is refused only then, not at issue (spec pl330 §12.5: two slots,
// _queue_full).

import { describe, expect, it } from "vitest";
import { zynq } from "../../helpers/system.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_async_issue_pending, dma_request_channel, dma_sync_wait, dmaengine_prep_dma_memcpy, dmaengine_prep_slave_single,
  dmaengine_slave_config, dmaengine_submit, dmaengine_tx_status,
} from "../../../src/dmaengine/dmaengine.js";
import { DMA_COMPLETE, DMA_DEV_TO_DEV, DMA_DEV_TO_MEM, DMA_IN_PROGRESS, DMA_SLAVE } from "../../../src/dmaengine/types.js";

describe("pl330 fill_queue with both request slots taken", () => {
  it("leaves a request it would refuse for later: no Bad Desc, no callback and C still in progress while A runs", async () => {
    const s = await zynq();
    const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 0)!;
    const dev = chan.device.dev;
    const src = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
    const dst = dma_alloc_coherent(dev, 1 << 20, GFP_KERNEL)!;
    // The UART's TX/RX FIFO register, so the DEV_TO_DEV prep maps a register (as slave-direction.test.ts).
    expect(dmaengine_slave_config(chan, { src_addr: 0xe0001030, src_addr_width: 4, src_maxburst: 1 })).toBe(0);
    expect(dmaengine_prep_slave_single(chan, dst.dmaAddr, 64, DMA_DEV_TO_MEM, 0)).not.toBeNull();
    // A, B and C: 1 MiB copies (~600 µs each); D: refused by pl330_submit_req when it is reached.
    const [a, b, c] = [0, 1, 2].map(() => dmaengine_submit(dmaengine_prep_dma_memcpy(chan, dst.dmaAddr, src.dmaAddr, 1 << 20, 0)!));
    const d = dmaengine_prep_slave_single(chan, dst.dmaAddr, 64, DMA_DEV_TO_DEV, 0)!;
    const heard: string[] = [];
    d.callback = () => heard.push("D");
    const dCookie = dmaengine_submit(d);
    dma_async_issue_pending(chan);
    s.machine.idleUntil(s.now() + 100e6); // 100 µs: A runs, B waits in the other slot, C on work_list
    expect(s.dmesg()).not.toContain("fill_queue: Bad Desc");
    expect(heard).toEqual([]);
    expect(dmaengine_tx_status(chan, c)).toBe(DMA_IN_PROGRESS);
    expect(dmaengine_tx_status(chan, dCookie)).toBe(DMA_IN_PROGRESS);
    // A's completion frees a slot: C takes it, and D is reached and refused.
    expect(dma_sync_wait(chan, a)).toBe(DMA_COMPLETE);
    expect(dma_sync_wait(chan, b)).toBe(DMA_COMPLETE);
    expect(s.dmesg()).toContain(`fill_queue: Bad Desc(${dCookie})`);
    expect(heard).toEqual(["D"]);
  });
});
