// Reading a flattened device tree (.dtb): header, memory reservation block, structure and
// strings blocks (Devicetree Specification v0.4, ch. 5), in every layout dtc reads: versions
// 16 and 17, and the older 1–3 where node names are full paths, property values of 8 bytes or
// more are 8-aligned and NOP tokens do not exist (dtc's flattree.c). Every bound is checked,
// and errors name the byte offset where the blob went wrong.

import { DeviceNode, DeviceTree, DtError, byteString, reservation } from "./node.js";

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_BEGIN_NODE = 1;
export const FDT_END_NODE = 2;
export const FDT_PROP = 3;
export const FDT_NOP = 4;
export const FDT_END = 9;
/** The newest layout dmasim knows; later versions are read as this one when they declare
 *  compatibility with it (last_comp_version ≤ 17), as libfdt does. */
export const FDT_LAST_VERSION = 17;
/** Nodes below the root a blob may nest (and .dts source, so that what dmasim compiles it can
 *  read back): deep enough for any real tree, shallow enough for recursion over it. */
export const MAX_DEPTH = 64;

/** Header bytes per version: v1 stops after last_comp_version, v2 adds boot_cpuid_phys, v3 (and
 *  16) size_dt_strings, v17 size_dt_struct. */
export function fdtHeaderSize(version: number): number {
  if (version <= 1) return 28;
  if (version === 2) return 32;
  if (version < 17) return 36;
  return 40;
}

export class FdtError extends DtError {
  constructor(source: string, offset: number, message: string) {
    super(`${source}: ${message} (at byte offset ${offset})`);
  }
}

const hex32 = (v: number) => v.toString(16).padStart(8, "0");

export function isFdt(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) === FDT_MAGIC;
}

