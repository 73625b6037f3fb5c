// Translating device-tree addresses into CPU physical addresses as Linux does
// (drivers/of/address.c): a node's `reg` is read with its parent's #address-cells/#size-cells
// (found by walking up, root default 1 and 1), then mapped through every ancestor bus's
// `ranges` up to the root (an empty `ranges` is 1:1; a missing one means the address does not
// translate). Addresses are 64-bit (of_read_number keeps the low 64 bits of longer numbers);
// `dma-ranges` is parsed the same way for of_dma_get_range.

import { DtError, type DeviceNode } from "./node.js";

export interface Resource {
  start: number;
  size: number;
  /** reg-names entry, else the node's full name (of_address_to_resource). */
  name?: string;
}

const OF_MAX_ADDR_CELLS = 4;
const U64 = (1n << 64n) - 1n;

/** Joins `count` big-endian cells into one number (exact below 2^53). */
export function readCells(cells: number[], at: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) v = v * 0x100000000 + (cells[at + i] >>> 0);
  return v;
}

/** of_read_number: big-endian cells as an unsigned 64-bit value. */
export function readNumber(cells: number[], at: number, count: number): bigint {
  let v = 0n;
  for (let i = 0; i < count; i++) v = ((v << 32n) | BigInt(cells[at + i] >>> 0)) & U64;
  return v;
}

function ownCells(node: DeviceNode | null, prop: string, dflt: number): number {
  for (let n = node; n; n = n.parent) {
    const v = n.u32(prop);
    if (v !== undefined) return v;
  }
  return dflt;
}

/** of_bus_n_addr_cells: #address-cells of the node's own child space (walking up if absent). */
export function ofBusNAddrCells(node: DeviceNode): number {
  return ownCells(node, "#address-cells", 1);
}

export function ofBusNSizeCells(node: DeviceNode): number {
  return ownCells(node, "#size-cells", 1);
}

/** of_n_addr_cells: how many cells the node's own `reg` addresses have (its parent's space). */
export function ofNAddrCells(node: DeviceNode): number {
  return ownCells(node.parent ?? node, "#address-cells", 1);
}

export function ofNSizeCells(node: DeviceNode): number {
  return ownCells(node.parent ?? node, "#size-cells", 1);
}

/** The cells of `bus`'s `ranges` or `dma-ranges`, which must be whole (child address, parent
 *  address, size) entries: Linux's range parsers (of_translate_one, of_range_parser_one) skip a
 *  short tail without a word, so a miscounted property would silently translate nothing; dtc's
 *  check_ranges_format flags the same length. */
function rangesCells(bus: DeviceNode, prop: "ranges" | "dma-ranges", na: number, pna: number, ns: number): number[] {
  const cells = bus.cells(prop);
  if (cells.length % (na + pna + ns) !== 0) {
    throw new DtError(
      `${bus.path}: "${prop}" has ${cells.length} cells, not a multiple of #address-cells + parent #address-cells + #size-cells = ${na} + ${pna} + ${ns} = ${na + pna + ns}`,
    );
  }
  return cells;
}

/** Maps `addr`, an address in `bus`'s child space, up through the `prop` ("ranges" or
 *  "dma-ranges") of `bus` and each ancestor to the root. For "dma-ranges" a missing property
 *  is 1:1, as of_translate_one treats it. Returns undefined when it does not translate. */
