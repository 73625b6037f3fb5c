// The tests behind dtc's warnings (checks.c) for the properties dmasim reads, one function per
// check, each called on every node in tree order. Their words are dtc's; dtc-warnings.ts runs
// them in dtc's order and prints them.

import type { DeviceNode, DeviceTree } from "./node.js";

export interface CheckContext {
  tree: DeviceTree;
  /** #address-cells / #size-cells as the node gives them, -1 when it does not (set by
   *  addr_size_cells, which every user of them has as a prerequisite). */
  addrCells(node: DeviceNode): number;
  sizeCells(node: DeviceNode): number;
  setCells(node: DeviceNode, addr: number, size: number): void;
  /** Offsets of the cells the source wrote as references; undefined for a blob (dtc then has
   *  no markers and does not check). */
  references?: (node: DeviceNode, property: string) => number[];
  /** A warning about the node. */
  fail(node: DeviceNode, message: string): void;
  /** A warning about a property; `owner` holds it when it is not `node` (dtc's
   *  interrupts_property names the consumer with its parent's #interrupt-cells). */
  failProp(node: DeviceNode, property: string, message: string, owner?: DeviceNode): void;
}

type CheckFn = (c: CheckContext, node: DeviceNode) => void;

/** propval_cell: a property's first cell. */
function firstCell(p: Uint8Array): number {
  return p.length >= 4 ? new DataView(p.buffer, p.byteOffset, 4).getUint32(0) : 0;
}

function cellAt(p: Uint8Array, i: number): number {
  return new DataView(p.buffer, p.byteOffset + 4 * i, 4).getUint32(0);
}

const isMultipleOf = (n: number, d: number) => (d === 0 ? n === 0 : n % d === 0);
/** phandle_is_valid: 0 and -1 mark an empty entry (or, in an overlay, an unresolved one). */
const validPhandle = (ph: number) => ph !== 0 && ph !== 0xffffffff;

/** WARNING_IF_NOT_CELL. */
const isCell = (name: string): CheckFn => (c, node) => {
  const p = node.prop(name);
  if (p && p.length !== 4) c.failProp(node, name, "property is not a single cell");
};

/** node_addr_cells / node_size_cells: dtc's defaults (2 and 1) where a node says nothing. */
const nodeAddrCells = (c: CheckContext, n: DeviceNode) => (c.addrCells(n) === -1 ? 2 : c.addrCells(n));
const nodeSizeCells = (c: CheckContext, n: DeviceNode) => (c.sizeCells(n) === -1 ? 1 : c.sizeCells(n));

const addrSizeCells: CheckFn = (c, node) => {
  const a = node.prop("#address-cells");
  const s = node.prop("#size-cells");
  c.setCells(node, a ? firstCell(a) : -1, s ? firstCell(s) : -1);
};

const regFormat: CheckFn = (c, node) => {
  const p = node.prop("reg");
  if (!p) return;
  if (!node.parent) return c.fail(node, `Root node has a "reg" property`);
  if (p.length === 0) c.failProp(node, "reg", "property is empty");
  const a = nodeAddrCells(c, node.parent);
  const s = nodeSizeCells(c, node.parent);
  if (!isMultipleOf(p.length, (a + s) * 4)) {
    c.failProp(node, "reg", `property has invalid length (${p.length} bytes) (#address-cells == ${a}, #size-cells == ${s})`);
  }
};

const rangesFormat = (name: string): CheckFn => (c, node) => {
  const p = node.prop(name);
  if (!p) return;
  if (!node.parent) return c.failProp(node, name, `Root node has a "${name}" property`);
  const pa = nodeAddrCells(c, node.parent);
  const ps = nodeSizeCells(c, node.parent);
  const ca = nodeAddrCells(c, node);
  const cs = nodeSizeCells(c, node);
  if (p.length === 0) {
    if (pa !== ca) c.failProp(node, name, `empty "${name}" property but its #address-cells (${ca}) differs from ${node.parent.path} (${pa})`);
    if (ps !== cs) c.failProp(node, name, `empty "${name}" property but its #size-cells (${cs}) differs from ${node.parent.path} (${ps})`);
  } else if (!isMultipleOf(p.length, (pa + ca + cs) * 4)) {
    c.failProp(node, name, `"${name}" property has invalid length (${p.length} bytes) (parent #address-cells == ${pa}, child #address-cells == ${ca}, #size-cells == ${cs})`);
  }
};

