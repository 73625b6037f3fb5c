// The .dts grammar (dtc-parser.y, version 1 syntax): headers (/dts-v1/, /plugin/), memory
// reservations, then the root node and what is laid over it: `/ { … };` again, `&label { … };`
// and `&{/path} { … };` overrides, `/delete-node/ &ref;`, `/omit-if-no-ref/ &ref;`. Node bodies
// hold properties before subnodes; values are strings, cell arrays (`/bits/ 8|16|32|64`,
// expressions, `&ref` phandles), byte strings, path references and `/incbin/`, with labels
// anywhere dtc allows them. References are resolved afterwards (dts-fixups.ts).

import { Lexer, type Token } from "./dts-lexer.js";
import { parseIntegerPrim } from "./dts-expr.js";
import { MAX_DEPTH } from "./fdt.js";
import { DtsError, spanThrough, type DtsLocation, type DtsSourceOptions } from "./dts-source.js";
import { SrcNode, SrcProp, deleteNode, mergeNodes, nodeByRef, type Chunk, type Ref, type ValueLabel } from "./dts-tree.js";

export interface SrcReservation {
  address: bigint;
  size: bigint;
  labels: string[];
}

export interface ParsedDts {
  root: SrcNode;
  reservations: SrcReservation[];
  plugin: boolean;
}

type LabelToken = Token & { kind: "label" };

const describe = (t: Token): string => {
  switch (t.kind) {
    case "eof": return "the end of the file";
    case "string": return "a string";
    case "int": return "a number";
    case "byte": return "a byte";
    case "ref": return t.braced ? `&{${t.text}}` : `&${t.text}`;
    case "label": return `label "${t.text}:"`;
    default: return `'${t.text}'`;
  }
};

class Parser {
  private readonly lex: Lexer;
  private plugin = false;
  private nextFragment = 0;

  constructor(text: string, options: DtsSourceOptions) {
    this.lex = new Lexer(text, options);
  }

  private syntax(t: Token, expected: string): never {
    throw new DtsError(t.loc, `syntax error: expected ${expected}, found ${describe(t)}`);
  }

  private expect(mode: "name" | "value", text: string, after: string): Token {
    const t = this.lex.next(mode);
    if ((t.kind === "punct" || t.kind === "keyword") && t.text === text) return t;
    return this.syntax(t, `'${text}' ${after}`);
  }

  private is(t: Token, text: string): boolean {
    return (t.kind === "punct" || t.kind === "keyword") && t.text === text;
  }

