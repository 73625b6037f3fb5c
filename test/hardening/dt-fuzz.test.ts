// Device-tree fuzzing, bounded for CI (`npm run fuzz -- --count N` runs long, recorded in
// docs/reliability.md): mutated blobs, .dts source and trees end in a tree or in one clear
// one-line error, never in another exception; whatever reads back writes back the same; a share
// boots and runs a copy. Then the inputs the fuzzer found that once hung or crashed the host.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { builtinDtSeeds, type DtSeed } from "../../src/tools/fuzz/dt-corpus.js";
import { DtFuzzTarget } from "../../src/tools/fuzz/dt-target.js";
import { runFuzz } from "../../src/tools/fuzz/target.js";
import { createSystem } from "../../src/create.js";
import { compileDts } from "../../src/of/dts.js";
import { readDeviceTree } from "../../src/of/load.js";
import { writeFdt } from "../../src/of/fdt-write.js";
import { DtError } from "../../src/of/node.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../of/fixtures/${name}`, import.meta.url)));
const boardDts = (name: string) => readFileSync(new URL(`../../examples/boards/${name}.dts`, import.meta.url), "utf8");

async function seeds(): Promise<DtSeed[]> {
  return [
    ...(await builtinDtSeeds()),
    { name: "features.dts", bytes: fixture("features.dts"), files: { "soc.dtsi": fixture("soc.dtsi"), "blob.bin": fixture("blob.bin") } },
  ];
}

describe("device-tree fuzzing", () => {
  it("600 seeded mutants: a tree or one clear error each, round trips intact, boots that work", async () => {
    const target = new DtFuzzTarget(await seeds(), { bootShare: 0.2 });
    const summary = await runFuzz(target, { seed: 20251121, count: 600 });
    expect(summary.failures).toEqual([]);
    // The mutants reach every stage: the readers refuse some, others survive to boot and copy.
    const count = (re: RegExp) => Object.entries(summary.outcomes).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
    expect(count(/^rejected \(FdtError\)/)).toBeGreaterThan(20);
    expect(count(/^rejected \(DtsError\)/)).toBeGreaterThan(20);
    expect(count(/^tree$/)).toBeGreaterThan(100);
    expect(count(/^booted, memcpy ok$/)).toBeGreaterThan(10);
    expect(count(/^boot refused/)).toBeGreaterThan(0);
  }, 60_000);

  it("the same seed makes the same mutants", async () => {
    const target = new DtFuzzTarget(await seeds());
    const { Random } = await import("../../src/random.js");
    for (const i of [0, 1, 57]) {
      expect(target.describeCase(new Random(5, i), i)).toEqual(target.describeCase(new Random(5, i), i));
    }
    expect(target.describeCase(new Random(5, 1), 1).input).not.toEqual(target.describeCase(new Random(5, 2), 2).input);
  });
});

