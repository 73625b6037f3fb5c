// An interrupt the CPU takes is named by Linux's irq number, not by the GIC interrupt ID the
// GIC acknowledged: gic_handle_irq hands the ID (the hwirq) to the domain, whose reverse map
// gives the irq number (generic_handle_domain_irq), and what follows speaks of that number:
// note_interrupt's "irq N: nobody cared" (kernel/irq/spurious.c __report_bad_irq prints
// desc's irq) and the span dmasim records for the handlers' run. On a 32-bit ARM 6.x kernel
// 0-15 are legacy and gic_smp_init took 16-23 for the IPIs, so the first interrupt mapped is
// irq 24; on the Zynq-7000 the PL330's interrupts (IDs 45-49, 72-75) are 24-32 in that order
// (its amba_probe maps them), and a memcpy on its channel 0 signals event 0: ID 46, irq 25.

import { describe, expect, it } from "vitest";
import { IRQ0, startCopy, zynqWithDmac } from "../helpers/zynq-dmac-copy.js";
import { IRQ_NONE, IrqSubsystem } from "../../src/kernel/irq.js";
import { Printk } from "../../src/kernel/printk.js";
import { createSystem } from "../../src/create.js";
import { run as memcpy } from "../../src/sim/scenarios/memcpy.js";

describe("a taken interrupt is named by its irq number", () => {
  it("nobody cared: a handler that leaves GIC ID 46 high gets irq 24 disabled, by that number", async () => {
    const m = await zynqWithDmac();
    const printk = new Printk(() => m.now());
    const irq = new IrqSubsystem(m, printk);
    expect(irq.irq_create_mapping(IRQ0)).toBe(24);
    let runs = 0;
    expect(irq.request_irq(24, () => (runs++, IRQ_NONE), 0, "deaf", "dev")).toBe(0);
    startCopy(m);
    m.idleUntil(m.now() + 1e9); // 1 ms: the 1 KB copy has ended and raised ID 46
    expect(irq.handlePending()).toBe(1);
    expect(runs).toBe(1);
    expect(printk.text()).toContain("irq 24: nobody cared; disabling it");
    expect(printk.text()).not.toContain("irq 46");
    // Disabled at the GIC: still high, no longer taken; the count stays on irq 24.
    expect(Boolean(m.x.irqLevel(IRQ0))).toBe(true);
    expect(irq.handlePending()).toBe(0);
    expect(irq.lines().map((l) => [l.irq, l.hwirq, l.count])).toEqual([[24, 46, 1]]);
  });

  it("a trace names the PL330's handler run irq 25 (Zynq 6.x, channel 0's event 0, ID 46)", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    s.kernel.tracer.start();
    expect(memcpy(s, { size: "4K", channels: 1 }).ok).toBe(true);
    const t = s.kernel.tracer.stopChrome();
    const irqSpans = new Set(t.traceEvents.map((e) => e.name).filter((n) => /^irq \d+$/.test(n)));
    expect([...irqSpans]).toEqual(["irq 25"]);
  });
});