  parse(): ParsedDts {
    let first = this.lex.peek("name");
    if (!this.is(first, "/dts-v1/")) {
      throw new DtsError(first.loc, "missing /dts-v1/; at the start: dmasim reads version 1 .dts source (as dtc does)");
    }
    let flags: boolean | undefined;
    while (this.is(this.lex.peek("name"), "/dts-v1/")) {
      const at = this.lex.next("name");
      this.expect("name", ";", "after /dts-v1/");
      let plugin = false;
      if (this.is(this.lex.peek("name"), "/plugin/")) {
        this.lex.next("name");
        this.expect("name", ";", "after /plugin/");
        plugin = true;
      }
      if (flags !== undefined && flags !== plugin) throw new DtsError(at.loc, "header flags don't match earlier ones (/plugin/)");
      flags = plugin;
    }
    this.plugin = flags ?? false;

    const reservations: SrcReservation[] = [];
    let pending: LabelToken[] = [];
    for (;;) {
      const t = this.lex.peek("name");
      if (t.kind === "label") {
        pending.push(this.lex.next("name") as LabelToken);
        continue;
      }
      if (!this.is(t, "/memreserve/")) break;
      this.lex.next("name");
      const address = parseIntegerPrim(this.lex, "value").value;
      const size = parseIntegerPrim(this.lex, "value").value;
      this.expect("value", ";", "after /memreserve/ ADDRESS SIZE");
      reservations.push({ address, size, labels: pending.map((l) => l.text) });
      pending = [];
    }

    let root: SrcNode | undefined;
    for (;;) {
      const t = this.lex.next("name");
      if (t.kind === "eof") {
        if (pending.length) this.syntax(t, "a node after the label");
        break;
      }
      if (t.kind === "label") {
        pending.push(t);
        if (pending.length > 1) this.syntax(t, "&label or &{/path} after a label (one label per override)");
        continue;
      }
      if (this.is(t, "/")) {
        if (pending.length) this.syntax(t, "&label or &{/path} after a label (the root node takes no label)");
        const node = this.nodeBody("", t.loc);
        if (!root) root = node;
        else mergeNodes(root, node);
        continue;
      }
      if (t.kind === "ref") {
        const body = this.nodeBody("", t.loc);
        root = this.override(root, t, body, pending);
        pending = [];
        continue;
      }
      if (this.is(t, "/delete-node/") || this.is(t, "/omit-if-no-ref/")) {
        const directive = this.is(t, "/delete-node/") ? "/delete-node/" : "/omit-if-no-ref/";
        if (pending.length) this.syntax(t, "&label or &{/path} after a label");
        const ref = this.lex.next("name");
        if (ref.kind !== "ref") this.syntax(ref, `&label or &{/path} after ${directive} at the top level`);
        this.expect("name", ";", `after ${directive} &reference`);
        const target = root && nodeByRef(root, ref.text);
        if (!target) throw new DtsError(ref.loc, `label or path ${ref.text} not found`);
        if (directive === "/delete-node/") deleteNode(target);
        else target.omitIfNoRef = true;
        continue;
      }
      if (root) this.syntax(t, "'/', &label, &{/path}, /delete-node/ or /omit-if-no-ref/ at the top level");
      this.syntax(t, "the root node '/ {'");
    }
    if (!root) throw new DtsError(this.lex.loc(), "no root node ('/ { … };')");
    return { root, reservations, plugin: this.plugin };
  }

  /** `&ref { … };` at the top level, possibly labelled (dtc's devicetree rules). */
  private override(root: SrcNode | undefined, ref: Token & { kind: "ref" }, body: SrcNode, labels: LabelToken[]): SrcNode {
    const target = root && nodeByRef(root, ref.text);
    // In an overlay, `&{/path} { … }` always becomes a fragment aimed at that path.
    if (target && !(ref.braced && this.plugin && !labels.length)) {
      for (const l of labels) if (!target.labels.includes(l.text)) target.labels.push(l.text);
      mergeNodes(target, body);
      return root!;
    }
    if (!this.plugin || labels.length) throw new DtsError(ref.loc, `label or path ${ref.text} not found`);
    const base = root ?? new SrcNode("", ref.loc);
    this.addOrphan(base, body, ref);
    return base;
  }

  /** livetree.c add_orphan_node: a fragment of an overlay, aimed at the reference. */
  private addOrphan(root: SrcNode, body: SrcNode, ref: Token & { kind: "ref" }): void {
    const fragment = new SrcNode(`fragment@${this.nextFragment++}`, ref.loc);
    const target: Chunk = ref.text.startsWith("/")
      ? { kind: "string", bytes: [...ref.text].map((c) => c.charCodeAt(0) & 0xff).concat(0) }
      : { kind: "cells", bits: 32, items: [{ ref: ref.text, loc: ref.loc }] };
    fragment.props.push(new SrcProp(ref.text.startsWith("/") ? "target-path" : "target", [target], ref.loc));
    body.name = "__overlay__";
    fragment.addChild(body);
    root.addChild(fragment);
  }

