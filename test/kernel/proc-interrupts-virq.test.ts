// /proc/interrupts' first column is Linux's irq number (the virq the GIC's irq domain
// allocated), the column after the chip the GIC interrupt ID (the hwirq). The rules, from the
// kernel (kernel/irq-desc.ts cites them):
// - early_irq_init preallocates 16 legacy numbers on 32-bit ARM (NR_IRQS_LEGACY), none on arm64;
// - the GIC's hierarchy domain allocates through irq_domain_alloc_descs with hint 1: the lowest
//   free number from 1 (irq 0 is never handed out);
// - 6.x's gic_smp_init allocates the 8 IPIs first: 16-23 on 32-bit ARM, 1-8 on arm64;
// - 4.9 maps every interrupt of every device as of_platform_populate creates it, in tree order
//   (of_device_alloc, of_amba_device_create); 6.x maps a device's interrupts when its driver
//   asks (amba_probe's of_amba_device_decode_irq for the PL330, platform_get_irq).
// Zynq-7000 tree order: the L2 cache controller (SPI 2, ID 34), UART1 (SPI 50, ID 82), the
// PL330 (IDs 45-49, 72-75); only the PL330 has a driver. arm64-ref: the PL330 (IDs 39, 40), then
// the UART (SPI 100, ID 132). The IPI rows: 32-bit ARM's show_ipi_list ("%*s%u: ", " %s"), 7
// types; arm64's ("%*s%u:%s" with a space only from prec 4, "      %s"), 6 types on 4.9 and 8 on
// 6.x (arch/arm64/kernel/smp.c ipi_types[]).

import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";

const ZYNQ_DMAC = "f8003000.dma-controller";
const ARM64_DMAC = "ff6e0000.dma-controller";
const HEADER = "           CPU0       CPU1       ";
const ARM_IPIS = [
  "IPI0:          0          0  CPU wakeup interrupts",
  "IPI1:          0          0  Timer broadcast interrupts",
  "IPI2:          0          0  Rescheduling interrupts",
  "IPI3:          0          0  Function call interrupts",
  "IPI4:          0          0  CPU stop interrupts",
  "IPI5:          0          0  IRQ work interrupts",
  "IPI6:          0          0  completion interrupts",
];

