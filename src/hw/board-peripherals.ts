// The DMA peripheral models a board's device tree asks for: one per `dmas` entry named "tx" or
// "rx" whose provider is a PL330 of the board, wired to the request line the SoC wires it to.
// That line is the node's `dmasim,request-lines` entry where the board gives one (the SoC's
// manual, which a real tree does not repeat), else the line its `dmas` entry names, as before.

import type { Machine } from "./machine.js";
import type { DeviceTree, DeviceNode } from "../of/node.js";
import { ofAddressResources, type Resource } from "../of/address.js";
import { ramBankOverlapping } from "./registers-in-ram.js";
import { PL330_OPT } from "./exports.js";
import { addTxFifo, addRxStream, type DmaPeripheralDevice, type TxFifoOptions, type RxStreamOptions } from "./dma-peripherals.js";
import { BoardError } from "./board-error.js";
import type { DmacInstance } from "./board.js";

/** A DMA peripheral model standing in for one `dmas` entry of a device-tree node. */
export interface PeripheralInstance {
  node: DeviceNode;
  /** Its dma-names entry ("tx" or "rx"). */
  dmaName: string;
  /** The model; `device.request` is the line the SoC wires it to, which is not the one its
   *  `dmas` entry names when the node's `dmasim,request-lines` says otherwise. */
  device: DmaPeripheralDevice;
  /** True when the System's dmaPeripherals option shaped this model (adc-rx's sample stream on
   *  the default board's UART, uart-tx's FIFO), rather than the tree alone. */
  configured?: boolean;
}

/** Settings for the peripheral models of one device-tree node (by path or node name). */
export interface NodePeripheralOptions {
  tx?: Partial<Omit<TxFifoOptions, "base" | "dmac" | "request">>;
  rx?: Partial<Omit<RxStreamOptions, "base" | "dmac" | "request">>;
}

/** Bytes per burst request of a peripheral model behind a periph-burst PL330 (a 16-byte FIFO
 *  watermark, as UARTs of those SoCs use). */
const PERIPH_BURST_BYTES = 16;

/** The SoC's request wiring of a consumer node: one line per `dmas` entry, in its order, on the
 *  PL330 that entry names. dmasim's own property, since a real tree has none: the wiring is in
 *  the SoC's manual, and the tree only repeats it in `dmas`, which may be wrong. */
export const REQUEST_LINES_PROP = "dmasim,request-lines";

export interface DmasEntry {
  /** The provider the phandle names; undefined for a phandle no node has. */
  provider: DeviceNode | undefined;
  /** Its #dma-cells (1 for an unknown provider). */
  n: number;
  /** The specifier's cells (fewer than n when the property ends early). */
  spec: number[];
}

/** A node's `dmas` entries as the board reads them: tolerant of a phandle no node has (read as
 *  one cell), so that a bad entry costs only its own model, as Linux's of_dma fails only that
 *  channel. */
export function dmasEntries(tree: DeviceTree, node: DeviceNode): DmasEntry[] {
  const cells = node.cells("dmas");
  const entries: DmasEntry[] = [];
  for (let at = 0; at < cells.length;) {
    const provider = tree.findByPhandle(cells[at]);
    const n = provider?.u32("#dma-cells") ?? 1;
    entries.push({ provider, n, spec: cells.slice(at + 1, at + 1 + n) });
    at += 1 + n;
  }
  return entries;
}

/** The `dmasim,request-lines` of `node` with `entries` `dmas` entries, checked: none when the
 *  node has no such property (its models follow its `dmas`). */
function requestLines(node: DeviceNode, entries: number): number[] | undefined {
  if (!node.has(REQUEST_LINES_PROP)) return undefined;
  const lines = node.cells(REQUEST_LINES_PROP);
  if (lines.length !== entries) {
    throw new BoardError(`${node.path}: ${REQUEST_LINES_PROP} has ${lines.length} cell(s), but the node has ${entries} dmas entr${entries === 1 ? "y" : "ies"} (one line each, in dmas order)`);
  }
  return lines;
}

