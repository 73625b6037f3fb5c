// Whether a PL330 slave channel waits on the request line the SoC wires its client's
// peripheral to: what dmasim says about a wrong `dmas` cell. The tree names a line; a board that
// declares its wiring (`dmasim,request-lines`, the SoC's manual) says which line the client's
// peripheral really drives, and the silicon model says which peripheral, if any, drives the line
// the tree named. Read as a debugger would (untimed, through the backdoor): a report, not
// kernel code. Linux checks none of this: a wrong cell shows only as a transfer that never
// completes or one paced by someone else's requests.
//
// Two notes use it: the hang note (dma-hang.ts), when a wait on such a channel times out, and
// the one dma_request_chan prints when the named line is another peripheral's, since a channel
// answering that peripheral's requests may complete without hanging at all.

import type { DmaChan } from "../dmaengine/types.js";
import type { Kernel } from "../kernel/kernel.js";
import type { Pl330Chan } from "../drivers/pl330/channel.js";
import type { DeviceNode } from "../of/node.js";
import type { PeripheralInstance } from "../hw/board-peripherals.js";
import { ofPhandleList, type PhandleArgs } from "../of/phandle.js";

/** A slave channel whose client's `dmas` entry names `line`, while the SoC wires that entry's
 *  peripheral (`own`) to line `wired`. */
export interface WrongCell {
  line: number;
  own: PeripheralInstance;
  wired: number;
}

/** The dma-names of the consumer's `dmas` entries that name request `line` of `dmac` (its
 *  live device tree, as dma_request_chan read it). */
function namesOnLine(k: Kernel, consumer: DeviceNode, dmac: DeviceNode, line: number): string[] {
  let entries: PhandleArgs[];
  try {
    entries = ofPhandleList(k.tree, consumer, "dmas", "#dma-cells");
  } catch {
    return [];
  }
  const names = consumer.strings("dma-names");
  return entries.flatMap((e, i) => (e.np === dmac && e.args[0] === line && names[i] ? [names[i]] : []));
}

/** The peripheral model the silicon wires to request `line` of PL330 `dmacIndex`, if any. */
export function peripheralOnLine(k: Kernel, dmacIndex: number, line: number): PeripheralInstance | undefined {
  const on = k.machine.backdoor.pl330RequestPeripheral(dmacIndex, line);
  return k.board.peripherals.find((q) => q.device.dmac === dmacIndex && q.device.index === on);
}

/** The wrong cell behind `chan` waiting on `line` of `dmac` (PL330 `dmacIndex`): its client's
 *  own peripheral for the entry naming the line, wired to another line by the board (its model's
 *  request, from `dmasim,request-lines`); undefined when the two agree or the board does not say. */
export function wrongCell(k: Kernel, chan: DmaChan, dmac: DeviceNode | undefined, dmacIndex: number, line: number): WrongCell | undefined {
  const client = chan.slave?.ofNode;
  const named = client && dmac ? namesOnLine(k, client, dmac, line) : [];
  const own = k.board.peripherals.find((q) => q.node === client && q.device.dmac === dmacIndex && named.includes(q.dmaName));
  const wired = own?.device.request;
  return own && wired !== undefined && wired !== line ? { line, own, wired } : undefined;
}

/** The sentence for a wrong cell, naming the peripheral on the line (`on`) when there is one. */
export function wrongCellText({ line, own, wired }: WrongCell, on: PeripheralInstance | undefined): string {
  const mine = `${own.node.path} ("${own.dmaName}")`;
  const cell = `(its dmas entry names line ${line}: a wrong dmas cell)`;
  if (!on) return `request line ${line} has no peripheral wired to it; ${mine} drives line ${wired} ${cell}`;
  return `request line ${line} is wired to ${on.node.path} ("${on.dmaName}"), not to ${mine}, which drives line ${wired} ${cell}`;
}

/** The channel's PL330 (its node and board index) and request line, or null when `chan` is not
 *  a PL330 slave channel. */
function pl330Line(chan: DmaChan): { k: Kernel; dmac: DeviceNode | undefined; dmacIndex: number; line: number } | null {
  const pch = chan.priv as Pl330Chan | undefined;
  if (!pch || !("submitted_list" in pch)) return null;
  const k = chan.device.dev.kernel;
  const dmac = chan.device.dev.ofNode;
  const dmacIndex = k.board.dmacs.find((d) => d.node === dmac)?.index ?? 0;
  return { k, dmac, dmacIndex, line: pch.peripheralLine };
}

/** The note after dma_request_chan gave `chan` (named `name` in dma-names) to a client whose
 *  `dmas` entry names a line the SoC wires to another peripheral. A line nothing drives gets no
 *  note here: a wait on it times out, and the hang note names the cell then. */
export function reportRequestWiring(chan: DmaChan, name: string): void {
  const at = pl330Line(chan);
  if (!at || !chan.slave) return;
  const cell = wrongCell(at.k, chan, at.dmac, at.dmacIndex, at.line);
  const on = cell && peripheralOnLine(at.k, at.dmacIndex, at.line);
  if (!cell || !on) return;
  at.k.printk.warn(
    `WARNING: dmaengine: ${chan.slave.name}: dma_request_chan "${name}" (dmasim): ${chan.name} (request line ${at.line}): ` +
      `${wrongCellText(cell, on)}; the channel's transfers wait for and acknowledge that device's requests`,
  );
}
