// gic_dist_config (drivers/irqchip/irq-gic-common.c): the GIC driver disables every SPI at boot,
// so a device raising a line nobody has requested leaves it pending at the distributor: the CPU
// never takes it and nothing says "nobody cared". The device is the Zynq PL330 of
// test/helpers/zynq-dmac-copy.ts, its event 0 wired to GIC ID 1019 (SPI 987), the last ID a GIC
// can have, instead of 46: every SPI up to it is disabled, not only the board's own.

import { describe, expect, it } from "vitest";
import { startCopy, zynqWithDmac } from "../helpers/zynq-dmac-copy.js";
import { IrqSubsystem } from "../../src/kernel/irq.js";
import { Printk } from "../../src/kernel/printk.js";

describe("gic_dist_config at boot", () => {
  it("leaves an unrequested line pending and untaken, up to the GIC's last ID (1019)", async () => {
    const m = await zynqWithDmac();
    m.x.wirePl330Irq(0, 0, 1019);
    const printk = new Printk(() => m.now());
    const irq = new IrqSubsystem(m, printk);
    startCopy(m);
    m.idleUntil(m.now() + 1e9); // 1 ms: far more than the 1 KB copy takes
    expect(Boolean(m.x.irqLevel(1019))).toBe(true);
    expect(m.pendingIrq()).toBe(-1);
    expect(irq.handlePending()).toBe(0);
    expect(printk.text()).not.toContain("nobody cared");
    expect(irq.lines()).toEqual([]);
  });
});
