// irqflags.h and spinlock.h: the CPU's interrupt mask holds a raised line pending until it is
// cleared, busy-waits pass their time under it, sleeping under it is reported, and the
// CONFIG_DEBUG_SPINLOCK checks.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { dma_sync_wait } from "../../src/dmaengine/dmaengine.js";
import { issueMemcpy } from "../helpers/issued-memcpy.js";
import { udelay, msleep } from "../../src/kernel/delay.js";
import { irqs_disabled, local_irq_disable, local_irq_enable, local_irq_restore, local_irq_save } from "../../src/kernel/irqflags.js";
import {
  spin_lock, spin_lock_init, spin_lock_irqsave, spin_unlock, spin_unlock_irqrestore,
} from "../../src/kernel/spinlock.js";
import { KernelBug, KernelError } from "../../src/kernel/errno.js";
import type { System } from "../../src/system.js";

const issue = issueMemcpy;

const log = (s: System, needle: string) => s.kernel.printk.grep(needle);

describe("irqflags.h", () => {
  it("a line raised while masked is taken at restore, not before; the bytes were copied meanwhile", async () => {
    const s = await zynq();
    const flags = local_irq_save(s);
    expect(flags).toBe(0);
    expect(irqs_disabled(s)).toBe(true);
    const run = issue(s);
    const t = s.now();
    udelay(s, 100); // a 4 KB copy ends in far less
    expect(s.now() - t).toBe(100e6); // the busy-wait passes its time exactly
    expect(run.callbacks).toBe(0);
    expect(s.machine.pendingIrq()).toBeGreaterThanOrEqual(0); // the GIC holds the line
    expect(s.cpu.read(run.b.cpuAddr, 4096)).toEqual(new Uint8Array(4096).fill(0x3c));
    local_irq_restore(s, flags);
    expect(run.callbacks).toBe(1);
    expect(irqs_disabled(s)).toBe(false);
    expect(s.machine.pendingIrq()).toBe(-1);
  });

  it("nested save/restore restores the outer state: the inner restore keeps the mask, the outer one clears it", async () => {
    const s = await zynq();
    const outer = local_irq_save(s);
    const inner = local_irq_save(s);
    expect(inner).toBe(0x80); // PSR_I_BIT: saved with interrupts already masked
    const run = issue(s);
    udelay(s, 100);
    local_irq_restore(s, inner);
    expect(irqs_disabled(s)).toBe(true);
    expect(run.callbacks).toBe(0);
    local_irq_restore(s, outer);
    expect(run.callbacks).toBe(1);
  });

  it("local_irq_disable/enable: enable takes the pending line at once; bad flags are refused", async () => {
    const s = await zynq();
    local_irq_disable(s);
    const run = issue(s);
    udelay(s, 100);
    expect(run.callbacks).toBe(0);
    local_irq_enable(s);
    expect(run.callbacks).toBe(1);
    expect(() => local_irq_restore(s, 3)).toThrow(/local_irq_restore/);
  });

  it("msleep with IRQs off is not reported (msleep has no might_sleep, and schedule() checks only the preempt count), and the sleep (schedule) takes the interrupt", async () => {
    const s = await zynq();
    const flags = local_irq_save(s);
    const run = issue(s);
    const t = s.now();
    msleep(s, 1);
    // HZ 100, modern: a timer armed 1 jiffy ahead runs on the tick after it (timer wheel level
    // 0), so the task wakes on the second 10 ms tick boundary after t, as with IRQs on.
    expect(s.now()).toBe((Math.floor(t / 10e9) + 2) * 10e9);
    expect(log(s, "BUG:")).toEqual([]);
    expect(run.callbacks).toBe(1);
    local_irq_restore(s, flags);
    expect(irqs_disabled(s)).toBe(false);
  });

  it("wait_event_timeout with IRQs off logs the might_sleep BUG, and its sleep (schedule) takes the interrupt that ends it", async () => {
    const s = await zynq();
    const flags = local_irq_save(s);
    const run = issue(s);
    expect(s.kernel.waitEvent(() => run.callbacks > 0, 1e9)).toBe(true);
    expect(log(s, "sleeping function called from invalid context")).toEqual([
      "BUG: sleeping function called from invalid context at include/linux/wait.h (wait_event_timeout)",
    ]);
    // __might_resched names the task (dmasim's scenarios run as insmod, pid 100) and adds the
    // preempt count it found and the one it expected (might_sleep: 0).
    expect(log(s, "in_atomic()")).toEqual(["in_atomic(): 0, irqs_disabled(): 1, non_block: 0, pid: 100, name: insmod"]);
    expect(log(s, "preempt_count:")).toEqual(["preempt_count: 0, expected: 0"]);
    // Interrupts masked, but the preempt count is 0: schedule() itself finds nothing atomic.
    expect(log(s, "scheduling while atomic")).toEqual([]);
    local_irq_restore(s, flags);
    expect(irqs_disabled(s)).toBe(false);
  });

  it("dma_sync_wait with IRQs off spins to the hard-lockup report (jiffies stand still) and throws -ETIMEDOUT", async () => {
    const s = await zynq();
    const flags = local_irq_save(s);
    const run = issue(s);
    const t = s.now();
    expect(() => dma_sync_wait(run.chan, run.cookie)).toThrow(KernelError);
    expect(s.now() - t).toBeGreaterThanOrEqual(10e12); // watchdog_thresh
    expect(log(s, "hard LOCKUP")).toHaveLength(1);
    local_irq_restore(s, flags);
    expect(run.callbacks).toBe(1);
  });
});

