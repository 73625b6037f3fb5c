// The checks dtc treats as errors (checks.c), which decide whether dtc writes a tree at all:
// node and property name characters, one '@' per node name, no duplicate node names, "name"
// properties that match the node (dtc then drops them: they are implied), and valid, unique
// explicit phandles.
//
// dtc's warnings change nothing it writes. Those about the properties dmasim itself reads (reg,
// ranges, dma-ranges, dmas, interrupts, interrupts-extended, interrupt-parent and the #…-cells
// they depend on) are in dtc-warnings.ts: a BSP engineer compiling with `dmasim dt` expects them.
// The others stay out, for the reason this file once gave for all of them: they are about
// style or bindings dmasim does not model (unit names vs reg, node names, simple-bus/i2c/spi/pci
// addressing, graph ports, aliases, strings). dtc 1.6's interrupt_provider check is out too:
// its "Missing #address-cells in interrupt provider" fires on every GIC node without the
// property (dmasim's own boards included), which Linux does not need outside interrupt-map and
// which later dtc releases dropped.

import { DtError, type DeviceNode, type DeviceTree } from "./node.js";

const NODE_CHARS = /^[a-zA-Z0-9,._+*#?@-]+$/;
const PROP_CHARS = /^[a-zA-Z0-9,._+*#?-]+$/;

/** Where a node (or one of its properties) came from, for messages (a .dts location); the
 *  tree's source by default. */
export type NodeLocator = (node: DeviceNode, property?: string) => string;

function cell(p: Uint8Array): number {
  return new DataView(p.buffer, p.byteOffset, 4).getUint32(0);
}

function isOneString(p: Uint8Array): boolean {
  return p.length > 0 && p[p.length - 1] === 0 && p.indexOf(0) === p.length - 1;
}

/** Runs the checks in dtc's order and throws the first failure. Mutates the tree only to drop
 *  redundant "name" properties, as dtc does. Returns node → phandle for nodes that have one. */
export function checkTree(tree: DeviceTree, where: NodeLocator = () => tree.source): Map<number, DeviceNode> {
  const fail = (node: DeviceNode, message: string, property?: string): never => {
    throw new DtError(`${where(node, property)}: ${message} (${node.path})`);
  };
  const nodes = [...tree.root.walk()];
  for (const node of nodes) {
    const seen = new Set<string>();
    for (const c of node.children) {
      if (seen.has(c.name)) fail(c, `duplicate node name "${c.name}"`);
      seen.add(c.name);
    }
  }
  for (const node of nodes) {
    if (node.parent && !NODE_CHARS.test(node.name)) fail(node, `bad character in node name "${node.name}"`);
    if (node.unitAddress.includes("@")) fail(node, `multiple '@' characters in node name "${node.name}"`);
  }
  for (const node of nodes) {
    for (const name of node.properties.keys()) {
      if (!PROP_CHARS.test(name)) fail(node, `bad character in property name "${name}"`, name);
    }
  }
  for (const node of nodes) {
    const p = node.prop("name");
    if (!p) continue;
    if (!isOneString(p)) fail(node, `property "name" is not a string`, "name");
    const base = node.baseName;
    const matches = p.length === base.length + 1 && [...base].every((ch, i) => p[i] === (ch.charCodeAt(0) & 0xff));
    if (!matches) fail(node, `"name" property is incorrect ("${new TextDecoder().decode(p.subarray(0, p.length - 1))}" instead of base node name)`, "name");
    node.properties.delete("name");
  }
  const byPhandle = new Map<number, DeviceNode>();
  for (const node of nodes) {
    let phandle = 0;
    for (const name of ["phandle", "linux,phandle"]) {
      const p = node.prop(name);
      if (!p) continue;
      if (p.length !== 4) fail(node, `bad length (${p.length}) ${name} property`, name);
      const v = cell(p);
      if (v === 0 || v === 0xffffffff) fail(node, `bad value (0x${v.toString(16)}) in ${name} property`, name);
      if (phandle && v !== phandle) fail(node, `mismatching 'phandle' and 'linux,phandle' properties`);
      phandle = v;
    }
    if (!phandle) continue;
    const other = byPhandle.get(phandle);
    if (other) fail(node, `duplicated phandle 0x${phandle.toString(16)} (seen before at ${other.path})`);
    byPhandle.set(phandle, node);
  }
  return byPhandle;
}
