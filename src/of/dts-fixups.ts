// What dtc does between parsing and output (checks.c, livetree.c), in its order: duplicate node
// and property names, duplicate labels, explicit phandles, then phandle references (a node
// referenced for the first time gets the next free phandle and a "phandle" property), path
// references (the node's full path as a string), removal of unreferenced /omit-if-no-ref/
// nodes, and for an overlay the __fixups__ and __local_fixups__ nodes.

import { DtsError, type DtsLocation } from "./dts-source.js";
import { SrcNode, SrcProp, deleteNode, nodeByRef, serializeValue, type Ref } from "./dts-tree.js";
import type { ParsedDts } from "./dts-parser.js";

const UNRESOLVED = 0xffffffff;

function checkDuplicates(root: SrcNode): void {
  for (const node of root.walk()) {
    const names = new Set<string>();
    for (const c of node.liveChildren()) {
      if (names.has(c.name)) throw new DtsError(c.loc, `duplicate node name "${c.name}" in ${node.path}`);
      names.add(c.name);
    }
    const props = new Set<string>();
    for (const p of node.liveProps()) {
      if (props.has(p.name)) throw new DtsError(p.loc, `duplicate property name "${p.name}" in ${node.path}`);
      props.add(p.name);
    }
  }
}

function checkLabels(root: SrcNode): void {
  const owners = new Map<string, { owner: object; where: string }>();
  const claim = (label: string, owner: object, where: string, loc: DtsLocation) => {
    const seen = owners.get(label);
    if (seen && seen.owner !== owner) throw new DtsError(loc, `duplicate label '${label}' on ${where} and ${seen.where}`);
    owners.set(label, { owner, where });
  };
  for (const node of root.walk()) {
    for (const l of node.labels) claim(l, node, node.path, node.loc);
    for (const p of node.liveProps()) {
      const where = `property "${p.name}" in ${node.path}`;
      for (const l of p.labels) claim(l, p, where, p.loc);
      for (const v of p.valueLabels) claim(v.label, v, `a value of ${where}`, v.loc);
    }
  }
}

/** checks.c check_explicit_phandles: returns the phandles already taken. */
function explicitPhandles(root: SrcNode): Map<number, SrcNode> {
  const taken = new Map<number, SrcNode>();
  const read = (node: SrcNode, name: string): number => {
    const prop = node.prop(name);
    if (!prop) return 0;
    const v = serializeValue(prop.chunks);
    if (v.bytes.length !== 4) throw new DtsError(prop.loc, `bad length (${v.bytes.length}) ${name} property in ${node.path}`);
    if (v.refs.length) {
      // A node may ask for a phandle of its own (`phandle = <&self>`), never another's.
      if (nodeByRef(root, v.refs[0].ref.ref) !== node) throw new DtsError(prop.loc, `${name} in ${node.path} is a reference to another node`);
      return 0;
    }
    const value = new DataView(v.bytes.buffer).getUint32(0);
    if (value === 0 || value === UNRESOLVED) throw new DtsError(prop.loc, `bad value (0x${value.toString(16)}) in ${name} property of ${node.path}`);
    return value;
  };
  for (const node of root.walk()) {
    const phandle = read(node, "phandle");
    const legacy = read(node, "linux,phandle");
    if (phandle && legacy && phandle !== legacy) throw new DtsError(node.loc, `mismatching 'phandle' and 'linux,phandle' properties in ${node.path}`);
    const value = phandle || legacy;
    if (!value) continue;
    const other = taken.get(value);
    if (other && other !== node) throw new DtsError(node.loc, `duplicated phandle 0x${value.toString(16)} in ${node.path} (seen before at ${other.path})`);
    taken.set(value, node);
    node.phandle = value;
  }
  return taken;
}

function cellRefs(prop: SrcProp): Ref[] {
  return prop.chunks.flatMap((c) => (c.kind === "cells" ? c.items.filter((i): i is Ref => typeof i !== "bigint") : []));
}

