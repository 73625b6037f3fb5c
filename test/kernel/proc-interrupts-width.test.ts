// The irq columns of /proc/interrupts are as wide as show_interrupts makes them
// (kernel/irq/proc.c, 4.9 and 6.x): `for (prec = 3, j = 1000; prec < 10 && j <= nr_irqs; ++prec)
// j *= 10`. nr_irqs follows the irq numbers the kernel allocated (NR_IRQS to start with, 16 on a
// multi-platform arm kernel, then one per interrupt mapped), not how large a GIC ID is. The
// board: examples/boards/rk3288-like.dts (arm, 2 CPUs; its two DMACs map 4 interrupts) with a
// node of no driver whose interrupts map N more: 16 + 4 + N irq numbers.

import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";

const BUS_DMAC = "dmac_bus_ns: dma-controller@ff600000 {";

/** The board with a driverless node mapping SPIs 10 .. 10 + n - 1 (IDs 42 ..), none requested. */
function withInterrupts(n: number, extra: string[] = []): string {
  const spec = [...Array.from({ length: n }, (_, i) => `<0 ${10 + i} 4>`), ...extra].join(", ");
  return rk3288With(BUS_DMAC, `thing@ff700000 {\n\t\t\tcompatible = "vendor,thing";\n\t\t\tinterrupts = ${spec};\n\t\t};\n\n\t\t${BUS_DMAC}`);
}

describe("/proc/interrupts column width", () => {
  it("999 irq numbers (16 + 4 + 979): 3 wide, as with a handful", async () => {
    await withSystem({ dts: withInterrupts(979) }, (s) => {
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(" ".repeat(11) + "CPU0       CPU1       ");
      expect(text[1]).toBe(" 32:          0          0     GIC-0  32 Level     ff600000.dma-controller");
      expect(text.at(-2)).toBe("Err:          0");
    });
  });

  it("an entry that maps no interrupt allocates no irq number: 999 still, 3 wide", async () => {
    // <2 0 4>: a kind a 6.x GICv2 refuses (-EINVAL), so irq_create_of_mapping allocates nothing.
    await withSystem({ dts: withInterrupts(979, ["<2 0 4>"]) }, (s) => {
      expect(s.device("soc:thing@ff700000").irqs.filter((irq) => irq < 0)).toHaveLength(1);
      expect(s.readFile("/proc/interrupts").split("\n")[0]).toBe(" ".repeat(11) + "CPU0       CPU1       ");
    });
  });

  it("1000 irq numbers (16 + 4 + 980): 4 wide, though no listed irq has 4 digits", async () => {
    await withSystem({ dts: withInterrupts(980) }, (s) => {
      const text = s.readFile("/proc/interrupts").split("\n");
      expect(text[0]).toBe(" ".repeat(12) + "CPU0       CPU1       ");
      expect(text[1]).toBe("  32:          0          0     GIC-0   32 Level     ff600000.dma-controller");
      expect(text.at(-2)).toBe(" Err:          0");
    });
  });
});
