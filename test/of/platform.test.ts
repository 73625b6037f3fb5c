// of_platform_populate on a booted board: which nodes become devices, under which names, on
// which bus, with what DMA configuration and interrupts, and what /proc/iomem shows.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";
import { dma_alloc_coherent, dma_free_coherent, dma_map_single, dma_unmap_single } from "../../src/dma/mapping.js";
import { DMA_MAPPING_ERROR, DMA_TO_DEVICE } from "../../src/dma/constants.js";
import { dma_to_phys, phys_to_dma } from "../../src/dma/dma-address.js";

const BOARD = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "test,board", "xlnx,zynq-7000";
	model = "platform test board";

	memory@0 { device_type = "memory"; reg = <0x0 0x20000000>; };
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; compatible = "arm,cortex-a9"; reg = <0>; }; };

	firmware { optee { compatible = "linaro,optee-tz"; }; };
	opp-table { compatible = "operating-points-v2"; };
	osc: oscillator { compatible = "fixed-clock"; #clock-cells = <0>; clock-frequency = <33333333>; };
	no-compatible { reg = <0x100 0x10>; };

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

		dmac: dma-controller@f8003000 {
			compatible = "arm,pl330", "arm,primecell";
			reg = <0xf8003000 0x1000>;
			interrupts = <0 13 4>, <0 14 1>;
			#dma-cells = <1>;
		};

		off@e0000000 { compatible = "test,off"; reg = <0xe0000000 0x100>; status = "disabled"; };
		offbus { compatible = "simple-bus"; status = "disabled"; #address-cells = <1>; #size-cells = <1>; ranges;
			hidden@e0001000 { compatible = "test,hidden"; reg = <0xe0001000 0x100>; };
		};

		syscon@f8000000 {
			compatible = "test,slcr", "syscon", "simple-mfd";
			reg = <0xf8000000 0x1000>;
			#address-cells = <1>;
			#size-cells = <1>;
			clkc@100 { compatible = "test,clkc"; reg = <0x100 0x100>; };
		};

		leaf@e0002000 {
			compatible = "test,leaf";
			reg = <0xe0002000 0x100>;
			#address-cells = <1>;
			#size-cells = <0>;
			child@0 { compatible = "test,child"; reg = <0>; };
		};

		twin@e0003000 { compatible = "test,twin"; reg = <0xe0003000 0x10>; };
	};

	narrow {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		dma-ranges = <0x0 0x0 0x10000000>;
		dev@e0010000 { compatible = "test,narrow"; reg = <0xe0010000 0x100>; };
	};

	offset {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		dma-ranges = <0x80000000 0x0 0x20000000>;
		dma-coherent;
		dev@e0020000 { compatible = "test,offset"; reg = <0xe0020000 0x100>; interrupts-extended = <&intc 0 50 4>; };
	};

	other-amba {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		twin@e0003000 { compatible = "test,twin"; reg = <0xe0003000 0x10>; };
	};
};`;

describe("of_platform_populate", async () => {
  const s = await createSystem({ dts: BOARD, dtsName: "board.dts" });

  it("creates devices for available compatible nodes, in Linux's order and naming", () => {
    expect(s.deviceNames()).toEqual([
      "firmware:optee",
      "amba",
      "f8003000.dma-controller",
      "f8000000.syscon",
      "f8000000.syscon:clkc@100",
      "e0002000.leaf",
      "e0003000.twin",
      "narrow",
      "e0010000.dev",
      "offset",
      "e0020000.dev",
      "other-amba",
    ]);
  });

  it("refuses a second device of the same name, as device_add does", () => {
    expect(s.dmesg()).toMatch(/sysfs: cannot create duplicate filename '\/devices\/platform\/e0003000\.twin' \(\/other-amba\/twin@e0003000\)/);
  });

  it("puts primecells on the AMBA bus, claiming their registers in /proc/iomem", () => {
    expect(s.device("f8003000.dma-controller").bus).toBe("amba");
    expect(s.device("e0002000.leaf").bus).toBe("platform");
    // The primecell's window is claimed by amba_device_add; the platform devices' (leaf, twin,
    // the two devs, the syscon) by nobody: of_device_add inserts no resource, and no driver
    // requests theirs. So: System RAM with the kernel image, and the PL330 alone.
    expect(s.readFile("/proc/iomem")).toBe(
      "00000000-1fffffff : System RAM\n" +
        "  00008000-005fffff : Kernel code\n" +
        "  00900000-009fffff : Kernel data\n" +
        "f8003000-f8003fff : dma-controller@f8003000\n" +
        // The bound pl330's busy region (devm_ioremap_resource), nested in the AMBA entry.
        "  f8003000-f8003fff : f8003000.dma-controller dma-controller@f8003000\n",
    );
    expect(s.iomem().filter((e) => e.depth === 0 && e.name !== "System RAM").map((e) => e.name)).toContain("dma-controller@f8003000");
    expect(s.iomem()[0]).toEqual({ start: 0, end: 0x1fffffff, name: "System RAM", depth: 0 });
    expect(s.readdir("/sys/bus/amba/devices")).toEqual(["f8003000.dma-controller"]);
  });

  it("takes interrupts with their trigger types", () => {
    const d = s.device("f8003000.dma-controller");
    expect(d.irqs).toEqual([45, 46]);
    expect(d.irqTypes).toEqual([4, 1]);
    expect(s.device("e0020000.dev").irqs).toEqual([82]);
  });

  it("applies the bus's dma-ranges: limit, narrowed masks, offset map; dma-coherent from the bus", () => {
    const narrow = s.device("e0010000.dev");
    expect(narrow.bus_dma_limit).toBe(0x0fffffffn);
    expect(narrow.coherent_dma_mask).toBe(0x0fffffffn);
    expect(narrow.dma_mask).toBe(0x0fffffffn);
    expect(narrow.dma_range_map).toEqual([{ cpu_start: 0, dma_start: 0, size: 0x10000000, offset: 0 }]);
    expect(narrow.dma_coherent).toBe(false);

    const off = s.device("e0020000.dev");
    expect(off.bus_dma_limit).toBe(0x9fffffffn);
    expect(off.coherent_dma_mask).toBe(0xffffffffn);
    expect(off.dma_range_map).toEqual([{ cpu_start: 0, dma_start: 0x80000000, size: 0x20000000, offset: -0x80000000 }]);
    expect(off.dma_coherent).toBe(true);

    const plain = s.device("e0002000.leaf");
    expect(plain.bus_dma_limit).toBe(0n);
    expect(plain.dma_range_map).toBeNull();
  });

  it("maps buffers to the DMA addresses the bus's dma-ranges give", () => {
    const off = s.device("e0020000.dev");
    const va = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pa = s.kernel.mm.virt_to_phys(va);
    // dma-ranges = <0x80000000 0x0 0x20000000>: CPU 0 is bus 0x80000000.
    const dma = dma_map_single(off, va, 4096, DMA_TO_DEVICE);
    expect(dma).toBe(pa + 0x80000000);
    expect(dma_to_phys(off, dma)).toBe(pa);
    dma_unmap_single(off, dma, 4096, DMA_TO_DEVICE);
    const buf = dma_alloc_coherent(off, 8192, GFP_KERNEL)!;
    expect(buf.dmaAddr).toBe(s.kernel.mm.virt_to_phys(buf.cpuAddr) + 0x80000000);
    dma_free_coherent(off, 8192, buf.cpuAddr, buf.dmaAddr);
    // Outside every window there is no DMA address.
    expect(phys_to_dma(off, 0x30000000)).toBe(DMA_MAPPING_ERROR);
    expect(phys_to_dma(s.device("e0002000.leaf"), 0x30000000)).toBe(0x30000000);
    s.kernel.kfree(va);
  });

  it("probes the PL330 driver by compatible", () => {
    expect(s.device("f8003000.dma-controller").driverName).toBe("dma-pl330");
    expect(s.device("e0002000.leaf").driverName).toBeUndefined();
  });

  it("boots past devices whose properties cannot be read, logging why", async () => {
    const broken = BOARD.replace(
      "twin@e0003000 { compatible = \"test,twin\"; reg = <0xe0003000 0x10>; };\n\t};",
      `twin@e0003000 { compatible = "test,twin"; reg = <0xe0003000 0x10>; };
		badreg@e0004000 { compatible = "test,badreg"; reg = <0xe0004000>; };
		badirq@e0005000 { compatible = "test,badirq"; reg = <0xe0005000 0x10>; interrupts = <0 1>; };
	};`,
    );
    const b = await createSystem({ dts: broken });
    expect(b.deviceNames()).not.toContain("e0004000.badreg");
    expect(b.dmesg()).toMatch(/OF: \/amba\/badreg@e0004000: no device: \/amba\/badreg@e0004000: "reg" has 1 cells, not a multiple of #address-cells \+ #size-cells = 2/);
    // An interrupts entry cut short by the property's end costs that interrupt, not the
    // device: of_irq_parse_one's -EOVERFLOW (75) waits for a driver asking for index 0, and
    // Linux logs nothing at populate time.
    expect(b.device("e0005000.badirq").irqs).toEqual([-75]);
    expect(b.dmesg()).not.toContain("badirq");
  });
});
