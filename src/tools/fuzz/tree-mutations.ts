// Semantic mutations of a parsed device tree, written back as a well-formed blob: the trees a
// wrong board file produces, which every reader accepts and only the kernel's walk over them
// can trip on. Loops in phandle links (interrupt-parent, interrupt-map, dmas), huge and odd
// #address-cells/#size-cells, reg, ranges and memory sizes, duplicate phandles, devices moved,
// deleted or given another compatible.

import { DeviceNode, DtError, type DeviceTree } from "../../of/node.js";
import type { Random } from "../../random.js";

const NASTY_CELLS = [0, 1, 3, 4, 5, 16, 0x100, 0x7fffffff, 0xffffffff];
const NASTY_WORDS = [0, 1, 0xfff, 0x1000, 0x7fffffff, 0x80000000, 0xfffff000, 0xffffffff];

function cellBytes(cells: number[]): Uint8Array {
  const out = new Uint8Array(cells.length * 4);
  const v = new DataView(out.buffer);
  cells.forEach((c, i) => v.setUint32(i * 4, c >>> 0));
  return out;
}

function nodes(tree: DeviceTree): DeviceNode[] {
  return [...tree.root.walk()];
}

/** The node's phandle, giving it a fresh one if it has none. */
function phandleOf(tree: DeviceTree, node: DeviceNode): number {
  const existing = node.phandle;
  if (existing !== undefined) return existing;
  let max = 0;
  for (const n of nodes(tree)) max = Math.max(max, n.phandle ?? 0);
  node.properties.set("phandle", cellBytes([max + 1]));
  return max + 1;
}

function ancestors(node: DeviceNode): DeviceNode[] {
  const out: DeviceNode[] = [];
  for (let n: DeviceNode | null = node; n; n = n.parent) out.push(n);
  return out;
}

function randomCells(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => (r.chance(0.5) ? r.pick(NASTY_WORDS) : r.u32()));
}

type TreeMutation = (r: Random, tree: DeviceTree, all: DeviceNode[]) => string;

