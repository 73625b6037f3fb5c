import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseFdt, FdtError } from "../../src/of/fdt.js";
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
    expect(ofAddressResources(dmac)).toEqual([{ start: 0xf8003000, size: 0x1000, name: undefined }]);
    // GIC SPI 13 is interrupt ID 45; SPI 40 is 72.
    expect(ofIrqResolve(t, dmac).map((i) => i.line)).toEqual([45, 46, 47, 48, 49, 72, 73, 74, 75]);
    const mem = t.findByPath("/memory@0")!;
    expect(ofAddressResources(mem)).toEqual([{ start: 0, size: 0x20000000, name: undefined }]);
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
});