  /** nodedef: `{ properties subnodes } ;` */
  private nodeBody(name: string, loc: DtsLocation, depth = 0): SrcNode {
    if (depth > MAX_DEPTH) throw new DtsError(loc, `nodes nested deeper than ${MAX_DEPTH}`);
    const open = this.expect("name", "{", "to open the node");
    const node = new SrcNode(name, loc);
    let seenSubnode = false;
    for (;;) {
      const labels: string[] = [];
      let omit = false;
      let t = this.lex.next("name");
      while (t.kind === "label" || this.is(t, "/omit-if-no-ref/")) {
        if (t.kind === "label") labels.push(t.text);
        else omit = true;
        t = this.lex.next("name");
      }
      if (this.is(t, "}")) {
        if (labels.length || omit) this.syntax(t, "a property or node after the label");
        break;
      }
      const propertyAfterSubnode = (at: Token) => {
        if (seenSubnode) throw new DtsError(at.loc, "properties must precede subnodes");
        if (omit) this.syntax(at, "a node after /omit-if-no-ref/");
      };
      if (this.is(t, "/delete-property/")) {
        const n = this.lex.next("name");
        if (n.kind !== "name") this.syntax(n, "a property name after /delete-property/");
        this.expect("name", ";", "after /delete-property/ NAME");
        propertyAfterSubnode(t);
        const marker = new SrcProp(n.text, [], n.loc);
        marker.deleted = true;
        marker.labels.push(...labels);
        node.props.push(marker);
        continue;
      }
      if (this.is(t, "/delete-node/")) {
        const n = this.lex.next("name");
        if (n.kind !== "name") this.syntax(n, "a node name after /delete-node/");
        this.expect("name", ";", "after /delete-node/ NAME");
        const marker = new SrcNode(n.text, n.loc);
        marker.deleted = true;
        node.addChild(marker);
        seenSubnode = true;
        continue;
      }
      if (t.kind !== "name") this.syntax(t, "a property or node name, or '}'");
      const after = this.lex.peek("name");
      if (this.is(after, "{")) {
        const child = this.nodeBody(t.text, t.loc, depth + 1);
        child.labels.push(...labels.filter((l, i) => labels.indexOf(l) === i));
        child.omitIfNoRef = omit;
        node.addChild(child);
        seenSubnode = true;
        continue;
      }
      propertyAfterSubnode(t);
      const prop = new SrcProp(t.text, [], t.loc);
      prop.labels.push(...labels);
      if (this.is(after, "=")) {
        this.lex.next("name");
        prop.span = spanThrough(t.loc, this.propData(prop).loc);
      } else if (this.is(after, ";")) {
        prop.span = spanThrough(t.loc, this.lex.next("name").loc);
      } else this.syntax(after, `'=', ';' or '{' after "${t.text}"`);
      node.props.push(prop);
    }
    const end = this.expect("name", ";", "after '}' (a node ends with \"};\")");
    node.spans.push(spanThrough(open.loc, end.loc));
    return node;
  }

  /** propdata: comma-separated pieces, labels before and after each, ending with ';' (which
   *  it returns). */
  private propData(prop: SrcProp): Token {
    for (;;) {
      this.valueLabels(prop.valueLabels);
      const t = this.lex.next("value");
      if (t.kind === "string") prop.chunks.push({ kind: "string", bytes: [...t.bytes, 0] });
      else if (this.is(t, "<")) prop.chunks.push(this.cells(32, prop.valueLabels));
      else if (this.is(t, "/bits/")) {
        const n = this.lex.next("value");
        if (n.kind !== "int") this.syntax(n, "an element size (8, 16, 32 or 64) after /bits/");
        const bits = Number(n.value);
        if (bits !== 8 && bits !== 16 && bits !== 32 && bits !== 64) throw new DtsError(n.loc, "array elements must be 8, 16, 32 or 64-bits");
        this.expect("value", "<", "after /bits/ SIZE");
        prop.chunks.push(this.cells(bits, prop.valueLabels));
      } else if (this.is(t, "[")) prop.chunks.push(this.byteString(prop.valueLabels));
      else if (t.kind === "ref") prop.chunks.push({ kind: "path", target: { ref: t.text, loc: t.loc } });
      else if (this.is(t, "/incbin/")) prop.chunks.push(this.incbin(t));
      else this.syntax(t, "a value: \"string\", <cells>, [bytes], &reference or /bits/");
      this.valueLabels(prop.valueLabels);
      const sep = this.lex.next("value");
      if (this.is(sep, ";")) return sep;
      if (!this.is(sep, ",")) this.syntax(sep, "',' or ';' after a value");
    }
  }