describe("spinlock.h", () => {
  it("spin_lock_irqsave masks and counts as atomic: wait_event_timeout under it reports both, and msleep only scheduling while atomic", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    let flags = spin_lock_irqsave(lock);
    expect(irqs_disabled(s)).toBe(true);
    s.kernel.waitEvent(() => false, 1e9);
    expect(log(s, "in_atomic()")).toEqual(["in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 100, name: insmod"]);
    expect(log(s, "preempt_count:")).toEqual(["preempt_count: 1, expected: 0"]);
    // __schedule_bug prints comm/pid/preempt_count(), the count with schedule()'s own
    // preempt_disable in it: the lock's 1 + 1.
    expect(log(s, "scheduling while atomic")).toEqual(["BUG: scheduling while atomic: insmod/100/0x00000002 (wait_event_timeout)"]);
    spin_unlock_irqrestore(lock, flags);
    flags = spin_lock_irqsave(lock);
    msleep(s, 1);
    expect(log(s, "in_atomic()")).toHaveLength(1);
    expect(log(s, "scheduling while atomic")).toEqual([
      "BUG: scheduling while atomic: insmod/100/0x00000002 (wait_event_timeout)",
      "BUG: scheduling while atomic: insmod/100/0x00000002 (msleep)",
    ]);
    spin_unlock_irqrestore(lock, flags);
    expect(irqs_disabled(s)).toBe(false);
  });

  it("spin_lock/spin_unlock cost 10 + 4 core cycles (667 MHz on Zynq) and leave the mask alone", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    const t = s.now();
    spin_lock(lock);
    spin_unlock(lock);
    expect(s.now() - t).toBe(Math.round((14 * 1e6) / s.machine.profile.cpu.clockMHz));
    expect(irqs_disabled(s)).toBe(false);
  });

  it("recursion on a held lock is reported and thrown; unlocking a free lock is reported; only a boot's first lock bug is printed", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    spin_lock(lock);
    expect(() => spin_lock(lock)).toThrow(KernelBug);
    // spin_dump names the current task: dmasim's scenarios run as insmod, pid 100.
    expect(log(s, "BUG: spinlock")).toEqual(["BUG: spinlock recursion on CPU#0, insmod/100"]);
    spin_unlock(lock);
    spin_unlock(lock);
    // The first report turned lock debugging off (debug_locks_off): the unlock of the free lock
    // is not reported after it.
    expect(log(s, "BUG: spinlock")).toEqual(["BUG: spinlock recursion on CPU#0, insmod/100"]);
    const fresh = await zynq();
    const free = spin_lock_init(fresh);
    spin_unlock(free);
    expect(log(fresh, "BUG: spinlock")).toEqual(["BUG: spinlock already unlocked on CPU#0, insmod/100"]);
    expect(() => spin_lock({} as never)).toThrow(/spin_lock_init/);
  });
  it("spin_lock_irqsave/spin_unlock_irqrestore add the mask's cycle each: 10 + 4 + 2 core cycles", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    const t = s.now();
    spin_unlock_irqrestore(lock, spin_lock_irqsave(lock));
    expect(s.now() - t).toBe(Math.round((16 * 1e6) / s.machine.profile.cpu.clockMHz));
  });

  it("spin_unlock_irqrestore releases the lock before the pending interrupt is taken: a callback that takes it finds it free", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    const flags = spin_lock_irqsave(lock);
    const run = issue(s);
    udelay(s, 100);
    expect(run.callbacks).toBe(0);
    let tookIt = false;
    const prev = s.kernel.printk.grep("BUG: spinlock").length;
    // Linux's spin_unlock_irqrestore: do_raw_spin_unlock, then local_irq_restore.
    const callbackLock = () => {
      spin_lock(lock);
      tookIt = true;
      spin_unlock(lock);
    };
    s.kernel.irq.tasklet_schedule(callbackLock); // runs on the exit of the interrupt the restore takes
    spin_unlock_irqrestore(lock, flags);
    expect(tookIt).toBe(true);
    expect(run.callbacks).toBe(1);
    expect(s.kernel.printk.grep("BUG: spinlock")).toHaveLength(prev);
  });

  it("after a reported recursion the lock is still held once: releasing it leaves process context, where a sleep is quiet", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    spin_lock(lock);
    expect(() => spin_lock(lock)).toThrow(KernelBug);
    spin_unlock(lock);
    msleep(s, 1);
    s.kernel.waitEvent(() => false, 1e9);
    expect(log(s, "sleeping function called from invalid context")).toEqual([]);
    expect(log(s, "scheduling while atomic")).toEqual([]);
    expect(log(s, "BUG: spinlock")).toEqual(["BUG: spinlock recursion on CPU#0, insmod/100"]);
  });

  it("a recursion through spin_lock_irqsave puts the mask back as it was before the call", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    spin_lock(lock);
    expect(() => spin_lock_irqsave(lock)).toThrow(KernelBug);
    expect(irqs_disabled(s)).toBe(false);
    const run = issue(s);
    udelay(s, 100);
    expect(run.callbacks).toBe(1);
  });

  it("a lock whose magic is not SPINLOCK_MAGIC (0xdead4ead) is reported as bad magic by lock and unlock", async () => {
    const s = await zynq();
    const lock = spin_lock_init(s);
    expect(lock.magic).toBe(0xdead4ead);
    lock.magic = 0;
    spin_lock(lock);
    spin_unlock(lock);
    // Lock and unlock both find it; only the first is printed (debug_locks_off).
    expect(log(s, "BUG: spinlock")).toEqual(["BUG: spinlock bad magic on CPU#0, insmod/100"]);
  });
});
