// The shared test boards boot from their own device trees, with devices named as Linux 6.x
// names them (names checked here were worked out from the trees by Linux's rules and match
// what those boards' kernels print), and their PL330s probed.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";

const shared = (f: string) => new Uint8Array(readFileSync(new URL(`../../../shared/devicetree/${f}`, import.meta.url)));

describe("the shared boards", () => {
  it("RK3399 RockPro64 (memory from --memory): both PL330s, Linux's names", async () => {
    const s = await createSystem({ dtb: shared("rk3399-rockpro64.dtb"), dtbName: "rk3399-rockpro64.dtb", memory: "1G" });
    const names = s.deviceNames();
    expect(names).toEqual(expect.arrayContaining([
      "ff6d0000.dma-controller", "ff6e0000.dma-controller", "ff1a0000.serial", "ff770000.syscon",
      "ff770000.syscon:usb2phy@e450", "ff310000.power-management:power-controller", "ff320000.syscon:io-domains",
      "pinctrl", "display-subsystem", "usb@fe800000",
    ]));
    // Set up before populate (GIC), fixed clocks, and operating-points tables get no device.
    expect(names.filter((n) => /interrupt-controller|xin24m|opp-table/.test(n))).toEqual([]);
    expect(s.device("ff6d0000.dma-controller").driverName).toBe("dma-pl330");
    expect(s.device("ff6e0000.dma-controller").driverName).toBe("dma-pl330");
    expect(s.dmaChannels().map((c) => c.device)).toEqual(expect.arrayContaining(["ff6d0000.dma-controller", "ff6e0000.dma-controller"]));
    // RK3399's GIC is a GICv3 with four-cell specifiers: SPI 5 is ID 37. Linux 6.x numbers it 9,
    // past the IPIs' 1-8: this DMAC, first in the tree, is the first device a driver probes.
    expect(s.interrupts().filter((l) => l.actions.includes("ff6d0000.dma-controller")).map((l) => [l.irq, l.hwirq, l.chip])).toEqual([
      [9, 37, "GICv3"],
      [10, 38, "GICv3"],
    ]);
  });

  it("Cyclone V SoC dev kit: the PL330 under soc/amba, AMBA and simple-bus names", async () => {
    // The board's own memory node: 1 GiB, of which a 32-bit kernel maps 768 MiB as lowmem.
    const s = await createSystem({ dtb: shared("socfpga_cyclone5_socdk.dtb") });
    expect(s.deviceNames()).toEqual(expect.arrayContaining(["soc", "soc:amba", "ffe01000.pdma", "ffc02000.serial0", "soc:usbphy", "fffec600.timer"]));
    expect(s.device("ffe01000.pdma").driverName).toBe("dma-pl330");
    expect(s.device("ffe01000.pdma").bus).toBe("amba");
    const iomem = s.readFile("/proc/iomem");
    expect(iomem).toMatch(/^00000000-3fffffff : System RAM\n  00008000-005fffff : Kernel code\n/);
    expect(iomem).toMatch(/^ffe01000-ffe01fff : pdma@ffe01000$/m);
    // The UART (snps,dw-apb-uart) is a platform device: of_device_add claims nothing, and no
    // dmasim driver requests its registers.
    expect(iomem).not.toContain("ffc02000");
    // SPI 104–111: IDs 136–143.
    expect(s.device("ffe01000.pdma").irqs).toEqual([136, 137, 138, 139, 140, 141, 142, 143]);
  });

  it("the Zynq-7000 test board from its .dts source", async () => {
    const text = readFileSync(new URL("../../../shared/devicetree/zynq-7000-board.dts", import.meta.url), "utf8");
    const s = await createSystem({ dts: text, dtsName: "zynq-7000-board.dts" });
    expect(s.deviceNames()).toEqual(["axi", "f8f02000.cache-controller", "fffc0000.sram", "e0001000.serial", "f8000000.slcr", "100.clkc", "f8003000.dma-controller"]);
    expect(s.device("f8003000.dma-controller").driverName).toBe("dma-pl330");
  });

  it("refuses an overlay as a board", async () => {
    await expect(createSystem({ dts: "/dts-v1/;\n/plugin/;\n&x { };", dtsName: "o.dts" })).rejects.toThrow(/o\.dts: an overlay \(\/plugin\/\) is not a board/);
  });
});
