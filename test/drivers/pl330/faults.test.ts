// Faults injected through bad descriptors: addresses nothing answers at (no RAM, no device)
// make the PL330 abort the channel with a bus error (spec pl330 §6). The driver's interrupt
// handler must report the failure to the client (callback_result, tx_status), reset the
// channel, and run what is queued after it; later transfers must succeed.

import { describe, expect, it } from "vitest";
import { zynq } from "../../helpers/system.js";
import { zynqWith } from "../../helpers/zynq-peripherals.js";
import { dma_alloc_coherent } from "../../../src/dma/mapping.js";
import { sg_alloc } from "../../../src/dma/scatterlist.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_request_chan_by_mask, dmaengine_prep_dma_memcpy, dmaengine_prep_slave_sg, dmaengine_submit, dma_sync_wait,
  dma_async_issue_pending, dmaengine_tx_status,
} from "../../../src/dmaengine/dmaengine.js";
import {
  DMA_COMPLETE, DMA_ERROR, DMA_MEMCPY, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT, DMA_TRANS_ABORTED, DMA_TRANS_NOERROR,
  DMA_TRANS_READ_FAILED, DMA_TRANS_WRITE_FAILED, type DmaChan, type DmaengineResult,
} from "../../../src/dmaengine/types.js";
import { UartDmaClient } from "../../../src/drivers/uart-dma-client.js";
import type { TxFifoDevice } from "../../../src/hw/dma-peripherals.js";
import { pattern } from "../../../src/sim/phase.js";
import type { System } from "../../../src/system.js";

/** Nothing is mapped here on the Zynq board: 512 MiB of DDR end at 0x20000000. */
const NOWHERE = 0x40000000;

function memcpy(chan: DmaChan, dst: number, src: number, len: number, results: DmaengineResult[]) {
  const tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT)!;
  tx.callback_result = (_p, r) => results.push({ ...r });
  return dmaengine_submit(tx);
}

async function setup() {
  const s = await zynq();
  const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
  const a = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  const b = dma_alloc_coherent(chan.device.dev, 4096, GFP_KERNEL)!;
  const data = pattern(4096, 3);
  s.cpu.write(a.cpuAddr, data);
  return { s, chan, a, b, data };
}

function faultLines(s: System): string[] {
  return s.dmesg().split("\n").filter((l) => l.includes("Reset Channel"));
}

