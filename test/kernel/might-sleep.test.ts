// kernel/sched/core.c: what __might_sleep and schedule_debug print for each kernel version,
// naming the current task, and what the sleep leaves behind: schedule_debug resets the preempt
// count, and might_sleep reports at most once a second. Which calls check (4.9 and current
// Linux alike): wait_event_timeout begins with might_sleep() (include/linux/wait.h), a sleeping
// read_poll_timeout with might_sleep_if(sleep_us) (include/linux/iopoll.h); msleep
// (kernel/time/timer.c in 4.9, kernel/time/sleep_timeout.c now) and usleep_range (4.9's
// do_usleep_range, now usleep_range_state) call neither: only schedule(), whose schedule_debug
// looks at the preempt count, not at the interrupt mask.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { createSystem } from "../../src/create.js";
import { msleep, usleep_range } from "../../src/kernel/delay.js";
import { readl_poll_timeout } from "../../src/kernel/iopoll.js";
import { local_irq_restore, local_irq_save } from "../../src/kernel/irqflags.js";
import { spin_lock, spin_lock_init, spin_unlock } from "../../src/kernel/spinlock.js";
import { dma_request_chan_by_mask, dmaengine_synchronize } from "../../src/dmaengine/dmaengine.js";
import { DMA_MEMCPY } from "../../src/dmaengine/types.js";
import type { Pl330Chan } from "../../src/drivers/pl330/channel.js";
import type { System } from "../../src/system.js";

const bugs = (s: System) => s.kernel.printk.grep("BUG:");
const log = (s: System, needle: string) => s.kernel.printk.grep(needle);
/** wait_event_timeout on a condition that never holds, for `ms` of simulated time. */
const waitEventMs = (s: System, ms: number) => s.kernel.waitEvent(() => false, ms * 1e9);
/** The DMAC's FTR0 (spec pl330: Fault Type of thread 0), a register a poll can read. */
const ftr0 = (s: System) => (dma_request_chan_by_mask(s, DMA_MEMCPY).priv as Pl330Chan).dmac.base + 0x40;

describe("might_sleep's lines per kernel version", () => {
  it("4.9's ___might_sleep prints in_atomic, irqs_disabled, pid and name, and no preempt_count line", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const flags = local_irq_save(s);
    expect(s.kernel.waitEvent(() => true, 1e9)).toBe(true);
    local_irq_restore(s, flags);
    expect(log(s, "sleeping function")).toEqual(["BUG: sleeping function called from invalid context at include/linux/wait.h (wait_event_timeout)"]);
    expect(log(s, "in_atomic()")).toEqual(["in_atomic(): 0, irqs_disabled(): 1, pid: 100, name: insmod"]);
    expect(log(s, "preempt_count:")).toEqual([]);
  });

  it("the current kernel's __might_resched adds non_block and the preempt count found and expected", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    spin_lock(lock);
    s.kernel.waitEvent(() => true, 1e9);
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
    waitEventMs(s, 1);
    expect(bugs(s)).toEqual([
      "BUG: sleeping function called from invalid context at include/linux/wait.h (wait_event_timeout)",
      "BUG: scheduling while atomic: insmod/100/0x00000002 (wait_event_timeout)",
    ]);
    // preempt_count_set(PREEMPT_DISABLED), then schedule()'s own preempt_enable: 0.
    expect(s.kernel.irq.preempt_count()).toBe(0);
    msleep(s, 1); // still inside the lock, but nothing is atomic any more
    waitEventMs(s, 1);
    spin_unlock(lock);
    expect(s.kernel.irq.preempt_count()).toBe(0);
    waitEventMs(s, 1);
    expect(bugs(s)).toHaveLength(2);
  });

  it("atomic again: schedule_debug reports every time; might_sleep only once HZ jiffies (1 s) have passed since its last report", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    const sleepLocked = () => {
      spin_lock(lock);
      waitEventMs(s, 10);
      spin_unlock(lock);
    };
    sleepLocked();
    sleepLocked(); // 1 or 2 jiffies later (HZ 100): might_sleep's rate limit holds
    expect(log(s, "sleeping function")).toHaveLength(1);
    expect(log(s, "scheduling while atomic")).toEqual([
      "BUG: scheduling while atomic: insmod/100/0x00000002 (wait_event_timeout)",
      "BUG: scheduling while atomic: insmod/100/0x00000002 (wait_event_timeout)",
    ]);
    msleep(s, 1000); // 100 jiffies: past prev_jiffy + HZ
    sleepLocked();
    expect(log(s, "sleeping function")).toHaveLength(2);
    expect(log(s, "scheduling while atomic")).toHaveLength(3);
  });

  it("two locks held: the report counts both (0x00000003) and the reset leaves a count of 0, not one lock's", async () => {
    const s = await zynq();
    const a = spin_lock_init(s);
    const b = spin_lock_init(s);
    spin_lock(a);
    spin_lock(b);
    msleep(s, 1);
    // Two locks (2) plus schedule()'s own preempt_disable (1); then preempt_count_set(PREEMPT_DISABLED)
    // and schedule()'s preempt_enable: 0, whatever was held.
    expect(bugs(s)).toEqual(["BUG: scheduling while atomic: insmod/100/0x00000003 (msleep)"]);
    expect(s.kernel.irq.preempt_count()).toBe(0);
    msleep(s, 1); // both locks still held, but nothing counts them any more
    expect(bugs(s)).toHaveLength(1);
    spin_unlock(b);
    spin_unlock(a);
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

  it("might_sleep reports again at exactly prev_jiffy + HZ: only time_before(jiffies, prev_jiffy + HZ) drops a report", async () => {
    const s = await zynq();
    const chan = dma_request_chan_by_mask(s, DMA_MEMCPY);
    const lock = spin_lock_init(s);
    spin_lock(lock);
    dmaengine_synchronize(chan);
    const tick = 10e9; // HZ 100 on arm: 10 ms
    const j = Math.floor(s.now() / tick); // the report's jiffy, counted from boot
    s.machine.idleUntil((j + 100) * tick - 1); // the last picosecond of jiffy j + 99
    dmaengine_synchronize(chan);
    expect(log(s, "sleeping function")).toHaveLength(1);
    s.machine.idleUntil((j + 100) * tick); // jiffy j + 100 = prev_jiffy + HZ
    dmaengine_synchronize(chan);
    expect(log(s, "sleeping function")).toHaveLength(2);
    spin_unlock(lock);
  });
});

