// kernel/sched/core.c: what __might_sleep and schedule_debug print for each kernel version,
// naming the current task, and what the sleep leaves behind: schedule_debug resets the preempt
// count, and might_sleep reports at most once a second.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { createSystem } from "../../src/create.js";
import { msleep } from "../../src/kernel/delay.js";
import { local_irq_restore, local_irq_save } from "../../src/kernel/irqflags.js";
import { spin_lock, spin_lock_init, spin_unlock } from "../../src/kernel/spinlock.js";
import { dma_request_chan_by_mask, dmaengine_synchronize } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import type { System } from "../../src/system.js";

const bugs = (s: System) => s.kernel.printk.grep("BUG:");
const log = (s: System, needle: string) => s.kernel.printk.grep(needle);

describe("might_sleep's lines per kernel version", () => {
  it("4.9's ___might_sleep prints in_atomic, irqs_disabled, pid and name, and no preempt_count line", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const flags = local_irq_save(s);
    msleep(s, 1);
    local_irq_restore(s, flags);
    expect(log(s, "sleeping function")).toEqual(["BUG: sleeping function called from invalid context at include/linux/delay.h (msleep)"]);
    expect(log(s, "in_atomic()")).toEqual(["in_atomic(): 0, irqs_disabled(): 1, pid: 100, name: insmod"]);
    expect(log(s, "preempt_count:")).toEqual([]);
  });

  it("the current kernel's __might_resched adds non_block and the preempt count found and expected", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    spin_lock(lock);
    msleep(s, 1);
    spin_unlock(lock);
    expect(log(s, "in_atomic()")).toEqual(["in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 100, name: insmod"]);
    expect(log(s, "preempt_count:")).toEqual(["preempt_count: 1, expected: 0"]);
  });
});

describe("schedule_debug's reset of the preempt count", () => {
  it("after 'scheduling while atomic' the task sleeps again under the same lock without a report, and the unlock finds no count to release", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    spin_lock(lock);
    msleep(s, 1);
    expect(bugs(s)).toEqual([
      "BUG: sleeping function called from invalid context at include/linux/delay.h (msleep)",
      "BUG: scheduling while atomic: insmod/100/0x00000002 (msleep)",
    ]);
    // preempt_count_set(PREEMPT_DISABLED), then schedule()'s own preempt_enable: 0.
    expect(s.kernel.irq.preempt_count()).toBe(0);
    msleep(s, 1); // still inside the lock, but nothing is atomic any more
    spin_unlock(lock);
    expect(s.kernel.irq.preempt_count()).toBe(0);
    msleep(s, 1);
    expect(bugs(s)).toHaveLength(2);
  });

  it("atomic again: schedule_debug reports every time; might_sleep only once HZ jiffies (1 s) have passed since its last report", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    const sleepLocked = () => {
      spin_lock(lock);
      msleep(s, 1);
      spin_unlock(lock);
    };
    sleepLocked();
    sleepLocked(); // 2 or 3 jiffies later (HZ 100): might_sleep's rate limit holds
    expect(log(s, "sleeping function")).toHaveLength(1);
    expect(log(s, "scheduling while atomic")).toEqual([
      "BUG: scheduling while atomic: insmod/100/0x00000002 (msleep)",
      "BUG: scheduling while atomic: insmod/100/0x00000002 (msleep)",
    ]);
    msleep(s, 1000); // 100 jiffies: past prev_jiffy + HZ
    sleepLocked();
    expect(log(s, "sleeping function")).toHaveLength(2);
    expect(log(s, "scheduling while atomic")).toHaveLength(3);
  });
});

describe("might_sleep without a sleep", () => {
  it("dmaengine_synchronize under a lock reports might_sleep's lines but not 'scheduling while atomic': pl330 has no device_synchronize, so nothing sleeps", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const lock = spin_lock_init(s);
    spin_lock(lock);
    dmaengine_synchronize(chan);
    expect(bugs(s)).toEqual(["BUG: sleeping function called from invalid context at include/linux/dmaengine.h (dmaengine_synchronize)"]);
    expect(log(s, "in_atomic()")).toEqual(["in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 100, name: insmod"]);
    // No schedule(): the lock still counts.
    expect(s.kernel.irq.preempt_count()).toBe(1);
    spin_unlock(lock);
  });
});
