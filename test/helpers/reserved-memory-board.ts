// A small Zynq board for the /reserved-memory tests (pools, CMA, regions placed at boot): 512 MiB
// of RAM, the GIC, the PL330 and, when asked, the UART, with the given /reserved-memory children
// and extra properties for the PL330 and the UART.

import { GFP_KERNEL, __GFP_NOWARN } from "../../src/mm/gfp.js";
import type { System } from "../../src/system.js";

export interface ReservedMemoryBoard {
  /** /reserved-memory's children. */
  reserved: string;
  /** Extra PL330 properties (e.g. `memory-region = <&pool>;`). */
  dmacProps?: string;
  /** The UART's extra properties; without them the board has no UART. */
  uartProps?: string;
  model?: string;
}

export function zynqWithReservedMemory(b: ReservedMemoryBoard): string {
  const uart = b.uartProps === undefined ? "" : `
		serial@e0001000 { compatible = "xlnx,xuartps", "cdns,uart-r1p8"; reg = <0xe0001000 0x1000>; interrupts = <0 50 4>; ${b.uartProps} };`;
  return `/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>;
	compatible = "xlnx,zynq-7000"; model = "${b.model ?? "reserved-memory test"}";
	memory@0 { device_type = "memory"; reg = <0x0 0x20000000>; };
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { compatible = "arm,cortex-a9"; device_type = "cpu"; reg = <0>; }; };
	reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges; ${b.reserved} };
	axi {
		compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges; interrupt-parent = <&intc>;
		intc: interrupt-controller@f8f01000 { compatible = "arm,cortex-a9-gic"; #interrupt-cells = <3>; interrupt-controller; reg = <0xf8f01000 0x1000>, <0xf8f00100 0x100>; };${uart}
		dma-controller@f8003000 {
			compatible = "arm,pl330", "arm,primecell"; reg = <0xf8003000 0x1000>;
			interrupts = <0 13 4>, <0 14 4>, <0 15 4>, <0 16 4>, <0 17 4>, <0 40 4>, <0 41 4>, <0 42 4>, <0 43 4>;
			#dma-cells = <1>; ${b.dmacProps ?? ""}
		};
	};
};
`;
}

/** Every page frame the page allocator can still hand out, taken biggest blocks first. */
export function drainPageAllocator(s: System): number[] {
  const pfns: number[] = [];
  for (let order = 10; order >= 0; order--) {
    for (let pfn; (pfn = s.kernel.mm.alloc_pages(GFP_KERNEL | __GFP_NOWARN, order)) >= 0; ) {
      for (let i = 0; i < 2 ** order; i++) pfns.push(pfn + i);
    }
  }
  return pfns;
}