describe("/proc/interrupts numbers its rows as Linux does, the GIC ID after the chip", () => {
  it("Zynq-7000 6.x: the PL330's nine interrupts are irqs 24-32, past the legacy 0-15 and the IPIs' 16-23", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      expect(s.readFile("/proc/interrupts")).toBe([
        HEADER,
        ` 24:          0          0 GIC-0  45 Level     ${ZYNQ_DMAC}`,
        ` 25:          0          0 GIC-0  46 Level     ${ZYNQ_DMAC}`,
        ` 26:          0          0 GIC-0  47 Level     ${ZYNQ_DMAC}`,
        ` 27:          0          0 GIC-0  48 Level     ${ZYNQ_DMAC}`,
        ` 28:          0          0 GIC-0  49 Level     ${ZYNQ_DMAC}`,
        ` 29:          0          0 GIC-0  72 Level     ${ZYNQ_DMAC}`,
        ` 30:          0          0 GIC-0  73 Level     ${ZYNQ_DMAC}`,
        ` 31:          0          0 GIC-0  74 Level     ${ZYNQ_DMAC}`,
        ` 32:          0          0 GIC-0  75 Level     ${ZYNQ_DMAC}`,
        ...ARM_IPIS,
        "Err:          0",
        "",
      ].join("\n"));
      // No driver asked for the L2's or the UART's: no number yet.
      expect(s.kernel.irq.irq_find_mapping(34)).toBe(0);
      expect(s.kernel.irq.irq_find_mapping(82)).toBe(0);
    });
  });

  it("Zynq-7000 4.9: populate numbered the L2's 16 and the UART's 17 before the PL330's 18-26", async () => {
    await withSystem({ board: "zynq-7000", kernel: "v4.9" }, (s) => {
      expect(s.readFile("/proc/interrupts")).toBe([
        HEADER,
        ` 18:          0          0     GIC-0  45 Level     ${ZYNQ_DMAC}`,
        ` 19:          0          0     GIC-0  46 Level     ${ZYNQ_DMAC}`,
        ` 20:          0          0     GIC-0  47 Level     ${ZYNQ_DMAC}`,
        ` 21:          0          0     GIC-0  48 Level     ${ZYNQ_DMAC}`,
        ` 22:          0          0     GIC-0  49 Level     ${ZYNQ_DMAC}`,
        ` 23:          0          0     GIC-0  72 Level     ${ZYNQ_DMAC}`,
        ` 24:          0          0     GIC-0  73 Level     ${ZYNQ_DMAC}`,
        ` 25:          0          0     GIC-0  74 Level     ${ZYNQ_DMAC}`,
        ` 26:          0          0     GIC-0  75 Level     ${ZYNQ_DMAC}`,
        ...ARM_IPIS,
        "Err:          0",
        "",
      ].join("\n"));
      expect(s.kernel.irq.irq_find_mapping(34)).toBe(16);
      expect(s.kernel.irq.irq_find_mapping(82)).toBe(17);
    });
  });

  it("arm64-ref 6.x: the IPIs are 1-8, the PL330's 9 and 10; arm64's 8 IPI rows", async () => {
    await withSystem({ board: "arm64-ref" }, (s) => {
      expect(s.readFile("/proc/interrupts")).toBe([
        HEADER,
        `  9:          0          0     GICv2  39 Level     ${ARM64_DMAC}`,
        ` 10:          0          0     GICv2  40 Level     ${ARM64_DMAC}`,
        "IPI0:         0          0       Rescheduling interrupts",
        "IPI1:         0          0       Function call interrupts",
        "IPI2:         0          0       CPU stop interrupts",
        "IPI3:         0          0       CPU stop NMIs",
        "IPI4:         0          0       Timer broadcast interrupts",
        "IPI5:         0          0       IRQ work interrupts",
        "IPI6:         0          0       CPU backtrace interrupts",
        "IPI7:         0          0       KGDB roundup interrupts",
        "Err:          0",
        "",
      ].join("\n"));
      expect(s.kernel.irq.irq_find_mapping(132)).toBe(0);
    });
  });

  it("arm64-ref 4.9: no IPI numbers, so the PL330's are 1 and 2 and the UART's 3; 4.9's 6 IPI rows", async () => {
    await withSystem({ board: "arm64-ref", kernel: "v4.9" }, (s) => {
      expect(s.readFile("/proc/interrupts")).toBe([
        HEADER,
        `  1:          0          0     GICv2  39 Level     ${ARM64_DMAC}`,
        `  2:          0          0     GICv2  40 Level     ${ARM64_DMAC}`,
        "IPI0:         0          0       Rescheduling interrupts",
        "IPI1:         0          0       Function call interrupts",
        "IPI2:         0          0       CPU stop interrupts",
        "IPI3:         0          0       Timer broadcast interrupts",
        "IPI4:         0          0       IRQ work interrupts",
        "IPI5:         0          0       CPU wake-up interrupts",
        "Err:          0",
        "",
      ].join("\n"));
      expect(s.kernel.irq.irq_find_mapping(132)).toBe(3);
    });
  });

  it("the count lands on the irq number of the line the PL330 raised (Zynq 6.x: ID 46 is irq 25), and interrupts() gives both", async () => {
    await withSystem({ board: "zynq-7000" }, (s) => {
      const irq = s.kernel.irq;
      expect(irq.hwirq(25)).toBe(46);
      expect(irq.hwirq(16)).toBe(0); // the first IPI: SGI 0
      expect(irq.hwirq(5)).toBe(-1); // legacy: no hwirq
      expect(s.interrupts().slice(0, 2).map((l) => [l.irq, l.hwirq])).toEqual([[24, 45], [25, 46]]);
    });
  });
});

describe("a tree without a GIC node: no GIC driver, so no IPI descriptors", () => {
  // 6.x's show_ipi_list skips an IPI whose ipi_desc is NULL (arch/arm/kernel/smp.c): with no
  // gic_smp_init, all 7; 4.9 prints every row from irq_stat. One CPU (the tree has no /cpus).
  const NO_GIC = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "xlnx,zynq-7000";
	memory@0 { device_type = "memory"; reg = <0x0 0x10000000>; };
};`;
  it("6.x lists only Err; 4.9 its 7 IPI rows, then Err", async () => {
    await withSystem({ dts: NO_GIC }, (s) => {
      expect(s.kernel.irq.nr_ipi_descs).toBe(0);
      expect(s.readFile("/proc/interrupts")).toBe("           CPU0       \nErr:          0\n");
    });
    await withSystem({ dts: NO_GIC, kernel: "v4.9" }, (s) => {
      // ARM_IPIS with CPU0's column only.
      expect(s.readFile("/proc/interrupts")).toBe(
        ["           CPU0       ", ...ARM_IPIS.map((r) => r.replace("          0          0", "          0")), "Err:          0", ""].join("\n"),
      );
    });
  });
});
