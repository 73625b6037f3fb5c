// dtc's warnings for the properties dmasim reads, as `dmasim dt` prints them. Every expected
// text below is what Debian's dtc 1.6.1 (/usr/bin/dtc) printed for the same source, run by hand
// and pasted here ("dtc -I dts -O dtb X.dts -o out.dtb"), with dtc's warnings of checks dmasim
// leaves out (unit_address_vs_reg, interrupt_provider: see src/of/checks.ts) removed.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileDts } from "../../src/of/dts.js";
import { parseFdt } from "../../src/of/fdt.js";
import { writeFdt } from "../../src/of/fdt-write.js";
import { dtcWarnings, formatDtWarning } from "../../src/of/dtc-warnings.js";
import { rk3288With } from "../helpers/rk3288-tree.js";

const root = new URL("../..", import.meta.url).pathname;

/** The warnings for `source` compiled as `name`, as lines (dtc names its output file, here
 *  out.dtb, where a warning has no source position). */
function warnings(source: string, name: string, outName = "out.dtb"): string[] {
  return dtcWarnings(compileDts(source, { name })).flatMap((w) => formatDtWarning(w, outName).split("\n"));
}

/** dtc's cascade after reg_format fails: the checks that need it say so. */
const regFormatFailed = ["pci_device_reg", "pci_device_bus_num", "simple_bus_reg", "i2c_bus_reg", "spi_bus_reg"].map(
  (c) => `out.dtb: Warning (${c}): Failed prerequisite 'reg_format'`,
);

const SPAN = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	foo@0 {
		reg = <0 1 2>;
		dmas = <&bar 1>;
	};
        bar: bar {
          x;
	};
	baz { interrupts = <1 2>; };
};
&bar { y; };
`;

const CASES = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	interrupt-parent = <&intc>;
	intc: intc@1000 {
		reg = <0x1000 0x100>;
		interrupt-controller;
	};
	notc: notc {
	};
	dev1@2000 {
		reg = <0x2000 0x10>;
		interrupts = <1 2 3>;
	};
	dev2@3000 {
		reg = <0x3000 0x10>;
		interrupt-parent = <&notc>;
		interrupts = <1>;
	};
	dev3 {
		interrupt-parent = <0>;
		interrupts = <1>;
	};
	dev4 {
		interrupt-parent = <0x77>;
		interrupts = <1>;
	};
	dev5 {
		interrupts = [01 02];
	};
	bus {
		#address-cells = <2>;
		#size-cells = <1>;
		ranges = <0 0 1>;
		dma-ranges;
		d@0 { reg = []; };
	};
	dma: dma {
		#dma-cells = <1>;
	};
	dev6 { dmas = <&dma 1>; };
	dma2: dma2 { #dma-cells = <2>; };
	dev7 { dmas = <&dma2 1>; };
	dev8 { dmas = <0x99 1>; };
	dev9 { dmas = <0 &dma2 1 2>, <&dma2>; };
	dev10 { interrupts-extended = <&notc 1>; };
	dev11 { dmas = [01 02 03]; };
};
`;

