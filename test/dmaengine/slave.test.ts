// The dmaengine client API beyond memcpy on the pl330: slave capabilities, channel requests by
// mask and filter, slave configuration, pause (with a stable residue) and terminate, resume
// (which the DMAC cannot do), and descriptor reuse (which Linux's pl330 does not offer).

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { zynqWith } from "../helpers/zynq-peripherals.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { ENOSYS, EPERM, KernelError } from "../../src/kernel/errno.js";
import {
  dma_request_channel, dma_request_chan_by_mask, dma_release_channel, dma_get_slave_caps, dmaengine_slave_config,
  dmaengine_prep_slave_single, dmaengine_prep_slave_sg, dmaengine_prep_dma_cyclic, dmaengine_prep_dma_memcpy,
  dmaengine_submit, dma_async_issue_pending, dmaengine_tx_status, dmaengine_pause, dmaengine_resume,
  dmaengine_terminate_sync, dmaengine_terminate_async, dmaengine_synchronize, dma_sync_wait, dmaengine_desc_set_reuse,
  dmaengine_desc_free,
} from "../../src/dmaengine/dmaengine.js";
import {
  DMA_COMPLETE, DMA_CTRL_REUSE, DMA_CYCLIC, DMA_DEV_TO_MEM, DMA_IN_PROGRESS, DMA_MEMCPY, DMA_MEM_TO_DEV, DMA_PAUSED,
  DMA_RESIDUE_GRANULARITY_BURST, DMA_SLAVE, DMA_XOR, dma_tx_state, type DmaSlaveCaps,
} from "../../src/dmaengine/types.js";
import type { Pl330Driver } from "../../src/drivers/pl330/driver.js";
import { UartDmaClient } from "../../src/drivers/uart-dma-client.js";
import { pattern } from "../../src/sim/phase.js";
import { sg_alloc, sg_chain, sg_set_buf } from "../../src/dma/scatterlist.js";
import { dma_map_sg } from "../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../src/dma/constants.js";
import type { TxFifoDevice } from "../../src/hw/dma-peripherals.js";

describe("channel requests", () => {
  it("takes a capability mask and a filter, and fails when no channel is left", async () => {
    const s = await zynq();
    const c3 = dma_request_channel(s, [DMA_SLAVE, DMA_CYCLIC], (c) => c.chan_id === 3)!;
    expect(c3.name).toBe("dma0chan3");
    expect(dma_request_channel(s, DMA_XOR)).toBeNull();
    expect(() => dma_request_chan_by_mask(s, DMA_XOR)).toThrow(KernelError);
    expect(() => dma_request_chan_by_mask(s, [DMA_XOR, DMA_SLAVE])).toThrow("-ENODEV: no free DMA channel with capability DMA_XOR+DMA_SLAVE");
    // 8 hardware threads: the 8th memcpy channel is the last one that can be allocated.
    const more = Array.from({ length: 7 }, () => dma_request_chan_by_mask(s, DMA_MEMCPY));
    expect(more.map((c) => c.chan_id)).toEqual([0, 1, 2, 4, 5, 6, 7]);
    expect(() => dma_request_chan_by_mask(s, DMA_MEMCPY)).toThrow(/-ENODEV/);
    dma_release_channel(c3);
    expect(dma_request_chan_by_mask(s, DMA_MEMCPY).chan_id).toBe(3);
  });
});

describe("slave capabilities", () => {
  it("are the pl330's: 1/2/4/8-byte accesses, both slave directions, bursts of 16, residue per burst", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_SLAVE);
    const caps: Partial<DmaSlaveCaps> = {};
    expect(dma_get_slave_caps(chan, caps)).toBe(0);
    expect(caps).toEqual({
      src_addr_widths: 0b1_0001_0111, dst_addr_widths: 0b1_0001_0111, directions: 0b110, min_burst: 0, max_burst: 16,
      max_sg_burst: 0, residue_granularity: DMA_RESIDUE_GRANULARITY_BURST, descriptor_reuse: false,
      cmd_pause: true, cmd_resume: false, cmd_terminate: true,
    });
    expect(dmaengine_resume(chan)).toBe(-ENOSYS);
  });
});

