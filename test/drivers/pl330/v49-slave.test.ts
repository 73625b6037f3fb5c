// Linux 4.9's pl330 as a slave client meets it: pl330_config applies the FIFO settings at once,
// by the config's deprecated `direction` (none: nothing is configured), and pl330_pause only
// stops the thread, so a paused transfer still reads DMA_IN_PROGRESS.

import { describe, expect, it } from "vitest";
import { zynqWith } from "../../helpers/zynq-peripherals.js";
import { GFP_KERNEL } from "../../../src/mm/gfp.js";
import {
  dma_request_chan, dmaengine_slave_config, dmaengine_prep_slave_single, dmaengine_submit, dmaengine_tx_status,
  dmaengine_pause, dma_sync_wait, dmaengine_terminate_sync,
} from "../../../src/dmaengine/dmaengine.js";
import {
  DMA_COMPLETE, DMA_ERROR, DMA_IN_PROGRESS, DMA_MEM_TO_DEV, DMA_PAUSED, DMA_TRANS_NOERROR, dma_tx_state,
} from "../../../src/dmaengine/types.js";
import { dma_map_single } from "../../../src/dma/mapping.js";
import { DMA_TO_DEVICE } from "../../../src/dma/constants.js";
import { UartDmaClient } from "../../../src/drivers/uart-dma-client.js";
import { pattern } from "../../../src/sim/phase.js";
import type { TxFifoDevice } from "../../../src/hw/dma-peripherals.js";

const UART_TX = { "serial@e0001000": { tx: { baud: 10_000_000, depth: 16 } } };

/** Sends 256 bytes on the UART's "tx" channel configured with `cfg`; what the UART got and
 *  where the bytes went. */
async function send(kernel: "modern" | "v4.9", direction?: typeof DMA_MEM_TO_DEV) {
  const s = await zynqWith("", UART_TX, kernel);
  const model = s.board.peripherals.find((p) => p.dmaName === "tx")!.device as TxFifoDevice;
  const uart = s.device("e0001000.serial");
  const chan = dma_request_chan(uart, "tx");
  expect(dmaengine_slave_config(chan, { direction, dst_addr: 0xe0001000, dst_addr_width: 1, dst_maxburst: 1 })).toBe(0);
  const buf = s.kernel.kmalloc(256, GFP_KERNEL);
  s.cpu.write(buf, pattern(256, 7));
  const dma = dma_map_single(chan.device.dev, buf, 256, DMA_TO_DEVICE);
  const phys0 = s.machine.backdoor.read(0, 256);
  const tx = dmaengine_prep_slave_single(chan, dma, 256, DMA_MEM_TO_DEV, 0)!;
  const status = dma_sync_wait(chan, dmaengine_submit(tx));
  s.machine.idleUntil(s.now() + 1e9); // 1 ms: the line sends 256 characters of 1 µs
  return { s, status, sent: model.transmitted(), phys0Before: phys0, phys0After: s.machine.backdoor.read(0, 256) };
}

describe("4.9 dmaengine_slave_config", () => {
  it("without direction configures nothing: the bytes go to address 0, not the UART, and dmesg says why", async () => {
    const r = await send("v4.9");
    expect(r.status).toBe(DMA_COMPLETE);
    // A FIFO address does not increment: every byte lands on byte 0 of RAM, the last one stays.
    expect([...r.phys0After]).toEqual([pattern(256, 7)[255], ...r.phys0Before.slice(1)]);
    expect(r.sent.length).toBe(0);
    expect(r.s.dmesg()).toMatch(
      /WARNING: dmaengine: dma0chan0: dma_slave_config without a slave direction: Linux 4\.9's pl330_config applies nothing \(the FIFO stays at 0x0, 1-byte accesses\); set direction/,
    );
  });

  it("with direction MEM_TO_DEV reaches the UART's FIFO, as the same client does on a modern kernel without it", async () => {
    for (const r of [await send("v4.9", DMA_MEM_TO_DEV), await send("modern")]) {
      expect(r.status).toBe(DMA_COMPLETE);
      expect([...r.phys0After]).toEqual([...r.phys0Before]);
      expect([...r.sent]).toEqual([...pattern(256, 7)]);
      expect(r.s.dmesg()).not.toMatch(/without a slave direction/);
    }
  });
});

describe("the built-in UART client on 4.9", () => {
  it("hears its transfer end through callback (4.9 has no callback_result) and reads the result from the cookie", async () => {
    const s = await zynqWith("", UART_TX, "v4.9");
    const uart = UartDmaClient.probe(s.device("e0001000.serial"));
    const buf = s.kernel.kmalloc(512, GFP_KERNEL);
    s.cpu.write(buf, pattern(512, 9));
    const tx = uart.startTx(buf, 512);
    expect(uart.waitTx(tx, 1e10)).toBe(DMA_COMPLETE);
    expect(tx.result).toEqual({ result: DMA_TRANS_NOERROR, residue: 0 });
    expect(s.dmesg()).not.toMatch(/callback_result|without a slave direction/);
  });
});

describe("4.9 pause", () => {
  it("leaves the transfer DMA_IN_PROGRESS (no DMA_PAUSED): a dma_sync_wait on it times out", async () => {
    const heard: Record<string, number[]> = {};
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await zynqWith("", { "serial@e0001000": { tx: { baud: 1_000_000, depth: 16 } } }, kernel);
      const uart = UartDmaClient.probe(s.device("e0001000.serial"));
      const buf = s.kernel.kmalloc(1000, GFP_KERNEL);
      s.cpu.write(buf, pattern(1000, 4));
      const tx = uart.startTx(buf, 1000);
      s.machine.idleUntil(tx.submittedAt + 300e6);
      expect(dmaengine_pause(uart.chan)).toBe(0);
      const st = dma_tx_state();
      const status = dmaengine_tx_status(uart.chan, tx.cookie, st);
      const t0 = s.now();
      const waited = dma_sync_wait(uart.chan, tx.cookie);
      heard[kernel] = [status, st.residue, waited, s.now() - t0];
      // 300 µs at 10 µs a character: 47 ± 1 bytes sent, the rest is the residue either way.
      expect(st.residue).toBeGreaterThanOrEqual(1000 - 48);
      expect(st.residue).toBeLessThanOrEqual(1000 - 46);
      expect(dmaengine_terminate_sync(uart.chan)).toBe(0);
      if (kernel === "v4.9") expect(s.dmesg()).toMatch(/dma_sync_wait: timeout!/);
    }
    expect(heard.modern.slice(0, 1).concat(heard.modern[2])).toEqual([DMA_PAUSED, DMA_PAUSED]);
    expect(heard.modern[3]).toBeLessThan(1e6);
    expect(heard["v4.9"][0]).toBe(DMA_IN_PROGRESS);
    expect(heard["v4.9"][2]).toBe(DMA_ERROR);
    expect(heard["v4.9"][3]).toBeGreaterThanOrEqual(5e12);
  });
});
