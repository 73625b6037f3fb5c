// uart-tx: a buffer sent through a UART by DMA (slave_sg, src/drivers/uart-dma-client.ts). How
// fast do the bytes leave, and how much CPU does sending cost? Parameters:
//   size     bytes to send (default 4K)
//   segment  bytes per scatterlist entry (default 4096)
//   baud     line rate, 10 bits per character (default 115200)
//   depth    TX FIFO bytes (default 64)
//   burst    free FIFO bytes that raise a DMA request: 1 gives single requests (default 1)
// baud, depth and burst shape the UART of the default board (zynq-7000, serial@e0001000); on a
// board given with --board/--dtb the first node with a "tx" DMA peripheral is used as it is, and
// those three are refused (MODEL_PARAMS): they would be shown in the heading but not used.

import type { System, SystemOptions } from "../../system.js";
import type { TxFifoDevice } from "../../hw/dma-peripherals.js";
import { UartDmaClient } from "../../drivers/uart-dma-client.js";
import { DMA_TRANS_NOERROR } from "../../dmaengine/types.js";
import { parseSize } from "../../units.js";
import { pattern } from "../phase.js";
import { withTeardown } from "../teardown.js";
import { kmallocBuffers } from "../managed-buffers.js";
import type { ModelParams, ScenarioParams } from "../scenarios.js";
import { busyShare, idleClock, sleepUntil } from "./cpu-idle.js";
import { refuseSingleRequestsOnBurstOnlyDmac } from "./periph-burst.js";
import { noDmaPeripheralMessage } from "../../hw/missing-dma-peripheral.js";

export interface UartTxResult {
  /** The device-tree node whose UART sent the bytes. */
  peripheral: string;
  baud: number;
  bytes: number;
  segments: number;
  /** Bytes per DMA request (the FIFO's request threshold). */
  burstBytes: number;
  /** From submit to the DMA's completion callback, and to the last stop bit on the line. */
  dmaTimePs: number;
  lineTimePs: number;
  /** Bytes over the line time, and what the line rate allows (baud / bits per character). */
  bytesPerSec: number;
  lineRateBytesPerSec: number;
  /** CPU busy time from the send to the completion callback (mapping, prep, interrupts). */
  cpuTimePs: number;
  cpuBusyPercent: number;
  irqs: number;
  /** The line carried exactly the buffer. */
  ok: boolean;
}

const num = (v: unknown, fallback: number) => (v === undefined ? fallback : Number(v));

/** The parameters only uartTxSystem reads, and what they shape: a board given by name or tree
 *  brings its own UART model, made from its tree (src/hw/board-peripherals.ts). */
export const MODEL_PARAMS: ModelParams = {
  names: ["baud", "depth", "burst"],
  model: "the UART model of the board uart-tx boots when given none (zynq-7000, serial@e0001000)",
  dmaName: "tx",
  fromTree: "a UART's current-speed sets its line rate, arm,pl330-periph-burst on its PL330 its request size; the rest are the model's defaults",
};

/** The default board's UART, shaped by the parameters. */
export function uartTxSystem(params: ScenarioParams): Omit<SystemOptions, "worker"> {
  return {
    board: "zynq-7000",
    dmaPeripherals: {
      "serial@e0001000": { tx: { baud: num(params.baud, 115200), depth: num(params.depth, 64), burstBytes: num(params.burst, 1) } },
    },
  };
}

export function run(s: System, params: ScenarioParams = {}): UartTxResult {
  const size = parseSize((params.size as string | number | undefined) ?? "4K");
  const segment = parseSize((params.segment as string | number | undefined) ?? 4096);
  if (!(size >= 1 && segment >= 1)) throw new RangeError(`size and segment must be at least one byte`);
  const p = s.board.peripherals.find((x) => x.dmaName === "tx" && x.device.kind === "tx-fifo");
  if (!p) throw new Error(noDmaPeripheralMessage(s.board, "tx"));
  const model = p.device as TxFifoDevice;
  refuseSingleRequestsOnBurstOnlyDmac(s, p.node.path, p.device.dmac, model.config.burstBytes > 1);
  const pdev = s.kernel.platformBus.devices.find((d) => d.ofNode === p.node);
  if (!pdev) throw new Error(`${p.node.path} has no platform device`);
  return withTeardown((defer) => {
    const uart = UartDmaClient.probe(pdev);
    const removeUart = defer(() => uart.remove());
    const {
      vas: [buf],
      free: freeBuf,
    } = kmallocBuffers(s, [size], defer);
    const data = pattern(size, 21); // on the host, once the buffer is there
    // If the run fails from here on, the client (and its DMA) stops before its buffer is freed.
    defer(removeUart);
    s.cpu.write(buf, data);
    const sentBefore = model.transmitted().length;
    const clock = idleClock();
    const t0 = s.now();
    const tx = uart.startTx(buf, size, segment);
    const lineTime = (bytes: number) => (bytes * model.config.bitsPerChar * 1e12) / model.config.baud;
    const done = sleepUntil(s, clock, () => tx.completedAt !== undefined, 2 * lineTime(size) + 10e9);
    const cpuTimePs = Math.max(0, (tx.completedAt ?? s.now()) - t0 - clock.idlePs);
    const cpuBusy = busyShare(clock, (tx.completedAt ?? s.now()) - t0);
    const drained = uart.waitTxEmpty(lineTime(model.config.depth + 2) + 1e9);
    const lineTimePs = s.now() - t0;
    const sent = model.transmitted().subarray(sentBefore);
    const ok = done && drained && tx.result?.result === DMA_TRANS_NOERROR && sent.length === size && sent.every((b, i) => b === data[i]);
    removeUart();
    freeBuf();
    return {
      peripheral: p.node.path,
      baud: model.config.baud,
      bytes: size,
      segments: Math.ceil(size / segment),
      burstBytes: uart.burstBytes,
      dmaTimePs: (tx.completedAt ?? s.now()) - t0,
      lineTimePs,
      bytesPerSec: Math.round((size * 1e12) / lineTimePs),
      lineRateBytesPerSec: Math.round(model.config.baud / model.config.bitsPerChar),
      cpuTimePs,
      cpuBusyPercent: Math.round(cpuBusy * 1e6) / 1e4,
      irqs: clock.irqs,
      ok,
    };
  });
}
