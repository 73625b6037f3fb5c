// A Zynq-like tree whose memory node [0x0, 0x20000000) may cover the PL310's registers, with a
// bound PL330 at 0xf8003000 and a platform sensor at 0x1fff0000 inside RAM, and the (dmasim)
// notes boot gives for each window in RAM, worked by hand: RAM ending at 0x1ff02000 is
// 511.0078 MiB, at 0x1fff0000 511.9375 MiB, so --memory 511M for both.

/** The tree with `l2` as its cache-controller node and `memory` as its memory node. */
export function pl310Board(l2: string, memory = 'memory@0 { device_type = "memory"; reg = <0x0 0x20000000>; };'): string {
  return `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "test,board", "xlnx,zynq-7000";
	model = "PL310 over RAM";
	${memory}
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a9"; reg = <0>; }; };
	amba {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		interrupt-parent = <&intc>;
		ranges;
		intc: interrupt-controller@f8f01000 {
			compatible = "arm,cortex-a9-gic";
			#interrupt-cells = <3>;
			interrupt-controller;
			reg = <0xf8f01000 0x1000>, <0xf8f00100 0x100>;
		};
		${l2}
		dma-controller@f8003000 {
			compatible = "arm,pl330", "arm,primecell";
			reg = <0xf8003000 0x1000>;
			interrupts = <0 13 4>, <0 14 4>;
			#dma-cells = <1>;
		};
		sensor@1fff0000 { compatible = "test,sensor"; reg = <0x1fff0000 0x100>; };
	};
};`;
}

/** The PL310 at 0x1ff02000, inside RAM. */
export const PL310_IN_RAM = pl310Board('cache-controller@1ff02000 { compatible = "arm,pl310-cache"; reg = <0x1ff02000 0x1000>; cache-unified; cache-level = <2>; };');

const RAM =
  "overlaps System RAM [mem 0x00000000-0x1fffffff] (dmasim): the memory node (or --memory) covers the device's registers and Linux gives those pages to the page allocator; ";

export const PL310_NOTE =
  `/amba/cache-controller@1ff02000: reg [mem 0x1ff02000-0x1ff02fff] ${RAM}` +
  "l2x0_of_init's ioremap refuses them (-ENOMEM), so the system runs with the PL310 outer cache disabled; " +
  "end RAM at or below 0x1ff02000 (a memory node of at most 0x1ff02000 bytes from 0x0, or --memory 511M)";

export const SENSOR_NOTE =
  `/amba/sensor@1fff0000: reg [mem 0x1fff0000-0x1fff00ff] ${RAM}` +
  "the device is still created, and its driver's devm_ioremap_resource fails with -EBUSY; " +
  "end RAM at or below 0x1fff0000 (a memory node of at most 0x1fff0000 bytes from 0x0, or --memory 511M)";