describe("which sleeping calls check with might_sleep()", () => {
  it("msleep and usleep_range with IRQs masked and no lock: no report in either version (no might_sleep, and schedule_debug finds a preempt count of 0)", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const flags = local_irq_save(s);
      msleep(s, 20);
      usleep_range(s, 50, 100);
      local_irq_restore(s, flags);
      expect(bugs(s)).toEqual([]);
    }
  });

  it("msleep and usleep_range under a lock: schedule_debug's 'scheduling while atomic' only, no might_sleep lines", async () => {
    for (const kernel of ["modern", "v4.9"] as const) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const lock = spin_lock_init(s);
      spin_lock(lock);
      msleep(s, 1);
      spin_unlock(lock);
      spin_lock(lock);
      usleep_range(s, 5, 10);
      spin_unlock(lock);
      // One lock (1) plus schedule()'s own preempt_disable (1).
      expect(bugs(s)).toEqual([
        "BUG: scheduling while atomic: insmod/100/0x00000002 (msleep)",
        "BUG: scheduling while atomic: insmod/100/0x00000002 (usleep_range)",
      ]);
    }
  });

  it("readl_poll_timeout with sleep_us checks once, before its first read, even when the condition holds at once", async () => {
    const s = await zynq();
    const reg = ftr0(s);
    const flags = local_irq_save(s);
    expect(readl_poll_timeout(s, reg, () => true, 10, 100).ret).toBe(0);
    local_irq_restore(s, flags);
    expect(bugs(s)).toEqual(["BUG: sleeping function called from invalid context at include/linux/iopoll.h (readl_poll_timeout)"]);
    expect(log(s, "in_atomic()")).toEqual(["in_atomic(): 0, irqs_disabled(): 1, non_block: 0, pid: 100, name: insmod"]);
  });

  it("readl_poll_timeout under a lock: might_sleep once, then the first usleep_range's schedule() reports and resets the count, so the later laps are quiet", async () => {
    const s = await zynq();
    const reg = ftr0(s);
    const lock = spin_lock_init(s);
    spin_lock(lock);
    // FTR0 bit 31 never sets: 10 sleeps of 10 us before the 100 us timeout.
    expect(readl_poll_timeout(s, reg, (v) => (v & 0x80000000) !== 0, 10, 100).ret).toBeLessThan(0);
    spin_unlock(lock);
    expect(bugs(s)).toEqual([
      "BUG: sleeping function called from invalid context at include/linux/iopoll.h (readl_poll_timeout)",
      "BUG: scheduling while atomic: insmod/100/0x00000002 (usleep_range)",
    ]);
  });

  it("readl_poll_timeout with sleep_us 0 neither sleeps nor checks: no report with IRQs masked", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const reg = ftr0(s);
    const flags = local_irq_save(s);
    expect(readl_poll_timeout(s, reg, (v) => (v & 0x80000000) !== 0, 0, 5).ret).toBeLessThan(0);
    local_irq_restore(s, flags);
    expect(bugs(s)).toEqual([]);
  });
});
