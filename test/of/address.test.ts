// Address translation, dma-ranges and device names, on small trees whose answers are worked
// out by hand from the cells.

import { describe, expect, it } from "vitest";
import { compileDts } from "../../src/of/dts.js";
import { ofAddressResources, ofDmaGetRange, ofTranslateReg } from "../../src/of/address.js";
import { ofDeviceMakeBusId, ofDmaConfigure, ofDmaIsCoherent } from "../../src/of/device.js";
import type { Device } from "../../src/kernel/device.js";

const tree = compileDts(`/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;

	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		/* child 0x0–0x0fffffff at CPU 0x1_f000_0000; child 0x8000_0000+ 1:1 in the low 4 GiB */
		ranges = <0x0 0x1 0xf0000000 0x10000000>, <0x80000000 0x0 0x80000000 0x10000000>;
		dma-ranges = <0x0 0x0 0x40000000 0x20000000>;

		uart: serial@1000 {
			reg = <0x1000 0x100>, <0x2000 0x10>, <0x20000000 0x10>, <0x3000 0x10>;
			reg-names = "regs", "fifo", "outside";
		};

		low@80001000 {
			reg = <0x80001000 0x1000>;
		};

		mfd@4000 {
			reg = <0x4000 0x100>;
			coherent-bus {
				dma-coherent;
				#address-cells = <1>;
				#size-cells = <1>;
				dev@10 { reg = <0x10 0x4>; };
				nc@20 { reg = <0x20 0x4>; dma-noncoherent; };
			};
		};

		masked@5000 {
			reg = <0x5000 0x10>;
			mask = <0x30>;
		};
	};

	wide {
		#address-cells = <2>;
		#size-cells = <1>;
		ranges;
		big@123456789 { reg = <0x1 0x23456789 0x100>; };
	};

	noranges {
		#address-cells = <1>;
		#size-cells = <1>;
		dev@10 { reg = <0x10 0x10>; };
	};

	fixed-clock { };
};`, { name: "a.dts" });

const node = (p: string) => tree.findByPath(p)!;

describe("reg translation", () => {
  it("maps reg through each bus's ranges, 64-bit, up to the first entry that does not translate", () => {
    expect(ofAddressResources(node("/soc/serial@1000"))).toEqual([
      { start: 0x1f0001000, size: 0x100, name: "regs" },
      { start: 0x1f0002000, size: 0x10, name: "fifo" },
    ]);
    expect(ofAddressResources(node("/soc/low@80001000"))).toEqual([{ start: 0x80001000, size: 0x1000, name: "low@80001000" }]);
    expect(ofTranslateReg(node("/wide/big@123456789"), 0)).toEqual([0x123456789n, 0x100n]);
    // A bus without ranges does not translate its children.
    expect(ofAddressResources(node("/noranges/dev@10"))).toEqual([]);
  });

  it("a window of ranges ends one byte before child address + size", () => {
    const edge = compileDts(`/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	bus {
		#address-cells = <1>;
		#size-cells = <1>;
		/* child 0x0–0xfff at CPU 0x40000000 */
		ranges = <0x0 0x40000000 0x1000>;
		last@ffc { reg = <0xffc 0x4>; };
		past@1000 { reg = <0x1000 0x4>; };
	};
};`);
    expect(ofTranslateReg(edge.findByPath("/bus/last@ffc")!, 0)).toEqual([0x40000ffcn, 4n]);
    expect(ofTranslateReg(edge.findByPath("/bus/past@1000")!, 0)).toBeUndefined();
  });

  it("names devices as Linux 6.x does", () => {
    expect(ofDeviceMakeBusId(node("/soc/serial@1000"))).toBe("1f0001000.serial");
    expect(ofDeviceMakeBusId(node("/soc/masked@5000"))).toBe("1f0005000.4.masked");
    expect(ofDeviceMakeBusId(node("/soc/mfd@4000/coherent-bus/dev@10"))).toBe("1f0004000.mfd:coherent-bus:dev@10");
    expect(ofDeviceMakeBusId(node("/noranges/dev@10"))).toBe("noranges:dev@10");
    expect(ofDeviceMakeBusId(node("/fixed-clock"))).toBe("fixed-clock");
  });
});

