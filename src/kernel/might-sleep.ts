// kernel/sched/core.c's checks of a sleep: __might_sleep (might_sleep(), at the top of a call
// that may sleep) and schedule_debug (in schedule(), when the task does sleep). A call that may
// sleep, made in atomic context (a handler or tasklet, interrupts masked, a spinlock held), is
// a bug.
//
// Which calls check, in 4.9 and current Linux alike: those that begin with might_sleep() —
// wait_event_timeout (include/linux/wait.h), read_poll_timeout's might_sleep_if(sleep_us)
// (include/linux/iopoll.h), dmaengine_synchronize — report "sleeping function called from
// invalid context" with interrupts masked, a lock held or in interrupt context. msleep and
// usleep_range never call it (delay.ts): they reach only schedule(), which looks at the preempt
// count and not at the interrupt mask.
//
// Linux reports it and carries on, and so does dmasim rather than throw: the report is what a
// driver writer sees in dmesg, and what the machine does next is part of the lesson.
//
// might_sleep() only reports, at most once a second (its static prev_jiffy), in each kernel's
// words: 4.9's ___might_sleep prints in_atomic, irqs_disabled, pid and name; current Linux's
// __might_resched adds non_block (dmasim has no non-blocking sections: 0) and a preempt_count
// line. CONFIG_PREEMPT_RCU's "RCU nest depth" line is left out: dmasim has no RCU read-side
// sections. The file is the header of the call, and the function stands in for ":LINE" and the
// stack dump that follows in Linux.
//
// schedule() reports "scheduling while atomic" when the preempt count is not zero (a lock held,
// or interrupt context), without rate limit, and then sets the count to what schedule() itself
// holds (preempt_count_set(PREEMPT_DISABLED)), so the task comes back from the sleep with a
// count of 0: a later sleep does not report again unless something makes it atomic again, and
// the caller's spin_unlock then finds nothing to release (CONFIG_DEBUG_PREEMPT's
// preempt_count_sub refuses to go below 0, with a warning dmasim does not print). The sleep
// leaves interrupts enabled (finish_task_switch unlocks the runqueue with
// raw_spin_rq_unlock_irq), so the sleep takes them and the task comes back with them on until
// its local_irq_restore puts back what it saved.

import type { Kernel } from "./kernel.js";
import { HZ, jiffies } from "./jiffies.js";

/** ___might_sleep's `static unsigned long prev_jiffy`: the jiffy of each kernel's last report. */
const prevJiffy = new WeakMap<Kernel, number>();

/** The rate limit: a report less than HZ jiffies after the last one is dropped. */
function ratelimited(k: Kernel): boolean {
  const now = jiffies(k);
  const prev = prevJiffy.get(k);
  if (prev !== undefined && now < prev + HZ(k)) return true;
  prevJiffy.set(k, now);
  return false;
}

/** might_sleep() at `file` in `fn`: the BUG lines when the context cannot sleep. */
export function might_sleep(k: Kernel, file: string, fn: string): void {
  const irq = k.irq;
  if (!irq.in_atomic() && !irq.irqs_disabled()) return;
  if (ratelimited(k)) return;
  const { pid, comm } = k.current;
  const context = `in_atomic(): ${+irq.in_atomic()}, irqs_disabled(): ${+irq.irqs_disabled()}`;
  k.printk.err(`BUG: sleeping function called from invalid context at ${file} (${fn})`);
  if (k.version === "v4.9") {
    k.printk.err(`${context}, pid: ${pid}, name: ${comm}`);
    return;
  }
  k.printk.err(`${context}, non_block: 0, pid: ${pid}, name: ${comm}`);
  k.printk.err(`preempt_count: ${irq.preempt_count().toString(16)}, expected: 0`);
}

/** schedule() from `fn`: schedule_debug's report and reset, then what the switch does to the
 *  mask. The caller passes the time of the sleep itself. */
export function schedule(k: Kernel, fn: string): void {
  const irq = k.irq;
  const count = irq.preempt_count();
  if (count !== 0) {
    // __schedule_bug prints preempt_count() with schedule()'s own preempt_disable in it
    // (PREEMPT_DISABLE_OFFSET, 1): one lock held reads 0x00000002, a tasklet 0x00000101.
    const { pid, comm } = k.current;
    k.printk.err(`BUG: scheduling while atomic: ${comm}/${pid}/0x${(count + 1).toString(16).padStart(8, "0")} (${fn})`);
    irq.preempt_count_reset();
  }
  if (irq.in_interrupt()) return;
  if (irq.irqs_disabled()) irq.unmask();
}

/** The start of wait_event_timeout (include/linux/wait.h): might_sleep(), then schedule()
 *  only if `cond()` does not hold yet. */
export function wait_event_prepare(k: Kernel, cond: () => boolean): void {
  might_sleep(k, "include/linux/wait.h", "wait_event_timeout");
  if (!cond()) schedule(k, "wait_event_timeout");
}