const MUTATIONS: TreeMutation[] = [
  function interruptParentLoop(r, tree, all) {
    const a = r.pick(all);
    const b = r.pick(ancestors(a));
    b.properties.delete("#interrupt-cells");
    a.properties.set("interrupt-parent", cellBytes([phandleOf(tree, b)]));
    if (r.chance(0.5)) b.properties.set("interrupt-parent", cellBytes([phandleOf(tree, a)]));
    return `${a.path} interrupt-parent -> ${b.path} (no #interrupt-cells)`;
  },
  function interruptMapLoop(r, tree, all) {
    const nexus = r.pick(all);
    const ph = phandleOf(tree, nexus);
    nexus.properties.delete("interrupt-controller");
    nexus.properties.set("#interrupt-cells", cellBytes([1]));
    nexus.properties.set("#address-cells", cellBytes([0]));
    nexus.properties.set("interrupt-map", cellBytes([0, ph, 0]));
    nexus.properties.set("interrupt-map-mask", cellBytes([0]));
    const dev = r.pick(all);
    dev.properties.set("interrupt-parent", cellBytes([ph]));
    dev.properties.set("interrupts", cellBytes([r.pick(NASTY_WORDS)]));
    return `${nexus.path} interrupt-map maps to itself, used by ${dev.path}`;
  },
  function cells(r, _tree, all) {
    const withChildren = all.filter((n) => n.children.length);
    const n = r.pick(withChildren.length ? withChildren : all);
    const prop = r.pick(["#address-cells", "#size-cells", "#interrupt-cells", "#dma-cells"]);
    const v = r.pick(NASTY_CELLS);
    n.properties.set(prop, r.chance(0.1) ? new Uint8Array(r.int(4)) : cellBytes([v]));
    return `${n.path} ${prop} = ${v}`;
  },
  function reg(r, _tree, all) {
    const n = r.pick(all);
    const count = r.pick([0, 1, 2, 3, 4, 5, 8, 64]);
    n.properties.set("reg", cellBytes(randomCells(r, count)));
    return `${n.path} reg = ${count} random cells`;
  },
  function memory(r, tree) {
    let mem = tree.root.children.find((c) => c.string("device_type") === "memory");
    if (!mem) {
      mem = new DeviceNode("memory", tree.root);
      mem.properties.set("device_type", new TextEncoder().encode("memory\0"));
      tree.root.children.push(mem);
    }
    const ac = tree.root.u32("#address-cells") ?? 2;
    const sc = tree.root.u32("#size-cells") ?? 1;
    const banks = r.pick([0, 1, 2, 40]);
    const cells: number[] = [];
    for (let i = 0; i < banks; i++) cells.push(...randomCells(r, Math.min(ac, 4)), ...randomCells(r, Math.min(sc, 4)));
    mem.properties.set("reg", cellBytes(cells));
    return `${mem.path} reg = ${banks} random banks`;
  },
  function ranges(r, _tree, all) {
    const n = r.pick(all);
    const prop = r.chance(0.5) ? "ranges" : "dma-ranges";
    const count = r.pick([0, 1, 3, 5, 6, 7, 12]);
    n.properties.set(prop, cellBytes(randomCells(r, count)));
    return `${n.path} ${prop} = ${count} random cells`;
  },
  function phandles(r, _tree, all) {
    const a = r.pick(all);
    const b = r.pick(all);
    const v = r.chance(0.5) ? (b.phandle ?? 1) : r.pick([0, 0xffffffff, 1]);
    a.properties.set(r.chance(0.8) ? "phandle" : "linux,phandle", cellBytes([v]));
    return `${a.path} phandle = ${v} (${b.path} has ${b.phandle})`;
  },
  function interrupts(r, tree, all) {
    const n = r.pick(all);
    if (r.chance(0.5)) {
      n.properties.set("interrupts", cellBytes(randomCells(r, r.pick([0, 1, 2, 3, 4, 7]))));
      return `${n.path} interrupts = random cells`;
    }
    const target = r.pick(all);
    n.properties.set("interrupts-extended", cellBytes([phandleOf(tree, target), ...randomCells(r, r.int(5))]));
    return `${n.path} interrupts-extended -> ${target.path}`;
  },
  function dmas(r, tree, all) {
    const n = r.pick(all);
    const target = r.pick(all);
    n.properties.set("dmas", cellBytes([phandleOf(tree, target), ...randomCells(r, r.int(3))]));
    n.properties.set("dma-names", new TextEncoder().encode("tx\0rx\0"));
    if (r.chance(0.5)) target.properties.set("#dma-cells", cellBytes([r.pick(NASTY_CELLS)]));
    return `${n.path} dmas -> ${target.path}`;
  },
  function compatible(r, _tree, all) {
    const n = r.pick(all.filter((x) => x.parent));
    const c = r.pick([
      "arm,pl330\0arm,primecell\0", "arm,pl310-cache\0", "mmio-sram\0", "simple-bus\0", "simple-mfd\0syscon\0",
      "arm,cortex-a9-gic\0", "arm,gic-400\0", "arm,gic-v3\0", "arm,primecell\0",
    ]);
    n.properties.set("compatible", new TextEncoder().encode(c));
    return `${n.path} compatible = ${JSON.stringify(c)}`;
  },
  function status(r, _tree, all) {
    const n = r.pick(all);
    const v = r.pick(["disabled\0", "okay\0", "fail\0", "", "ok"]);
    n.properties.set("status", new TextEncoder().encode(v));
    return `${n.path} status = ${JSON.stringify(v)}`;
  },
  function moveNode(r, _tree, all) {
    const n = r.pick(all.filter((x) => x.parent));
    const to = r.pick(all.filter((x) => !ancestors(x).includes(n)));
    const siblings = n.parent!.children;
    siblings.splice(siblings.indexOf(n), 1);
    if (to.children.some((c) => c.name === n.name)) n.name += "-moved";
    n.parent = to;
    to.children.push(n);
    return `${n.path} moved under ${to.path}`;
  },
  function deleteNode(r, _tree, all) {
    const n = r.pick(all.filter((x) => x.parent));
    const siblings = n.parent!.children;
    siblings.splice(siblings.indexOf(n), 1);
    return `${n.path} deleted`;
  },
  function resizeProperty(r, _tree, all) {
    const n = r.pick(all);
    const names = [...n.properties.keys()];
    if (!names.length) return `${n.path} has no property to resize`;
    const name = r.pick(names);
    const old = n.properties.get(name)!;
    const len = r.pick([0, 1, 3, 5, old.length - 1, old.length + 1, old.length + 4, 65536]);
    const next = new Uint8Array(Math.max(0, len)).fill(r.pick([0, 0xff]));
    next.set(old.subarray(0, next.length));
    n.properties.set(name, next);
    return `${n.path} ${name} resized to ${next.length} bytes`;
  },
];

/** One to three random mutations of the tree, in place; returns what was done. */
export function mutateTree(r: Random, tree: DeviceTree): string {
  const done: string[] = [];
  for (let i = r.range(1, 3); i > 0; i--) {
    const m = r.pick(MUTATIONS);
    try {
      done.push(`${m.name}: ${m(r, tree, nodes(tree))}`);
    } catch (e) {
      // An earlier mutation made a property this one reads unreadable (a 3-byte phandle).
      if (!(e instanceof DtError)) throw e;
      done.push(`${m.name}: skipped (${e.message})`);
    }
  }
  return done.join("; ");
}
