// The .dts compiler: what each construct puts in the tree, with expected bytes worked out by
// hand from the source (dtc agreement is roundtrip.test.ts's job).

import { describe, expect, it } from "vitest";
import { compileDts } from "../../src/of/dts.js";
import type { DeviceTree } from "../../src/of/node.js";

const dts = (body: string, files: Record<string, string> = {}): DeviceTree =>
  compileDts(`/dts-v1/;\n${body}`, {
    name: "t.dts",
    readFile: (p) => (p in files ? new TextEncoder().encode(files[p]) : undefined),
  });

const bytes = (t: DeviceTree, path: string, prop: string) => [...t.findByPath(path)!.prop(prop)!];
const u32s = (...v: number[]) => v.flatMap((x) => [(x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255]);
const str = (...s: string[]) => s.flatMap((x) => [...new TextEncoder().encode(x), 0]);

describe("DTS values", () => {
  it("encodes cells, /bits/ arrays, byte strings and mixed values big-endian", () => {
    const t = dts(`/ {
      a = <1 0x10 0xdeadbeef>;
      b8 = /bits/ 8 <1 0xff>;
      b16 = /bits/ 16 <0x1234 5>;
      b64 = /bits/ 64 <0x0102030405060708>;
      bs = [0a 0B cc0d];
      mixed = "x", <2>, [ff], /bits/ 16 <3>;
      e;
    };`);
    expect(bytes(t, "/", "a")).toEqual(u32s(1, 16, 0xdeadbeef));
    expect(bytes(t, "/", "b8")).toEqual([1, 255]);
    expect(bytes(t, "/", "b16")).toEqual([0x12, 0x34, 0, 5]);
    expect(bytes(t, "/", "b64")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(bytes(t, "/", "bs")).toEqual([10, 11, 0xcc, 13]);
    expect(bytes(t, "/", "mixed")).toEqual([120, 0, ...u32s(2), 255, 0, 3]);
    expect(bytes(t, "/", "e")).toEqual([]);
  });

  it("evaluates expressions in unsigned 64-bit arithmetic with C precedence", () => {
    const t = dts(`/ {
      p = <(1 + 2 * 3) (10 - 2 - 3) (1 << 4 | 1) (7 / 2) (7 % 4) (-1) (~0x0f) (!5) (2 < 3 == 1) (1 ? 2 : 3) (0 ? 2 : 0 ? 3 : 4)>;
      q = /bits/ 64 <(-1) (1 << 63) ((1 << 64) + (8 >> 70))>;
      c = <'A' '\\n' '\\x41' '\\101' '\\\\'>;
      o = <010 0x10 10>;
    };`);
    expect(bytes(t, "/", "p")).toEqual(u32s(7, 5, 17, 3, 3, 0xffffffff, 0xfffffff0, 0, 1, 2, 4));
    expect(bytes(t, "/", "q")).toEqual([...Array(8).fill(255), 0x80, ...Array(7).fill(0), ...Array(8).fill(0)]);
    expect(bytes(t, "/", "c")).toEqual(u32s(65, 10, 65, 65, 92));
    expect(bytes(t, "/", "o")).toEqual(u32s(8, 16, 10));
  });

  it("decodes string escapes and string lists", () => {
    const t = dts(`/ { s = "a\\tb\\"c\\\\", "", "\\x7e\\0z"; };`);
    expect(bytes(t, "/", "s")).toEqual([97, 9, 98, 34, 99, 92, 0, 0, 0x7e, 0, 122, 0]);
    expect(t.root.strings("s")).toEqual(["a\tb\"c\\", "", "~", "z"]);
  });

  it("reads at most two hex digits after \\x and three octal digits after \\ (dtc: \"\\x414\" is \"A4\")", () => {
    const t = dts(`/ { s = "\\x414", "\\1012"; };`);
    expect(bytes(t, "/", "s")).toEqual([0x41, 0x34, 0, 0x41, 0x32, 0]);
  });

  it("takes 2^64 - 1 as a 64-bit literal and refuses 2^64", () => {
    expect(bytes(dts(`/ { p = /bits/ 64 <0xffffffffffffffff>; };`), "/", "p")).toEqual(Array(8).fill(0xff));
    expect(() => dts(`/ { p = /bits/ 64 <0x10000000000000000>; };`)).toThrow(/integer literal '0x10000000000000000' out of range/);
  });

  it("rejects values that do not fit their element", () => {
    expect(() => dts(`/ { p = /bits/ 8 <0x100>; };`)).toThrow(/t\.dts:2:19: value out of range for 8-bit array element/);
    expect(() => dts(`/ { p = <0x100000000>; };`)).toThrow(/value out of range for 32-bit/);
    expect(dts(`/ { p = /bits/ 8 <(-128)>; };`).root.prop("p")).toEqual(Uint8Array.of(0x80));
  });
});

describe("DTS references and phandles", () => {
  it("gives referenced nodes phandles in order of first reference, skipping explicit ones", () => {
    const t = dts(`/ {
      user = <&b &a &b &d>;
      a: a { };
      b: b { };
      c: c { phandle = <2>; };
      d: d { };
    };`);
    // b gets 1, a would get 2 but c holds it, so 3; d then 4.
    expect(bytes(t, "/", "user")).toEqual(u32s(1, 3, 1, 4));
    expect(t.findByPath("/b")!.phandle).toBe(1);
    expect(t.findByPath("/a")!.phandle).toBe(3);
    expect(t.findByPath("/d")!.phandle).toBe(4);
    expect([...t.findByPath("/a")!.properties.keys()]).toEqual(["phandle"]);
  });

  it("turns references outside cells into full paths, also by &{/path}", () => {
    const t = dts(`/ {
      aliases { s = &uart; t = &{/bus/serial@1}; };
      bus { uart: serial@1 { }; };
    };`);
    expect(t.findByPath("/aliases")!.strings("s")).toEqual(["/bus/serial@1"]);
    expect(t.findByPath("/aliases")!.strings("t")).toEqual(["/bus/serial@1"]);
    // A path reference does not give the node a phandle.
    expect(t.findByPath("/bus/serial@1")!.phandle).toBeUndefined();
  });

  it("lets a node ask for its own phandle", () => {
    const t = dts(`/ { n: n { phandle = <&n>; }; };`);
    expect(t.findByPath("/n")!.phandle).toBe(1);
  });

  it("reports references to nothing at the reference", () => {
    expect(() => dts(`/ {\n  p = <1 &nowhere>;\n};`)).toThrow(/^t\.dts:3:10: reference to non-existent node or label "nowhere"$/);
    expect(() => dts(`/ {\n  p = &{/no/such};\n};`)).toThrow(/^t\.dts:3:7: reference to non-existent node or label "\/no\/such"$/);
  });
});

describe("DTS tree edits", () => {
  it("overrides by label and by path, merging properties in place and appending new ones", () => {
    const t = dts(`/ { x: node { a = <1>; b = <2>; }; };
      &x { b = <3>; c = <4>; };
      &{/node} { d; };`);
    const n = t.findByPath("/node")!;
    expect([...n.properties.keys()]).toEqual(["a", "b", "c", "d"]);
    expect(bytes(t, "/node", "b")).toEqual(u32s(3));
  });

  it("deletes properties and nodes, and revives a deleted node where it stood", () => {
    const t = dts(`/ { a { p; q; }; b: b { }; c { }; };
      / { a { /delete-property/ p; }; };
      /delete-node/ &b;
      / { /delete-node/ c; d { }; b { again; }; };`);
    expect(t.root.children.map((c) => c.name)).toEqual(["a", "b", "d"]);
    expect([...t.findByPath("/a")!.properties.keys()]).toEqual(["q"]);
    expect([...t.findByPath("/b")!.properties.keys()]).toEqual(["again"]);
    // The deleted node's label went with it.
    expect(() => dts(`/ { b: b { }; }; /delete-node/ &b; / { p = <&b>; };`)).toThrow(/reference to non-existent node or label "b"/);
  });

  it("drops /omit-if-no-ref/ nodes nobody references", () => {
    const t = dts(`/ { use = <&b>; /omit-if-no-ref/ a: a { }; /omit-if-no-ref/ b: b { }; c: c { }; };
      /omit-if-no-ref/ &c;`);
    expect(t.root.children.map((c) => c.name)).toEqual(["b"]);
  });

  it("reads /include/ files relative to the includer and /incbin/ bytes", () => {
    const t = compileDts(`/dts-v1/;\n/include/ "sub/soc.dtsi"\n/ { blob = /incbin/("sub/data.bin", 1, 2); };`, {
      name: "/b/board.dts",
      readFile: (p) =>
        ({
          "/b/sub/soc.dtsi": new TextEncoder().encode(`/ { soc { /include/ "cpu.dtsi" }; };`),
          "/b/sub/cpu.dtsi": new TextEncoder().encode(`cpu = "a9";`),
          "/b/sub/data.bin": Uint8Array.of(9, 8, 7, 6),
        })[p],
    });
    expect(t.findByPath("/soc")!.string("cpu")).toBe("a9");
    expect(bytes(t, "/", "blob")).toEqual([8, 7]);
  });

  it("keeps memory reservations and their expressions", () => {
    const t = dts(`r: /memreserve/ 0x1000 (4 * 1024);\n/memreserve/ (1 << 33) 0x10;\n/ { };`);
    expect(t.reservations.map((r) => [r.address64, r.size64, r.labels])).toEqual([
      [0x1000n, 0x1000n, ["r"]],
      [1n << 33n, 0x10n, undefined],
    ]);
  });

  it("guesses the boot CPU as dtc does: the reg of the first /cpus child", () => {
    expect(dts(`/ { cpus { cpu@2 { reg = <2>; }; cpu@0 { reg = <0>; }; }; };`).bootCpu).toBe(2);
    expect(dts(`/ { cpus { cpu-map { }; cpu@2 { reg = <2>; }; }; };`).bootCpu).toBe(0);
  });
});

describe("DTS errors", () => {
  const cases: [string, string, RegExp][] = [
    ["unterminated string", `/ {\n\tmodel = "abc;\n};\n`, /^t\.dts:3:10: unterminated string/],
    ["unterminated comment", `/* open\n/ { };`, /^t\.dts:2:1: unterminated comment$/],
    ["missing semicolon", `/ {\n\ta = "x"\n\tb;\n};`, /^t\.dts:4:2: syntax error: expected ',' or ';' after a value, found 'b'$/],
    ["missing }; at the end", `/ {\n\tn {\n\t};\n`, /^t\.dts:5:1: syntax error: expected a property or node name, or '}', found the end of the file$/],
    ["cpp #include", `#include <dt-bindings/gpio/gpio.h>\n/ { };`, /^t\.dts:2:1: "#include" is a C preprocessor directive.*cpp -nostdinc -I KERNEL\/include .*give FILE.s directory with -i DIR/],
    ["duplicate node", `/ {\n\ta { };\n\ta { };\n};`, /^t\.dts:4:2: duplicate node name "a" in \/$/],
    ["duplicate property", `/ {\n\ta;\n\ta = <1>;\n};`, /^t\.dts:4:2: duplicate property name "a" in \/$/],
    ["duplicate label", `/ {\n\tx: a { };\n\tx: b { };\n};`, /^t\.dts:4:5: duplicate label 'x' on \/b and \/a$/],
    ["bad /bits/", `/ { p = /bits/ 12 <1>; };`, /^t\.dts:2:16: array elements must be 8, 16, 32 or 64-bits$/],
    ["division by zero", `/ { p = <(1 / 0)>; };`, /^t\.dts:2:13: division by zero$/],
    ["reference in 16-bit cells", `/ { a: a { }; };\n/ { p = /bits/ 16 <&a>; };`, /^t\.dts:3:20: references are only allowed in arrays with 32-bit elements$/],
    ["property after subnode", `/ {\n\tn { };\n\tp;\n};`, /^t\.dts:4:2: properties must precede subnodes$/],
    ["no header", ``, /^t\.dts:2:1: missing \/dts-v1\/;/],
    ["override of unknown label", `/ { };\n&nope { };`, /^t\.dts:3:1: label or path nope not found$/],
    ["bad octal", `/ { p = <09>; };`, /^t\.dts:2:10: bad integer literal '09'$/],
    ["odd byte string", `/ { p = [012]; };`, /^t\.dts:2:12: a byte string needs two hex digits per byte$/],
    ["missing include", `/include/ "gone.dtsi"\n/ { };`, /^t\.dts:2:1: cannot find "gone.dtsi" for \/include\//],
    ["unterminated cells", `/ { p = <1 2`, /^t\.dts:2:13: unterminated cell list \(missing '>'\)$/],
    ["bad phandle", `/ {\n\tn { phandle = <0xffffffff>; };\n};`, /^t\.dts:3:6: bad value \(0xffffffff\) in phandle property of \/n$/],
    ["name property", `/ {\n\tn { name = "m"; };\n};`, /^t\.dts:3:6: "name" property is incorrect \("m" instead of base node name\) \(\/n\)$/],
    ["two @", `/ {\n\ta@1@2 { };\n};`, /^t\.dts:3:2: multiple '@' characters in node name/],
    // dtc: an escaped name (\name) is a property or node name, never a label: a syntax error.
    ["escaped name as a label", `/ {\n\t\\lbl: prop;\n};`, /^t\.dts:3:6: syntax error: expected '=', ';' or '\{' after "lbl", found ':'$/],
  ];
  for (const [what, text, message] of cases) {
    it(`names file, line and column: ${what}`, () => {
      const source = what === "no header" ? `\n${text}` : `/dts-v1/;\n${text}`;
      expect(() => compileDts(source, { name: "t.dts", readFile: () => undefined })).toThrow(message);
    });
  }

  it("follows cpp line markers for locations", () => {
    expect(() => compileDts(`/dts-v1/;\n# 40 "board.dts"\n/ {\n\tp = <&x>;\n};`, { name: "t.i" })).toThrow(/^board\.dts:41:7: reference to non-existent/);
  });

  it("refuses /include/ without file access, saying so", () => {
    expect(() => compileDts(`/dts-v1/;\n/include/ "a.dtsi"\n/ { };`, { name: "t.dts" })).toThrow(/t\.dts:2:1: cannot read "a\.dtsi" for \/include\/: no file access here/);
  });
});