export function translateFromBus(bus: DeviceNode, addr: bigint, prop: "ranges" | "dma-ranges"): bigint | undefined {
  let a = addr;
  for (let b: DeviceNode = bus; b.parent; b = b.parent) {
    const na = ofBusNAddrCells(b);
    const ns = ofBusNSizeCells(b);
    const pna = ofBusNAddrCells(b.parent);
    const pns = ofBusNSizeCells(b.parent);
    // OF_CHECK_COUNTS: 1–4 address cells and at least one size cell on both sides.
    if (na < 1 || na > OF_MAX_ADDR_CELLS || pna < 1 || pna > OF_MAX_ADDR_CELLS || ns < 1 || pns < 1) return undefined;
    const raw = b.prop(prop);
    if (!raw) {
      if (prop === "ranges") return undefined;
      continue;
    }
    if (raw.length === 0) continue;
    const cells = rangesCells(b, prop, na, pna, ns);
    const step = na + pna + ns;
    let mapped: bigint | undefined;
    for (let i = 0; i + step <= cells.length; i += step) {
      const child = readNumber(cells, i, na);
      const size = readNumber(cells, i + na + pna, ns);
      if (a >= child && a < child + size) {
        mapped = (readNumber(cells, i + na, pna) + (a - child)) & U64;
        break;
      }
    }
    if (mapped === undefined) return undefined;
    a = mapped;
  }
  return a;
}

/** of_translate_address for the n-th `reg` entry: [address, size] or undefined (OF_BAD_ADDR). */
export function ofTranslateReg(node: DeviceNode, index: number): [bigint, bigint] | undefined {
  const parent = node.parent;
  if (!parent) return undefined;
  const na = ofNAddrCells(node);
  const ns = ofNSizeCells(node);
  if (na < 1 || na > OF_MAX_ADDR_CELLS || ns < 1) return undefined;
  const cells = node.cells("reg");
  const at = index * (na + ns);
  if (at + na + ns > cells.length) return undefined;
  const addr = translateFromBus(parent, readNumber(cells, at, na), "ranges");
  return addr === undefined ? undefined : [addr, readNumber(cells, at + na, ns)];
}

/** The node's `reg` entries as CPU physical ranges, up to the first that does not translate
 *  (of_address_count stops there too). */
export function ofAddressResources(node: DeviceNode): Resource[] {
  const na = ofNAddrCells(node);
  const ns = ofNSizeCells(node);
  const cells = node.cells("reg");
  if (na + ns === 0 || !node.parent) return [];
  if (cells.length % (na + ns) !== 0) {
    throw new DtError(`${node.path}: "reg" has ${cells.length} cells, not a multiple of #address-cells + #size-cells = ${na + ns}`);
  }
  const names = node.strings("reg-names");
  const out: Resource[] = [];
  for (let k = 0; k * (na + ns) < cells.length; k++) {
    const r = ofTranslateReg(node, k);
    if (!r || r[0] > BigInt(Number.MAX_SAFE_INTEGER) || r[1] > BigInt(Number.MAX_SAFE_INTEGER)) break;
    out.push({ start: Number(r[0]), size: Number(r[1]), name: names[k] ?? node.name });
  }
  return out;
}

/** One entry of a bus's `dma-ranges` (struct bus_dma_region). */
export interface DmaRange {
  cpuStart: bigint;
  dmaStart: bigint;
  size: bigint;
}

/** of_dma_get_range: the `dma-ranges` that govern devices on `bus`, from the nearest bus at or
 *  above it with a non-empty property. null when none applies (no property, only empty ones,
 *  or a missing one above an empty one, as Linux's -ENODEV). */
export function ofDmaGetRange(bus: DeviceNode): DmaRange[] | null {
  let found = false;
  let node: DeviceNode | null = bus;
  for (; node; node = node.parent) {
    const p = node.prop("dma-ranges");
    if (p && p.length > 0) break;
    if (found && !p) return null;
    found = true;
  }
  if (!node) return null;
  const na = ofBusNAddrCells(node);
  const ns = ofBusNSizeCells(node);
  const pna = ofNAddrCells(node);
  const cells = rangesCells(node, "dma-ranges", na, pna, ns);
  const step = na + pna + ns;
  const out: DmaRange[] = [];
  for (let i = 0; i + step <= cells.length; i += step) {
    const dmaStart = readNumber(cells, i, na);
    const size = readNumber(cells, i + na + pna, ns);
    const cpu = node.parent ? translateFromBus(node.parent, readNumber(cells, i + na, pna), "dma-ranges") : readNumber(cells, i + na, pna);
    if (cpu === undefined) continue;
    out.push({ cpuStart: cpu, dmaStart, size });
  }
  return out.length ? out : null;
}
