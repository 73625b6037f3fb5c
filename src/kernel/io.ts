// MMIO accessors (asm/io.h). readl is a load followed by __iormb() and writel is __iowmb()
// followed by the store; which barriers those are depends on the architecture and the kernel
// generation (arch/io-barriers.ts). The write barrier is what makes the device see what the CPU
// wrote before it (posted Normal-NC writes, e.g. microcode just written to a coherent buffer);
// the read barrier orders the load before whatever the CPU does with the value. The _relaxed
// forms skip the barriers.

import type { Machine } from "../hw/machine.js";
import type { VirtAddr } from "../hw/address.js";
import { ioBarriersOf } from "../arch/io-barriers.js";

export function readl_relaxed(m: Machine, addr: VirtAddr): number {
  return m.cpu.load(addr, 4);
}

export function writel_relaxed(m: Machine, value: number, addr: VirtAddr): void {
  m.cpu.store(addr, 4, value);
}

export function readl(m: Machine, addr: VirtAddr): number {
  const v = readl_relaxed(m, addr);
  ioBarriersOf(m).__iormb();
  return v;
}

export function writel(m: Machine, value: number, addr: VirtAddr): void {
  ioBarriersOf(m).__iowmb();
  writel_relaxed(m, value, addr);
}
