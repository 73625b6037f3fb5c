// The bug kind wrong-request-line: a board's device tree names the wrong PL330 request line for
// its UART's TX channel, a `dmas` cell copied from another board. The SoC wires each peripheral
// to a fixed line (Zynq-7000's lines 0-3 to the fabric, UG585 ch. 9; Exynos and Rockchip list
// theirs in the TRM), so the driver's channel, programmed for the line the tree names, waits in
// DMAWFP for a request that never comes: the UART client's send times out with nothing on the
// wire, and dmasim's hang note names the cause from the silicon's wiring. The fix corrects the
// cell; the same UART then sends every byte.
//
// The board is Zynq-7000's (its shipped tree, edited: WRONG_REQUEST_LINE_VARIANT) with
// serial@e0001000's "tx" entry naming line 2 while
// `dmasim,request-lines` says the SoC wires its TX FIFO to line 0 (and its RX stream to 1, as
// named). The fixed tree is the same tree with the cell corrected in place (of_update_property,
// as an overlay would) and the client probed again: dma_request_chan reads `dmas` at probe, so
// this is what a rebuilt blob gives, on the same silicon. The run puts the wrong cell back at
// its end.
//
// With `onto=adc` the board also has an ADC (dmasim's RX stream, 1 MHz, 2-byte samples, no
// driver bound) whose `dmas` puts it on line 2: the wrong cell now names a line another
// peripheral drives. Nothing hangs: the channel takes the ADC's requests, whose FIFO is full
// (nothing reads it), so the UART's bytes are pushed at the PL330's own pace and its 64-byte
// TX FIFO overruns; the acknowledges and flushes (spec pl330 §2.2 DMAFLUSHP) tell the ADC its
// samples were taken while none was read. dmasim's note at dma_request_chan names the ADC as
// the line's peripheral and the UART's own line (wiringNote). Had the ADC's driver held line 2's
// channel, the UART's dma_request_chan would fail instead (of_dma_pl330_xlate: one channel per
// line).

import type { System } from "../../system.js";
import type { PeripheralInstance } from "../../hw/board.js";
import type { TxFifoDevice, PeripheralStats } from "../../hw/dma-peripherals.js";
import { REQUEST_LINES_PROP } from "../../hw/board-peripherals.js";
import { peripheralOnLine } from "../../report/request-wiring.js";
import { ofPhandleList } from "../../of/phandle.js";
import { of_update_property_cells } from "../../of/dynamic.js";
import { pattern } from "../phase.js";
import { kmallocBuffers } from "../managed-buffers.js";
import type { Defer } from "../teardown.js";
import type { BugResult } from "./bug-kinds.js";
import { uartSend as send, type UartSend as Send } from "./uart-send.js";
import type { ScenarioParams } from "../scenarios.js";
import { noDmaPeripheralMessage } from "../../hw/missing-dma-peripheral.js";
import type { BoardVariant, TreeEdit } from "../../board-variant.js";
import { leaveTreeText } from "../../tree-choice.js";

/** Bytes sent: 256 characters, 22 ms of line time at 115200 baud. */
const LEN = 256;

/** What the wrong cell's line is wired to: nothing (the default), or an ADC. */
export const WRONG_REQUEST_LINE_ONTO = ["none", "adc"] as const;
export type WrongRequestLineOnto = (typeof WRONG_REQUEST_LINE_ONTO)[number];

const UART = "/axi/serial@e0001000";
const DMAC = "/axi/dma-controller@f8003000";

/** The board: Zynq-7000 (examples/boards/zynq-7000.dts) with the UART's "tx" `dmas` cell naming
 *  line 2, and `dmasim,request-lines` saying the SoC wires its TX FIFO to line 0 and its RX
 *  stream to line 1 (its manual). */
export const WRONG_REQUEST_LINE_VARIANT: BoardVariant = {
  board: "zynq-7000",
  name: "zynq-7000-wrong-request-line.dtb",
  edits: [
    { node: "/", property: "model", string: "Zynq-7000 board with a UART TX dmas cell copied from another board" },
    // dmas = <&dmac_s 0>, <&dmac_s 1>: cell 1 is the "tx" entry's line.
    { node: UART, property: "dmas", at: 1, cells: [2] },
    { node: UART, property: REQUEST_LINES_PROP, cells: [0, 1] },
  ],
};

