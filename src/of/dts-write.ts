// Writing a tree as .dts source, laid out as dtc's treesource.c writes it (tabs, properties
// then a blank line before each child, "};" closing). Labels of nodes and properties are kept;
// phandle references are numbers, with the "phandle" properties that define them, which is
// what dtc writes too. Compiling the result gives the same blob as the tree.

import type { DeviceNode, DeviceTree, ValueForm } from "./node.js";
import { propertyForms, splitStrings } from "./value-forms.js";

const hex = (v: number | bigint) => "0x" + v.toString(16).padStart(2, "0");

function escapeString(bytes: Uint8Array): string {
  let s = "";
  for (const c of bytes) {
    switch (c) {
      case 7: s += "\\a"; break;
      case 8: s += "\\b"; break;
      case 9: s += "\\t"; break;
      case 10: s += "\\n"; break;
      case 11: s += "\\v"; break;
      case 12: s += "\\f"; break;
      case 13: s += "\\r"; break;
      case 0x5c: s += "\\\\"; break;
      case 0x22: s += '\\"'; break;
      default:
        // \x with exactly two digits cannot swallow a following hex digit.
        s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "\\x" + c.toString(16).padStart(2, "0");
    }
  }
  return `"${s}"`;
}

function writePiece(bytes: Uint8Array, form: ValueForm): string {
  if (form.kind === "string") return splitStrings(bytes).map(escapeString).join(", ");
  if (form.kind === "bytes") return `[${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ")}]`;
  const bits = form.bits ?? 32;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const items: string[] = [];
  for (let i = 0; i < bytes.length; i += bits / 8) {
    if (bits === 8) items.push(hex(v.getUint8(i)));
    else if (bits === 16) items.push(hex(v.getUint16(i)));
    else if (bits === 32) items.push(hex(v.getUint32(i)));
    else items.push(hex(v.getBigUint64(i)));
  }
  return `${bits === 32 ? "" : `/bits/ ${bits} `}<${items.join(" ")}>`;
}

export function writePropertyValue(node: DeviceNode, name: string): string {
  const value = node.prop(name)!;
  let at = 0;
  return propertyForms(node, name)
    .map((f) => {
      const piece = writePiece(value.subarray(at, at + f.length), f);
      at += f.length;
      return piece;
    })
    .join(", ");
}

function writeNode(node: DeviceNode, depth: number, out: string[]): void {
  const indent = "\t".repeat(depth);
  const labels = node.labels.map((l) => `${l}: `).join("");
  out.push(`${indent}${labels}${node.parent ? node.name : "/"} {`);
  for (const [name, value] of node.properties) {
    const plabels = (node.propertyLabels.get(name) ?? []).map((l) => `${l}: `).join("");
    out.push(`${indent}\t${plabels}${name}${value.length ? ` = ${writePropertyValue(node, name)}` : ""};`);
  }
  for (const child of node.children) {
    out.push("");
    writeNode(child, depth + 1, out);
  }
  out.push(`${indent}};`);
}

export function writeDts(tree: DeviceTree): string {
  const out = ["/dts-v1/;"];
  if (tree.plugin) out.push("/plugin/;");
  out.push("");
  for (const r of tree.reservations) {
    const labels = (r.labels ?? []).map((l) => `${l}: `).join("");
    out.push(`${labels}/memreserve/\t0x${r.address64.toString(16).padStart(16, "0")} 0x${r.size64.toString(16).padStart(16, "0")};`);
  }
  writeNode(tree.root, 0, out);
  return out.join("\n") + "\n";
}
