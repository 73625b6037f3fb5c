// The board builder's PL330s and DMA peripherals: presets picked from the device tree (the SoC's
// root compatible and the controller's base, spec pl330 §10), read back from CR0/CRD/periph_id as
// the Linux driver would, and a peripheral model per `dmas` entry.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { buildBoard } from "../../src/hw/board.js";
import { profileForTree } from "../../src/hw/profile.js";
import { parseFdt } from "../../src/of/fdt.js";
import { readDeviceTree } from "../../src/of/load.js";
import type { Machine } from "../../src/hw/machine.js";
import { createSystem } from "../../src/create.js";

const dt = (f: string) => fileURLToPath(new URL(`../../../shared/devicetree/${f}`, import.meta.url));

async function board(file: string, memoryBytes?: number) {
  const tree = parseFdt(readFileSync(dt(file)), file);
  const cpus = [...tree.root.walk()].filter((n) => n.string("device_type") === "cpu").flatMap((n) => n.compatible);
  return buildBoard(await instantiateSilicon(), tree, profileForTree([...tree.root.compatible, ...cpus]), { memoryBytes });
}

/** CR0, CRD and periph_id_2 of the PL330 at base, read through the CPU port (MMU off). */
function ident(m: Machine, base: number) {
  return { cr0: m.cpu.load(base + 0xe00, 4), crd: m.cpu.load(base + 0xe14, 4), pid2: m.cpu.load(base + 0xfe8, 4) };
}

describe("board PL330 presets", () => {
  it("configures the Cyclone V pdma as r1p2, 8 channels, 32 requests, 8 events, 512 × 8 B", async () => {
    const { machine, board: b } = await board("socfpga_cyclone5_socdk.dtb");
    expect(b.dmacs.map((d) => d.base)).toEqual([0xffe01000]);
    // CR0: periph_req | (8−1)<<4 | (32−1)<<12 | (8−1)<<17; CRD: 64-bit, caps 8/8, queues 16/16, depth 512.
    expect(ident(machine, 0xffe01000)).toEqual({ cr0: 0x000ff071, crd: 0x1fff7f73, pid2: 0x34 });
  });

  it("configures the two RK3399 DMACs from their addresses", async () => {
    const { machine, board: b } = await board("rk3399-rockpro64.dtb", 256 << 20);
    expect(b.dmacs.map((d) => d.base).sort()).toEqual([0xff6d0000, 0xff6e0000]);
    // 0xff6d0000: 6 channels, 12 requests, 12 events, 32 lines; 0xff6e0000: 8, 20, 16, 128.
    expect(ident(machine, 0xff6d0000)).toEqual({ cr0: 0x0016b051, crd: 0x01ff7f73, pid2: 0x24 });
    expect(ident(machine, 0xff6e0000)).toEqual({ cr0: 0x001f3071, crd: 0x07ff7f73, pid2: 0x24 });
  });

  it("keeps the Zynq configuration of spec §10 for the Zynq board", async () => {
    const tree = parseFdt(readFileSync(fileURLToPath(new URL("../../examples/boards/zynq-7000.dtb", import.meta.url))));
    const { machine } = buildBoard(await instantiateSilicon(), tree, profileForTree(tree.root.compatible));
    expect(ident(machine, 0xf8003000)).toEqual({ cr0: 0x001e3071, crd: 0x07ff7f73, pid2: 0x24 });
  });
});

describe("board DMA peripherals", () => {
  it("puts a TX FIFO and an RX stream on the requests a UART's dmas names", async () => {
    const { board: b } = await board("socfpga_cyclone5_socdk.dtb");
    const uart0 = b.peripherals.filter((p) => p.node.name === "serial0@ffc02000");
    expect(uart0.map((p) => [p.dmaName, p.device.kind, p.device.dataAddr, p.device.request])).toEqual([
      ["tx", "tx-fifo", 0xffc02000, 28],
      ["rx", "rx-stream", 0xffc02100, 29],
    ]);
  });

  it("leaves them out on request", async () => {
    const tree = parseFdt(readFileSync(dt("socfpga_cyclone5_socdk.dtb")));
    const { board: b } = buildBoard(await instantiateSilicon(), tree, profileForTree(["arm,cortex-a9"]), { dmaPeripherals: false });
    expect(b.peripherals).toEqual([]);
  });
});

