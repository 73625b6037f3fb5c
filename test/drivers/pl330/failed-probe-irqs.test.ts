// A probe that fails gives back the IRQs it requested: pl330_probe takes them with
// devm_request_irq, and really_probe's failure path runs devres_release_all (drivers/base/dd.c),
// which free_irq's each (kernel/irq/devres.c devm_irq_release). The board is
// examples/boards/rk3288-like.dts with its peripheral DMAC (ff250000) given SPI 2 (GIC ID 34)
// and then a PPI (<1 3 4>, GIC ID 19), which Linux 6.x numbers 24 and 25 (past the IPIs' 16-23;
// this DMAC probes first): request_irq takes 24, refuses 25 with its per-CPU WARN, and the
// probe fails with -EINVAL. /proc/interrupts then lists only the bus DMAC's SPIs 0 and 1 (IDs 32
// and 33, irqs 26 and 27: the mappings stay when the requests go), as Linux's would.

import { describe, expect, it } from "vitest";
import { withSystem } from "../../helpers/system.js";
import { RK3288, rk3288With } from "../../helpers/rk3288-tree.js";

const PERI = 'dmac_peri: dma-controller@ff250000 {\n\t\t\tcompatible = "arm,pl330", "arm,primecell";\n\t\t\treg = <0x0 0xff250000 0x0 0x4000>;\n\t\t\tinterrupts = <0 2 4>, <0 3 4>;';
const DMAC = "ff250000.dma-controller";
const BUS = "ff600000.dma-controller";

/** The tree with the peripheral DMAC on SPI 2 then PPI 3, with or without "arm,primecell". */
function tree(primecell: boolean): string {
  const compatible = primecell ? '"arm,pl330", "arm,primecell"' : '"arm,pl330"';
  return rk3288With(PERI, `dmac_peri: dma-controller@ff250000 {\n\t\t\tcompatible = ${compatible};\n\t\t\treg = <0x0 0xff250000 0x0 0x4000>;\n\t\t\tinterrupts = <0 2 4>, <1 3 4>;`);
}

/** /proc/interrupts of the 2-CPU board (6.x) with the bus DMAC's two lines only: its rows (the
 *  GIC's chip name unpadded, gic_irq_print_chip), 32-bit ARM's 7 IPI rows, Err. */
const BUS_ONLY = [
  "           CPU0       CPU1       ",
  ` 26:          0          0 GIC-0  32 Level     ${BUS}`,
  ` 27:          0          0 GIC-0  33 Level     ${BUS}`,
  "IPI0:          0          0  CPU wakeup interrupts",
  "IPI1:          0          0  Timer broadcast interrupts",
  "IPI2:          0          0  Rescheduling interrupts",
  "IPI3:          0          0  Function call interrupts",
  "IPI4:          0          0  CPU stop interrupts",
  "IPI5:          0          0  IRQ work interrupts",
  "IPI6:          0          0  completion interrupts",
  "Err:          0",
  "",
].join("\n");

describe("a PL330 probe that fails after requesting an IRQ", () => {
  for (const primecell of [false, true]) {
    it(`${primecell ? "an AMBA" : "a platform (no arm,primecell)"} device: irq 24 (ID 34) is released with the failure, and no longer listed`, async () => {
      await withSystem({ dts: tree(primecell) }, (s) => {
        expect(s.dmesg()).toContain(`${DMAC} requested irq 25, a per-CPU interrupt (GIC PPI 3)`);
        expect(s.dmesg()).toContain(`dma-pl330: probe of ${DMAC} failed with error -22`);
        expect(s.device(DMAC).driverName).toBeUndefined();
        expect(s.readFile("/proc/interrupts")).toBe(BUS_ONLY);
        // Released with free_irq, which WARNs for nothing here: the irq was requested.
        expect(s.dmesg()).not.toContain("already-free");
      });
    });
  }

  it("a bound controller unbound: devm_free_irq in pl330_remove, nothing left for devres, no WARN", async () => {
    await withSystem({ dts: RK3288 }, (s) => {
      const dev = s.device(DMAC);
      expect(dev.driverName).toBe("dma-pl330");
      s.kernel.device_release_driver(dev);
      expect(s.readFile("/proc/interrupts")).toBe(BUS_ONLY);
      expect(s.dmesg()).not.toContain("WARNING");
      expect(dev.devres_head).toEqual([]);
    });
  });
});
