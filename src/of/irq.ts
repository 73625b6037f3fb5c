// Resolving a node's interrupts to interrupt-controller lines: `interrupts` with the
// interrupt-parent found by walking up the tree, or `interrupts-extended` naming the controller
// per entry. For the ARM GIC the first cell is the type (0 SPI, 1 PPI) and the second the number:
// SPI n is interrupt ID 32 + n, PPI n is 16 + n. That ID is the line number in the silicon.

import { DeviceNode, DeviceTree, DtError } from "./node.js";

export interface IrqSpec {
  controller: DeviceNode;
  cells: number[];
  line: number;
}

function interruptParent(tree: DeviceTree, node: DeviceNode): DeviceNode | undefined {
  for (let n: DeviceNode | null = node; n; n = n.parent) {
    const ph = n.u32("interrupt-parent");
    if (ph !== undefined) {
      const p = tree.findByPhandle(ph);
      if (!p) throw new DtError(`${n.path}: interrupt-parent <${ph}> names no node`);
      return p;
    }
  }
  return undefined;
}

/** Interrupt ID of a specifier on a GIC-style controller. */
export function gicLine(cells: number[]): number {
  if (cells.length >= 2) return cells[0] === 1 ? 16 + cells[1] : 32 + cells[1];
  return cells[0] ?? -1;
}

export function ofIrqResolve(tree: DeviceTree, node: DeviceNode): IrqSpec[] {
  const out: IrqSpec[] = [];
  if (node.has("interrupts-extended")) {
    const cells = node.cells("interrupts-extended");
    for (let i = 0; i < cells.length; ) {
      const ctrl = tree.findByPhandle(cells[i]);
      if (!ctrl) throw new DtError(`${node.path}: interrupts-extended names unknown phandle <${cells[i]}>`);
      const n = ctrl.u32("#interrupt-cells") ?? 1;
      const spec = cells.slice(i + 1, i + 1 + n);
      out.push({ controller: ctrl, cells: spec, line: gicLine(spec) });
      i += 1 + n;
    }
    return out;
  }
  if (!node.has("interrupts")) return out;
  const ctrl = interruptParent(tree, node);
  if (!ctrl) throw new DtError(`${node.path}: has interrupts but no interrupt-parent`);
  const n = ctrl.u32("#interrupt-cells") ?? 1;
  const cells = node.cells("interrupts");
  if (n === 0 || cells.length % n !== 0) {
    throw new DtError(`${node.path}: "interrupts" has ${cells.length} cells, not a multiple of #interrupt-cells = ${n}`);
  }
  for (let i = 0; i < cells.length; i += n) {
    const spec = cells.slice(i, i + n);
    out.push({ controller: ctrl, cells: spec, line: gicLine(spec) });
  }
  return out;
}
