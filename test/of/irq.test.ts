// Interrupt resolution: parents found as Linux finds them, interrupts-extended, interrupt-map
// nexus translation, and GIC specifiers turned into interrupt IDs (SPI n → 32 + n, PPI n →
// 16 + n; GICv3 extended ranges), with the trigger type from the third cell.

import { describe, expect, it } from "vitest";
import { compileDts } from "../../src/of/dts.js";
import { ofIrqResolve, IRQ_TYPE_EDGE_RISING, IRQ_TYPE_LEVEL_HIGH } from "../../src/of/irq.js";

const tree = compileDts(`/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	interrupt-parent = <&gic>;

	gic: interrupt-controller@1000 {
		compatible = "arm,gic-v3";
		interrupt-controller;
		#interrupt-cells = <3>;
		reg = <0x1000 0x1000>;
	};

	gpio: gpio@2000 {
		reg = <0x2000 0x100>;
		interrupt-controller;
		#interrupt-cells = <2>;
		interrupts = <0 40 4>;
	};

	plain@3000 {
		reg = <0x3000 0x10>;
		interrupts = <0 13 4>, <1 9 1>, <2 5 4>;
	};

	extended@4000 {
		reg = <0x4000 0x10>;
		interrupts-extended = <&gic 0 7 4>, <&gpio 3 2>;
	};

	bus {
		#address-cells = <1>;
		#size-cells = <0>;
		#interrupt-cells = <1>;
		interrupt-map-mask = <0xf 0x7>;
		interrupt-map = <0x1 1 &gic 0 100 4>, <0x2 1 &gic 0 101 1>, <0x2 2 &gpio 7 8>;

		child@1 { reg = <1>; interrupts = <1>; };
		child@2 { reg = <2>; interrupts = <1>, <2>; };
		child@3 { reg = <3>; interrupts = <1>; };
	};
};`, { name: "irq.dts" });

const resolve = (p: string) => ofIrqResolve(tree, tree.findByPath(p)!).map((s) => [s.controller.name, s.line, s.type]);

describe("interrupt resolution", () => {
  it("turns GIC specifiers into interrupt IDs and trigger types", () => {
    expect(resolve("/plain@3000")).toEqual([
      ["interrupt-controller@1000", 45, IRQ_TYPE_LEVEL_HIGH],
      ["interrupt-controller@1000", 25, IRQ_TYPE_EDGE_RISING],
      // GICv3 extended SPI 5: 4096 + 5, beyond the silicon's 1024 lines.
      ["interrupt-controller@1000", -1, IRQ_TYPE_LEVEL_HIGH],
    ]);
  });

  it("reads interrupts-extended per entry; a non-GIC controller has no GIC line", () => {
    expect(resolve("/extended@4000")).toEqual([
      ["interrupt-controller@1000", 39, IRQ_TYPE_LEVEL_HIGH],
      ["gpio@2000", -1, 0],
    ]);
  });

  it("translates through interrupt-map by unit address and specifier under the mask", () => {
    expect(resolve("/bus/child@1")).toEqual([["interrupt-controller@1000", 132, IRQ_TYPE_LEVEL_HIGH]]);
    expect(resolve("/bus/child@2")).toEqual([
      ["interrupt-controller@1000", 133, IRQ_TYPE_EDGE_RISING],
      ["gpio@2000", -1, 0],
    ]);
    expect(() => resolve("/bus/child@3")).toThrow(/\/bus\/child@3: interrupt <1> does not resolve: no interrupt-map entry of \/bus matches/);
  });

  it("finds the parent through interrupt-parent up the tree (the GIC's own interrupt goes to itself)", () => {
    expect(resolve("/gpio@2000")).toEqual([["interrupt-controller@1000", 72, IRQ_TYPE_LEVEL_HIGH]]);
  });
});
