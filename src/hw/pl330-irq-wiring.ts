// Which interrupt line each PL330 output drives: the board's wiring of irq[e] (one per event)
// and irq_abort to the GIC, read from the DMAC's `interrupts`. With interrupt-names ("abort",
// "dma0"…) the wiring is explicit; without names the board ORs the event interrupts onto the
// listed entries (event e on entry e mod n) and the abort onto the first.
//
// The tree describes silicon that exists whatever mistakes the tree has: an entry cut short by
// the property's end is still one of the SoC's lines (the board file meant one there), wired
// to the GIC interrupt its cells begin to name (an SPI or PPI number with the trigger cell
// missing), or to no line dmasim can name when too few of its cells are there. The kernel may
// not get that interrupt (of/amba-irq.ts); the silicon still raises it.

import type { DeviceNode, DeviceTree } from "../of/node.js";
import { gicTranslate, GIC_MAX_IRQS, isGic, ofIrqResolve, ofIrqShortEntry } from "../of/irq.js";

export interface Pl330IrqWiring {
  /** The GIC line of each interrupts entry (a cut-short one included), -1 where there is none. */
  lines: number[];
  /** The entry irq_abort drives, -1 for none. */
  abort: number;
  /** The entry each irq[e] output drives (index e), -1 for none. */
  events: number[];
}

/** The line a cut-short entry begins to name, -1 when its cells do not get that far. */
function shortEntryLine(tree: DeviceTree, node: DeviceNode): number | undefined {
  const short = ofIrqShortEntry(tree, node);
  if (!short) return undefined;
  const cells = node.cells("interrupts").slice(short.index * short.intsize);
  const v = isGic(short.parent);
  const t = v && cells.length >= 2 ? gicTranslate(v, [...cells, 0, 0].slice(0, short.intsize)) : undefined;
  return t && t[0] < GIC_MAX_IRQS ? t[0] : -1;
}

/** The wiring of a DMAC with `events` irq[e] outputs, or undefined when its node lists no
 *  interrupt (its outputs drive nothing). */
export function pl330IrqWiring(tree: DeviceTree, node: DeviceNode, events: number): Pl330IrqWiring | undefined {
  const lines = ofIrqResolve(tree, node).map((spec) => spec.line);
  const short = shortEntryLine(tree, node);
  if (short !== undefined) lines.push(short);
  if (lines.length === 0) return undefined;
  const names = node.strings("interrupt-names");
  if (names.length === lines.length) {
    const wiring: Pl330IrqWiring = { lines, abort: names.lastIndexOf("abort"), events: Array<number>(events).fill(-1) };
    names.forEach((name, i) => {
      const m = /^dma(\d+)$/.exec(name);
      if (m) wiring.events[Number(m[1])] = i;
    });
    return wiring;
  }
  return { lines, abort: 0, events: Array.from({ length: events }, (_, e) => e % lines.length) };
}

/** The interrupts entry a PL330 output (event `e`, or "abort") drives, -1 for none. */
export function pl330OutputEntry(wiring: Pl330IrqWiring, output: number | "abort"): number {
  return output === "abort" ? wiring.abort : (wiring.events[output] ?? -1);
}