/** An ADC on request line 2, the line the UART's wrong cell names. */
const ADC = "/axi/adc@e0008000";
const ADC_ON_LINE_2: TreeEdit[] = [
  { node: ADC },
  { node: ADC, property: "compatible", string: "dmasim,stream-adc" },
  { node: ADC, property: "reg", cells: [0xe0008000, 0x1000] },
  { node: ADC, property: "dmas", phandleOf: DMAC, cells: [2] },
  { node: ADC, property: "dma-names", string: "rx" },
];

/** The `onto` parameter, checked (default "none"). */
export function wrongRequestLineOnto(onto: unknown): WrongRequestLineOnto {
  const o = String(onto ?? "none");
  if (!(WRONG_REQUEST_LINE_ONTO as readonly string[]).includes(o)) {
    throw new RangeError(`onto must be one of ${WRONG_REQUEST_LINE_ONTO.join(", ")}, not "${o}"`);
  }
  return o as WrongRequestLineOnto;
}

/** The board for `onto`: the default is WRONG_REQUEST_LINE_VARIANT unchanged. */
export function wrongRequestLineVariant(onto: WrongRequestLineOnto): BoardVariant {
  const v = WRONG_REQUEST_LINE_VARIANT;
  return onto === "adc" ? { ...v, name: "zynq-7000-wrong-request-line-onto-adc.dtb", edits: [...v.edits, ...ADC_ON_LINE_2] } : v;
}

/** The line each `dmas` entry of the node names (undefined for an entry without one cell). */
function dmasLines(s: System, p: PeripheralInstance): (number | undefined)[] {
  return ofPhandleList(s.kernel.tree, p.node, "dmas", "#dma-cells").map((e) => (e.args.length === 1 ? e.args[0] : undefined));
}

/** The node's "tx" model whose `dmas` entry names another line than the SoC wires it to, else
 *  the first "tx" model (a board whose tree is right: the bug cannot show there). */
function txPeripheral(s: System): { p: PeripheralInstance; slot: number; named: number | undefined } {
  const txs = s.board.peripherals.filter((q) => q.dmaName === "tx" && q.device.kind === "tx-fifo");
  const found = txs.map((p) => {
    const slot = p.node.strings("dma-names").indexOf("tx");
    return { p, slot, named: dmasLines(s, p)[slot] };
  });
  const pick = found.find((f) => f.named !== f.p.device.request) ?? found[0];
  if (pick) return pick;
  throw new Error(`${noDmaPeripheralMessage(s.board, "tx")}; ${leaveTreeText(s)}`);
}

/** The peripheral the silicon wires to `line` of p's PL330, other than p (read as a debugger
 *  would, untimed). */
function otherOnLine(s: System, p: PeripheralInstance, line: number | undefined): PeripheralInstance | undefined {
  const on = line === undefined ? undefined : peripheralOnLine(s.kernel, p.device.dmac, line);
  return on === p ? undefined : on;
}

export function wrongRequestLine(s: System, defer: Defer, params: ScenarioParams = {}): BugResult {
  wrongRequestLineOnto(params.onto);
  const { p, slot, named } = txPeripheral(s);
  const wired = p.device.request;
  const buf = kmallocBuffers(s, [LEN], defer).vas[0];
  const data = pattern(LEN, 33);
  s.cpu.write(buf, data);

  const other = named !== wired ? otherOnLine(s, p, named) : undefined;
  const otherBefore = other?.device.stats();
  const bug = send(s, p, buf, data, defer);
  const otherAfter = other?.device.stats();
  // The fix the board's author makes from the SoC's manual: each dmas cell its wired line.
  const lines = p.node.cells(REQUEST_LINES_PROP);
  if (lines.length) {
    const wrongCells = p.node.cells("dmas");
    of_update_property_cells(p.node, "dmas", rewriteCells(s, p, lines));
    // The System goes on with the tree it was built from: a second run shows the bug again.
    defer(() => of_update_property_cells(p.node, "dmas", wrongCells));
  }
  const fix = send(s, p, buf, data, defer);

  if (other && otherBefore && otherAfter) return crossLine(p, other, otherBefore, otherAfter, { slot, named: named ?? -1, wired, bug, fix });
  const who = `${p.node.path} ("tx")`;
  const shown = named !== wired;
  const symptom = !shown
    ? `${who}'s dmas entry names request line ${named}, the line the SoC wires it to: this board's tree is right, ${bug.sender} sent ${bug.sent} of ${LEN} ` +
      `bytes (${bug.status}); the bug needs a tree whose cell names another line (${REQUEST_LINES_PROP}); ${leaveTreeText(s)}`
    : `${who}'s dmas entry ${slot} names request line ${named}, but the SoC wires its TX FIFO to line ${wired}: the driver's channel waits in DMAWFP on ` +
      `line ${bug.line} for a request that never comes; the send timed out (${bug.status}) with ${bug.sent} of ${LEN} bytes on the wire, and dmasim said: ${bug.note}`;
  return {
    kind: "wrong-request-line",
    symptom,
    fixed: fixedText(fix),
    reproduced: shown && bug.sent < LEN && fix.sent === LEN && fix.wrong === 0,
    details: { ...bugDetails(p, named ?? -1, wired, bug), hangNote: bug.note, ...fixDetails(fix) },
  };
}


