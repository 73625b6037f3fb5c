// A device-tree node: its name, properties (raw big-endian bytes, as in the blob) and children,
// with the typed accessors drivers use (of_property_read_u32 and friends).

export class DtError extends Error {
  override name = "DtError";
}

/** Bytes as a string with one char per byte: how names (ASCII in practice) and .dts text are
 *  held, so that any byte survives a round trip. */
export function byteString(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

export function stringBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** How .dts source spelled one piece of a property value (`"a", "b"`, `/bits/ 16 <…>`, `[…]`),
 *  kept so that writing the tree back as .dts spells it alike. The bytes are the truth. */
export interface ValueForm {
  kind: "string" | "cells" | "bytes";
  /** Element size of a cell array. */
  bits?: 8 | 16 | 32 | 64;
  /** Bytes of the value this piece covers. */
  length: number;
}

export class DeviceNode {
  readonly properties = new Map<string, Uint8Array>();
  readonly children: DeviceNode[] = [];
  /** Labels given in .dts source (empty for nodes read from a .dtb). */
  readonly labels: string[] = [];
  /** Labels of properties (`lbl: prop = …;`), from .dts source. */
  readonly propertyLabels = new Map<string, string[]>();
  /** How .dts source spelled each property's value, where it came from source. */
  readonly propertyForms = new Map<string, ValueForm[]>();

  constructor(
    /** Full node name, e.g. "dma-controller@f8003000" ("" for the root). */
    public name: string,
    public parent: DeviceNode | null = null,
  ) {}

  /** Name without the unit address. */
  get baseName(): string {
    const at = this.name.indexOf("@");
    return at < 0 ? this.name : this.name.slice(0, at);
  }

  get unitAddress(): string {
    const at = this.name.indexOf("@");
    return at < 0 ? "" : this.name.slice(at + 1);
  }

  get path(): string {
    if (!this.parent) return "/";
    const up = this.parent.path;
    return (up === "/" ? "" : up) + "/" + this.name;
  }

  has(name: string): boolean {
    return this.properties.has(name);
  }

  prop(name: string): Uint8Array | undefined {
    return this.properties.get(name);
  }

  /** All 32-bit big-endian cells of a property ([] if absent). */
  cells(name: string): number[] {
    const p = this.properties.get(name);
    if (!p) return [];
    if (p.length % 4 !== 0) throw new DtError(`${this.path}: property "${name}" is not a list of 32-bit cells`);
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const out: number[] = [];
    for (let i = 0; i < p.length; i += 4) out.push(v.getUint32(i));
    return out;
  }

  u32(name: string): number | undefined {
    const c = this.cells(name);
    return c.length ? c[0] : undefined;
  }

  /** The strings of a string-list property ([] if absent). */
  strings(name: string): string[] {
    const p = this.properties.get(name);
    if (!p || p.length === 0) return [];
    const text = new TextDecoder().decode(p[p.length - 1] === 0 ? p.subarray(0, p.length - 1) : p);
    return text.split("\0");
  }

  string(name: string): string | undefined {
    return this.strings(name)[0];
  }

  get compatible(): string[] {
    return this.strings("compatible");
  }

  isCompatible(c: string): boolean {
    return this.compatible.includes(c);
  }

  /** status = "okay"/"ok" or absent. */
  get available(): boolean {
    const s = this.string("status");
    return s === undefined || s === "okay" || s === "ok";
  }

  get phandle(): number | undefined {
    return this.u32("phandle") ?? this.u32("linux,phandle");
  }

  child(name: string): DeviceNode | undefined {
    return this.children.find((c) => c.name === name || (c.baseName === name && !c.unitAddress));
  }

  *walk(): Generator<DeviceNode> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

/** A memory reservation block entry. The numbers serve the kernel (physical addresses are exact
 *  below 2^53); the 64-bit values serve writers, which must reproduce any entry exactly. */
export interface Reservation {
  address: number;
  size: number;
  address64: bigint;
  size64: bigint;
  /** Labels of a `/memreserve/` in .dts source. */
  labels?: string[];
}

export function reservation(address64: bigint, size64: bigint, labels?: string[]): Reservation {
  return { address: Number(address64), size: Number(size64), address64, size64, ...(labels?.length ? { labels } : {}) };
}

/** Where a compiled tree's nodes and properties stand in its .dts source, as dtc's warnings
 *  give them (a tree read from a blob or JSON has none). */
export interface SourcePositions {
  /** The node's definitions ("file:L.C-L.C"), the first first. */
  node(node: DeviceNode): string[];
  /** The definition of the property's value. */
  property(node: DeviceNode, name: string): string | undefined;
  /** Byte offsets of the cells the source wrote as phandle references (&label). */
  references(node: DeviceNode, name: string): number[];
}

/** A whole tree, with phandle lookup and the memory reservation block of the blob. */
export class DeviceTree {
  readonly reservations: Reservation[] = [];
  /** boot_cpuid_phys of the blob header (for .dts, dtc's guess: the first /cpus child's reg). */
  bootCpu = 0;
  /** FDT version the tree was read from (17 for trees from source). */
  version = 17;
  /** A `/plugin/` (overlay) source. */
  plugin = false;
  /** Set for a tree compiled from .dts source. */
  sourcePositions?: SourcePositions;
  private byPhandle?: Map<number, DeviceNode>;

  constructor(
    public readonly root: DeviceNode,
    /** Where the tree came from, for error messages. */
    public readonly source = "<device tree>",
  ) {}

  findByPhandle(ph: number): DeviceNode | undefined {
    if (!this.byPhandle) {
      this.byPhandle = new Map();
      for (const n of this.root.walk()) {
        const p = n.phandle;
        if (p !== undefined) this.byPhandle.set(p, n);
      }
    }
    return this.byPhandle.get(ph);
  }

  findByPath(path: string): DeviceNode | undefined {
    let n: DeviceNode | undefined = this.root;
    for (const part of path.split("/").filter(Boolean)) {
      n = n?.child(part);
      if (!n) return undefined;
    }
    return n;
  }

  *compatibleNodes(c: string): Generator<DeviceNode> {
    for (const n of this.root.walk()) if (n.isCompatible(c) && n.available) yield n;
  }

  get model(): string {
    return this.root.string("model") ?? this.root.compatible[0] ?? "unknown board";
  }
}
