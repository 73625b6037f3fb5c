// Translating a node's `reg` into CPU physical addresses: cells are read with the parent's
// #address-cells/#size-cells, then mapped up through every ancestor's `ranges` (an empty
// `ranges` is the identity; a missing one means the address does not translate).

import { DeviceNode, DtError } from "./node.js";

export interface Resource {
  start: number;
  size: number;
  name?: string;
}

/** Joins `count` big-endian cells into one number (exact below 2^53). */
export function readCells(cells: number[], at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) v = v * 0x100000000 + (cells[at + i] >>> 0);
  return v;
}

function translateUp(node: DeviceNode, address: number): number | undefined {
  // `node` is the bus whose child address space `address` is in.
  let bus: DeviceNode | null = node;
  let a = address;
  while (bus && bus.parent) {
    const ranges = bus.prop("ranges");
    if (!ranges) return undefined;
    if (ranges.length === 0) {
      bus = bus.parent;
      continue;
    }
    const cells = bus.cells("ranges");
    const childAc = bus.addressCells;
    const parentAc = bus.parent.addressCells;
    const sc = bus.sizeCells;
    const step = childAc + parentAc + sc;
    let mapped: number | undefined;
    for (let i = 0; i + step <= cells.length; i += step) {
      const child = readCells(cells, i, childAc);
      const parent = readCells(cells, i + childAc, parentAc);
      const size = readCells(cells, i + childAc + parentAc, sc);
      if (a >= child && a < child + size) {
        mapped = parent + (a - child);
        break;
      }
    }
    if (mapped === undefined) return undefined;
    a = mapped;
    bus = bus.parent;
  }
  return a;
}

/** The node's `reg` entries as CPU physical ranges (entries that do not translate are skipped). */
export function ofAddressResources(node: DeviceNode): Resource[] {
  const parent = node.parent;
  if (!parent) return [];
  const ac = parent.addressCells;
  const sc = parent.sizeCells;
  const cells = node.cells("reg");
  if (ac + sc === 0) return [];
  if (cells.length % (ac + sc) !== 0) {
    throw new DtError(`${node.path}: "reg" has ${cells.length} cells, not a multiple of #address-cells + #size-cells = ${ac + sc}`);
  }
  const names = node.strings("reg-names");
  const out: Resource[] = [];
  for (let i = 0, k = 0; i < cells.length; i += ac + sc, k++) {
    const local = readCells(cells, i, ac);
    const size = readCells(cells, i + ac, sc);
    const start = translateUp(parent, local);
    if (start === undefined) continue;
    out.push({ start, size, name: names[k] });
  }
  return out;
}
