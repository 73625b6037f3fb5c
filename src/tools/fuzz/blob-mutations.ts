// Byte-level mutations of a flattened device tree (.dtb): what a bad flash, a truncated
// download or a buggy bootloader does to a blob. Each knows the layout (Devicetree
// Specification v0.4, ch. 5) well enough to aim at the fields a reader trusts: header offsets
// and sizes, structure tokens, property lengths and name offsets, the reservation block.

import { FDT_BEGIN_NODE, FDT_END, FDT_END_NODE, FDT_NOP, FDT_PROP } from "../../of/fdt.js";
import type { Random } from "../../random.js";

export interface Mutant {
  bytes: Uint8Array;
  /** What was done, for the failure report ("truncate at 1234"). */
  label: string;
}

/** Values that break arithmetic on offsets and sizes: zero, all ones, sign bits, just past. */
const NASTY_WORDS = [0, 1, 2, 3, 4, 8, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff];

const HEADER_FIELDS: [string, number][] = [
  ["totalsize", 4], ["off_dt_struct", 8], ["off_dt_strings", 12], ["off_mem_rsvmap", 16], ["version", 20],
  ["last_comp_version", 24], ["boot_cpuid_phys", 28], ["size_dt_strings", 32], ["size_dt_struct", 36],
];

function word(b: Uint8Array, off: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off);
}

function setWord(b: Uint8Array, off: number, v: number): void {
  if (off >= 0 && off + 4 <= b.length) new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(off, v >>> 0);
}

/** A word the header field may plausibly be confused with: a nasty constant, a size of the
 *  blob give or take a little, or random. */
function nastyFor(r: Random, blobLength: number): number {
  switch (r.int(3)) {
    case 0: return r.pick(NASTY_WORDS);
    case 1: return Math.max(0, blobLength + r.range(-16, 16));
    default: return r.u32();
  }
}

/** Aligned offsets of the structure block's tokens of one kind (a scan that may also hit data
 *  words that look like the token: harmless, they are mutated all the same). */
function tokenOffsets(b: Uint8Array, token: number): number[] {
  if (b.length < 40) return [];
  const start = word(b, 8);
  const out: number[] = [];
  for (let off = start; off + 4 <= b.length && off < start + (1 << 20); off += 4) if (word(b, off) === token) out.push(off);
  return out;
}

type BlobMutation = (r: Random, b: Uint8Array) => Mutant;

const MUTATIONS: BlobMutation[] = [
  function truncate(r, b) {
    const at = r.chance(0.5) ? r.int(b.length) : Math.max(0, b.length - r.range(1, 64));
    return { bytes: b.slice(0, at), label: `truncate at ${at} of ${b.length}` };
  },
  function bitFlips(r, b) {
    const out = b.slice();
    const n = r.range(1, 8);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const off = r.int(out.length);
      out[off] ^= 1 << r.int(8);
      at.push(off);
    }
    return { bytes: out, label: `bit flips at ${at.join(",")}` };
  },
  function headerField(r, b) {
    const out = b.slice();
    const [name, off] = r.pick(HEADER_FIELDS);
    const v = nastyFor(r, b.length);
    setWord(out, off, v);
    return { bytes: out, label: `header ${name} = 0x${v.toString(16)}` };
  },
  function structToken(r, b) {
    const out = b.slice();
    const start = b.length >= 40 ? word(b, 8) : 0;
    const off = start + 4 * r.int(Math.max(1, (b.length - start) >> 2));
    const v = r.pick([FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END, 0, 0xffffffff]);
    setWord(out, off, v);
    return { bytes: out, label: `structure word at ${off} = ${v}` };
  },
  function propertyLength(r, b) {
    const out = b.slice();
    const props = tokenOffsets(b, FDT_PROP);
    if (!props.length) return { bytes: out, label: "property length (no property)" };
    const at = r.pick(props);
    const v = r.chance(0.5) ? r.pick(NASTY_WORDS) : word(b, at + 4) + r.range(-8, 8);
    setWord(out, at + 4, v);
    return { bytes: out, label: `property at ${at} length = 0x${(v >>> 0).toString(16)}` };
  },
  function propertyName(r, b) {
    const out = b.slice();
    const props = tokenOffsets(b, FDT_PROP);
    if (!props.length) return { bytes: out, label: "property name (no property)" };
    const at = r.pick(props);
    const v = r.chance(0.5) ? r.pick(NASTY_WORDS) : r.int(b.length);
    setWord(out, at + 8, v);
    return { bytes: out, label: `property at ${at} nameoff = 0x${v.toString(16)}` };
  },
  function nodeEnds(r, b) {
    // Drop or repeat an FDT_END_NODE: unbalanced nesting.
    const ends = tokenOffsets(b, FDT_END_NODE);
    if (!ends.length) return { bytes: b.slice(), label: "node end (no node)" };
    const at = r.pick(ends);
    const repeat = r.chance(0.5);
    const out = repeat ? concat(b.subarray(0, at + 4), b.subarray(at)) : concat(b.subarray(0, at), b.subarray(at + 4));
    return { bytes: out, label: `${repeat ? "repeat" : "drop"} FDT_END_NODE at ${at}` };
  },
  function reservations(r, b) {
    const out = b.slice();
    if (b.length < 40) return { bytes: out, label: "reservations (no header)" };
    const rsv = word(b, 16);
    const v = r.pick(NASTY_WORDS);
    const slot = rsv + 4 * r.int(4);
    setWord(out, slot, v);
    return { bytes: out, label: `reservation word at ${slot} = 0x${v.toString(16)}` };
  },
  function splice(r, b) {
    // A stretch of the blob copied over another, 4-aligned so that tokens stay tokens.
    const out = b.slice();
    const len = 4 * r.range(1, 16);
    const from = 4 * r.int(Math.max(1, (b.length - len) >> 2));
    const to = 4 * r.int(Math.max(1, (b.length - len) >> 2));
    out.set(b.subarray(from, from + len), to);
    return { bytes: out, label: `copy ${len} bytes from ${from} to ${to}` };
  },
];

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** One random mutation of a blob (the input is not changed). */
export function mutateBlob(r: Random, blob: Uint8Array): Mutant {
  const m = r.pick(MUTATIONS);
  const out = m(r, blob);
  return { bytes: out.bytes, label: `${m.name}: ${out.label}` };
}
