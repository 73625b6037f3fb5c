// The GIC driver's boot configuration (drivers/irqchip/irq-gic-common.c): gic_dist_config
// disables every SPI and gic_cpu_config every PPI, so a device raising a line nobody has requested
// leaves it pending at the distributor: the CPU never takes it and nothing says "nobody cared".
// gic_cpu_config's writes differ by kernel: 4.9 writes GICD_INT_EN_CLR_PPI (0xffff0000) to
// GICD_ICENABLER0 and GICD_INT_EN_SET_SGI (0x0000ffff) to GICD_ISENABLER0; 5.4 on writes
// GICD_INT_EN_CLR_X32 (0xffffffff) to GICD_ICENABLER0. The device is the Zynq PL330 of
// test/helpers/zynq-dmac-copy.ts with its event 0 wired, instead of to 46, to GIC ID 1019 (SPI
// 987), the last ID a GIC can have (every SPI up to it is disabled, not only the board's own),
// or to ID 29, the Cortex-A9's private timer PPI.

import { describe, expect, it } from "vitest";
import { startCopy, zynqWithDmac } from "../helpers/zynq-dmac-copy.js";
import { IrqSubsystem } from "../../src/kernel/irq.js";
import { Printk } from "../../src/kernel/printk.js";
import type { KernelVersion } from "../../src/mm/layout.js";
import { withSystem } from "../helpers/system.js";
import { readl, writel } from "../../src/kernel/io.js";

const GICD_ISENABLER0 = 0x100;
const GICD_ICENABLER0 = 0x180;

/** Boots the GIC driver, lets the PL330 raise `line` (requested by nobody) and expects it high,
 *  pending at the distributor and never taken. */
async function expectUnrequestedLineUntaken(line: number, kernel: KernelVersion): Promise<void> {
  const m = await zynqWithDmac();
  m.x.wirePl330Irq(0, 0, line);
  const printk = new Printk(() => m.now());
  const irq = new IrqSubsystem(m, printk, undefined, { version: 2, kernel });
  startCopy(m);
  m.idleUntil(m.now() + 1e9); // 1 ms: far more than the 1 KB copy takes
  expect(Boolean(m.x.irqLevel(line))).toBe(true);
  expect(m.pendingIrq()).toBe(-1);
  expect(irq.handlePending()).toBe(0);
  expect(printk.text()).not.toContain("nobody cared");
  expect(irq.lines()).toEqual([]);
}

describe("gic_dist_config at boot", () => {
  it("leaves an unrequested line pending and untaken, up to the GIC's last ID (1019)", async () => {
    await expectUnrequestedLineUntaken(1019, "modern");
  });
});

describe("gic_cpu_config at boot", () => {
  for (const kernel of ["v4.9", "modern"] as const) {
    it(`leaves an unrequested PPI pending and untaken (${kernel})`, async () => {
      await expectUnrequestedLineUntaken(29, kernel);
    });
  }

  it("leaves GICD_ISENABLER0 as each kernel writes it: 4.9 the 16 SGIs enabled, 5.4 on none of the 32", async () => {
    const enabled = async (kernel: KernelVersion) => {
      const m = await zynqWithDmac();
      new IrqSubsystem(m, new Printk(() => m.now()), undefined, { version: 2, kernel });
      // Both banks read the same enable bits (GICv2 spec §4.3.5, §4.3.6).
      expect(m.x.irqDistributorRead(GICD_ICENABLER0) >>> 0).toBe(m.x.irqDistributorRead(GICD_ISENABLER0) >>> 0);
      return m.x.irqDistributorRead(GICD_ISENABLER0) >>> 0;
    };
    expect(await enabled("v4.9")).toBe(0x0000ffff);
    expect(await enabled("modern")).toBe(0);
  });

  it("a booted Zynq's distributor, by MMIO: the banked enables as the kernel left them, then set and cleared by the CPU", async () => {
    const ZYNQ_GICD = 0xf8f01000;
    for (const [kernel, atBoot] of [["v4.9", 0x0000ffff], ["modern", 0]] as const) {
      await withSystem({ board: "zynq-7000", kernel }, (s) => {
        const va = s.kernel.mm.ioremap(ZYNQ_GICD, 0x1000)!;
        const read = (off: number) => readl(s.kernel.machine, va + off) >>> 0;
        expect(read(GICD_ISENABLER0)).toBe(atBoot);
        // ID 29 (the A9's private timer PPI): a 1 in ISENABLER0 sets its bit, a 1 in ICENABLER0 clears it.
        writel(s.kernel.machine, 1 << 29, va + GICD_ISENABLER0);
        expect(read(GICD_ISENABLER0)).toBe((atBoot | (1 << 29)) >>> 0);
        writel(s.kernel.machine, 1 << 29, va + GICD_ICENABLER0);
        expect(read(GICD_ICENABLER0)).toBe(atBoot);
      });
    }
  });
});

describe("the enable banks' edges (GICv2 spec §4.3.5, §4.3.6: bit n of word w is ID 32w + n)", () => {
  it("gic_dist_config disables the first SPI too: ID 32, raised by nobody's request, stays untaken", async () => {
    await expectUnrequestedLineUntaken(32, "modern");
  });

  it("bit 31 of a word is an ID like the others: ID 63 (ISENABLER1 bit 31) set and cleared on a booted Zynq", async () => {
    // The Zynq's GIC implements IDs 0-95 (UG585 ch. 7), so ID 63, SPI 31, has an enable bit; no
    // device of the example tree uses it, so it reads 0 after boot.
    const ZYNQ_GICD = 0xf8f01000;
    await withSystem({ board: "zynq-7000" }, (s) => {
      const va = s.kernel.mm.ioremap(ZYNQ_GICD, 0x1000)!;
      const bit63 = () => (readl(s.kernel.machine, va + GICD_ISENABLER0 + 4) >>> 31) & 1;
      expect(bit63()).toBe(0);
      writel(s.kernel.machine, 0x80000000, va + GICD_ISENABLER0 + 4);
      expect(bit63()).toBe(1);
      writel(s.kernel.machine, 0x80000000, va + GICD_ICENABLER0 + 4);
      expect(bit63()).toBe(0);
    });
  });
});
