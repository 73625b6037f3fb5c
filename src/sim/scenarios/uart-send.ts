// One send through a UART's TX FIFO model by a freshly probed UART DMA client, for the bug kinds
// whose symptom is on the wire (wrong-request-line, burst-on-single-requests,
// burst-larger-than-fifo-threshold): what the channel did, what the FIFO put on the line
// meanwhile, and dmasim's notes: at dma_request_chan (a cell naming another peripheral's line),
// when the wait timed out, and when the FIFO dropped bytes for bursts larger than its threshold.

import type { System } from "../../system.js";
import type { PeripheralInstance } from "../../hw/board.js";
import type { TxFifoDevice } from "../../hw/dma-peripherals.js";
import { UartDmaClient } from "../../drivers/uart-dma-client.js";
import { STATUS_NAMES } from "../../dmaengine/types.js";
import type { Pl330Chan } from "../../drivers/pl330/channel.js";
import { countDifferent, pattern } from "../phase.js";
import { kmallocBuffers } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import { noDmaPeripheralMessage } from "../../hw/missing-dma-peripheral.js";
import { leaveTreeText } from "../../tree-choice.js";
import { peripheralText } from "../../hw/peripheral-name.js";

/** The first "tx" TX FIFO model of the board. */
export function uartTxPeripheral(s: System): PeripheralInstance {
  const p = s.board.peripherals.find((q) => q.dmaName === "tx" && q.device.kind === "tx-fifo");
  if (p) return p;
  throw new Error(`${noDmaPeripheralMessage(s.board, "tx")}; ${leaveTreeText(s)}`);
}

/** One send of `data` through a freshly probed UART client (its dst_maxburst `maxburst` when
 *  given, else the FIFO's BURST register): what the channel did and what the TX FIFO put on the
 *  wire meanwhile. The client is removed (its channel terminated) before this returns. */
export function uartSend(s: System, p: PeripheralInstance, buf: number, data: Uint8Array, defer: Defer, maxburst?: number) {
  const pdev = s.kernel.platformBus.devices.find((d) => d.ofNode === p.node);
  if (!pdev) throw new Error(`${p.node.path} has no platform device`);
  const model = p.device as TxFifoDevice;
  const logBefore = s.kernel.printk.dmesg().length;
  const uart = UartDmaClient.probe(pdev, maxburst === undefined ? {} : { maxburst });
  const remove = defer(() => uart.remove());
  const line = (uart.chan.priv as Pl330Chan).peripheralLine;
  const lineTime = (bytes: number) => (bytes * model.config.bitsPerChar * 1e12) / model.config.baud;
  const sentBefore = model.transmitted().length;
  const overrunsBefore = model.stats().overruns;
  const t0 = s.now();
  const tx = uart.startTx(buf, data.length);
  const status = STATUS_NAMES[uart.waitTx(tx, 2 * lineTime(data.length) + 10e9)] ?? "?";
  const sendPs = s.now() - t0;
  uart.waitTxEmpty(lineTime(model.config.depth + 2) + 1e9); // what the FIFO holds leaves too
  const sent = model.transmitted().subarray(sentBefore);
  const log = s.kernel.printk.dmesg().slice(logBefore).map((l) => l.text);
  const note = log.find((t) => t.includes("timed out (dmasim)")) ?? "";
  // What the driver's wait said of bytes the FIFO dropped for bursts larger than its threshold (fifo-burst-excess.ts).
  const overrunNote = log.find((t) => t.includes("TX FIFO overrun (dmasim)")) ?? "";
  // What dma_request_chan said of a cell naming another peripheral's line (request-wiring.ts).
  const wiringNote = log.find((t) => t.includes(`dma_request_chan "tx" (dmasim)`)) ?? "";
  remove();
  const overruns = model.stats().overruns - overrunsBefore;
  return { sender: peripheralText(p.node), line, maxburst: uart.burstBytes, status, sent: sent.length, wrong: countDifferent(sent, data), note, wiringNote, overrunNote, sendPs, overruns,
    wrongPrefix: countDifferent(sent, data.subarray(0, sent.length)) };
}

export type UartSend = ReturnType<typeof uartSend>;

/** The two sends of a maxburst bug kind: `len` bytes (pattern `seed`) with the driver's own
 *  dst_maxburst `maxburst`, then again with the fix, the maxburst of the FIFO's BURST register
 *  (the size of the requests it raises). */
export function uartSendBugAndFix(s: System, p: PeripheralInstance, len: number, seed: number, maxburst: number, defer: Defer) {
  const buf = kmallocBuffers(s, [len], defer).vas[0];
  const data = pattern(len, seed);
  s.cpu.write(buf, data);
  return { bug: uartSend(s, p, buf, data, defer, maxburst), fix: uartSend(s, p, buf, data, defer) };
}

/** A send of `len` bytes as a bug's result says it: "the UART sent 256 of 256 bytes
 *  (DMA_COMPLETE), 0 of them wrong" (the sender as its node says it is: peripheral-name.ts);
 *  "of them wrong" counts the bytes that went out (those that did not are told by "sent N of"). */
export function sentText(send: UartSend, len: number): string {
  return `${send.sender} sent ${send.sent} of ${len} bytes (${send.status}), ${send.wrongPrefix} of them wrong`;
}