describe("slave preparation", () => {
  it("refuses a ring that is not whole periods and a FIFO out of reach", async () => {
    const s = await zynq();
    const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 0)!;
    const buf = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    expect(dmaengine_slave_config(chan, { dst_addr: 0xe0001000, dst_addr_width: 1, dst_maxburst: 1 })).toBe(0);
    expect(dmaengine_prep_dma_cyclic(chan, buf.dmaAddr, 1000, 300, DMA_MEM_TO_DEV, 0)).toBeNull();
    expect(dmaengine_slave_config(chan, { dst_addr: 0x1_0000_0000, dst_addr_width: 1 })).toBe(0);
    expect(dmaengine_prep_slave_single(chan, buf.dmaAddr, 64, DMA_MEM_TO_DEV, 0)).toBeNull();
    expect(s.dmesg()).toMatch(/DMA addr 0x100000000\+1 overflow \(mask ffffffff/);
    expect(dmaengine_prep_slave_sg(chan, [], 0, DMA_MEM_TO_DEV, 0)).toBeNull();
  });

  it("follows a chained scatterlist (sg_chain) as for_each_sg does, and returns NULL for no list", async () => {
    const s = await zynqWith("", { "serial@e0001000": { tx: { baud: 10_000_000, depth: 16 } } });
    const model = s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice;
    const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 0)!;
    dmaengine_slave_config(chan, { dst_addr: 0xe0001000, dst_addr_width: 1, dst_maxburst: 1 });
    expect(dmaengine_prep_slave_sg(chan, null as never, 1, DMA_MEM_TO_DEV, 0)).toBeNull();
    // Entries: a[0], then a[1] links to b: b[0], b[1] (three data entries).
    const a = sg_alloc(2);
    const b = sg_alloc(2);
    const data = [pattern(32, 1), pattern(48, 2), pattern(16, 3)];
    const bufs = data.map((d) => {
      const va = s.kernel.kmalloc(d.length, GFP_KERNEL);
      s.cpu.write(va, d);
      return va;
    });
    sg_set_buf(a[0], bufs[0], 32);
    sg_chain(a, 2, b);
    sg_set_buf(b[0], bufs[1], 48);
    sg_set_buf(b[1], bufs[2], 16);
    const n = dma_map_sg(chan.device.dev, a, 3, DMA_TO_DEVICE);
    expect(n).toBe(3);
    const tx = dmaengine_prep_slave_sg(chan, a, n, DMA_MEM_TO_DEV, 0);
    expect(tx).not.toBeNull();
    expect(dma_sync_wait(chan, dmaengine_submit(tx!))).toBe(DMA_COMPLETE);
    // 1 µs a character: 200 µs is long enough for the FIFO and the shifter to empty.
    s.machine.idleUntil(s.now() + 200e6);
    expect(model.transmitted()).toEqual(Uint8Array.from([...data[0], ...data[1], ...data[2]]));
  });

  it("writes the program of spec §12.4 for DEV→MEM 1024 B from request 0, 4 B × 8", async () => {
    const s = await zynq();
    const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 0)!;
    const buf = dma_alloc_coherent(chan.device.dev, 1024, GFP_KERNEL)!;
    dmaengine_slave_config(chan, { src_addr: 0xe0001100, src_addr_width: 4, src_maxburst: 8 });
    dmaengine_submit(dmaengine_prep_slave_single(chan, buf.dmaAddr, 1024, DMA_DEV_TO_MEM, 0)!);
    dma_async_issue_pending(chan);
    const { dmac } = chan.device.dev.driverData as Pl330Driver;
    const thread = dmac.channels.find((t) => !t.free)!;
    const le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
    expect([...s.machine.backdoor.read(thread.req[0].mc_bus, 32)]).toEqual([
      0xbc, 0x01, 0x74, 0x40, 0x1d, 0x00, 0xbc, 0x00, ...le(0xe0001100), 0xbc, 0x02, ...le(buf.dmaAddr),
      0x22, 0x1f, 0x35, 0x00, 0x32, 0x00, 0x27, 0x00, 0x0b, 0x3c, 0x07, 0x34, thread.ev << 3, 0x00,
    ]);
    dmaengine_terminate_sync(chan);
  });
});

