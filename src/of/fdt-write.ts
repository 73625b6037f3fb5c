// Writing a flattened device tree (.dtb) laid out byte for byte as dtc's flattree.c lays it out:
// header, the reservation block 8-aligned after it, the structure block, then the strings block
// with each name stored once (a name that ends an earlier one shares its bytes). Versions 1–3
// write full paths as node names, 8-align long property values and add "name" properties.

import type { DeviceNode, DeviceTree } from "./node.js";
import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_MAGIC, FDT_PROP, fdtHeaderSize } from "./fdt.js";
import { DtError } from "./node.js";

const VERSIONS = [1, 2, 3, 16, 17];

class ByteSink {
  private buf = new Uint8Array(4096);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u32(v: number): void {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0);
    this.length += 4;
  }

  u64(v: bigint): void {
    this.room(8);
    new DataView(this.buf.buffer).setBigUint64(this.length, BigInt.asUintN(64, v));
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** A NUL-terminated string of byte-valued chars. */
  cstring(s: string): void {
    this.room(s.length + 1);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i) & 0xff;
    this.buf[this.length++] = 0;
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.room(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** dtc's string table: a name already present as the tail of a stored string is shared (the
 *  first such place in the table, as dtc's linear search finds it). Tails up to SHORT_TAIL
 *  characters are indexed, so a tree with many properties is not quadratic to write; longer
 *  names, which real trees do not have, are searched for. */
const SHORT_TAIL = 64;

class StringTable {
  private readonly strings: { offset: number; text: string }[] = [];
  private readonly tails = new Map<string, number>();
  private length = 0;

  offset(name: string): number {
    const known = name.length <= SHORT_TAIL ? this.tails.get(name) : this.search(name);
    if (known !== undefined) return known;
    const off = this.length;
    this.strings.push({ offset: off, text: name });
    for (let i = Math.max(0, name.length - SHORT_TAIL); i <= name.length; i++) {
      const tail = name.slice(i);
      if (!this.tails.has(tail)) this.tails.set(tail, off + i);
    }
    this.length += name.length + 1;
    return off;
  }

  private search(name: string): number | undefined {
    const s = this.strings.find((x) => x.text.endsWith(name));
    return s && s.offset + s.text.length - name.length;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    for (const s of this.strings) for (let i = 0; i < s.text.length; i++) out[s.offset + i] = s.text.charCodeAt(i) & 0xff;
    return out;
  }
}

export interface FdtWriteOptions {
  /** FDT version to write: 17 (default, as dtc), 16, or the old 1, 2, 3. */
  version?: number;
}

export function writeFdt(tree: DeviceTree, options: FdtWriteOptions = {}): Uint8Array {
  const version = options.version ?? 17;
  if (!VERSIONS.includes(version)) throw new DtError(`cannot write FDT version ${version} (dmasim writes ${VERSIONS.join(", ")})`);
  const old = version < 16;
  const struct = new ByteSink();
  const strings = new StringTable();

  const flatten = (node: DeviceNode, path: string) => {
    struct.u32(FDT_BEGIN_NODE);
    struct.cstring(old ? path : node.name);
    struct.align(4);
    for (const [name, value] of node.properties) {
      struct.u32(FDT_PROP);
      struct.u32(value.length);
      struct.u32(strings.offset(name));
      if (old && value.length >= 8) struct.align(8);
      struct.bytes(value);
      struct.align(4);
    }
    if (old && !node.properties.has("name")) {
      const base = node.baseName;
      struct.u32(FDT_PROP);
      struct.u32(base.length + 1);
      struct.u32(strings.offset("name"));
      if (base.length + 1 >= 8) struct.align(8);
      struct.cstring(base);
      struct.align(4);
    }
    for (const child of node.children) flatten(child, (path === "/" ? "" : path) + "/" + child.name);
    struct.u32(FDT_END_NODE);
  };
  flatten(tree.root, "/");
  struct.u32(FDT_END);

  const headerSize = fdtHeaderSize(version);
  const rsvOff = Math.ceil(headerSize / 8) * 8;
  const rsvSize = (tree.reservations.length + 1) * 16;
  const structBytes = struct.result();
  const stringBytes = strings.bytes();
  const structOff = rsvOff + rsvSize;
  const stringsOff = structOff + structBytes.length;
  const total = stringsOff + stringBytes.length;

  const out = new ByteSink();
  out.u32(FDT_MAGIC);
  out.u32(total);
  out.u32(structOff);
  out.u32(stringsOff);
  out.u32(rsvOff);
  out.u32(version);
  out.u32(old ? 1 : 16);
  if (version >= 2) out.u32(tree.bootCpu);
  if (version >= 3) out.u32(stringBytes.length);
  if (version >= 17) out.u32(structBytes.length);
  out.align(8);
  for (const r of tree.reservations) {
    out.u64(r.address64);
    out.u64(r.size64);
  }
  out.u64(0n);
  out.u64(0n);
  out.bytes(structBytes);
  out.bytes(stringBytes);
  return out.result();
}
