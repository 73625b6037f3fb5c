// cpu-idle.ts's sleepUntil is a wait_event_timeout with idle accounting: with interrupts
// masked it reports might_sleep's BUG and its schedule() turns them on, so the wait ends on
// the interrupt, as Kernel.waitEvent's does, instead of waking from WFI on a line it never takes.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { issueMemcpy } from "../helpers/issued-memcpy.js";
import { irqs_disabled, local_irq_restore, local_irq_save } from "../../src/kernel/irqflags.js";
import { idleClock, sleepUntil } from "../../src/sim/scenarios/cpu-idle.js";
import type { System } from "../../src/system.js";

const bugs = (s: System) => s.kernel.printk.grep("BUG:");

describe("sleepUntil", () => {
  it("from process context with IRQs on (as uart-tx and adc-rx sleep) is quiet and ends on the interrupt", async () => {
    const s = await zynq();
    const run = issueMemcpy(s);
    const clock = idleClock();
    expect(sleepUntil(s, clock, () => run.callbacks > 0, 1e9)).toBe(true);
    expect(clock.irqs).toBe(1);
    expect(clock.idlePs).toBeGreaterThan(0);
    expect(bugs(s)).toEqual([]);
  });

  it("with IRQs masked reports the might_sleep BUG, sleeps with them on (schedule) and ends on the interrupt", async () => {
    const s = await zynq();
    const flags = local_irq_save(s);
    const run = issueMemcpy(s);
    const clock = idleClock();
    const t = s.now();
    expect(sleepUntil(s, clock, () => run.callbacks > 0, 1e9)).toBe(true);
    expect(s.now() - t).toBeLessThan(1e9); // not to the timeout: the completion ended it
    expect(clock.irqs).toBe(1);
    expect(s.cpu.read(run.b.cpuAddr, 4096)).toEqual(new Uint8Array(4096).fill(0x3c));
    expect(bugs(s)).toEqual(["BUG: sleeping function called from invalid context at include/linux/wait.h (wait_event_timeout)"]);
    expect(s.kernel.printk.grep("in_atomic()")).toEqual(["in_atomic(): 0, irqs_disabled(): 1, non_block: 0, pid: 100, name: insmod"]);
    expect(irqs_disabled(s)).toBe(false); // schedule() left them on
    local_irq_restore(s, flags);
  });

  it("with IRQs masked and the condition already true reports might_sleep but does not schedule: the mask stays, as with wait_event_timeout", async () => {
    const s = await zynq();
    const flags = local_irq_save(s);
    const clock = idleClock();
    expect(sleepUntil(s, clock, () => true, 1e9)).toBe(true);
    expect(bugs(s)).toHaveLength(1);
    expect(irqs_disabled(s)).toBe(true);
    expect(s.kernel.waitEvent(() => true, 1e9)).toBe(true); // the kernel's own wait: the same
    expect(irqs_disabled(s)).toBe(true);
    local_irq_restore(s, flags);
  });
});
