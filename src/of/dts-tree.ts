// The tree as .dts source builds it, before references are resolved: nodes and properties that
// may carry deletion marks, values as the pieces the source wrote, and dtc's rules for laying
// one node body over another (livetree.c merge_nodes): properties replace in place, children
// merge by name, deletions mark rather than remove, so that a later definition revives a node
// or property where it stood.

import type { DtsLocation, DtsSpan } from "./dts-source.js";
import type { ValueForm } from "./node.js";

/** A reference to a node: a label, "/path", or "label/sub/path"; what it resolved to is filled
 *  in by dts-fixups.ts. */
export interface Ref {
  ref: string;
  loc: DtsLocation;
  /** The phandle a reference in cells stands for (0xffffffff: unresolved, in an overlay). */
  phandle?: number;
  /** The full path a reference outside cells stands for. */
  path?: string;
}

export type Chunk =
  | { kind: "string"; bytes: number[] }
  | { kind: "bytes"; bytes: number[] }
  | { kind: "cells"; bits: 8 | 16 | 32 | 64; items: (bigint | Ref)[] }
  /** `&label` outside cells: the referenced node's full path, as a string. */
  | { kind: "path"; target: Ref };

export interface ValueLabel {
  label: string;
  loc: DtsLocation;
}

export class SrcProp {
  deleted = false;
  readonly labels: string[] = [];
  /** Labels written inside the value (`prop = a: <1 b: 2>;`). */
  readonly valueLabels: ValueLabel[] = [];
  /** The definition whose value the property has (the last, as in dtc), for warnings. */
  span?: DtsSpan;

  constructor(
    readonly name: string,
    public chunks: Chunk[],
    readonly loc: DtsLocation,
  ) {}
}

export class SrcNode {
  deleted = false;
  omitIfNoRef = false;
  referenced = false;
  /** The phandle it has or was given (0: none yet). */
  phandle = 0;
  labels: string[] = [];
  readonly props: SrcProp[] = [];
  readonly children: SrcNode[] = [];
  parent: SrcNode | null = null;
  /** Every body that defined the node, the first first (dtc's srcpos list: warnings say
   *  "also defined at" the others). */
  readonly spans: DtsSpan[] = [];

  constructor(
    public name: string,
    public loc: DtsLocation,
  ) {}

  get path(): string {
    if (!this.parent) return "/";
    const up = this.parent.path;
    return (up === "/" ? "" : up) + "/" + this.name;
  }

  addChild(child: SrcNode): void {
    child.parent = this;
    this.children.push(child);
  }

  liveChildren(): SrcNode[] {
    return this.children.filter((c) => !c.deleted);
  }

  liveProps(): SrcProp[] {
    return this.props.filter((p) => !p.deleted);
  }

  prop(name: string): SrcProp | undefined {
    return this.props.find((p) => !p.deleted && p.name === name);
  }

  *walk(): Generator<SrcNode> {
    if (this.deleted) return;
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

function addLabel(labels: string[], label: string): void {
  if (!labels.includes(label)) labels.push(label);
}

/** livetree.c delete_node: marks the node, its properties and children deleted and drops
 *  their labels. */
export function deleteNode(node: SrcNode): void {
  node.deleted = true;
  node.labels = [];
  for (const c of node.children) deleteNode(c);
  for (const p of node.props) {
    p.deleted = true;
    p.labels.length = 0;
  }
}

/** livetree.c merge_nodes: lays `update` over `old`. */
export function mergeNodes(old: SrcNode, update: SrcNode): void {
  old.deleted = false;
  old.spans.push(...update.spans);
  for (const l of update.labels) addLabel(old.labels, l);
  for (const np of update.props) {
    if (np.deleted) {
      const victim = old.props.find((p) => p.name === np.name);
      if (victim) {
        victim.deleted = true;
        victim.labels.length = 0;
      }
      continue;
    }
    const existing = old.props.find((p) => p.name === np.name);
    if (existing) {
      for (const l of np.labels) addLabel(existing.labels, l);
      existing.chunks = np.chunks;
      existing.span = np.span;
      existing.valueLabels.length = 0;
      existing.valueLabels.push(...np.valueLabels);
      existing.deleted = false;
    } else old.props.push(np);
  }
  for (const child of update.children) {
    if (child.deleted) {
      const victim = old.children.find((c) => c.name === child.name);
      if (victim) deleteNode(victim);
      continue;
    }
    const existing = old.children.find((c) => c.name === child.name);
    if (existing) mergeNodes(existing, child);
    else old.addChild(child);
  }
}

/** livetree.c get_node_by_label. */
export function nodeByLabel(root: SrcNode, label: string): SrcNode | undefined {
  for (const n of root.walk()) if (n.labels.includes(label)) return n;
  return undefined;
}

/** livetree.c get_node_by_path: exact names, live nodes only. */
export function nodeByPath(from: SrcNode, path: string): SrcNode | undefined {
  let n: SrcNode | undefined = from;
  for (const part of path.split("/").filter(Boolean)) {
    n = n.liveChildren().find((c) => c.name === part);
    if (!n) return undefined;
  }
  return n;
}

/** livetree.c get_node_by_ref: "/path", "label", or "label/sub/path". */
export function nodeByRef(root: SrcNode, ref: string): SrcNode | undefined {
  if (ref === "/") return root;
  if (ref.startsWith("/")) return nodeByPath(root, ref);
  const slash = ref.indexOf("/");
  const label = slash < 0 ? ref : ref.slice(0, slash);
  const target = nodeByLabel(root, label);
  if (!target || slash < 0) return target;
  return nodeByPath(target, ref.slice(slash + 1));
}

export function chunkLength(c: Chunk): number {
  switch (c.kind) {
    case "string":
    case "bytes":
      return c.bytes.length;
    case "cells":
      return (c.items.length * c.bits) / 8;
    case "path":
      // Before path references are resolved a path piece holds no bytes yet (as in dtc).
      return c.target.path === undefined ? 0 : c.target.path.length + 1;
  }
}

export interface SerializedValue {
  bytes: Uint8Array;
  forms: ValueForm[];
  /** Byte offset of every phandle reference in the value. */
  refs: { ref: Ref; offset: number }[];
}

/** The bytes a property's pieces make, with references as resolved so far. */
export function serializeValue(chunks: Chunk[]): SerializedValue {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + chunkLength(c), 0));
  const view = new DataView(bytes.buffer);
  const forms: ValueForm[] = [];
  const refs: { ref: Ref; offset: number }[] = [];
  let at = 0;
  for (const c of chunks) {
    const length = chunkLength(c);
    if (c.kind === "string" || c.kind === "bytes") {
      bytes.set(c.bytes, at);
      forms.push({ kind: c.kind, length });
    } else if (c.kind === "path") {
      const p = c.target.path ?? "";
      for (let i = 0; i < p.length && length; i++) bytes[at + i] = p.charCodeAt(i) & 0xff;
      forms.push({ kind: "string", length });
    } else {
      const size = c.bits / 8;
      c.items.forEach((item, i) => {
        const off = at + i * size;
        if (typeof item !== "bigint") {
          refs.push({ ref: item, offset: off });
          view.setUint32(off, item.phandle ?? 0xffffffff);
        } else if (c.bits === 8) view.setUint8(off, Number(item));
        else if (c.bits === 16) view.setUint16(off, Number(item));
        else if (c.bits === 32) view.setUint32(off, Number(item));
        else view.setBigUint64(off, item);
      });
      forms.push({ kind: "cells", bits: c.bits, length });
    }
    at += length;
  }
  return { bytes, forms, refs };
}
