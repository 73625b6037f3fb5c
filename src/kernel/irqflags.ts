// include/linux/irqflags.h: the CPU's interrupt mask, for the kernel or anything that holds one
// (a System). While it is set, every point where process context takes interrupts (delays,
// polls, dmaengine_tx_status's entry, wait_event) takes none: the lines stay pending at the
// GIC, busy-waits still pass their time, and unmasking (local_irq_enable, or local_irq_restore
// of flags saved with IRQs on) takes what is pending at once, as a real core does the
// instruction after it clears the I bit.
//
// The flags are the saved PSR's I bit (PSR_I_BIT, 0x80 in both arm's CPSR and arm64's DAIF):
// what arch_local_irq_save returns on either architecture, as far as a caller can tell.

import type { Kernel } from "./kernel.js";
import { kernelOf } from "../dmaengine/arguments.js";
import { invalid } from "../dma/arguments.js";
import type { KernelOwner } from "./delay.js";

/** PSR_I_BIT (arch/arm{,64}/include/uapi/asm/ptrace.h). */
export const PSR_I_BIT = 0x80;

/** Core cycles of an msr daifset / cpsid (an estimate: a system-register write). */
const MASK_CYCLES = 1;

function setMask(k: Kernel, disabled: boolean): void {
  k.machine.cpu.spend(MASK_CYCLES);
  if (disabled) k.irq.mask();
  else k.irq.unmask();
}

/** irqs_disabled(): the CPU's interrupts are masked (a hard handler runs with them masked). */
export function irqs_disabled(owner: KernelOwner): boolean {
  return kernelOf("irqs_disabled", owner).irq.irqs_disabled();
}

/** local_irq_save: masks interrupts and returns the state before, for local_irq_restore. */
export function local_irq_save(owner: KernelOwner): number {
  const k = kernelOf("local_irq_save", owner);
  const flags = k.irq.irqs_disabled() ? PSR_I_BIT : 0;
  setMask(k, true);
  return flags;
}

/** local_irq_restore: puts back the state local_irq_save returned; back to enabled, a pending
 *  interrupt is taken before this returns. Nested save/restore pairs restore the outer state. */
export function local_irq_restore(owner: KernelOwner, flags: number): void {
  const k = kernelOf("local_irq_restore", owner);
  if (flags !== 0 && flags !== PSR_I_BIT) invalid("local_irq_restore", "flags", flags, `what local_irq_save returned (0 or 0x${PSR_I_BIT.toString(16)})`);
  setMask(k, flags === PSR_I_BIT);
}

/** local_irq_disable: masks interrupts, whatever they were. */
export function local_irq_disable(owner: KernelOwner): void {
  setMask(kernelOf("local_irq_disable", owner), true);
}

/** local_irq_enable: unmasks interrupts and takes any pending one at once. */
export function local_irq_enable(owner: KernelOwner): void {
  setMask(kernelOf("local_irq_enable", owner), false);
}