  private valueLabels(into: ValueLabel[]): void {
    while (this.lex.peek("value").kind === "label") {
      const l = this.lex.next("value") as Token & { kind: "label" };
      into.push({ label: l.text, loc: l.loc });
    }
  }

  private cells(bits: 8 | 16 | 32 | 64, labels: ValueLabel[]): Chunk {
    const items: (bigint | Ref)[] = [];
    const mask = (1n << BigInt(bits)) - 1n;
    for (;;) {
      const t = this.lex.peek("cells");
      if (this.is(t, ">")) {
        this.lex.next("cells");
        return { kind: "cells", bits, items };
      }
      if (t.kind === "label") {
        this.lex.next("cells");
        labels.push({ label: t.text, loc: t.loc });
      } else if (t.kind === "ref") {
        this.lex.next("cells");
        if (bits !== 32) throw new DtsError(t.loc, "references are only allowed in arrays with 32-bit elements");
        items.push({ ref: t.text, loc: t.loc });
      } else if (t.kind === "int" || this.is(t, "(")) {
        const { value } = parseIntegerPrim(this.lex, "cells");
        // Bits above the element must be all zero, or all one (a sign-extended negative).
        if (bits < 64 && value > mask && (value | mask) !== (1n << 64n) - 1n) {
          throw new DtsError(t.loc, `value out of range for ${bits}-bit array element`);
        }
        items.push(value & mask);
      } else if (t.kind === "eof") {
        throw new DtsError(t.loc, "unterminated cell list (missing '>')");
      } else this.syntax(t, "a number, '(' expression ')', &reference or '>' in a cell list");
    }
  }

  private byteString(labels: ValueLabel[]): Chunk {
    const bytes: number[] = [];
    for (;;) {
      const t = this.lex.next("bytes");
      if (t.kind === "byte") bytes.push(t.value);
      else if (t.kind === "label") labels.push({ label: t.text, loc: t.loc });
      else if (this.is(t, "]")) return { kind: "bytes", bytes };
      else if (t.kind === "eof") throw new DtsError(t.loc, "unterminated byte string (missing ']')");
      else this.syntax(t, "two hex digits or ']' in a byte string");
    }
  }

  /** `/incbin/("file")` or `/incbin/("file", offset, length)`: bytes of a file. */
  private incbin(at: Token): Chunk {
    this.expect("value", "(", "after /incbin/");
    const file = this.lex.next("value");
    if (file.kind !== "string") this.syntax(file, "a file name in double quotes");
    let offset = 0n;
    let length = -1n;
    if (this.is(this.lex.peek("value"), ",")) {
      this.lex.next("value");
      offset = parseIntegerPrim(this.lex, "value").value;
      this.expect("value", ",", "between the /incbin/ offset and length");
      length = parseIntegerPrim(this.lex, "value").value;
    }
    this.expect("value", ")", "to close /incbin/(…)");
    const name = String.fromCharCode(...file.bytes);
    const data = this.lex.readFile(name, at.loc, "/incbin/");
    const start = offset > BigInt(data.length) ? data.length : Number(offset);
    const end = length < 0n || BigInt(start) + length > BigInt(data.length) ? data.length : start + Number(length);
    return { kind: "bytes", bytes: [...data.subarray(start, end)] };
  }
}

export function parseDtsSource(text: string, options: DtsSourceOptions = {}): ParsedDts {
  return new Parser(text, options).parse();
}
