// free_irq as Linux's __free_irq does it (kernel/irq/manage.c, 4.9 and 6.x): when the last
// action of a line goes, "If this was the last handler, shut down the IRQ line" — irq_shutdown,
// which masks the line at the GIC. A device still raising it then leaves it pending at the
// distributor: the CPU never takes it, no "nobody cared". On a shared line the other actions
// stay and keep it enabled. The device is a Zynq PL330 whose copy raises irq 46
// (test/helpers/zynq-dmac-copy.ts) and holds it high until INTCLR.

import { describe, expect, it } from "vitest";
import { INTCLR, IRQ0, startCopy, zynqWithDmac } from "../helpers/zynq-dmac-copy.js";
import { IRQ_HANDLED, IRQF_SHARED, IrqSubsystem } from "../../src/kernel/irq.js";
import { EINVAL } from "../../src/kernel/errno.js";
import { Printk } from "../../src/kernel/printk.js";

/** Linux's irq number for GIC ID 46 on this 32-bit ARM 6.x kernel: 0-15 are legacy and
 *  gic_smp_init took 16-23 for the IPIs, so the first interrupt mapped gets 24. */
const IRQ = 24;

/** The irq subsystem over the machine, with GIC ID 46 mapped as the tree's <0 14 4> is when
 *  its driver asks (irq_create_of_mapping gives it its descriptor, irq 24). */
async function machine() {
  const m = await zynqWithDmac();
  const printk = new Printk(() => m.now());
  const irq = new IrqSubsystem(m, printk);
  expect(irq.irq_create_mapping(IRQ0)).toBe(IRQ);
  return { m, printk, irq };
}

/** Runs the copy to its end: irq 46 is high at the GIC from then on. */
function raise(m: Awaited<ReturnType<typeof zynqWithDmac>>): void {
  startCopy(m);
  m.idleUntil(m.now() + 1e9); // 1 ms: far more than the copy takes
  expect(Boolean(m.x.irqLevel(IRQ0))).toBe(true);
}

describe("free_irq", () => {
  it("the last action gone, the line is shut down: raised, it stays pending and untaken", async () => {
    const { m, printk, irq } = await machine();
    let runs = 0;
    expect(irq.request_irq(IRQ, () => (runs++, IRQ_HANDLED), 0, "dma", "dev")).toBe(0);
    irq.free_irq(IRQ, "dev");
    raise(m);
    expect(irq.handlePending()).toBe(0);
    expect(m.pendingIrq()).toBe(-1);
    expect(runs).toBe(0);
    expect(printk.text()).not.toContain("nobody cared");
    expect(irq.lines()).toEqual([]);
    // Requested again, the line is unmasked (irq_startup) and the pending interrupt taken.
    let again = 0;
    irq.request_irq(IRQ, () => {
      again++;
      m.cpu.store(INTCLR, 4, 1);
      return IRQ_HANDLED;
    }, 0, "dma", "dev2");
    expect(irq.handlePending()).toBe(1);
    expect(again).toBe(1);
    expect(runs).toBe(0);
  });

  it("on a shared line, the other action keeps the line: it is taken and runs only the handler left", async () => {
    const { m, irq } = await machine();
    const ran: string[] = [];
    const handler = (name: string) => () => {
      ran.push(name);
      m.cpu.store(INTCLR, 4, 1);
      return IRQ_HANDLED;
    };
    expect(irq.request_irq(IRQ, handler("a"), IRQF_SHARED, "a", "a")).toBe(0);
    expect(irq.request_irq(IRQ, handler("b"), IRQF_SHARED, "b", "b")).toBe(0);
    irq.free_irq(IRQ, "a");
    raise(m);
    expect(irq.handlePending()).toBe(1);
    expect(ran).toEqual(["b"]);
    expect(irq.lines()).toEqual([{ irq: IRQ, hwirq: IRQ0, count: 1, actions: ["b"] }]);
  });
});