describe("inputs that once hung or crashed", () => {
  it("an interrupt-parent loop (the root's parent a device inside it) is refused, not followed for ever", async () => {
    const dts = boardDts("arm64-highmem").replace(/interrupt-parent = <&gic>;/, "interrupt-parent = <&dmac>;").replace("dma-controller@ff6e0000 {", "dmac: dma-controller@ff6e0000 {");
    await expect(createSystem({ dts })).rejects.toThrow(DtError);
    await expect(createSystem({ dts })).rejects.toThrow(/interrupt-parent loop through \//);
  });

  it("two interrupt nexus nodes that map to each other are refused", async () => {
    const dts = `/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>; compatible = "xlnx,zynq-7000";
  memory@0 { device_type = "memory"; reg = <0 0x20000000>; };
  a: nexus-a { #interrupt-cells = <1>; #address-cells = <0>; interrupt-map-mask = <0>; interrupt-map = <0 &b 0>; };
  b: nexus-b { #interrupt-cells = <1>; #address-cells = <0>; interrupt-map-mask = <0>; interrupt-map = <0 &a 0>; };
  dma@f8003000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xf8003000 0x1000>; interrupt-parent = <&a>; interrupts = <7>; };
};`;
    await expect(createSystem({ dts })).rejects.toThrow(/interrupt <7> does not resolve: the interrupt tree loops at \/nexus-/);
  });

  it("nesting beyond 64 levels — nodes, parentheses, unary operators — is an error, not a stack overflow", () => {
    const nodes = (n: number) => `/dts-v1/;\n/ {${" a {".repeat(n)}${" };".repeat(n)} };`;
    expect(() => compileDts(nodes(64))).not.toThrow();
    expect(() => compileDts(nodes(65))).toThrow(/nodes nested deeper than 64/);
    expect(() => compileDts(nodes(20000))).toThrow(/nodes nested deeper than 64/);
    expect(compileDts(`/dts-v1/;\n/ { p = <${"(".repeat(40)}7${")".repeat(40)}>; };`).root.cells("p")).toEqual([7]);
    expect(() => compileDts(`/dts-v1/;\n/ { p = <${"(".repeat(20000)}1${")".repeat(20000)}>; };`)).toThrow(/expression nested deeper than 64/);
    expect(() => compileDts(`/dts-v1/;\n/ { p = <(${"-".repeat(50000)}1)>; };`)).toThrow(/expression nested deeper than 64/);
    expect(() => compileDts(`/dts-v1/;\n/ { p = <(${"0 ? 1 : ".repeat(5000)}1)>; };`)).toThrow(/expression nested deeper than 64/);
    // Overrides stacking nodes on a deep label: the merged tree is held to the same depth.
    const deep = `/dts-v1/;\n/ {${" a {".repeat(63)} l: b { };${" };".repeat(63)} };\n&l { c { d { }; }; };`;
    expect(() => compileDts(deep)).toThrow(/nodes nested deeper than 64/);
  });

  it("a device whose reg is larger than the address space: ioremap fails as Linux's does, the probe fails, the boot goes on", async () => {
    const dts = boardDts("arm64-ref").replace("reg = <0x0 0xff6e0000 0x0 0x4000>;", "reg = <0x0 0xff6e0000 0xffffffff 0xffffffff>;");
    const s = await createSystem({ dts });
    expect(s.dmesg()).toContain("dma-pl330: probe of ff6e0000.dma-controller rejects match -6");
    expect(s.kernel.mm.ioremap(0xff6e0000, 2 ** 50)).toBeNull();
    expect(s.dmesg()).toMatch(/vmap allocation for size \d+ failed: use vmalloc=<size> to increase size/);
  });

  it("an interrupt specifier longer than of_irq_parse_raw allows is refused", async () => {
    const dts = `/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>; compatible = "xlnx,zynq-7000";
  memory@0 { device_type = "memory"; reg = <0 0x20000000>; };
  pic: pic { interrupt-controller; #interrupt-cells = <1>; #address-cells = <0x7fffffff>; };
  dma@f8003000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xf8003000 0x1000>; interrupt-parent = <&pic>; interrupts = <7>; };
};`;
    await expect(createSystem({ dts })).rejects.toThrow(/\/pic: #address-cells \+ #interrupt-cells = 2147483648 is more than 16/);
  });

  it("a memory bank that does not start on a page or a section: the kernel trims it, as Linux does", async () => {
    const dts = boardDts("zynq-7000").replace("reg = <0x0 0x20000000>;", "reg = <0x5bb6e1f7 0x4204096f>;");
    const s = await createSystem({ dts });
    expect(s.dmesg()).toContain("Ignoring memory range 0x5bb6e1f7 - 0x5bc00000");
    expect(s.kernel.mm.layout.physOffset).toBe(0x5bc00000);
    expect(s.kernel.mm.ramEnd).toBe(0x9db00000);
    expect(s.run("memcpy", { size: "64K" })).toMatchObject({ ok: true });
  });

  it("banks that overlap are one bank, not pages counted twice", async () => {
    const dts = boardDts("arm64-ref").replace("reg = <0x0 0x40000000 0x0 0x40000000>;", "reg = <0x0 0x40000000 0x0 0x20000000 0x0 0x50000000 0x0 0x20000000>;");
    const s = await createSystem({ dts });
    expect(s.board.ram.map(({ start, size }) => ({ start, size }))).toEqual([{ start: 0x40000000, size: 0x30000000 }]);
    expect(s.dmesg()).toMatch(/Memory: \d+K\/786432K available/);
  });

  it("RAM above what dmasim's memmap holds is ignored with Linux's warning", async () => {
    const dts = boardDts("arm64-ref").replace("reg = <0x0 0x40000000 0x0 0x40000000>;", "reg = <0x0 0x40000000 0x0 0x10000000 0x1000 0x0 0x0 0x10000000>;");
    const s = await createSystem({ dts });
    expect(s.dmesg()).toContain("Ignoring memory block 0x100000000000 - 0x100010000000");
    expect(s.kernel.mm.ramEnd).toBe(0x50000000);
  });

  it("a blob with 20,000 properties writes in linear time and shares names as dtc does", () => {
    const names = Array.from({ length: 20000 }, (_, i) => `p${i}`);
    const text = `/dts-v1/;\n/ { long-name-${"x".repeat(80)} = <1>; name-${"x".repeat(80)}; ${names.map((n) => `${n} = <1>;`).join(" ")} ${"x".repeat(70)}; };`;
    const blob = writeFdt(compileDts(text));
    const back = readDeviceTree(blob).tree;
    expect(back.root.properties.size).toBe(20003);
    // dtc's string table: a name that ends an earlier one shares its bytes (long names too).
    const v = new DataView(blob.buffer);
    const strings = blob.subarray(v.getUint32(12), v.getUint32(12) + v.getUint32(32));
    const table = new TextDecoder().decode(strings);
    expect(table.startsWith(`long-name-${"x".repeat(80)}\0p0\0`)).toBe(true);
    expect(table).not.toContain(`\0name-${"x".repeat(80)}\0`);
    expect(table).not.toContain(`\0${"x".repeat(70)}\0`);
    expect(strings.length).toBe(`long-name-${"x".repeat(80)}`.length + 1 + names.reduce((n, s) => n + s.length + 1, 0));
  });
});
