// Why a board has no DMA peripheral model for "tx" (or "rx"), for the scenarios that need one:
// the nodes whose dma-names list that name, and what kept each such `dmas` entry from getting
// a model. board-peripherals.ts builds one only for an enabled node with a register window outside RAM
// whose entry names an enabled PL330 of the board, by one cell, within its request lines;
// each reason below is one of those conditions, in the tree's terms and the kernel's result.

import type { Board } from "./board.js";
import { dmasEntries } from "./board-peripherals.js";
import { ofAddressResources } from "../of/address.js";
import { ramBankOverlapping } from "./registers-in-ram.js";
import type { DeviceNode } from "../of/node.js";

/** The scenario's error text: what it needs, then why this board's tree does not give it. */
export function noDmaPeripheralMessage(board: Board, dmaName: "tx" | "rx"): string {
  const what = `this board has no node with ${dmaName === "tx" ? "a" : "an"} "${dmaName}" DMA peripheral (dmas/dma-names naming a PL330 request)`;
  const reasons = [...board.tree.root.walk()].flatMap((node) => reasonsFor(board, node, dmaName));
  return reasons.length ? `${what}: ${reasons.join("; ")}` : what;
}

function reasonsFor(board: Board, node: DeviceNode, dmaName: string): string[] {
  const k = node.strings("dma-names").indexOf(dmaName);
  if (k < 0 || !node.has("dmas")) return [];
  const entry = `${node.path}'s dmas entry ${k} ("${dmaName}")`;
  if (!node.available) return [`${node.path} has status "${node.string("status")}"`];
  const regs = ofAddressResources(node)[0];
  if (regs === undefined) return [`${node.path} has no reg for the peripheral's registers`];
  if (ramBankOverlapping(board.ram, regs)) return [`${node.path}'s registers lie in RAM (the memory node covers them): its driver's devm_ioremap_resource fails with -EBUSY`];
  const entries = dmasEntries(board.tree, node);
  if (k >= entries.length) return [`${node.path}'s dma-names lists "${dmaName}" at ${k}, but its dmas has ${entries.length} entr${entries.length === 1 ? "y" : "ies"}`];
  const { provider, n, spec } = entries[k];
  if (!provider) return [`${entry} names a phandle no node has`];
  if (!provider.available) {
    return [`${entry} names ${provider.path}, whose status is "${provider.string("status")}": no driver binds it, and dma_request_chan returns -EPROBE_DEFER`];
  }
  const inRam = board.dmacsInRam.find((d) => d.node === provider);
  if (inRam) {
    return [`${entry} names ${provider.path}, whose registers lie in RAM (the memory node covers them): Linux creates no device for it, and dma_request_chan returns -EPROBE_DEFER`];
  }
  const dmac = board.dmacs.find((d) => d.node === provider);
  if (!dmac) return [`${entry} names ${provider.path}, which is not a PL330`];
  if (n !== 1) return [`${entry} has ${n} cells (#dma-cells of ${provider.path}); a PL330's is 1, the request line`];
  const lines = dmac.preset.requests;
  if (spec[0] >= lines) {
    return [
      `${entry} names request line ${spec[0]}, but ${provider.path} has ${lines} (0-${lines - 1}): ` +
        `of_dma_pl330_xlate refuses it, and dma_request_chan fails with -ENODEV; fix the cell, or give ${provider.path} #dma-requests = <${spec[0] + 1}> or more if the SoC has that line`,
    ];
  }
  return [];
}