describe("free_irq of an irq with no action of that dev_id", () => {
  // __free_irq (kernel/irq/manage.c, 4.9 and 6.x) walks the line's actions for dev_id; finding
  // none it does WARN(1, "Trying to free already-free IRQ %d\n", irq) and returns NULL.
  const WARN = "WARNING: kernel/irq/manage.c: __free_irq: Trying to free already-free IRQ 24";
  const warnings = (text: string) => text.split("\n").filter((l) => l.includes("Trying to free already-free IRQ"));

  it("never requested: one WARN per call, null, and the line stays as it was", async () => {
    const { m, printk, irq } = await machine();
    expect(irq.free_irq(IRQ, "dev")).toBeNull();
    expect(warnings(printk.text())).toHaveLength(1);
    expect(warnings(printk.text())[0]).toMatch(new RegExp(`^\\[ *[\\d.]+\\] ${WARN}$`));
    expect(irq.free_irq(IRQ, "dev")).toBeNull();
    expect(warnings(printk.text())).toHaveLength(2);
    expect(irq.lines()).toEqual([]);
    // Nothing was shut down by the bad call: a request after it takes the raised line.
    let runs = 0;
    irq.request_irq(IRQ, () => (runs++, m.cpu.store(INTCLR, 4, 1), IRQ_HANDLED), 0, "dma", "dev");
    raise(m);
    expect(irq.handlePending()).toBe(1);
    expect(runs).toBe(1);
  });

  it("is a WARN: logged at KERN_WARNING (4), as WARN() prints", async () => {
    const { printk, irq } = await machine();
    irq.free_irq(IRQ, "dev");
    expect(printk.dmesg().filter((l) => l.text.includes("already-free")).map((l) => l.level)).toEqual([4]);
  });

  // free_irq (kernel/irq/manage.c, 4.9 and 6.x) starts `desc = irq_to_desc(irq); if (!desc ||
  // ...) return;`: the WARN above is only for an irq with a descriptor. request_threaded_irq
  // returns -EINVAL for one without. More cases: test/kernel/irq-descriptors.test.ts.
  it("a negative irq (a failed platform_get_irq's errno) has no irq_desc: null, silently", async () => {
    const { printk, irq } = await machine();
    expect(irq.free_irq(-6, "dev")).toBeNull(); // -ENXIO
    expect(printk.text()).toBe("");
  });

  it("an irq number nothing mapped (25, beside the mapped 24) has no irq_desc: null, silently; request_irq -EINVAL", async () => {
    const { printk, irq } = await machine();
    expect(irq.free_irq(IRQ + 1, "dev")).toBeNull();
    expect(irq.request_irq(IRQ + 1, () => IRQ_HANDLED, 0, "dma", "dev")).toBe(-EINVAL);
    expect(printk.text()).toBe("");
    expect(irq.lines()).toEqual([]);
  });

  it("freed twice: the first returns the name it was requested with, the second WARNs", async () => {
    const { printk, irq } = await machine();
    irq.request_irq(IRQ, () => IRQ_HANDLED, 0, "f8003000.dma-controller", "dev");
    expect(irq.free_irq(IRQ, "dev")).toBe("f8003000.dma-controller");
    expect(warnings(printk.text())).toEqual([]);
    expect(irq.free_irq(IRQ, "dev")).toBeNull();
    expect(warnings(printk.text())).toHaveLength(1);
  });

  it("a shared line with another dev_id's action: WARNs, and the other handler keeps the line", async () => {
    const { m, printk, irq } = await machine();
    let runs = 0;
    irq.request_irq(IRQ, () => (runs++, m.cpu.store(INTCLR, 4, 1), IRQ_HANDLED), IRQF_SHARED, "a", "a");
    expect(irq.free_irq(IRQ, "b")).toBeNull();
    expect(warnings(printk.text())).toHaveLength(1);
    raise(m);
    expect(irq.handlePending()).toBe(1);
    expect(runs).toBe(1);
    expect(irq.lines()).toEqual([{ irq: IRQ, hwirq: IRQ0, count: 1, actions: ["a"] }]);
  });
});
