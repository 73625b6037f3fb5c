// include/linux/spinlock.h for dmasim's one CPU: a lock is preempt_disable() plus the lock
// word, with the checks CONFIG_DEBUG_SPINLOCK makes (kernel/locking/spinlock_debug.c) that a
// single CPU can make: taking a lock this CPU holds ("spinlock recursion"), releasing one nobody
// holds ("spinlock already unlocked"), and a lock never initialised ("bad magic"). As in
// Linux, only the first of them is printed: the report turns lock debugging off.
//
// spin_lock_init binds the lock to its kernel (C passes only &lock; the kernel here is not
// global), so the calls after it take the lock alone, in Linux's argument order.
//
// Cost: an uncontended lock is an exclusive load/store pair on the lock word with acquire
// semantics, and the unlock a store-release; dmasim charges LOCK_CYCLES and UNLOCK_CYCLES of
// the core's clock for them (estimates: the word is in L1 on a lock the CPU keeps taking) and
// models no traffic for the word. The _irqsave/_irq forms add the mask's own cycle (irqflags.ts).

import type { Kernel } from "./kernel.js";
import { KernelBug } from "./errno.js";
import { kernelOf } from "../dmaengine/arguments.js";
import { invalid } from "../dma/arguments.js";
import type { KernelOwner } from "./delay.js";
import { local_irq_disable, local_irq_enable, local_irq_restore, local_irq_save } from "./irqflags.js";

/** SPINLOCK_MAGIC (include/linux/spinlock_types.h): what spin_lock_init writes. */
export const SPINLOCK_MAGIC = 0xdead4ead;

const LOCK_CYCLES = 10;
const UNLOCK_CYCLES = 4;

export interface SpinLock {
  readonly kernel: Kernel;
  magic: number;
  locked: boolean;
}

/** spin_lock_init: a free lock of this kernel. */
export function spin_lock_init(owner: KernelOwner): SpinLock {
  return { kernel: kernelOf("spin_lock_init", owner), magic: SPINLOCK_MAGIC, locked: false };
}

function checkLock(fn: string, lock: unknown): SpinLock {
  const l = lock as Partial<SpinLock> | null;
  if (!l || typeof l !== "object" || !l.kernel || typeof l.locked !== "boolean") invalid(fn, "lock", lock, "a lock from spin_lock_init");
  return l as SpinLock;
}

/** Kernels whose lock debugging is off (lib/debug_locks.c's debug_locks cleared). */
const debugLocksOff = new WeakSet<Kernel>();

/** spin_bug: debug_locks_off() turns lock debugging off at the first report, so only the first
 *  lock bug of a boot is printed; then spin_dump's first line, which spinlock_debug.c prints at
 *  KERN_EMERG (logged here at KERN_ERR, as dmasim's other BUG lines are), naming the current
 *  task as comm/pid. */
function spinBug(lock: SpinLock, msg: string): void {
  if (debugLocksOff.has(lock.kernel)) return;
  debugLocksOff.add(lock.kernel);
  const { comm, pid } = lock.kernel.current;
  lock.kernel.printk.err(`BUG: spinlock ${msg} on CPU#0, ${comm}/${pid}`);
}

/** spin_lock: takes the lock. On one CPU a lock already held can only be this CPU's: Linux
 *  reports the recursion and then spins on the word for ever; dmasim reports it and throws. */
export function spin_lock(lock: SpinLock): void {
  const l = checkLock("spin_lock", lock);
  const k = l.kernel;
  k.irq.preempt_disable();
  if (l.magic !== SPINLOCK_MAGIC) spinBug(l, "bad magic");
  if (l.locked) {
    spinBug(l, "recursion");
    k.irq.preempt_enable();
    throw new KernelBug(
      "kernel/locking/spinlock_debug.c",
      "spinlock recursion: spin_lock on a lock this CPU already holds; Linux spins on it for ever (a deadlock). Release it first, or do not take it again in what runs under it",
    );
  }
  k.machine.cpu.spend(LOCK_CYCLES);
  l.locked = true;
}

/** spin_unlock: releases the lock. Releasing a free lock is reported, and the release goes on
 *  as Linux's does. */
export function spin_unlock(lock: SpinLock): void {
  const l = checkLock("spin_unlock", lock);
  const k = l.kernel;
  if (l.magic !== SPINLOCK_MAGIC) spinBug(l, "bad magic");
  if (!l.locked) spinBug(l, "already unlocked");
  k.machine.cpu.spend(UNLOCK_CYCLES);
  l.locked = false;
  k.irq.preempt_enable();
}

/** spin_lock_irqsave: masks interrupts, takes the lock, and returns the mask before. */
export function spin_lock_irqsave(lock: SpinLock): number {
  const l = checkLock("spin_lock_irqsave", lock);
  const flags = local_irq_save(l.kernel);
  try {
    spin_lock(l);
  } catch (e) {
    local_irq_restore(l.kernel, flags);
    throw e;
  }
  return flags;
}

/** spin_unlock_irqrestore: releases the lock, then restores the mask; an interrupt that came
 *  while it was held is taken here. */
export function spin_unlock_irqrestore(lock: SpinLock, flags: number): void {
  const l = checkLock("spin_unlock_irqrestore", lock);
  spin_unlock(l);
  local_irq_restore(l.kernel, flags);
}

/** spin_lock_irq: masks interrupts (whatever they were) and takes the lock. */
export function spin_lock_irq(lock: SpinLock): void {
  const l = checkLock("spin_lock_irq", lock);
  local_irq_disable(l.kernel);
  try {
    spin_lock(l);
  } catch (e) {
    local_irq_enable(l.kernel);
    throw e;
  }
}

/** spin_unlock_irq: releases the lock and unmasks interrupts. */
export function spin_unlock_irq(lock: SpinLock): void {
  const l = checkLock("spin_unlock_irq", lock);
  spin_unlock(l);
  local_irq_enable(l.kernel);
}
