// Text mutations of .dts source: what a hurried edit does to a board file. Spans are deleted,
// repeated or moved, lines swapped, and the pieces of dtc's grammar that need care (braces,
// quotes, cell lists, references, directives, expressions, very deep nesting, numbers at the
// edges of 64 bits) inserted at random places.

import { byteString, stringBytes } from "../../of/node.js";
import type { Random } from "../../random.js";
import type { Mutant } from "./blob-mutations.js";

const TOKENS = [
  "{", "}", "};", ";", "<", ">", "[", "]", "(", ")", "\"", "'", ",", "=", "&", "&{/}", "&{/nowhere}", "&nolabel",
  "lbl:", "lbl: n { };", "/delete-node/ ", "/delete-property/ ", "/omit-if-no-ref/ ", "/memreserve/ 0 0;",
  "/bits/ 8 ", "/bits/ 64 ", "/bits/ 7 ", "/incbin/(\"/nonexistent\")", "/include/ \"/nonexistent.dtsi\"", "/plugin/;",
  "/dts-v1/;", "0x", "0xffffffffffffffff", "0x10000000000000000", "18446744073709551616", "-1", "(1/0)", "(1%0)",
  "(1 << 64)", "(~0 >> 1)", "(0 ? 1 : 2)", "'\\x'", "'\\777'", "\"\\", "\\", "@", "@@", "#", "#include <x.h>",
  "\0", "\u00ff", "/*", "*/", "//", "\n", "interrupt-parent = <&{/}>;", "#address-cells = <0xffffffff>;",
  "#size-cells = <0>;", "#interrupt-cells = <0x7fffffff>;", "reg = <0xffffffff 0xffffffff 0xffffffff 0xffffffff>;",
  "ranges = <0 0 0xffffffff>;", "dma-ranges;", "status = \"disabled\";", "phandle = <1>;", "phandle = <0xffffffff>;",
];

function clampSpan(r: Random, text: string): [number, number] {
  const a = r.int(text.length + 1);
  const len = r.chance(0.8) ? r.range(1, 16) : r.range(1, 400);
  return [a, Math.min(text.length, a + len)];
}

type SourceMutation = (r: Random, text: string) => { text: string; label: string };

const MUTATIONS: SourceMutation[] = [
  function deleteSpan(r, t) {
    const [a, b] = clampSpan(r, t);
    return { text: t.slice(0, a) + t.slice(b), label: `delete [${a}, ${b})` };
  },
  function repeatSpan(r, t) {
    const [a, b] = clampSpan(r, t);
    const at = r.int(t.length + 1);
    return { text: t.slice(0, at) + t.slice(a, b) + t.slice(at), label: `copy [${a}, ${b}) to ${at}` };
  },
  function insertToken(r, t) {
    const tok = r.pick(TOKENS);
    const at = r.int(t.length + 1);
    return { text: t.slice(0, at) + tok + t.slice(at), label: `insert ${JSON.stringify(tok)} at ${at}` };
  },
  function replaceNumber(r, t) {
    const numbers = [...t.matchAll(/\b(0x[0-9a-fA-F]+|\d+)\b/g)];
    if (!numbers.length) return { text: t, label: "replace number (none)" };
    const m = r.pick(numbers);
    const v = r.pick(["0", "1", "0xffffffff", "0x80000000", "0xffffffffffffffff", "0x100000000", "4294967296", "99999999999999999999", "0x"]);
    return { text: t.slice(0, m.index) + v + t.slice(m.index! + m[0].length), label: `number at ${m.index} = ${v}` };
  },
  function swapLines(r, t) {
    const lines = t.split("\n");
    const i = r.int(lines.length);
    const j = r.int(lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return { text: lines.join("\n"), label: `swap lines ${i + 1} and ${j + 1}` };
  },
  function truncate(r, t) {
    const at = r.int(t.length + 1);
    return { text: t.slice(0, at), label: `truncate at ${at}` };
  },
  function deepNesting(r, t) {
    // Deeper than any reader's limit: recursion must be bounded, not the host's stack.
    const depth = r.pick([63, 64, 65, 200, 5000, 50000]);
    const kind = r.int(3);
    const inner = kind === 0 ? "n { ".repeat(depth) + "};".repeat(depth)
      : kind === 1 ? `p = <${"(".repeat(depth)}1${")".repeat(depth)}>;` : `p = <(${"-".repeat(depth)}1)>;`;
    const close = t.lastIndexOf("};");
    const at = close < 0 ? t.length : close;
    return { text: t.slice(0, at) + inner + t.slice(at), label: `${["nodes", "parentheses", "unary minus"][kind]} nested ${depth} deep` };
  },
];

/** One random mutation of .dts source (as bytes: the fuzzer feeds the reader bytes). */
export function mutateSource(r: Random, source: Uint8Array): Mutant {
  const m = r.pick(MUTATIONS);
  const out = m(r, byteString(source));
  return { bytes: stringBytes(out.text), label: `${m.name}: ${out.label}` };
}
