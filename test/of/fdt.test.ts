import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseFdt, FdtError } from "../../src/of/fdt.js";
import { dtc } from "../helpers/dtc.js";
import { ofAddressResources } from "../../src/of/address.js";
import { ofIrqResolve } from "../../src/of/irq.js";

const zynq = new Uint8Array(readFileSync(new URL("../../examples/boards/zynq-7000.dtb", import.meta.url)));

describe("FDT reader", () => {
  it("reads nodes, properties and phandles of the Zynq board", () => {
    const t = parseFdt(zynq);
    expect(t.model).toBe("Zynq-7000 test board");
    const dmac = t.findByPath("/axi/dma-controller@f8003000")!;
    expect(dmac.compatible).toEqual(["arm,pl330", "arm,primecell"]);
    expect(dmac.u32("#dma-cells")).toBe(1);
    expect(dmac.strings("interrupt-names")).toEqual(["abort", "dma0", "dma1", "dma2", "dma3", "dma4", "dma5", "dma6", "dma7"]);
    expect(ofAddressResources(dmac)).toEqual([{ start: 0xf8003000, size: 0x1000, name: "dma-controller@f8003000" }]);
    // GIC SPI 13 is interrupt ID 45; SPI 40 is 72.
    expect(ofIrqResolve(t, dmac).map((i) => i.line)).toEqual([45, 46, 47, 48, 49, 72, 73, 74, 75]);
    const mem = t.findByPath("/memory@0")!;
    expect(ofAddressResources(mem)).toEqual([{ start: 0, size: 0x20000000, name: "memory@0" }]);
  });

  it("resolves phandles of the consumer's dmas", () => {
    const t = parseFdt(zynq);
    const uart = t.findByPath("/axi/serial@e0001000")!;
    const [ph, chanTx] = uart.cells("dmas");
    expect(t.findByPhandle(ph)?.name).toBe("dma-controller@f8003000");
    expect(chanTx).toBe(0);
  });

  it("reads the real board trees shipped with the project's test data", () => {
    for (const f of ["socfpga_cyclone5_socdk.dtb", "rk3399-rockpro64.dtb"]) {
      const t = parseFdt(new Uint8Array(readFileSync(new URL(`../../../shared/devicetree/${f}`, import.meta.url))), f);
      expect([...t.compatibleNodes("arm,pl330")].length).toBeGreaterThan(0);
    }
  });

  it("rejects what is not a device tree blob, naming the offset", () => {
    const junk = new TextEncoder().encode("this is not a device tree blob, honestly it is not");
    expect(() => parseFdt(junk, "junk.bin")).toThrow(/junk\.bin: bad magic 0x74686973 .*not a device tree blob \(at byte offset 0\)/);
    expect(() => parseFdt(new Uint8Array(8))).toThrow(FdtError);
  });

  it("rejects a truncated blob", () => {
    expect(() => parseFdt(zynq.subarray(0, 600), "cut.dtb")).toThrow(/truncated/);
  });

  it("rejects a property that runs past the structure block", () => {
    const bad = zynq.slice();
    const view = new DataView(bad.buffer);
    const off = view.getUint32(8);
    // The first token is BEGIN_NODE "" (8 bytes), then the root's first FDT_PROP: corrupt its length.
    expect(view.getUint32(off + 8)).toBe(3);
    view.setUint32(off + 12, 0x00ffffff);
    expect(() => parseFdt(bad, "bad.dtb")).toThrow(/bad\.dtb: property length 16777215 runs past the structure block \(at byte offset \d+\)/);
  });

  it("reads the version 1–3 layouts: full-path names, 8-aligned long values, name properties", () => {
    const src = `/dts-v1/;\n/memreserve/ 0x1000 0x2000;\n/ { a = <1>; cpus { cpu@3 { reg = <3>; long = /bits/ 64 <0x1122334455667788>; s = "x"; }; }; };`;
    for (const v of [1, 2, 3, 16, 17]) {
      const t = parseFdt(dtc(["-I", "dts", "-O", "dtb", "-V", String(v)], src), `v${v}.dtb`);
      expect(t.version).toBe(v);
      const cpu = t.findByPath("/cpus/cpu@3")!;
      expect(cpu.name).toBe("cpu@3");
      expect([...cpu.prop("long")!]).toEqual([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
      expect(cpu.string("s")).toBe("x");
      // Versions before 16 carry each node's name as a property too.
      expect(cpu.string("name")).toBe(v < 16 ? "cpu" : undefined);
      expect(t.reservations.map((r) => [r.address, r.size])).toEqual([[0x1000, 0x2000]]);
      // v1 has no boot_cpuid_phys: dtc's guess, the first /cpus child's reg.
      expect(t.bootCpu).toBe(3);
    }
  });

  const header = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

  it("reads a newer version that declares itself compatible with 17, as fdt_check_header lets it", () => {
    const b = zynq.slice();
    header(b).setUint32(20, 18);
    header(b).setUint32(24, 17);
    expect(parseFdt(b, "v18.dtb").model).toBe("Zynq-7000 test board");
  });
  const corrupt: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ["an empty file", () => new Uint8Array(0), /^x\.dtb: empty file: not a device tree blob \(at byte offset 0\)$/],
    ["a cut header", (b) => b.subarray(0, 20), /^x\.dtb: only 20 bytes: too short for a device tree header \(at byte offset 20\)$/],
    ["a structure offset past the end", (b) => (header(b).setUint32(8, b.length + 4), b), /structure block offset \d+ lies outside the blob .*\(at byte offset 8\)$/],
    ["a strings offset past the end", (b) => (header(b).setUint32(12, b.length + 4), b), /strings block offset \d+ lies outside the blob .*\(at byte offset 12\)$/],
    ["a strings size past the end", (b) => (header(b).setUint32(32, 1 << 20), b), /strings block \[\d+, \+1048576\) runs past the blob .*\(at byte offset 32\)$/],
    ["a structure size past the end", (b) => (header(b).setUint32(36, 1 << 20), b), /structure block \[\d+, \+1048576\) runs past the blob .*\(at byte offset 36\)$/],
    ["version 5", (b) => (header(b).setUint32(20, 5), b), /^x\.dtb: -FDT_ERR_BADVERSION: unsupported FDT version 5 .*\(at byte offset 20\)$/],
    // fdt_check_header: last_comp_version > FDT_LAST_SUPPORTED_VERSION (17), or version < last_comp_version.
    ["a corrupted last_comp_version", (b) => (header(b).setUint32(24, 0xff000010), b),
      /^x\.dtb: -FDT_ERR_BADVERSION: last_comp_version 4278190096 \(0xff000010\) is newer than 17, .*\(at byte offset 24\)$/],
    ["a last_comp_version after the version", (b) => (header(b).setUint32(20, 16), header(b).setUint32(24, 17), b),
      /^x\.dtb: -FDT_ERR_BADVERSION: version 16 is older than its last_comp_version 17 \(at byte offset 24\)$/],
    ["a misaligned structure offset", (b) => (header(b).setUint32(8, header(b).getUint32(8) + 4), b), /does not start with FDT_BEGIN_NODE \(at byte offset \d+\)$/],
    ["an unknown token", (b) => (header(b).setUint32(header(b).getUint32(8) + 8, 7), b), /invalid structure token 0x00000007 \(at byte offset \d+\)$/],
    ["a name offset past the strings", (b) => (header(b).setUint32(header(b).getUint32(8) + 16, 1 << 16), b), /property name offset 65536 is outside the strings block/],
    ["an unterminated strings block", (b) => (b.fill(0x41, header(b).getUint32(12)), b), /unterminated property name in the strings block/],
  ];
  for (const [what, damage, message] of corrupt) {
    it(`rejects ${what} in one line naming the offset`, () => {
      expect(() => parseFdt(damage(zynq.slice()), "x.dtb")).toThrow(message);
      try {
        parseFdt(damage(zynq.slice()), "x.dtb");
      } catch (e) {
        expect((e as Error).message).not.toContain("\n");
      }
    });
  }
});
