// A device tree as JSON, for tools: the header facts, the reservations, and nodes in order, each
// property a list of typed pieces ({"strings": […]}, {"u32": […]}, {"bytes": […]}, …) chosen as
// the .dts writer chooses them. 64-bit values are "0x…" strings (JSON numbers are doubles).
// dmasim reads this JSON back exactly: it is a third input format for `dmasim dt`.

import { DeviceNode, DeviceTree, DtError, reservation, type ValueForm } from "./node.js";
import { propertyForms, splitStrings } from "./value-forms.js";

export type JsonPiece =
  | { strings: string[] }
  | { bytes: number[] }
  | { u8: number[] }
  | { u16: number[] }
  | { u32: number[] }
  | { u64: string[] };

export interface JsonProperty {
  name: string;
  labels?: string[];
  value: JsonPiece[];
}

export interface JsonNode {
  name: string;
  labels?: string[];
  properties: JsonProperty[];
  children: JsonNode[];
}

export interface JsonTree {
  version: number;
  bootCpuidPhys: number;
  plugin?: boolean;
  memreserve: { address: string; size: string; labels?: string[] }[];
  root: JsonNode;
}

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

function piece(bytes: Uint8Array, form: ValueForm): JsonPiece {
  if (form.kind === "string") return { strings: splitStrings(bytes).map(latin1) };
  if (form.kind === "bytes") return { bytes: [...bytes] };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bits = form.bits ?? 32;
  const n = bytes.length / (bits / 8);
  if (bits === 8) return { u8: [...bytes] };
  if (bits === 16) return { u16: Array.from({ length: n }, (_, i) => v.getUint16(i * 2)) };
  if (bits === 32) return { u32: Array.from({ length: n }, (_, i) => v.getUint32(i * 4)) };
  return { u64: Array.from({ length: n }, (_, i) => "0x" + v.getBigUint64(i * 8).toString(16)) };
}

function nodeJson(node: DeviceNode): JsonNode {
  const properties: JsonProperty[] = [];
  for (const [name, value] of node.properties) {
    let at = 0;
    const pieces = propertyForms(node, name).map((f) => {
      const p = piece(value.subarray(at, at + f.length), f);
      at += f.length;
      return p;
    });
    const labels = node.propertyLabels.get(name);
    properties.push({ name, ...(labels?.length ? { labels } : {}), value: pieces });
  }
  return {
    name: node.name,
    ...(node.labels.length ? { labels: [...node.labels] } : {}),
    properties,
    children: node.children.map(nodeJson),
  };
}

export function treeToJson(tree: DeviceTree): JsonTree {
  return {
    version: tree.version,
    bootCpuidPhys: tree.bootCpu,
    ...(tree.plugin ? { plugin: true } : {}),
    memreserve: tree.reservations.map((r) => ({
      address: "0x" + r.address64.toString(16),
      size: "0x" + r.size64.toString(16),
      ...(r.labels?.length ? { labels: r.labels } : {}),
    })),
    root: nodeJson(tree.root),
  };
}

export function writeJson(tree: DeviceTree): string {
  return JSON.stringify(treeToJson(tree), null, 2) + "\n";
}

/** `s` on one line of printable text: JSON.parse quotes the input near a syntax error, and a
 *  name read from the input may hold anything, but a message is shown as one line. Control
 *  characters become escapes (\n, \u0000). */
