// The first cell of a GIC `interrupts` specifier, as each kernel's gic_irq_domain_translate
// reads it (drivers/irqchip/irq-gic.c). Linux 4.9 added 16 to the second cell to skip the SGIs,
// and 16 more only when the first cell was 0: any nonzero first cell was a PPI, so <2 2 4> is
// ID 18, a per-CPU interrupt that request_threaded_irq refuses with its WARN_ON. 6.x switches on
// the first cell: 0 SPI, 1 PPI, anything else -EINVAL, so <2 2 4> maps to nothing and the AMBA
// bus leaves adev->irq[] at 0. The board: examples/boards/rk3288-like.dts, its peripheral DMAC
// (ff250000) given <2 2 4>, <2 3 4> instead of SPIs 2 and 3.

import { describe, expect, it } from "vitest";
import { withSystem } from "../helpers/system.js";
import { rk3288With } from "../helpers/rk3288-tree.js";
import { gicTranslate } from "../../src/of/irq.js";

const DMAC = "ff250000.dma-controller";
const KIND2 = rk3288With("interrupts = <0 2 4>, <0 3 4>;", "interrupts = <2 2 4>, <2 3 4>;");

describe("a GIC specifier whose first cell is neither 0 nor 1", () => {
  it("Linux 4.9 reads it as a PPI: ID 16 + 2 = 18, refused by request_irq, and the probe fails with -EINVAL", async () => {
    await withSystem({ dts: KIND2, kernel: "v4.9" }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([18, 19]);
      // Mapped at populate, the first device with interrupts in the tree: irqs 16 and 17.
      expect(s.dmesg()).toContain(`${DMAC} requested irq 16, a per-CPU interrupt (GIC PPI 2)`);
      expect(s.dmesg()).toContain(`dma-pl330: probe of ${DMAC} failed with error -22`);
      expect(s.device(DMAC).driverName).toBeUndefined();
    });
  });

  it("6.x refuses it (-EINVAL): no irq for either entry, and the controller binds without interrupts", async () => {
    await withSystem({ dts: KIND2 }, (s) => {
      expect(s.device(DMAC).irqs).toEqual([-6, -6]);
      expect(s.dmesg()).toContain(
        `dma-pl330 ${DMAC}: note: interrupts entry 0 gives no interrupt (-EINVAL: interrupts entry 0 <2 2 4> is no GICv2 specifier (its first cell is 0 for an SPI, 1 for a PPI)) (dmasim): `,
      );
      expect(s.device(DMAC).driverName).toBe("dma-pl330");
    });
  });

  it("the translation per GIC version and kernel", () => {
    // GICv2: 4.9 any nonzero kind is a PPI; 6.x only 1.
    expect(gicTranslate(2, [1, 3, 4], "v4.9")).toEqual([19, 4]);
    expect(gicTranslate(2, [7, 3, 4], "v4.9")).toEqual([19, 4]);
    expect(gicTranslate(2, [7, 3, 4], "modern")).toBeUndefined();
    // GICv3: 4.9's switch knows SPI and PPI (and LPIs); ESPI 2 and EPPI 3 came in 5.4.
    expect(gicTranslate(3, [2, 5, 4], "v4.9")).toBeUndefined();
    expect(gicTranslate(3, [3, 5, 4], "v4.9")).toBeUndefined();
    expect(gicTranslate(3, [2, 5, 4], "modern")).toEqual([4096 + 5, 4]);
    expect(gicTranslate(3, [3, 5, 4], "modern")).toEqual([1056 + 5, 4]);
    expect(gicTranslate(3, [1, 5, 1], "v4.9")).toEqual([21, 1]);
  });
});