/** check_property_phandle_args: each entry a phandle and the provider's `cellsName` cells. */
const phandleArgs = (list: string, cellsName: string): CheckFn => (c, node) => {
  const p = node.prop(list);
  if (!p) return;
  if (p.length % 4) return c.failProp(node, list, `property size (${p.length}) is invalid, expected multiple of 4`);
  const refs = c.references?.(node, list);
  let size = 0;
  for (let cell = 0; cell < p.length / 4; cell += size + 1) {
    const ph = cellAt(p, cell);
    if (!validPhandle(ph)) {
      if (c.tree.plugin) break;
      size = 0;
      continue;
    }
    if (refs && !refs.includes(cell * 4)) c.failProp(node, list, `cell ${cell} is not a phandle reference`);
    const provider = c.tree.findByPhandle(ph);
    if (!provider) return c.failProp(node, list, `Could not get phandle node for (cell ${cell})`);
    const cells = provider.prop(cellsName);
    if (!cells) {
      return c.fail(node, `Missing property '${cellsName}' in node ${provider.path} or bad phandle (referred from ${list}[${cell}])`);
    }
    size = firstCell(cells);
    if (p.length < (cell + size + 1) * 4) return c.failProp(node, list, `property size (${p.length}) too small for cell size ${size}`);
  }
};

const isInterruptProvider = (n: DeviceNode) => n.has("interrupt-controller") || n.has("interrupt-map");

/** check_interrupts_property: the interrupt parent found as dtc looks for it (the nearest
 *  provider above, or interrupt-parent), and `interrupts` a whole number of its specifiers. */
const interruptsProperty: CheckFn = (c, node) => {
  const p = node.prop("interrupts");
  if (!p) return;
  if (p.length % 4) c.failProp(node, "interrupts", `size (${p.length}) is invalid, expected multiple of 4`);
  let irqNode: DeviceNode | undefined;
  for (let n: DeviceNode | null = node; n; n = n.parent) {
    if (n !== node && isInterruptProvider(n)) {
      irqNode = n;
      break;
    }
    const ip = n.prop("interrupt-parent");
    if (!ip) continue;
    const ph = firstCell(ip);
    if (!validPhandle(ph)) {
      if (c.tree.plugin) return;
      c.failProp(n, "interrupt-parent", "Invalid phandle");
      break;
    }
    irqNode = c.tree.findByPhandle(ph);
    if (!irqNode) return c.failProp(n, "interrupt-parent", "Bad phandle");
    if (!isInterruptProvider(irqNode)) c.fail(irqNode, "Missing interrupt-controller or interrupt-map property");
    break;
  }
  if (!irqNode) return c.fail(node, "Missing interrupt-parent");
  const cellsProp = irqNode.prop("#interrupt-cells");
  // A provider without #interrupt-cells: dtc leaves that to its interrupt_provider check.
  if (!cellsProp) return;
  const size = firstCell(cellsProp) * 4;
  if (!isMultipleOf(p.length, size)) c.failProp(node, "#interrupt-cells", `size is (${p.length}), expected multiple of ${size}`, irqNode);
};

/** The checks with a test of their own, by dtc's name; the table's others only pass on (or
 *  report) their prerequisites' results. */
export const CHECK_FUNCTIONS: Record<string, CheckFn> = {
  address_cells_is_cell: isCell("#address-cells"),
  size_cells_is_cell: isCell("#size-cells"),
  addr_size_cells: addrSizeCells,
  reg_format: regFormat,
  ranges_format: rangesFormat("ranges"),
  dma_ranges_format: rangesFormat("dma-ranges"),
  dmas_is_cell: isCell("#dma-cells"),
  dmas_property: phandleArgs("dmas", "#dma-cells"),
  interrupts_extended_is_cell: isCell("#interrupt-cells"),
  interrupts_extended_property: phandleArgs("interrupts-extended", "#interrupt-cells"),
  interrupts_property: interruptsProperty,
};