describe("DMA configuration from the tree", () => {
  it("reads the governing dma-ranges, from the nearest bus up", () => {
    expect(ofDmaGetRange(node("/soc"))).toEqual([{ dmaStart: 0n, cpuStart: 0x40000000n, size: 0x20000000n }]);
    // Below soc, the mfd has no dma-ranges of its own: soc's apply.
    expect(ofDmaGetRange(node("/soc/mfd@4000"))).toEqual([{ dmaStart: 0n, cpuStart: 0x40000000n, size: 0x20000000n }]);
    expect(ofDmaGetRange(node("/wide"))).toBeNull();
  });

  it("takes an odd dma-ranges size as a mask, as of_dma_configure does (size + 1)", () => {
    const masked = compileDts(`/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	whole {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		dma-ranges = <0x0 0x0 0xffffffff>;
		dev@10 { reg = <0x10 0x4>; };
	};
	low {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		dma-ranges = <0x0 0x0 0x3fffffff>;
		dev@10 { reg = <0x10 0x4>; };
	};
};`);
    const configured = (path: string) => {
      const dev = { coherent_dma_mask: 0xffffffffn, dma_mask: 0xffffffffn, bus_dma_limit: 0n, dma_range_map: null, dma_coherent: false };
      ofDmaConfigure(dev as unknown as Device, masked.findByPath(path)!);
      return [dev.bus_dma_limit, dev.coherent_dma_mask];
    };
    // 0xffffffff + 1 = 4 GiB from 0: the last DMA address is 0xffffffff.
    expect(configured("/whole/dev@10")).toEqual([0xffffffffn, 0xffffffffn]);
    expect(configured("/low/dev@10")).toEqual([0x3fffffffn, 0x3fffffffn]);
  });

  it("inherits dma-coherent from ancestors unless dma-noncoherent says otherwise", () => {
    expect(ofDmaIsCoherent(node("/soc/mfd@4000/coherent-bus/dev@10"))).toBe(true);
    expect(ofDmaIsCoherent(node("/soc/mfd@4000/coherent-bus/nc@20"))).toBe(false);
    expect(ofDmaIsCoherent(node("/soc/serial@1000"))).toBe(false);
  });
});

describe("ranges and dma-ranges that are not whole entries", () => {
  // Under a root of 2 address cells, a bus of 1 address and 1 size cell has entries of
  // 1 (child) + 2 (parent) + 1 (size) = 4 cells; 2 or 5 cells leave a torn entry.
  const bad = compileDts(`/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <1>;
	shortdma {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		dma-ranges = <0x0 0x0>;
		dev@10 { reg = <0x10 0x4>; };
	};
	longranges {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges = <0x0 0x0 0x80000000 0x1000 0x7>;
		dev@10 { reg = <0x10 0x4>; };
	};
};`);
  const at = (path: string) => bad.findByPath(path)!;

  it("refuses a dma-ranges of 2 cells, naming the bus and the cell counts", () => {
    expect(() => ofDmaGetRange(at("/shortdma"))).toThrow(
      '/shortdma: "dma-ranges" has 2 cells, not a multiple of #address-cells + parent #address-cells + #size-cells = 1 + 2 + 1 = 4',
    );
    // The same check holds when the device's bus only inherits the property.
    expect(() => ofDmaGetRange(at("/shortdma/dev@10"))).toThrow(/"dma-ranges" has 2 cells/);
  });

  it("refuses a ranges with a torn last entry when a reg is translated through it", () => {
    expect(() => ofAddressResources(at("/longranges/dev@10"))).toThrow(
      '/longranges: "ranges" has 5 cells, not a multiple of #address-cells + parent #address-cells + #size-cells = 1 + 2 + 1 = 4',
    );
    // An empty ranges is 1:1 and fine.
    expect(ofAddressResources(at("/shortdma/dev@10"))).toEqual([{ start: 0x10, size: 4, name: "dev@10" }]);
  });
});
