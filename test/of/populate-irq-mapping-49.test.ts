// When Linux 4.9 gives a device's interrupts their irq numbers: as of_platform_populate creates
// the device, in tree order, each mapping taking the lowest free number (16 up on 32-bit ARM,
// past the legacy 0-15; no IPI numbers on 4.9: kernel/irq-desc.ts). How many entries it maps
// depends on the bus (Linux 4.9's drivers/of/platform.c):
// - a platform device: of_device_alloc counts the entries (of_irq_count) and
//   of_irq_to_resource_table maps them in order, stopping (`break`) at the first that maps to
//   nothing: the entries after it get no number there;
// - an AMBA device: of_amba_device_create runs irq_of_parse_and_map for entries 0 to
//   AMBA_NR_IRQS - 1 = 8, each on its own (a failure is a 0, the next entry is mapped all the
//   same), and never an entry past them.
// The board: examples/boards/rk3288-like.dts, its peripheral DMAC (ff250000) before its bus DMAC
// (ff600000, SPIs 0 and 1: GIC IDs 32 and 33), with a GPIO bank added: an interrupts entry on it
// maps to no GIC interrupt, so here to nothing (its domain does not exist at populate). Only the
// DMACs have a driver; /proc/interrupts lists what they requested, so the bus DMAC's rows tell
// how many numbers populate handed out before it.

import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";

const PERI_IRQS = "interrupts = <0 2 4>, <0 3 4>;";
const BUS_DMAC = "dmac_bus_ns: dma-controller@ff600000 {";
const GPIO = `gpio0: gpio@ff750000 {
			compatible = "vendor,gpio";
			reg = <0x0 0xff750000 0x0 0x100>;
			gpio-controller;
			#gpio-cells = <2>;
			interrupt-controller;
			#interrupt-cells = <2>;
		};

		`;
const BUS = "ff600000.dma-controller";

/** The bus DMAC's /proc/interrupts rows (4.9, 2 CPUs: the chip name padded to 8), irqs `first`
 *  and `first + 1` for its GIC IDs 32 and 33. */
const busRows = (first: number) => [
  `${String(first).padStart(3)}:          0          0     GIC-0  32 Level     ${BUS}`,
  `${String(first + 1).padStart(3)}:          0          0     GIC-0  33 Level     ${BUS}`,
];
const rowsOf = (text: string, name: string) => text.split("\n").filter((l) => l.endsWith(name));

describe("Linux 4.9 maps a device's interrupts at populate", () => {
  it("a platform device: up to its first entry that maps nothing, not past it", async () => {
    // thing: entry 0 SPI 10 (ID 42), entry 1 on the GPIO bank, entry 2 SPI 11 (ID 43). The
    // peripheral DMAC took 16 and 17 (IDs 34, 35), thing's entry 0 18; entry 2 gets none, so
    // the bus DMAC's are 19 and 20.
    const thing = `thing@ff700000 {
			compatible = "vendor,thing";
			interrupts-extended = <&gic 0 10 4>, <&gpio0 3 4>, <&gic 0 11 4>;
		};

		`;
    await withSystem({ dts: rk3288With(BUS_DMAC, GPIO + thing + BUS_DMAC), kernel: "v4.9" }, (s) => {
      expect(s.device("soc:thing@ff700000").irqs).toEqual([42, -6, 43]);
      expect(s.kernel.irq.irq_find_mapping(42)).toBe(18);
      expect(s.kernel.irq.irq_find_mapping(43)).toBe(0);
      expect(rowsOf(s.readFile("/proc/interrupts"), BUS)).toEqual(busRows(19));
    });
  });

  it("an AMBA device: every entry up to AMBA_NR_IRQS on its own, past one that maps nothing", async () => {
    // The peripheral DMAC: entry 0 on the GPIO bank, entry 1 SPI 3 (ID 35), mapped all the same
    // as 16. pl330_probe stops at adev->irq[0] = 0 and requests nothing; the bus DMAC's are 17, 18.
    const dts = rk3288With(BUS_DMAC, GPIO + BUS_DMAC).replace(PERI_IRQS, "interrupts-extended = <&gpio0 3 4>, <&gic 0 3 4>;");
    await withSystem({ dts, kernel: "v4.9" }, (s) => {
      expect(s.device("ff250000.dma-controller").irqs).toEqual([-6, 35]);
      expect(s.kernel.irq.irq_find_mapping(35)).toBe(16);
      const text = s.readFile("/proc/interrupts");
      expect(rowsOf(text, "ff250000.dma-controller")).toEqual([]);
      expect(rowsOf(text, BUS)).toEqual(busRows(17));
    });
  });

  it("an AMBA device: not its tenth entry (AMBA_NR_IRQS = 9)", async () => {
    // The peripheral DMAC with ten entries, SPIs 2 .. 11 (IDs 34 .. 43): entries 0-8 are 16-24,
    // entry 9 (ID 43) gets none; the bus DMAC's are 25 and 26.
    const ten = Array.from({ length: 10 }, (_, i) => `<0 ${2 + i} 4>`).join(", ");
    await withSystem({ dts: rk3288With(PERI_IRQS, `interrupts = ${ten};`), kernel: "v4.9" }, (s) => {
      expect(s.kernel.irq.irq_find_mapping(42)).toBe(24);
      expect(s.kernel.irq.irq_find_mapping(43)).toBe(0);
      expect(rowsOf(s.readFile("/proc/interrupts"), BUS)).toEqual(busRows(25));
    });
  });
});

describe("an interrupts entry on a controller without an irq domain at populate", () => {
  const thing = `thing@ff700000 {
			compatible = "vendor,thing";
			interrupts-extended = <&gpio0 3 4>;
		};

		`;
  const dts = rk3288With(BUS_DMAC, GPIO + thing + BUS_DMAC);
  const NO_DOMAIN = "irq: no irq domain found for /soc/gpio@ff750000 !";

  it("v4.9: irq_create_fwspec_mapping warns as of_device_alloc maps it", async () => {
    await withSystem({ dts, kernel: "v4.9" }, (s) => {
      expect(s.dmesg().split("\n").filter((l) => l.endsWith(NO_DOMAIN))).toHaveLength(1);
    });
  });

  it("modern: nothing at populate (of_irq_get defers without mapping)", async () => {
    await withSystem({ dts, kernel: "modern" }, (s) => {
      expect(s.dmesg()).not.toContain("no irq domain found");
    });
  });
});
