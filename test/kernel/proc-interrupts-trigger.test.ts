// /proc/interrupts' trigger column is the type the mapping set, per irq number: show_interrupts
// (kernel/irq/proc.c, GENERIC_IRQ_SHOW_LEVEL) prints " %-8s" of irqd_is_level_type ? "Level" :
// "Edge", and irq_create_fwspec_mapping sets the type from the specifier's third cell
// (IRQ_TYPE_EDGE_RISING 1, IRQ_TYPE_LEVEL_HIGH 4: include/dt-bindings/interrupt-controller/irq.h).
// The tree: examples/boards/rk3288-like.dts with its first PL330 (dmac_peri, SPIs 2 and 3: GIC
// IDs 34 and 35) given a rising-edge first interrupt. Its numbers, by hand (irq-desc.ts' rules):
// 6.x: 16 legacy, the IPIs 16-23, then dmac_peri's probe maps ID 34 as 24 and ID 35 as 25, and
// dmac_bus_ns's (IDs 32, 33) 26 and 27. 4.9: no IPI numbers; populate maps in tree order,
// dmac_peri's 16 and 17, dmac_bus_ns's 18 and 19.

import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";

const PERI = "ff250000.dma-controller";
const BUS = "ff600000.dma-controller";
const dts = rk3288With("interrupts = <0 2 4>, <0 3 4>;", "interrupts = <0 2 1>, <0 3 4>;");

describe("/proc/interrupts' trigger column follows each interrupt's specifier", () => {
  it("6.x: irq 24 (ID 34, <0 2 1>) is Edge, its neighbours Level", async () => {
    await withSystem({ dts }, (s) => {
      const rows = s.readFile("/proc/interrupts").split("\n").slice(1, 5);
      expect(rows).toEqual([
        ` 24:          0          0 GIC-0  34 Edge      ${PERI}`,
        ` 25:          0          0 GIC-0  35 Level     ${PERI}`,
        ` 26:          0          0 GIC-0  32 Level     ${BUS}`,
        ` 27:          0          0 GIC-0  33 Level     ${BUS}`,
      ]);
      expect(s.interrupts().map((l) => [l.irq, l.hwirq, l.trigger])).toEqual([
        [24, 34, "Edge"], [25, 35, "Level"], [26, 32, "Level"], [27, 33, "Level"],
      ]);
    });
  });

  it("4.9: the same type, set when populate mapped it (irq 16)", async () => {
    await withSystem({ dts, kernel: "v4.9" }, (s) => {
      const rows = s.readFile("/proc/interrupts").split("\n").slice(1, 3);
      expect(rows).toEqual([
        ` 16:          0          0     GIC-0  34 Edge      ${PERI}`,
        ` 17:          0          0     GIC-0  35 Level     ${PERI}`,
      ]);
    });
  });
});