describe("board PL330 behind dma-ranges", () => {
  const tree = (dmaRanges: string) => `/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>;
	compatible = "xlnx,zynq-7000"; model = "dma-ranges test";
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { compatible = "arm,cortex-a9"; device_type = "cpu"; reg = <0>; }; };
	memory@10000000 { device_type = "memory"; reg = <0x10000000 0x10000000>; };
	bus {
		compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges;
		dma-ranges = ${dmaRanges};
		dma-controller@e0000000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xe0000000 0x1000>; #dma-cells = <1>; };
	};
};
`;

  it("takes one whose bus offsets DMA addresses: the kernel's DMA addresses are bus addresses", async () => {
    const s = await createSystem({ dts: tree("<0x0 0x10000000 0x10000000>") });
    const dev = s.kernel.device("e0000000.dma-controller")!;
    // The window's last bus address is 0x10000000 − 1.
    expect(dev.bus_dma_limit).toBe(0x0fffffffn);
  });

  it("refuses a window not on 4 KiB boundaries, which the interconnect does not model", async () => {
    await expect(createSystem({ dts: tree("<0x800 0x10000000 0x10000000>") })).rejects.toThrow(
      "/bus/dma-controller@e0000000: its bus's dma-ranges window at DMA 0x800 is not on 4 KiB boundaries; the emulator's interconnect only models 4 KiB-aligned windows",
    );
  });

  it("refuses two windows onto the same memory (aliases)", async () => {
    await expect(createSystem({ dts: tree("<0x0 0x10000000 0x1000000>, <0x40000000 0x10800000 0x1000000>") })).rejects.toThrow(
      "/bus/dma-controller@e0000000: its bus's dma-ranges put two bus ranges on CPU 0x10800000; aliasing windows are not modelled",
    );
  });

  it("refuses DMA peripheral models behind an offsetting bus, unless they are left out", async () => {
    const withUart = tree("<0x0 0x10000000 0x10000000>")
      .replace("dma-controller@e0000000 {", "dmac: dma-controller@e0000000 {")
      .replace("\t};\n};", '\t\tserial@e0001000 { compatible = "xlnx,xuartps"; reg = <0xe0001000 0x1000>; dmas = <&dmac 0>, <&dmac 1>; dma-names = "tx", "rx"; };\n\t};\n};');
    expect(withUart).toContain("serial@e0001000");
    await expect(createSystem({ dts: withUart })).rejects.toThrow(
      "/bus/dma-controller@e0000000: its bus's dma-ranges translate its addresses, and DMA peripheral models behind such a bus are not modelled",
    );
    const tree2 = readDeviceTree(new TextEncoder().encode(withUart), { format: "dts" }).tree;
    const { board: b } = buildBoard(await instantiateSilicon(), tree2, profileForTree(["arm,cortex-a9"]), { dmaPeripherals: false });
    expect(b.dmacs).toHaveLength(1);
  });

  it("takes one whose window maps DMA addresses to the same CPU addresses", async () => {
    const s = await createSystem({ dts: tree("<0x10000000 0x10000000 0x4000000>") });
    expect(s.kernel.device("e0000000.dma-controller")?.bus_dma_limit).toBe(0x13ffffffn);
  });
  it("takes 8 windows and refuses a 9th, which the interconnect does not hold", async () => {
    // Window i: bus i × 64 MiB onto CPU 0x10000000 + i × 16 MiB, 16 MiB long (no aliases).
    const windows = (n: number) => Array.from({ length: n }, (_, i) =>
      `<0x${(i * 0x4000000).toString(16)} 0x${(0x10000000 + i * 0x1000000).toString(16)} 0x1000000>`).join(", ");
    const s = await createSystem({ dts: tree(windows(8)) });
    expect(s.kernel.device("e0000000.dma-controller")).toBeTruthy();
    await expect(createSystem({ dts: tree(windows(9)) })).rejects.toThrow(
      "/bus/dma-controller@e0000000: its bus's dma-ranges have 9 windows; the emulator's interconnect holds 8",
    );
  });
});