function oneLine(s: string): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Reads JSON written by writeJson (or by hand in the same shape). */
export function parseJsonTree(text: string, source = "<json>"): DeviceTree {
  const fail = (where: string, message: string): never => {
    throw new DtError(oneLine(`${source}: ${where}: ${message}`));
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail("JSON", (e as Error).message);
  }
  const obj = (v: unknown, where: string): Record<string, unknown> =>
    v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(where, "expected an object");
  const arr = (v: unknown, where: string): unknown[] => (Array.isArray(v) ? v : fail(where, "expected an array"));
  const str = (v: unknown, where: string): string => (typeof v === "string" ? v : fail(where, "expected a string"));
  const strs = (v: unknown, where: string): string[] => (v === undefined ? [] : arr(v, where).map((s) => str(s, where)));
  const u64 = (v: unknown, where: string): bigint => {
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v) && BigInt(v) < 1n << 64n) return BigInt(v);
    return fail(where, `expected a 64-bit unsigned value ("0x…"), not ${JSON.stringify(v)}`);
  };
  const uint = (v: unknown, bits: number, where: string): number =>
    typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 2 ** bits ? v : fail(where, `expected a ${bits}-bit unsigned number, not ${JSON.stringify(v)}`);

  const top = obj(doc, "top level");
  const root = new DeviceNode("");
  const tree = new DeviceTree(root, source);
  if (top.version !== undefined) tree.version = uint(top.version, 32, "version");
  if (top.bootCpuidPhys !== undefined) tree.bootCpu = uint(top.bootCpuidPhys, 32, "bootCpuidPhys");
  tree.plugin = top.plugin === true;
  for (const [i, r] of (top.memreserve === undefined ? [] : arr(top.memreserve, "memreserve")).entries()) {
    const o = obj(r, `memreserve[${i}]`);
    tree.reservations.push(reservation(u64(o.address, `memreserve[${i}].address`), u64(o.size, `memreserve[${i}].size`), strs(o.labels, `memreserve[${i}].labels`)));
  }

  const readNode = (v: unknown, node: DeviceNode) => {
    const o = obj(v, node.path);
    node.labels.push(...strs(o.labels, `${node.path} labels`));
    for (const p of arr(o.properties ?? [], `${node.path} properties`)) {
      const po = obj(p, `${node.path} property`);
      const name = str(po.name, `${node.path} property name`);
      const where = `${node.path} property "${name}"`;
      if (node.properties.has(name)) fail(where, "defined twice");
      const bytes: number[] = [];
      const forms: ValueForm[] = [];
      for (const pc of arr(po.value ?? [], where)) {
        const pieceObj = obj(pc, where);
        const [kind, items] = Object.entries(pieceObj)[0] ?? fail(where, "empty value piece");
        const list = arr(items, `${where} ${kind}`);
        const start = bytes.length;
        const push = (v: bigint, size: number) => {
          for (let s = size - 1; s >= 0; s--) bytes.push(Number((v >> BigInt(8 * s)) & 0xffn));
        };
        if (kind === "strings") {
          for (const s of list) for (const ch of str(s, where) + "\0") bytes.push(ch.charCodeAt(0) & 0xff);
          forms.push({ kind: "string", length: bytes.length - start });
        } else if (kind === "bytes") {
          for (const b of list) bytes.push(uint(b, 8, where));
          forms.push({ kind: "bytes", length: bytes.length - start });
        } else if (kind === "u8" || kind === "u16" || kind === "u32" || kind === "u64") {
          const bits = Number(kind.slice(1)) as 8 | 16 | 32 | 64;
          for (const x of list) push(bits === 64 ? u64(x, where) : BigInt(uint(x, bits, where)), bits / 8);
          forms.push({ kind: "cells", bits, length: bytes.length - start });
        } else fail(where, `unknown value piece "${kind}" (strings, bytes, u8, u16, u32, u64)`);
      }
      node.properties.set(name, Uint8Array.from(bytes));
      node.propertyForms.set(name, forms);
      const labels = strs(po.labels, `${where} labels`);
      if (labels.length) node.propertyLabels.set(name, labels);
    }
    for (const c of arr(o.children ?? [], `${node.path} children`)) {
      const name = str(obj(c, `${node.path} child`).name, `${node.path} child name`);
      const child = new DeviceNode(name, node);
      node.children.push(child);
      readNode(c, child);
    }
  };
  readNode(top.root ?? fail("top level", 'no "root" node'), root);
  return tree;
}
