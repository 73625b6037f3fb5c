// devres (drivers/base/devres.c): what a driver took with devm_* is released when it is unbound
// (__device_release_driver runs devres_release_all after the driver's remove), and by a failed
// probe (test/drivers/pl330/failed-probe-irqs.test.ts). Here a driver bound by hand
// (device_bind_driver), with no remove of its own, takes the Zynq UART's irq with
// devm_request_irq: unbinding it frees the irq (kernel/irq/devres.c devm_irq_release), so
// /proc/interrupts no longer lists it and another request_irq of it succeeds.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { devm_free_irq, devm_request_irq } from "../../src/kernel/devm-irq.js";
import { devres_add } from "../../src/kernel/devres.js";
import { IRQ_HANDLED, IRQF_SHARED } from "../../src/kernel/irq.js";

describe("devm_request_irq", () => {
  it("is freed when the driver is unbound: gone from /proc/interrupts, and the irq can be requested again", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("e0001000.serial");
    // The Zynq UART1 is SPI 50 (UG585 Table 7-4): GIC ID 82. Its irq number is the one
    // platform_get_irq maps it to now: 0-15 are legacy, 16-23 the IPIs, 24-32 the PL330's nine
    // interrupts (mapped at its amba_probe during boot), so 33.
    expect(dev.irqs[0]).toBe(82);
    const irq = dev.irq(0);
    expect(irq).toBe(33);
    s.kernel.device_bind_driver(dev, "xuartps");
    expect(devm_request_irq(dev, irq, () => IRQ_HANDLED, 0, "xuartps", dev)).toBe(0);
    expect(s.readFile("/proc/interrupts")).toMatch(/^ 33: .* GIC-0  82 Level +xuartps$/m);
    s.kernel.device_release_driver(dev);
    expect(s.readFile("/proc/interrupts")).not.toContain("xuartps");
    expect(s.dmesg()).not.toContain("already-free");
    expect(s.kernel.irq.request_irq(irq, () => IRQ_HANDLED, 0, "again", dev)).toBe(0);
  });

  it("devm_free_irq gives back the action of its dev_id only: the other is freed at unbind, with no WARN", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("e0001000.serial");
    const irq = dev.irq(0);
    const a = { port: "a" };
    const b = { port: "b" };
    s.kernel.device_bind_driver(dev, "xuartps");
    expect(devm_request_irq(dev, irq, () => IRQ_HANDLED, IRQF_SHARED, "uart-a", a)).toBe(0);
    expect(devm_request_irq(dev, irq, () => IRQ_HANDLED, IRQF_SHARED, "uart-b", b)).toBe(0);
    devm_free_irq(dev, irq, a);
    expect(s.readFile("/proc/interrupts")).toMatch(/^ 33: .* uart-b$/m);
    s.kernel.device_release_driver(dev);
    expect(s.readFile("/proc/interrupts")).not.toContain("uart-");
    expect(s.dmesg()).not.toContain("WARN");
  });
});

describe("devres_release_all", () => {
  it("releases newest first, as drivers/base/devres.c walks the list from its tail (release_nodes)", async () => {
    // A driver's later devm_* resources may depend on its earlier ones (an irq whose handler reads
    // the registers mapped before it): unbinding undoes them in the reverse order of the probe.
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("e0001000.serial");
    s.kernel.device_bind_driver(dev, "xuartps");
    const released: string[] = [];
    for (const name of ["first", "second", "third"]) {
      devres_add(dev, { kind: "test_release", matches: () => false, release: () => void released.push(name) });
    }
    s.kernel.device_release_driver(dev);
    expect(released).toEqual(["third", "second", "first"]);
  });
});

describe("devm_free_irq of an irq devm_request_irq did not take", () => {
  it("WARNs (kernel/irq/devres.c: WARN_ON(devres_destroy(...))) and frees it all the same (free_irq follows the WARN_ON)", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const dev = s.device("e0001000.serial");
    const irq = dev.irq(0);
    s.kernel.device_bind_driver(dev, "xuartps");
    expect(s.kernel.irq.request_irq(irq, () => IRQ_HANDLED, 0, "plain", dev)).toBe(0);
    devm_free_irq(dev, irq, dev);
    expect(s.dmesg()).toContain("WARNING: kernel/irq/devres.c: devm_free_irq: WARN_ON(devres_destroy(");
    expect(s.readFile("/proc/interrupts")).not.toContain("plain");
    expect(s.dmesg()).not.toContain("already-free");
  });
});