export function resolveReferences(parsed: ParsedDts): void {
  const { root, plugin } = parsed;
  checkDuplicates(root);
  checkLabels(root);
  const taken = explicitPhandles(root);
  let next = 1;
  // livetree.c get_node_phandle: the lowest phandle not yet taken, from a counter that only
  // moves up; the node gets a "phandle" property unless it has one.
  const phandleOf = (node: SrcNode): number => {
    if (node.phandle) return node.phandle;
    while (taken.has(next)) next++;
    node.phandle = next;
    taken.set(next, node);
    if (!node.prop("phandle")) node.props.push(new SrcProp("phandle", [{ kind: "cells", bits: 32, items: [BigInt(next)] }], node.loc));
    return next;
  };
  const notFound = (r: Ref): never => {
    throw new DtsError(r.loc, `reference to non-existent node or label "${r.ref}"`);
  };

  for (const node of root.walk()) {
    for (const prop of node.liveProps()) {
      for (const r of cellRefs(prop)) {
        const target = nodeByRef(root, r.ref);
        if (!target) {
          if (!plugin) notFound(r);
          r.phandle = UNRESOLVED;
          continue;
        }
        r.phandle = phandleOf(target);
        target.referenced = true;
      }
    }
  }
  for (const node of root.walk()) {
    for (const prop of node.liveProps()) {
      for (const c of prop.chunks) {
        if (c.kind !== "path") continue;
        const target = nodeByRef(root, c.target.ref) ?? notFound(c.target);
        c.target.path = target.path;
        target.referenced = true;
      }
    }
  }
  for (const node of [...root.walk()]) {
    if (node.omitIfNoRef && !node.referenced && !node.deleted) deleteNode(node);
  }
  if (plugin) addOverlayFixups(root);
}

function childNamed(parent: SrcNode, name: string, loc: DtsLocation): SrcNode {
  let n = parent.liveChildren().find((c) => c.name === name);
  if (!n) {
    n = new SrcNode(name, loc);
    parent.addChild(n);
  }
  return n;
}

function append(node: SrcNode, name: string, chunk: SrcProp["chunks"][number], loc: DtsLocation): void {
  const p = node.prop(name);
  if (p) p.chunks.push(chunk);
  else node.props.push(new SrcProp(name, [chunk], loc));
}

/** checks.c generate_fixups_tree and generate_local_fixups_tree: where each unresolved
 *  reference must be patched by label ("path:property:offset" under __fixups__), and where each
 *  resolved one sits (offsets under __local_fixups__, at the node's path). */
function addOverlayFixups(root: SrcNode): void {
  const entries: { node: SrcNode; prop: SrcProp; ref: Ref; offset: number }[] = [];
  for (const node of root.walk()) {
    for (const prop of node.liveProps()) {
      for (const { ref, offset } of serializeValue(prop.chunks).refs) entries.push({ node, prop, ref, offset });
    }
  }
  const unresolved = entries.filter((e) => e.ref.phandle === UNRESOLVED);
  if (unresolved.length) {
    const fixups = childNamed(root, "__fixups__", root.loc);
    for (const e of unresolved) {
      if (e.ref.ref.includes("/")) throw new DtsError(e.ref.loc, `can't generate fixup for reference to path &{${e.ref.ref}}`);
      if (e.node.path.includes(":") || e.prop.name.includes(":")) throw new DtsError(e.prop.loc, "arguments should not contain ':'");
      const text = `${e.node.path}:${e.prop.name}:${e.offset}`;
      append(fixups, e.ref.ref, { kind: "string", bytes: [...text].map((ch) => ch.charCodeAt(0) & 0xff).concat(0) }, e.ref.loc);
    }
  }
  const local = entries.filter((e) => e.ref.phandle !== UNRESOLVED);
  if (local.length) {
    const top = childNamed(root, "__local_fixups__", root.loc);
    for (const e of local) {
      let at = top;
      for (const part of e.node.path.split("/").filter(Boolean)) at = childNamed(at, part, e.node.loc);
      append(at, e.prop.name, { kind: "cells", bits: 32, items: [BigInt(e.offset)] }, e.ref.loc);
    }
  }
}
