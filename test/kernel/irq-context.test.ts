// What a hard IRQ handler sees of its context, and what the return from it puts back: Linux's
// hardirq entry masks the core's interrupts and adds HARDIRQ_OFFSET (1 << 16,
// include/linux/preempt.h) to preempt_count; the exception return restores the interrupted
// code's PSR, so a handler that leaves the mask set does not leave it set for the code it
// interrupted. The device is a Zynq PL330 whose copy raises irq 46 (test/helpers/zynq-dmac-copy.ts).

import { describe, expect, it } from "vitest";
import { INTCLR, IRQ0, startCopy, zynqWithDmac } from "../helpers/zynq-dmac-copy.js";
import { IRQ_HANDLED, IrqSubsystem } from "../../src/kernel/irq.js";
import { Printk } from "../../src/kernel/printk.js";

/** A machine whose DMAC has raised IRQ0, and an IrqSubsystem over it. */
async function raised() {
  const m = await zynqWithDmac();
  startCopy(m);
  m.idleUntil(m.now() + 1e9); // 1 ms: far more than the copy takes
  expect(m.pendingIrq()).toBe(IRQ0);
  const irq = new IrqSubsystem(m, new Printk(() => m.now()));
  const virq = irq.irq_create_mapping(IRQ0); // as the tree's <0 14 4> is mapped when pl330 asks
  return { m, irq, virq };
}

describe("hard IRQ context", () => {
  it("a handler runs with interrupts masked and preempt_count() HARDIRQ_OFFSET (0x10000)", async () => {
    const { m, irq, virq } = await raised();
    const seen: { disabled: boolean; count: number; inInterrupt: boolean }[] = [];
    irq.request_irq(virq, () => {
      seen.push({ disabled: irq.irqs_disabled(), count: irq.preempt_count(), inInterrupt: irq.in_interrupt() });
      m.cpu.store(INTCLR, 4, 1);
      return IRQ_HANDLED;
    }, 0, "dma", null);
    expect(irq.irqs_disabled()).toBe(false);
    expect(irq.handlePending()).toBe(1);
    expect(seen).toEqual([{ disabled: true, count: 0x10000, inInterrupt: true }]);
    expect(irq.irqs_disabled()).toBe(false);
    expect(irq.preempt_count()).toBe(0);
  });

  it("a spinlock taken in a handler counts in preempt_count's low byte beside HARDIRQ_OFFSET", async () => {
    const { m, irq, virq } = await raised();
    let count = -1;
    irq.request_irq(virq, () => {
      irq.preempt_disable();
      count = irq.preempt_count();
      irq.preempt_enable();
      m.cpu.store(INTCLR, 4, 1);
      return IRQ_HANDLED;
    }, 0, "dma", null);
    irq.handlePending();
    expect(count).toBe(0x10001);
  });

  it("the return from a handler that left the mask set (local_irq_disable) restores the unmasked state", async () => {
    const { m, irq, virq } = await raised();
    irq.request_irq(virq, () => {
      irq.mask();
      m.cpu.store(INTCLR, 4, 1);
      return IRQ_HANDLED;
    }, 0, "dma", null);
    expect(irq.handlePending()).toBe(1);
    expect(irq.irqs_disabled()).toBe(false);
  });
});