describe("dtc's warnings", () => {
  it("give dtc's positions, check names and words: reg length, missing #dma-cells, no interrupt parent", () => {
    expect(warnings(SPAN, "span.dts")).toEqual([
      "span.dts:6.3-17: Warning (reg_format): /foo@0:reg: property has invalid length (12 bytes) (#address-cells == 1, #size-cells == 1)",
      ...regFormatFailed,
      "span.dts:5.8-8.4: Warning (dmas_property): /foo@0: Missing property '#dma-cells' in node /bar or bad phandle (referred from dmas[0])",
      "span.dts:12.6-30: Warning (interrupts_property): /baz: Missing interrupt-parent",
    ]);
  });

  it("check reg, ranges, dma-ranges, dmas, interrupts-extended and interrupt-parent as dtc does", () => {
    expect(warnings(CASES, "cases.dts")).toEqual([
      "cases.dts:37.9-18: Warning (reg_format): /bus/d@0:reg: property is empty",
      'cases.dts:35.3-20: Warning (ranges_format): /bus:ranges: "ranges" property has invalid length (12 bytes) (parent #address-cells == 1, child #address-cells == 2, #size-cells == 1)',
      'cases.dts:36.3-14: Warning (dma_ranges_format): /bus:dma-ranges: empty "dma-ranges" property but its #address-cells (2) differs from / (1)',
      ...regFormatFailed,
      "cases.dts:44.9-26: Warning (dmas_property): /dev7:dmas: property size (8) too small for cell size 2",
      "cases.dts:45.9-25: Warning (dmas_property): /dev8:dmas: cell 0 is not a phandle reference",
      "cases.dts:45.9-25: Warning (dmas_property): /dev8:dmas: Could not get phandle node for (cell 0)",
      "cases.dts:46.9-39: Warning (dmas_property): /dev9:dmas: property size (20) too small for cell size 2",
      "cases.dts:48.10-28: Warning (dmas_property): /dev11:dmas: property size (3) is invalid, expected multiple of 4",
      "cases.dts:47.8-45: Warning (interrupts_extended_property): /dev10: Missing property '#interrupt-cells' in node /notc or bad phandle (referred from interrupts-extended[0])",
      "cases.dts:10.13-11.4: Warning (interrupts_property): /notc: Missing interrupt-controller or interrupt-map property",
      "cases.dts:22.3-26: Warning (interrupts_property): /dev3:interrupt-parent: Invalid phandle",
      "cases.dts:21.7-24.4: Warning (interrupts_property): /dev3: Missing interrupt-parent",
      "cases.dts:26.3-29: Warning (interrupts_property): /dev4:interrupt-parent: Bad phandle",
      "cases.dts:30.3-24: Warning (interrupts_property): /dev5:interrupts: size (2) is invalid, expected multiple of 4",
    ]);
  });

  it("skip a check whose prerequisite failed, saying so as dtc does (#dma-cells not one cell)", () => {
    const lines = warnings(CASES.replace("#dma-cells = <1>;", "#dma-cells = <1 2>;"), "cases.dts");
    expect(lines.filter((l) => /dmas/.test(l))).toEqual([
      "cases.dts:40.3-22: Warning (dmas_is_cell): /dma:#dma-cells: property is not a single cell",
      "out.dtb: Warning (dmas_property): Failed prerequisite 'dmas_is_cell'",
    ]);
  });

  it("cascade through dtc's dependent checks when #address-cells is not one cell", () => {
    const acells = `/dts-v1/;
/ {
	#address-cells = <1 1>;
	#size-cells = <1>;
	d@0 { reg = <0 1>; };
};
`;
    const lines = warnings(acells, "acells.dts");
    expect(lines[0]).toBe("acells.dts:3.2-25: Warning (address_cells_is_cell): /:#address-cells: property is not a single cell");
    const failed = (check: string, prereq: string) => `out.dtb: Warning (${check}): Failed prerequisite '${prereq}'`;
    expect(lines.slice(1)).toEqual([
      failed("addr_size_cells", "address_cells_is_cell"),
      failed("reg_format", "addr_size_cells"),
      failed("ranges_format", "addr_size_cells"),
      failed("dma_ranges_format", "addr_size_cells"),
      failed("pci_bridge", "addr_size_cells"),
      failed("unit_address_format", "pci_bridge"),
      failed("simple_bus_bridge", "addr_size_cells"),
      failed("unit_address_format", "simple_bus_bridge"),
      failed("pci_device_reg", "reg_format"),
      failed("pci_device_reg", "pci_bridge"),
      failed("pci_device_bus_num", "reg_format"),
      failed("pci_device_bus_num", "pci_bridge"),
      failed("simple_bus_reg", "reg_format"),
      failed("simple_bus_reg", "simple_bus_bridge"),
      failed("i2c_bus_bridge", "addr_size_cells"),
      failed("i2c_bus_reg", "reg_format"),
      failed("i2c_bus_reg", "i2c_bus_bridge"),
      failed("spi_bus_bridge", "addr_size_cells"),
      failed("spi_bus_reg", "reg_format"),
      failed("spi_bus_reg", "spi_bus_bridge"),
      failed("avoid_default_addr_size", "addr_size_cells"),
      failed("avoid_unnecessary_addr_size", "avoid_default_addr_size"),
      failed("unique_unit_address", "avoid_default_addr_size"),
    ]);
  });

  it("name a node's other definitions (an &label override) as dtc does", () => {
    const also = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	u: uart@100 {
		reg = <0x100 0x10>;
	};
	n: nodma { };
};
&u {
	dmas = <&n 1>;
};
`;
    expect(warnings(also, "also.dts")).toEqual([
      "also.dts:5.14-7.4: Warning (dmas_property): /uart@100: Missing property '#dma-cells' in node /nodma or bad phandle (referred from dmas[0])",
      "  also defined at also.dts:10.4-12.3",
    ]);
  });

  it("name the output file for a blob, which has no positions, and leave out the source-only reference check", () => {
    const blob = parseFdt(writeFdt(compileDts(CASES, { name: "cases.dts" })), "cases.dtb");
    const lines = dtcWarnings(blob).map((w) => formatDtWarning(w, "<stdout>"));
    // dtc -I dtb -O dts cases.dtb (dtc 1.6.1 on the blob dtc compiled from cases.dts).
    expect(lines.filter((l) => /dev8/.test(l))).toEqual(["<stdout>: Warning (dmas_property): /dev8:dmas: Could not get phandle node for (cell 0)"]);
    expect(lines[0]).toBe("<stdout>: Warning (reg_format): /bus/d@0:reg: property is empty");
  });

  it("for the RK3288-like tree's mistakes: a short interrupts entry, a provider without #dma-cells", () => {
    // dtc 1.6.1 names the parent's #interrupt-cells (where it stands in the source) after the
    // consumer's path: checks.c passes that property, not "interrupts", to its message.
    expect(warnings(rk3288With("interrupts = <0 2 4>, <0 3 4>;", "interrupts = <0 2>, <0 3>;"), "irq4.dts")).toEqual([
      "irq4.dts:78.4-27: Warning (interrupts_property): /soc/dma-controller@ff250000:#interrupt-cells: size is (16), expected multiple of 12",
    ]);
    const noDmaCells = rk3288With("interrupts = <0 2 4>, <0 3 4>;\n\t\t\t#dma-cells = <1>;\n", "interrupts = <0 2 4>, <0 3 4>;\n");
    expect(warnings(noDmaCells, "nodmacells.dts")).toEqual([
      "nodmacells.dts:67.26-73.5: Warning (dmas_property): /soc/serial@ff690000: Missing property '#dma-cells' in node /soc/dma-controller@ff250000 or bad phandle (referred from dmas[0])",
    ]);
  });

  it("are none for dmasim's own boards", () => {
    for (const board of ["zynq-7000", "arm64-ref", "arm64-highmem", "arm64-dma-offset", "rk3288-like"]) {
      const file = join(root, "examples/boards", `${board}.dts`);
      expect(warnings(readFileSync(file, "utf8"), file), board).toEqual([]);
    }
  });
});
