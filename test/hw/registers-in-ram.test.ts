// A memory node (or --memory) whose RAM covers a device's registers, booted as Linux boots it:
// the range is busy "System RAM" in iomem_resource, a primecell there gets no device
// (amba_device_add's request_resource is -EBUSY, of_amba_device_create prints it), a platform
// device is still created (claiming no window in /proc/iomem, as none does), ioremap refuses RAM with a
// WARN_ON, and dmasim notes every such window with the RAM that covers it and the fix.
// Expected ranges are worked by hand from the trees below.

import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";
import { noDmaPeripheralMessage } from "../../src/hw/missing-dma-peripheral.js";
import { zynqWithReservedMemory } from "../helpers/reserved-memory-board.js";
import { devm_ioremap_resource } from "../../src/kernel/devm-ioremap.js";
import { EBUSY } from "../../src/kernel/errno.js";

const BOARD = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "test,board", "xlnx,zynq-7000";
	model = "RAM over devices";
	memory@0 { device_type = "memory"; reg = <0x0 0x20000000>; };
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
		dmac_ram: dma-controller@1ff00000 {
			compatible = "arm,pl330", "arm,primecell";
			reg = <0x1ff00000 0x1000>;
			interrupts = <0 13 4>, <0 14 4>;
			#dma-cells = <1>;
		};
		dma-controller@f8003000 {
			compatible = "arm,pl330", "arm,primecell";
			reg = <0xf8003000 0x1000>;
			interrupts = <0 15 4>, <0 16 4>;
			#dma-cells = <1>;
		};
		serial@e0001000 { compatible = "test,uart"; reg = <0xe0001000 0x100>; dmas = <&dmac_ram 0>; dma-names = "tx"; };
		sensor@1fff0000 { compatible = "test,sensor"; reg = <0x1fff0000 0x100>, <0xe0000000 0x100>; };
		slcr@f8000000 {
			compatible = "test,slcr", "syscon", "simple-mfd";
			reg = <0xf8000000 0x1000>;
			#address-cells = <1>;
			#size-cells = <1>;
			ranges;
			clkc@100 { compatible = "test,clkc"; reg = <0x100 0x100>; };
		};
	};
};`;

// RAM is [0x0, 0x20000000): "System RAM [mem 0x00000000-0x1fffffff]". The PL330's window
// 0x1ff00000 + 0x1000 ends at 0x1ff00fff; RAM ending at its start is 0x1ff00000 bytes = 511 MiB.
// The sensor's first window 0x1fff0000 + 0x100 ends at 0x1fff00ff; 0x1fff0000 bytes is
// 511.9375 MiB, so --memory rounds down to 511M.
const PL330_NOTE =
  "/amba/dma-controller@1ff00000: reg [mem 0x1ff00000-0x1ff00fff] overlaps System RAM [mem 0x00000000-0x1fffffff] (dmasim): " +
  "the memory node (or --memory) covers the device's registers and Linux gives those pages to the page allocator; " +
  "amba_device_add's request_resource meets it (-EBUSY), so no device is created and no driver binds; " +
  "end RAM at or below 0x1ff00000 (a memory node of at most 0x1ff00000 bytes from 0x0, or --memory 511M)";
const SENSOR_NOTE =
  "/amba/sensor@1fff0000: reg [mem 0x1fff0000-0x1fff00ff] overlaps System RAM [mem 0x00000000-0x1fffffff] (dmasim): " +
  "the memory node (or --memory) covers the device's registers and Linux gives those pages to the page allocator; " +
  "the device is still created, and its driver's devm_ioremap_resource fails with -EBUSY; " +
  "end RAM at or below 0x1fff0000 (a memory node of at most 0x1fff0000 bytes from 0x0, or --memory 511M)";

const lines = (text: string) => text.split("\n").map((l) => l.replace(/^\[[ \d.]+\] /, ""));

describe("RAM over a device's registers", () => {
  it.each(["modern", "v4.9"] as const)("a PL330 there gets no device: amba_device_add fails with -EBUSY (%s)", async (kernel) => {
    const s = await createSystem({ dts: BOARD, dtsName: "ram-over.dts", kernel });
    const log = lines(s.dmesg());
    // of_amba_device_create's pr_err, "OF: " from drivers/of/platform.c's pr_fmt; -EBUSY is -16.
    expect(log).toContain("OF: amba_device_add() failed (-16) for /amba/dma-controller@1ff00000");
    expect(log[log.indexOf("OF: amba_device_add() failed (-16) for /amba/dma-controller@1ff00000") + 1]).toBe(PL330_NOTE);
    expect(s.kernel.devicesNotAdded.map((d) => [d.name, d.errno])).toEqual([["1ff00000.dma-controller", -16]]);
    expect(s.deviceNames()).not.toContain("1ff00000.dma-controller");
    // The other PL330 is untouched: it binds, and its channels are the only ones.
    expect(s.device("f8003000.dma-controller").driverName).toBe("dma-pl330");
    expect(s.board.dmacs.map((d) => d.node.path)).toEqual(["/amba/dma-controller@f8003000"]);
    expect(s.board.dmacsInRam.map((d) => [d.node.path, d.regs.start, d.bank.size])).toEqual([["/amba/dma-controller@1ff00000", 0x1ff00000, 0x20000000]]);
    s.dispose();
  });

  it("a client of that PL330 gets no peripheral model, and the scenarios' message says why", async () => {
    const s = await createSystem({ dts: BOARD, dtsName: "ram-over.dts" });
    expect(s.board.peripherals).toEqual([]);
    expect(noDmaPeripheralMessage(s.board, "tx")).toBe(
      'this board has no node with a "tx" DMA peripheral (dmas/dma-names naming a PL330 request): ' +
        '/amba/serial@e0001000\'s dmas entry 0 ("tx") names /amba/dma-controller@1ff00000, whose registers lie in RAM (the memory node covers them): ' +
        "Linux creates no device for it, and dma_request_chan returns -EPROBE_DEFER",
    );
    s.dispose();
  });

  it("a DMA client whose own registers lie in RAM gets no peripheral model either, and the message says why", async () => {
    const tree = BOARD.replace('dmas = <&dmac_ram 0>; dma-names = "tx"; };', 'dmas = <&dmac_ram 0>; dma-names = "tx"; };\n\t\tserial@1fffe000 { compatible = "test,uart"; reg = <0x1fffe000 0x100>; dmas = <&dmac 3>; dma-names = "tx"; };')
      .replace("dma-controller@f8003000 {", "dmac: dma-controller@f8003000 {");
    const s = await createSystem({ dts: tree, dtsName: "ram-over.dts" });
    expect(s.board.peripherals).toEqual([]);
    expect(noDmaPeripheralMessage(s.board, "tx")).toContain(
      "/amba/serial@1fffe000's registers lie in RAM (the memory node covers them): its driver's devm_ioremap_resource fails with -EBUSY",
    );
    // 0x1fffe000 + 0x100 ends at 0x1fffe0ff; RAM ending at 0x1fffe000 is 511.99 MiB: 511M.
    expect(lines(s.dmesg())).toContain(
      "/amba/serial@1fffe000: reg [mem 0x1fffe000-0x1fffe0ff] overlaps System RAM [mem 0x00000000-0x1fffffff] (dmasim): " +
        "the memory node (or --memory) covers the device's registers and Linux gives those pages to the page allocator; " +
        "the device is still created, and its driver's devm_ioremap_resource fails with -EBUSY; " +
        "end RAM at or below 0x1fffe000 (a memory node of at most 0x1fffe000 bytes from 0x0, or --memory 511M)",
    );
    s.dispose();
  });

  it("a node dmasim does not drive: the device is created, boot notes its window, the RAM and the fix", async () => {
    const s = await createSystem({ dts: BOARD, dtsName: "ram-over.dts" });
    expect(s.deviceNames()).toContain("1fff0000.sensor");
    expect(lines(s.dmesg())).toContain(SENSOR_NOTE);
    // The syscon's child addresses the syscon's registers (slcr's empty ranges puts its reg at
    // 0x100): no note for it, as before.
    expect(s.dmesg()).not.toContain("clkc@100: reg");
    expect(s.kernel.registersInRam.map((r) => r.node.path)).toEqual(["/amba/dma-controller@1ff00000", "/amba/sensor@1fff0000"]);
    s.dispose();
  });

  it.each([
    ["modern", "dma-controller@f8003000", "f8003000.dma-controller dma-controller@f8003000"],
    ["v4.9", "/amba/dma-controller@f8003000", "/amba/dma-controller@f8003000"],
  ] as const)("/proc/iomem (%s): System RAM whole, the other PL330 and its driver's region, nothing else", async (kernel, dmac, region) => {
    const s = await createSystem({ dts: BOARD, dtsName: "ram-over.dts", kernel });
    // Nothing nests in System RAM but the kernel image's two ranges: the PL330 there has no
    // device, and the sensor is a platform device, which claims none of its windows (the one
    // above RAM neither). The PL330 at 0xf8003000 is the one AMBA entry, with pl330_probe's
    // devm_ioremap_resource region inside (4.9: the resource's name, the node's path; modern:
    // "<device> <resource>").
    expect(s.readFile("/proc/iomem")).toMatch(
      new RegExp(
        "^00000000-1fffffff : System RAM\n {2}[0-9a-f]{8}-[0-9a-f]{8} : Kernel code\n {2}[0-9a-f]{8}-[0-9a-f]{8} : Kernel data\n" +
          `f8003000-f8003fff : ${dmac}\n  f8003000-f8003fff : ${region}\n$`,
      ),
    );
    s.dispose();
  });

  it.each([
    ["modern", "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(memblock_is_map_memory(PFN_PHYS(pfn)) && mtype != MT_MEMORY_RW)"],
    ["v4.9", "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(pfn_valid(pfn) && mtype != MT_MEMORY_RW)"],
  ] as const)("arm's ioremap refuses RAM (%s): WARN_ON and NULL, by the first page", async (kernel, warning) => {
    const s = await createSystem({ dts: BOARD, dtsName: "ram-over.dts", kernel });
    expect(s.kernel.mm.ioremap(0x1fff0000, 0x100)).toBeNull();
    expect(lines(s.dmesg()).at(-1)).toBe(warning);
    // RAM's last page is refused; the first page past it, and a device window, are mapped.
    expect(s.kernel.mm.ioremap(0x1ffff000, 0x100)).toBeNull();
    expect(s.kernel.mm.ioremap(0x20000000, 0x2000)).not.toBeNull();
    expect(s.kernel.mm.ioremap(0xe0000000, 0x100)).not.toBeNull();
    s.dispose();
  });

  it.each([
    ["modern", "WARNING: arch/arm64/mm/ioremap.c: ioremap_prot: WARN_ON(pfn_is_map_memory(__phys_to_pfn(phys_addr)))"],
    ["v4.9", "WARNING: arch/arm64/mm/ioremap.c: __ioremap_caller: WARN_ON(pfn_valid(__phys_to_pfn(phys_addr)))"],
  ] as const)("arm64's ioremap refuses RAM (%s)", async (kernel, warning) => {
    const s = await createSystem({ board: "arm64-ref", kernel });
    // arm64-ref's RAM starts at 0x40000000; 0x40200000 is in it.
    expect(s.kernel.mm.ioremap(0x40200000, 0x1000)).toBeNull();
    expect(s.dmesg()).toContain(warning);
    s.dispose();
  });

  it("RK3399 with --memory 4000M: RAM covers the PCIe window; the note gives U-Boot's limit", async () => {
    const dtb = readFileSync(join(new URL("../..", import.meta.url).pathname, "../shared/devicetree/rk3399-rockpro64.dtb"));
    const s = await createSystem({ dtb: new Uint8Array(dtb), memory: "4000M" });
    // 4000 MiB from 0 ends at 0xfa000000 - 1 = 0xf9ffffff; the PCIe node's first window is
    // 0xf8000000 + 0x2000000 (32 MiB); RAM ending at 0xf8000000 is 3968 MiB.
    expect(lines(s.dmesg())).toContain(
      "/pcie@f8000000: reg [mem 0xf8000000-0xf9ffffff] overlaps System RAM [mem 0x00000000-0xf9ffffff] (dmasim): " +
        "the memory node (or --memory) covers the device's registers and Linux gives those pages to the page allocator; " +
        "the device is still created, and its driver's devm_ioremap_resource fails with -EBUSY; " +
        "end RAM at or below 0xf8000000 (a memory node of at most 0xf8000000 bytes from 0x0, or --memory 3968M; " +
        "U-Boot's RK3399 SDRAM_MAX_SIZE ends it at 0xf8000000)",
    );
    // A platform device: neither window is claimed (of_device_add), the one above RAM neither.
    const iomem = s.readFile("/proc/iomem");
    expect(iomem).not.toContain("pcie@f8000000");
    expect(s.kernel.registersInRam.map((r) => r.node.path)).toEqual(["/pcie@f8000000"]);
    s.dispose();
  });
});

describe("RAM that ends where a device's registers start (the note's fix followed)", () => {
  it("a memory node of 0x1ff00000 bytes: the PL330 at 0x1ff00000 is added and binds, with no note", async () => {
    // RAM [0x0, 0x1ff00000) and the window [0x1ff00000, 0x1ff00fff] share no byte: the fix
    // PL330_NOTE gives ("end RAM at or below 0x1ff00000").
    const dts = BOARD.replace("reg = <0x0 0x20000000>;", "reg = <0x0 0x1ff00000>;");
    expect(dts).not.toBe(BOARD);
    const s = await createSystem({ dts, dtsName: "ram-below.dts" });
    expect(s.device("1ff00000.dma-controller").driverName).toBe("dma-pl330");
    expect(s.kernel.registersInRam).toEqual([]);
    expect(s.board.dmacs.map((d) => d.node.path)).toEqual(["/amba/dma-controller@1ff00000", "/amba/dma-controller@f8003000"]);
    expect(s.dmesg()).not.toContain("overlaps System RAM");
    s.dispose();
  });
});

describe("ioremap of /reserved-memory no-map RAM", () => {
  it.each(["modern", "v4.9"] as const)("maps it (%s): the kernel does not map it, so it is no RAM to ioremap's test", async (kernel) => {
    // arm: WARN_ON(memblock_is_map_memory(...)) since the no-map distinction, 4.9's pfn_valid()
    // being false for the region 4.9 memblock_remove()d. The page past it is mapped RAM: refused.
    const dts = zynqWithReservedMemory({ reserved: "fpga@10000000 { reg = <0x10000000 0x100000>; no-map; };" });
    const s = await createSystem({ dts, kernel });
    expect(s.kernel.mm.ioremap(0x10000000, 0x1000)).not.toBeNull();
    expect(s.dmesg()).not.toContain("WARNING: arch/arm/mm/ioremap.c");
    expect(s.kernel.mm.ioremap(0x10100000, 0x1000)).toBeNull();
    expect(s.dmesg()).toContain("WARNING: arch/arm/mm/ioremap.c");
    s.dispose();
  });
});

describe("a platform device's driver claiming registers that RAM covers", () => {
  it("devm_ioremap_resource fails with -EBUSY: System RAM is busy, so __request_region does not descend into it", async () => {
    const s = await createSystem({ dts: BOARD, dtsName: "ram-over.dts" });
    const dev = s.device("1fff0000.sensor");
    const iomem = s.readFile("/proc/iomem");
    expect(devm_ioremap_resource(dev, { start: 0x1fff0000, size: 0x100 })).toBe(-EBUSY);
    expect(s.dmesg()).toContain("can't request region for resource [mem 0x1fff0000-0x1fff00ff]");
    expect(s.readFile("/proc/iomem")).toBe(iomem);
    s.dispose();
  });
});
