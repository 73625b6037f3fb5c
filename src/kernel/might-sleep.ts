// kernel/sched/core.c's __might_sleep and schedule_debug: a call that may sleep, made in atomic
// context (a handler or tasklet, interrupts masked, a spinlock held), is a bug.
//
// Linux reports it and carries on, and so does dmasim rather than throw: the report is what a
// driver writer sees in dmesg, and what the machine does next is part of the lesson. The sleep
// goes through schedule(), which leaves interrupts enabled (finish_task_switch unlocks the
// runqueue with raw_spin_rq_unlock_irq), so the sleep takes them and the task comes back with
// them on until its local_irq_restore puts back what it saved. Linux's schedule_debug also
// resets the preempt count, which unbalances the caller's later spin_unlock and reports again;
// dmasim keeps the count (one report per bug, said here). dmasim has no tasks, so the lines
// name no pid or comm.

import type { Kernel } from "./kernel.js";

/** might_sleep() at `file` in `fn`: the BUG lines when the context cannot sleep, then what
 *  schedule() does to the mask. */
export function might_sleep(k: Kernel, file: string, fn: string): void {
  const irq = k.irq;
  const count = irq.preempt_count();
  if (!irq.in_atomic() && !irq.irqs_disabled()) return;
  k.printk.err(`BUG: sleeping function called from invalid context at ${file} (${fn})`);
  k.printk.err(`in_atomic(): ${+irq.in_atomic()}, irqs_disabled(): ${+irq.irqs_disabled()}`);
  // schedule_debug's report: any preempt count, a lock's or an interrupt context's (a tasklet's
  // SOFTIRQ_OFFSET, 0x100).
  if (count > 0) k.printk.err(`BUG: scheduling while atomic: 0x${count.toString(16).padStart(8, "0")} (${fn})`);
  if (irq.in_interrupt()) return;
  if (irq.irqs_disabled()) irq.unmask();
}