/** One model per `dmas` entry named "tx" (a TX FIFO) or "rx" (an RX stream) of every node
 *  whose DMA provider is a PL330 on this board; entry k's register window is at the node's
 *  base + k × 0x100. A UART's `current-speed` sets the line rate (an RX stream then produces
 *  one byte per character time). The request line a model drives is the node's
 *  `dmasim,request-lines` entry when it has one, else the line its `dmas` entry names; a PL330
 *  some consumer of which gives its wiring has it all: its lines no model drives are tied low
 *  (never requesting) rather than tied off as always requesting. */
export function dmaPeripherals(m: Machine, tree: DeviceTree, dmacs: DmacInstance[], settings: Record<string, NodePeripheralOptions>, ram: readonly Resource[] = []): PeripheralInstance[] {
  const out: PeripheralInstance[] = [];
  const used = new Set<string>();
  const described = new Set<number>();
  for (const node of tree.root.walk()) {
    if (!node.cells("dmas").length || !node.available) continue;
    const regs = ofAddressResources(node)[0];
    // Registers the memory nodes cover get no model: the bus sends those addresses to DRAM,
    // and Linux's driver for the node fails its devm_ioremap_resource (registers-in-ram.ts).
    if (regs === undefined || ramBankOverlapping(ram, regs)) continue;
    const base = regs.start;
    const names = node.strings("dma-names");
    const key = node.path in settings ? node.path : node.name in settings ? node.name : undefined;
    const mine = key === undefined ? {} : settings[key];
    const baud = node.u32("current-speed");
    const entries = dmasEntries(tree, node);
    const lines = requestLines(node, entries.length);
    entries.forEach(({ provider }, k) => {
      const dmac = dmacs.find((d) => d.node === provider);
      if (dmac && lines) {
        if (lines[k] >= dmac.preset.requests) {
          throw new BoardError(`${node.path}: ${REQUEST_LINES_PROP} entry ${k} wires request line ${lines[k]}, but ${dmac.node.path} has ${dmac.preset.requests} (0-${dmac.preset.requests - 1})`);
        }
        described.add(dmac.index);
      }
    });
    for (const [k, { provider, n, spec }] of entries.entries()) {
      const dmac = dmacs.find((d) => d.node === provider);
      const name = names[k];
      if (!dmac || n !== 1 || (name !== "tx" && name !== "rx")) continue;
      const request = lines ? lines[k] : spec[0];
      // A line the PL330 does not have is wired to nothing: the board still builds, as Linux
      // still boots, and the client's dma_request_chan fails with -ENODEV (of_dma_pl330_xlate).
      if (request >= dmac.preset.requests) continue;
      const wiring = { base: base + k * 0x100, size: 0x100, dmac: dmac.index, request };
      // `arm,pl330-periph-burst`: the SoC's peripherals raise burst requests only (Linux then
      // uses the B forms), so their models do too unless the caller says otherwise.
      const bursts = dmac.node.has("arm,pl330-periph-burst") ? { burstBytes: PERIPH_BURST_BYTES } : {};
      try {
        const device = name === "tx"
          ? addTxFifo(m, { ...(baud ? { baud } : {}), ...bursts, ...mine.tx, ...wiring })
          : addRxStream(m, { ...(baud ? { sampleRateHz: baud / 10, sampleBytes: 1 as const } : {}), ...bursts, ...mine.rx, ...wiring });
        out.push({ node, dmaName: name, device, ...(mine[name] !== undefined ? { configured: true } : {}) });
        if (key !== undefined) used.add(key);
      } catch (e) {
        throw new BoardError(`${node.path}: ${(e as Error).message}`);
      }
    }
  }
  for (const d of described) m.x.setPl330Option(d, PL330_OPT.unwiredRequestsIdle, 1);
  // A setting for a node that has no such peripheral is a typo the caller would not notice.
  const unused = Object.keys(settings).filter((k) => !used.has(k));
  if (unused.length) {
    const nodes = [...new Set(out.map((p) => p.node.path))];
    throw new BoardError(`dmaPeripherals: no node "${unused[0]}" with a "tx" or "rx" PL330 request on this board (${nodes.length ? `nodes: ${nodes.join(", ")}` : "it has none"})`);
  }
  return out;
}
