// Reading a flattened device tree (.dtb): header, memory reservation block, structure and
// strings blocks (Devicetree Specification v0.4, ch. 5). Every bound is checked, and errors name
// the byte offset where the blob went wrong.

import { DeviceNode, DeviceTree, DtError } from "./node.js";

export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const MAX_DEPTH = 64;

export class FdtError extends DtError {
  constructor(source: string, offset: number, message: string) {
    super(`${source}: ${message} (at byte offset ${offset})`);
  }
}

export function isFdt(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) === FDT_MAGIC;
}

export function parseFdt(bytes: Uint8Array, source = "<dtb>"): DeviceTree {
  const fail = (offset: number, message: string): never => {
    throw new FdtError(source, offset, message);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length >= 4 ? view.getUint32(0) : 0;
  if (magic !== FDT_MAGIC) {
    fail(0, `bad magic 0x${magic.toString(16).padStart(8, "0")} (expected 0xd00dfeed): not a device tree blob`);
  }
  if (bytes.length < 40) fail(0, `only ${bytes.length} bytes: too short for a device tree header`);
  const totalSize = view.getUint32(4);
  const offStruct = view.getUint32(8);
  const offStrings = view.getUint32(12);
  const offRsv = view.getUint32(16);
  const version = view.getUint32(20);
  if (totalSize > bytes.length) fail(4, `header says ${totalSize} bytes but the file has ${bytes.length}: truncated`);
  if (version < 16 && version !== 2 && version !== 3) fail(20, `unsupported FDT version ${version}`);
  const sizeStrings = version >= 3 ? view.getUint32(32) : totalSize - offStrings;
  const sizeStruct = version >= 17 ? view.getUint32(36) : offStrings > offStruct ? offStrings - offStruct : totalSize - offStruct;
  const within = (off: number, len: number) => off <= totalSize && len <= totalSize - off;
  if (!within(offStruct, sizeStruct)) fail(8, `structure block [${offStruct}, +${sizeStruct}) lies outside the blob`);
  if (!within(offStrings, sizeStrings)) fail(12, `strings block [${offStrings}, +${sizeStrings}) lies outside the blob`);
  if (!within(offRsv, 16)) fail(16, `memory reservation block offset ${offRsv} lies outside the blob`);

  const root = new DeviceNode("");
  const tree = new DeviceTree(root, source);
  tree.version = version;
  if (version >= 2) tree.bootCpu = view.getUint32(28);

  // Memory reservation block: (address, size) u64 pairs ending with a zero pair.
  for (let off = offRsv; ; off += 16) {
    if (!within(off, 16)) fail(off, "memory reservation block has no terminating entry");
    const address = Number(view.getBigUint64(off));
    const size = Number(view.getBigUint64(off + 8));
    if (address === 0 && size === 0) break;
    tree.reservations.push({ address, size });
  }

  const decoder = new TextDecoder();
  const structEnd = offStruct + sizeStruct;
  const cString = (off: number, end: number, what: string): [string, number] => {
    let i = off;
    while (i < end && bytes[i] !== 0) i++;
    if (i >= end) fail(off, `unterminated ${what}`);
    return [decoder.decode(bytes.subarray(off, i)), i + 1];
  };
  const align4 = (n: number) => (n + 3) & ~3;

  let off = offStruct;
  let node: DeviceNode | null = null;
  let depth = 0;
  let ended = false;
  while (!ended) {
    if (off + 4 > structEnd) fail(off, "structure block ends without FDT_END");
    const token = view.getUint32(off);
    const at = off;
    off += 4;
    switch (token) {
      case FDT_BEGIN_NODE: {
        const [name, next] = cString(off, structEnd, "node name");
        off = align4(next);
        if (node === null) {
          if (depth !== 0 || root.children.length || root.properties.size) fail(at, "second root node");
          node = root;
          // Version 1–3 blobs give the full path as the root's name; v16+ give "".
        } else {
          if (++depth > MAX_DEPTH) fail(at, `nodes nested deeper than ${MAX_DEPTH}`);
          const child: DeviceNode = new DeviceNode(version < 16 ? (name.split("/").pop() ?? name) : name, node);
          node.children.push(child);
          node = child;
        }
        break;
      }
      case FDT_END_NODE:
        if (!node) fail(at, "FDT_END_NODE outside any node");
        node = node!.parent;
        if (node) depth--;
        break;
      case FDT_PROP: {
        if (!node) fail(at, "property outside any node");
        if (off + 8 > structEnd) fail(at, "truncated property header");
        const len = view.getUint32(off);
        const nameOff = view.getUint32(off + 4);
        off += 8;
        if (len > structEnd - off) fail(at, `property length ${len} runs past the structure block`);
        if (nameOff >= sizeStrings) fail(at, `property name offset ${nameOff} is outside the strings block`);
        const [name] = cString(offStrings + nameOff, offStrings + sizeStrings, "property name");
        node!.properties.set(name, bytes.slice(off, off + len));
        off = align4(off + len);
        break;
      }
      case FDT_NOP:
        break;
      case FDT_END:
        if (node !== null) fail(at, "FDT_END inside an open node");
        ended = true;
        break;
      default:
        fail(at, `unknown structure token 0x${token.toString(16)}`);
    }
  }
  if (root.children.length === 0 && root.properties.size === 0) fail(offStruct, "empty tree");
  return tree;
}