describe("pause and terminate", () => {
  it("pause stops a UART send with a stable residue; terminate ends it without a callback", async () => {
    const s = await zynqWith("", { "serial@e0001000": { tx: { baud: 1_000_000, depth: 16 } } });
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const buf = s.kernel.kmalloc(1000, GFP_KERNEL);
    s.cpu.write(buf, pattern(1000, 4));
    const tx = uart.startTx(buf, 1000);
    // 300 µs at 10 µs a character: 17 bytes taken at once (FIFO + shifter), 30 more since.
    s.machine.idleUntil(tx.submittedAt + 300e6);
    expect(dmaengine_pause(uart.chan)).toBe(0);
    const st = dma_tx_state();
    expect(dmaengine_tx_status(uart.chan, tx.cookie, st)).toBe(DMA_PAUSED);
    expect(st.residue).toBeGreaterThanOrEqual(1000 - 48);
    expect(st.residue).toBeLessThanOrEqual(1000 - 46);
    s.machine.idleUntil(s.now() + 200e6);
    s.kernel.irq.handlePending();
    const later = dma_tx_state();
    expect(dmaengine_tx_status(uart.chan, tx.cookie, later)).toBe(DMA_PAUSED);
    expect(later.residue).toBe(st.residue);
    expect(dmaengine_terminate_sync(uart.chan)).toBe(0);
    expect(dmaengine_tx_status(uart.chan, tx.cookie)).toBe(DMA_COMPLETE);
    s.kernel.waitEvent(() => false, 1e9);
    expect(tx.completedAt).toBeUndefined();
    expect(uart.counters().sent).toBe(1000 - st.residue);
  });

  it("terminate_async stops a cyclic ring; synchronize returns; released and requested again, the channel takes new work", async () => {
    const s = await zynq();
    const chan = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 1)!; // the UART's RX stream
    const buf = dma_alloc_coherent(chan.device.dev, 512, GFP_KERNEL)!;
    dmaengine_slave_config(chan, { src_addr: 0xe0001100, src_addr_width: 2, src_maxburst: 1 });
    const periods: number[] = [];
    const tx = dmaengine_prep_dma_cyclic(chan, buf.dmaAddr, 512, 128, DMA_DEV_TO_MEM, 0)!;
    tx.callback = () => periods.push(s.now());
    const cookie = dmaengine_submit(tx);
    dma_async_issue_pending(chan);
    s.kernel.waitEvent(() => periods.length >= 6, 1e12);
    expect(dmaengine_tx_status(chan, cookie)).toBe(DMA_IN_PROGRESS);
    expect(dmaengine_terminate_async(chan)).toBe(0);
    dmaengine_synchronize(chan);
    const n = periods.length;
    s.kernel.waitEvent(() => false, 1e9);
    expect(periods.length).toBe(n);
    // The ring's cookie and what follows on the same channel: test/drivers/pl330/terminate.test.ts.
    // The channel stays cyclic until released; requested again, it runs one-shot transfers.
    dma_release_channel(chan);
    const again = dma_request_channel(s, DMA_SLAVE, (c) => c.chan_id === 1)!;
    dmaengine_slave_config(again, { src_addr: 0xe0001100, src_addr_width: 2, src_maxburst: 1 });
    const once = dmaengine_prep_slave_single(again, buf.dmaAddr, 128, DMA_DEV_TO_MEM, 0)!;
    expect(dma_sync_wait(again, dmaengine_submit(once))).toBe(DMA_COMPLETE);
    expect(periods.length).toBe(n);
  });
});

describe("descriptor reuse", () => {
  it("is not offered by the pl330 (pl330_probe never sets descriptor_reuse): -EPERM, and the descriptor is not kept", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const a = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const b = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
    const tx = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 4096, 0)!;
    expect(dmaengine_desc_set_reuse(tx)).toBe(-EPERM);
    expect(tx.flags & DMA_CTRL_REUSE).toBe(0);
    s.cpu.write(a.cpuAddr, pattern(4096, 1));
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    expect(s.cpu.read(b.cpuAddr, 4096)).toEqual(pattern(4096, 1));
    expect(dmaengine_desc_free(tx)).toBe(-EPERM);
    // Marked by hand, the flag changes nothing: the completed descriptor went back to the pool.
    const once = dmaengine_prep_dma_memcpy(chan, b.dmaAddr, a.dmaAddr, 64, 0)!;
    once.flags |= DMA_CTRL_REUSE;
    expect(dma_sync_wait(chan, dmaengine_submit(once))).toBe(DMA_COMPLETE);
    expect(() => dmaengine_submit(once)).toThrow(/kernel BUG at drivers\/dma\/pl330\.c/);
  });

  it("dmaengine_desc_free calls a provider's desc_free only for a descriptor marked DMA_CTRL_REUSE", async () => {
    // include/linux/dmaengine.h: -EPERM unless dmaengine_desc_test_reuse, then desc->desc_free.
    // A provider of the client's own (the pl330 has no desc_free), on a pl330 channel.
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const freed: unknown[] = [];
    const tx = { chan, cookie: 0, flags: 0, tx_submit: () => 0, desc_free: (d: unknown) => (freed.push(d), 0) };
    expect(dmaengine_desc_free(tx)).toBe(-EPERM);
    expect(freed).toEqual([]);
    tx.flags = DMA_CTRL_REUSE;
    expect(dmaengine_desc_free(tx)).toBe(0);
    expect(freed).toEqual([tx]);
  });

  it("resubmitting a descriptor that was not made reusable is a kernel bug", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const a = dma_alloc_coherent(chan.device.dev, 64, GFP_KERNEL)!;
    const tx = dmaengine_prep_dma_memcpy(chan, a.dmaAddr + 32, a.dmaAddr, 32, 0)!;
    expect(dma_sync_wait(chan, dmaengine_submit(tx))).toBe(DMA_COMPLETE);
    expect(() => dmaengine_submit(tx)).toThrow(/kernel BUG at drivers\/dma\/pl330\.c/);
  });
});