/** The corrected tree's send, as both cases say it. */
function fixedText(fix: Send): string {
  return `with dmas naming line ${fix.line} ${fix.sender} sent ${fix.sent} of ${LEN} bytes (${fix.status}), ${fix.wrongPrefix} of them wrong`;
}

/** The details both cases begin with: the peripheral, its lines and the wrong tree's send. */
function bugDetails(p: PeripheralInstance, named: number, wired: number, bug: Send) {
  return { peripheral: p.node.path, bytes: LEN, dmasLine: named, wiredLine: wired, channelLine: bug.line, status: bug.status, sentBytes: bug.sent };
}

/** The details both cases end with: the corrected tree's send. */
function fixDetails(fix: Send) {
  return { fixedChannelLine: fix.line, statusFixed: fix.status, sentBytesFixed: fix.sent, wrongBytesFixed: fix.wrong };
}

/** The wrong cell names a line another peripheral drives: what the UART's wire and that
 *  peripheral's request interface show. */
function crossLine(
  p: PeripheralInstance, other: PeripheralInstance, before: PeripheralStats, after: PeripheralStats,
  r: { slot: number; named: number; wired: number; bug: Send; fix: Send },
): BugResult {
  const { bug, fix } = r;
  const model = p.device as TxFifoDevice;
  const lineUs = (LEN * model.config.bitsPerChar * 1e6) / model.config.baud;
  const d = (k: keyof PeripheralStats) => after[k] - before[k];
  const them = `${other.node.path} ("${other.dmaName}")`;
  return {
    kind: "wrong-request-line",
    symptom: `${p.node.path} ("tx")'s dmas entry ${r.slot} names request line ${r.named}, but the SoC wires its TX FIFO to line ${r.wired} ` +
      `and line ${r.named} to ${them}: the channel is paced by that device's requests, not ${bug.sender}'s; the send ended ${bug.status} after ` +
      `${(bug.sendPs / 1e6).toFixed(1)} µs (the line needs ${lineUs.toFixed(0)} µs) with ${bug.sent} of ${LEN} bytes on the wire ` +
      `(${bug.wrongPrefix} wrong), ${bug.overruns} lost to TX FIFO overruns; ${them} had ${d("requests")} requests accepted, ` +
      `${d("acks")} acknowledged and ${d("flushes")} flushed with ${d("dmaBytes")} bytes read from it` +
      (bug.wiringNote ? `; at dma_request_chan dmasim said: ${bug.wiringNote}` : ""),
    fixed: fixedText(fix),
    reproduced: bug.sent < LEN && fix.sent === LEN && fix.wrong === 0,
    details: {
      ...bugDetails(p, r.named, r.wired, bug),
      wrongSentBytes: bug.wrongPrefix, txOverruns: bug.overruns, sendPs: bug.sendPs, hangNote: bug.note, wiringNote: bug.wiringNote,
      otherPeripheral: other.node.path, otherRequests: d("requests"), otherAcks: d("acks"), otherFlushes: d("flushes"),
      otherDmaBytes: d("dmaBytes"), ...fixDetails(fix),
    },
  };
}

/** The node's `dmas` with each one-cell entry's line replaced by its `dmasim,request-lines`
 *  entry (the phandles and other entries as they were). */
function rewriteCells(s: System, p: PeripheralInstance, lines: number[]): number[] {
  const out: number[] = [];
  const cells = p.node.cells("dmas");
  let at = 0;
  ofPhandleList(s.kernel.tree, p.node, "dmas", "#dma-cells").forEach((e, k) => {
    const n = e.np ? e.args.length : 0;
    out.push(cells[at], ...(n === 1 ? [lines[k]] : cells.slice(at + 1, at + 1 + n)));
    at += 1 + n;
  });
  return out;
}
