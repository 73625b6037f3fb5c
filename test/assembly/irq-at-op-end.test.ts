// The kernel looks for interrupts when a CPU operation ends, and sees every line a device raised
// before that instant, even in the operation's tail after its last access to the device: the GIC
// asserts a line to the core when the device raises it. The device is a Zynq PL330 whose copy
// raises irq 46 at an instant T (test/helpers/zynq-dmac-copy.ts); each operation starts 20 ns
// before T, with the DMAC's TLB entry warm.
//
// Costs by hand from the ZYNQ_7000 profile: a 666.667 MHz CPU (1.5 ns a cycle, so 20 cycles of
// instructions take 30 ns and 10 take 15 ns), the DMAC's registers answer in 60 ns (mmioNs), and
// the kernel's exception entry and GIC acknowledge take 400 cycles (600 ns, src/kernel/irq.ts).

import { describe, expect, it } from "vitest";
import { INT_EVENT_RIS, INTCLR, IRQ0, machineAt, raiseInstant, timed } from "../helpers/zynq-dmac-copy.js";
import { IRQ_HANDLED, IrqSubsystem } from "../../src/kernel/irq.js";
import { Printk } from "../../src/kernel/printk.js";

const EARLY_PS = 20_000;
const REGISTER_PS = 60_000;
const IRQ_ENTRY_PS = 600_000;

describe("an interrupt raised during a CPU operation is pending when it ends", () => {
  it("after a status register read that reached the DMAC before T and ended after it", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "warm");
    let ris = -1;
    expect(timed(m, () => (ris = m.cpu.load(INT_EVENT_RIS, 4)))).toBe(REGISTER_PS);
    expect(ris).toBe(0); // the read reached the DMAC before the event
    expect(m.pendingIrq()).toBe(IRQ0);
    expect(m.x.irqLevel(IRQ0)).toBe(1);
  });

  it("after 20 cycles of instructions that end 10 ns after T", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "warm");
    expect(timed(m, () => m.cpu.spend(20))).toBe(30_000);
    expect(m.pendingIrq()).toBe(IRQ0);
  });

  it("control: not after 10 cycles of instructions that end 5 ns before T", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "warm");
    expect(timed(m, () => m.cpu.spend(10))).toBe(15_000);
    expect(m.pendingIrq()).toBe(-1);
    expect(m.x.irqLevel(IRQ0)).toBe(0);
  });

  it("the kernel runs the handler right after the operation, 600 ns of entry after it ends", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "warm");
    const irq = new IrqSubsystem(m, new Printk(() => m.now()));
    const virq = irq.irq_create_mapping(IRQ0); // as the tree's <0 14 4> is mapped when pl330 asks
    const runs: { at: number; ris: number }[] = [];
    irq.request_irq(virq, () => {
      runs.push({ at: m.now(), ris: m.cpu.load(INT_EVENT_RIS, 4) });
      m.cpu.store(INTCLR, 4, 1);
      return IRQ_HANDLED;
    }, 0, "dma", null);
    m.cpu.load(INT_EVENT_RIS, 4);
    expect(irq.handlePending()).toBe(1);
    expect(runs).toEqual([{ at: T - EARLY_PS + REGISTER_PS + IRQ_ENTRY_PS, ris: 1 }]);
    expect(m.pendingIrq()).toBe(-1);
  });
});