export function parseFdt(bytes: Uint8Array, source = "<dtb>"): DeviceTree {
  const fail = (offset: number, message: string): never => {
    throw new FdtError(source, offset, message);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) fail(0, bytes.length ? `only ${bytes.length} bytes: not a device tree blob` : "empty file: not a device tree blob");
  const magic = view.getUint32(0);
  if (magic !== FDT_MAGIC) {
    fail(0, `bad magic 0x${hex32(magic)} (expected 0xd00dfeed): not a device tree blob`);
  }
  if (bytes.length < 28) fail(bytes.length, `only ${bytes.length} bytes: too short for a device tree header`);
  const version = view.getUint32(20);
  const lastComp = view.getUint32(24);
  // libfdt's fdt_check_header, in its order: a version it cannot read, a blob that needs a
  // reader newer than 17, or one that claims compatibility with a version after its own, is
  // -FDT_ERR_BADVERSION. Only the floor differs: dtc's flattree.c reads v1 (libfdt starts at
  // FDT_FIRST_SUPPORTED_VERSION 2), and 4–15 have no layout.
  if (version === 0 || (version > 3 && version < 16)) {
    fail(20, `-FDT_ERR_BADVERSION: unsupported FDT version ${version} (last compatible ${lastComp}); dmasim reads versions 1–3 and 16–17`);
  }
  if (lastComp > FDT_LAST_VERSION) {
    fail(24, `-FDT_ERR_BADVERSION: last_comp_version ${lastComp} (0x${hex32(lastComp)}) is newer than ${FDT_LAST_VERSION}, the newest version dmasim (and libfdt) reads`);
  }
  if (version < lastComp) {
    fail(24, `-FDT_ERR_BADVERSION: version ${version} is older than its last_comp_version ${lastComp}`);
  }
  const headerSize = fdtHeaderSize(version);
  if (bytes.length < headerSize) fail(bytes.length, `only ${bytes.length} bytes: too short for a version ${version} header (${headerSize} bytes)`);
  const totalSize = view.getUint32(4);
  const offStruct = view.getUint32(8);
  const offStrings = view.getUint32(12);
  const offRsv = view.getUint32(16);
  if (totalSize > bytes.length) fail(4, `header says ${totalSize} bytes but the file has ${bytes.length}: truncated`);
  if (totalSize < headerSize) fail(4, `total size ${totalSize} is smaller than the header`);
  if (offRsv >= totalSize) fail(16, `memory reservation block offset ${offRsv} lies outside the blob (${totalSize} bytes)`);
  if (offStruct >= totalSize) fail(8, `structure block offset ${offStruct} lies outside the blob (${totalSize} bytes)`);
  if (offStrings > totalSize) fail(12, `strings block offset ${offStrings} lies outside the blob (${totalSize} bytes)`);
  let stringsEnd = totalSize;
  if (version >= 3) {
    const sizeStrings = view.getUint32(32);
    if (sizeStrings > totalSize - offStrings) fail(32, `strings block [${offStrings}, +${sizeStrings}) runs past the blob (${totalSize} bytes)`);
    stringsEnd = offStrings + sizeStrings;
  }
  let structEnd = totalSize;
  if (version >= 17) {
    const sizeStruct = view.getUint32(36);
    if (sizeStruct > totalSize - offStruct) fail(36, `structure block [${offStruct}, +${sizeStruct}) runs past the blob (${totalSize} bytes)`);
    structEnd = offStruct + sizeStruct;
  }
  const old = version < 16;

  const root = new DeviceNode("");
  const tree = new DeviceTree(root, source);
  tree.version = version;

  for (let off = offRsv; ; off += 16) {
    if (off + 16 > totalSize) fail(off, "memory reservation block has no terminating entry");
    const address = view.getBigUint64(off);
    const size = view.getBigUint64(off + 8);
    if (address === 0n && size === 0n) break;
    tree.reservations.push(reservation(address, size));
  }

  const cString = (off: number, end: number, what: string): [string, number] => {
    let i = off;
    while (i < end && bytes[i] !== 0) i++;
    if (i >= end) fail(off, `unterminated ${what}`);
    return [byteString(bytes.subarray(off, i)), i + 1];
  };
  // Alignment is relative to the structure block, as dtc and libfdt count it.
  const align = (off: number, n: number) => offStruct + Math.ceil((off - offStruct) / n) * n;
  const word = (off: number, what: string): number => {
    if (off + 4 > structEnd) fail(off, `structure block ends inside ${what}`);
    return view.getUint32(off);
  };

  let off = offStruct;
  if (word(off, "the first token") !== FDT_BEGIN_NODE) fail(off, "the structure block does not start with FDT_BEGIN_NODE");
  // [node, full path] of each open node; v1–3 blobs name nodes by full path.
  const open: [DeviceNode, string][] = [];
  for (;;) {
    const at = off;
    const token = word(off, "a token");
    off += 4;
    if (token === FDT_BEGIN_NODE) {
      const [name, next] = cString(off, structEnd, "node name");
      off = align(next, 4);
      const parentPath = open.length ? open[open.length - 1][1] : "";
      let nodeName = name;
      if (old) {
        if (!name.startsWith(parentPath)) fail(at, `node path "${name}" is not inside its parent "${parentPath || "/"}"`);
        nodeName = name.slice(parentPath === "/" ? 1 : parentPath.length + 1);
      }
      let node: DeviceNode;
      if (open.length === 0) node = root;
      else {
        if (open.length > MAX_DEPTH) fail(at, `nodes nested deeper than ${MAX_DEPTH}`);
        const parent = open[open.length - 1][0];
        node = new DeviceNode(nodeName, parent);
        parent.children.push(node);
      }
      open.push([node, open.length === 0 ? "/" : (parentPath === "/" ? "" : parentPath) + "/" + nodeName]);
    } else if (token === FDT_END_NODE) {
      open.pop();
      if (open.length === 0) break;
    } else if (token === FDT_PROP) {
      const len = word(off, "a property header");
      const nameOff = word(off + 4, "a property header");
      off += 8;
      if (old && len >= 8) off = align(off, 8);
      if (len > structEnd - off) fail(at, `property length ${len} runs past the structure block`);
      if (nameOff >= stringsEnd - offStrings) fail(at + 8, `property name offset ${nameOff} is outside the strings block`);
      const [name] = cString(offStrings + nameOff, stringsEnd, "property name in the strings block");
      const node = open[open.length - 1][0];
      if (node.properties.has(name)) fail(at, `duplicate property "${name}" in ${node.path}`);
      node.properties.set(name, bytes.slice(off, off + len));
      off = align(off + len, 4);
    } else if (token === FDT_NOP && !old) {
      continue;
    } else if (token === FDT_END) {
      fail(at, `FDT_END inside the open node ${open[open.length - 1][0].path}`);
    } else {
      fail(at, `invalid structure token 0x${token.toString(16).padStart(8, "0")}`);
    }
  }
  if (word(off, "the end token") !== FDT_END) fail(off, "the structure block does not end with FDT_END after the root node");
  tree.bootCpu = version >= 2 ? view.getUint32(28) : guessBootCpu(tree);
  return tree;
}

/** dtc's guess_boot_cpuid: the reg of the first child of /cpus, when it is one cell. */
export function guessBootCpu(tree: DeviceTree): number {
  const first = tree.findByPath("/cpus")?.children[0];
  const reg = first?.prop("reg");
  return reg && reg.length === 4 ? new DataView(reg.buffer, reg.byteOffset, 4).getUint32(0) : 0;
}
