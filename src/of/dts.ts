// Compiling .dts source into a device tree, as `dtc -I dts` does: parse, resolve references,
// run dtc's error checks, then the tree with labels and the source's value spellings kept for
// writing it back.

import { DeviceNode, DeviceTree, reservation } from "./node.js";
import { parseDtsSource } from "./dts-parser.js";
import { resolveReferences } from "./dts-fixups.js";
import { serializeValue, type SrcNode } from "./dts-tree.js";
import { DtsError, formatLocation, formatSpan, stringToSource, type DtsSourceOptions } from "./dts-source.js";
import { checkTree } from "./checks.js";
import { MAX_DEPTH, guessBootCpu } from "./fdt.js";
import { byteString } from "./node.js";

export type { DtsSourceOptions } from "./dts-source.js";

/** Overrides (`&label { … }`) can stack nodes deeper than any one body the parser bounds: the
 *  merged tree must stay within what a blob may nest (fdt.ts MAX_DEPTH). */
function checkDepth(root: SrcNode): void {
  const stack: [SrcNode, number][] = [[root, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (depth > MAX_DEPTH) throw new DtsError(node.loc, `nodes nested deeper than ${MAX_DEPTH}`);
    for (const c of node.children) stack.push([c, depth + 1]);
  }
}

/** Compiles .dts text. `text` may be a JS string (its UTF-8 bytes are the source) or the file's
 *  bytes. Errors are DtsError/DtError with "file:line:col: …" messages. */
export function compileDts(text: string | Uint8Array, options: DtsSourceOptions = {}): DeviceTree {
  const source = typeof text === "string" ? stringToSource(text) : byteString(text);
  const name = options.name ?? "<dts>";
  const parsed = parseDtsSource(source, { ...options, name });
  checkDepth(parsed.root);
  resolveReferences(parsed);

  const where = new Map<DeviceNode, SrcNode>();
  const convert = (src: SrcNode, parent: DeviceNode | null): DeviceNode => {
    const node = new DeviceNode(src.name, parent);
    where.set(node, src);
    node.labels.push(...src.labels);
    for (const p of src.liveProps()) {
      const v = serializeValue(p.chunks);
      node.properties.set(p.name, v.bytes);
      node.propertyForms.set(p.name, v.forms);
      if (p.labels.length) node.propertyLabels.set(p.name, [...p.labels]);
    }
    for (const c of src.liveChildren()) node.children.push(convert(c, node));
    return node;
  };
  const tree = new DeviceTree(convert(parsed.root, null), name);
  tree.plugin = parsed.plugin;
  for (const r of parsed.reservations) tree.reservations.push(reservation(r.address, r.size, r.labels));
  checkTree(tree, (n, property) => {
    const src = where.get(n);
    const prop = property === undefined ? undefined : src?.liveProps().find((p) => p.name === property);
    return prop ? formatLocation(prop.loc) : src ? formatLocation(src.loc) : name;
  });
  tree.bootCpu = guessBootCpu(tree);
  const liveProp = (n: DeviceNode, property: string) => where.get(n)?.liveProps().find((p) => p.name === property);
  tree.sourcePositions = {
    node: (n) => (where.get(n)?.spans ?? []).map(formatSpan),
    property: (n, property) => {
      const span = liveProp(n, property)?.span;
      return span && formatSpan(span);
    },
    references: (n, property) => {
      const p = liveProp(n, property);
      return p ? serializeValue(p.chunks).refs.map((r) => r.offset) : [];
    },
  };
  return tree;
}