describe("pl330 faults reach the client", () => {
  it("a read from nowhere: READ_FAILED, DMA_ERROR, the channel reset, the next copy fine", async () => {
    const { s, chan, a, b, data } = await setup();
    const results: DmaengineResult[] = [];
    const bad = memcpy(chan, b.dmaAddr, NOWHERE, 1024, results);
    expect(dma_sync_wait(chan, bad)).toBe(DMA_ERROR);
    expect(results).toEqual([{ result: DMA_TRANS_READ_FAILED, residue: 1024 }]);
    expect(dmaengine_tx_status(chan, bad)).toBe(DMA_ERROR);
    // FTC bit 18: data_read_err (spec §6).
    expect(faultLines(s)).toEqual([expect.stringMatching(/dma-pl330 f8003000\.dma-controller: Reset Channel-0\t CS-f FTC-40000$/)]);
    const good = memcpy(chan, b.dmaAddr, a.dmaAddr, 4096, results);
    expect(dma_sync_wait(chan, good)).toBe(DMA_COMPLETE);
    expect(results[1]).toEqual({ result: DMA_TRANS_NOERROR, residue: 0 });
    expect(s.cpu.read(b.cpuAddr, 4096)).toEqual(data);
  });

  it("a write to nowhere: WRITE_FAILED", async () => {
    const { s, chan, a } = await setup();
    const results: DmaengineResult[] = [];
    expect(dma_sync_wait(chan, memcpy(chan, NOWHERE, a.dmaAddr, 1024, results))).toBe(DMA_ERROR);
    expect(results).toEqual([{ result: DMA_TRANS_WRITE_FAILED, residue: 1024 }]);
    expect(faultLines(s)[0]).toMatch(/FTC-20000$/); // data_write_err
  });

  it("the request queued behind a failing one is aborted; what comes after runs", async () => {
    const { s, chan, a, b, data } = await setup();
    const r: DmaengineResult[][] = [[], [], []];
    const c0 = memcpy(chan, b.dmaAddr, NOWHERE, 512, r[0]);
    const c1 = memcpy(chan, b.dmaAddr + 1024, a.dmaAddr, 1024, r[1]); // in the thread's other slot
    const c2 = memcpy(chan, b.dmaAddr + 2048, a.dmaAddr, 2048, r[2]); // still on the work list
    dma_async_issue_pending(chan);
    expect(dma_sync_wait(chan, c2)).toBe(DMA_COMPLETE);
    expect([dmaengine_tx_status(chan, c0), dmaengine_tx_status(chan, c1)]).toEqual([DMA_ERROR, DMA_ERROR]);
    expect(r.map((x) => x[0].result)).toEqual([DMA_TRANS_READ_FAILED, DMA_TRANS_ABORTED, DMA_TRANS_NOERROR]);
    expect(s.cpu.read(b.cpuAddr + 2048, 2048)).toEqual(data.subarray(0, 2048));
  });

  it("every channel thread recovers: a fault on each of the 8, then a copy on each", async () => {
    const s = await zynq();
    const chans = Array.from({ length: 8 }, () => dma_request_chan_by_mask(s, DMA_MEMCPY));
    const buf = dma_alloc_coherent(chans[0].device.dev, 8 * 512, GFP_KERNEL)!;
    const bad = chans.map((c, i) => memcpy(c, buf.dmaAddr + 512 * i, NOWHERE, 256, []));
    chans.forEach((c, i) => expect(dma_sync_wait(c, bad[i])).toBe(DMA_ERROR));
    s.cpu.write(buf.cpuAddr, pattern(256, 5));
    const good = chans.map((c, i) => memcpy(c, buf.dmaAddr + 512 * i + 256, buf.dmaAddr, 256, []));
    chans.forEach((c, i) => expect(dma_sync_wait(c, good[i])).toBe(DMA_COMPLETE));
    for (let i = 0; i < 8; i++) expect(s.cpu.read(buf.cpuAddr + 512 * i + 256, 256)).toEqual(pattern(256, 5));
    expect(faultLines(s)).toHaveLength(8);
  });

  it("a UART send whose middle segment points nowhere fails as a whole; the next send is byte-exact", async () => {
    const s = await zynqWith("", { "serial@e0001000": { tx: { baud: 1_000_000, depth: 16 } } });
    const model = s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice;
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const good = dma_alloc_coherent(uart.chan.device.dev, 300, GFP_KERNEL)!;
    const first = pattern(300, 11);
    s.cpu.write(good.cpuAddr, first);
    // A driver bug: three segments, the second one's DMA address is garbage.
    const sgl = sg_alloc(3);
    [good.dmaAddr, NOWHERE, good.dmaAddr + 200].forEach((addr, i) => {
      sgl[i].dma_address = addr;
      sgl[i].dma_length = sgl[i].length = 100;
    });
    const results: DmaengineResult[] = [];
    const tx = dmaengine_prep_slave_sg(uart.chan, sgl, 3, DMA_MEM_TO_DEV, DMA_PREP_INTERRUPT)!;
    tx.callback_result = (_p, r) => results.push({ ...r });
    const cookie = dmaengine_submit(tx);
    expect(dma_sync_wait(uart.chan, cookie)).toBe(DMA_ERROR);
    expect(results).toEqual([{ result: DMA_TRANS_READ_FAILED, residue: 200 }]);
    expect(uart.waitTxEmpty(1e12)).toBe(true);
    // The first segment went out; nothing after the failure did.
    expect(model.transmitted()).toEqual(first.subarray(0, 100));
    const buf = s.kernel.kmalloc(300, GFP_KERNEL);
    s.cpu.write(buf, first);
    const tx2 = uart.startTx(buf, 300);
    expect(uart.waitTx(tx2, 1e12)).toBe(DMA_COMPLETE);
    expect(uart.waitTxEmpty(1e12)).toBe(true);
    expect(model.transmitted()).toEqual(new Uint8Array([...first.subarray(0, 100), ...first]));
  });
});
