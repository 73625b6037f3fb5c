// MMIO accessors (asm/io.h). On ARM, readl is a load followed by a read barrier and writel is a
// write barrier (which drains posted Normal-NC writes, e.g. microcode just written to a coherent
// buffer) followed by the store. The _relaxed forms skip the barriers.

import type { Machine } from "../hw/machine.js";
import type { VirtAddr } from "../hw/address.js";

export function readl_relaxed(m: Machine, addr: VirtAddr): number {
  return m.cpu.load(addr, 4);
}

export function writel_relaxed(m: Machine, value: number, addr: VirtAddr): void {
  m.cpu.store(addr, 4, value);
}

export function readl(m: Machine, addr: VirtAddr): number {
  return m.cpu.load(addr, 4);
}

export function writel(m: Machine, value: number, addr: VirtAddr): void {
  m.cpu.barrier();
  m.cpu.store(addr, 4, value);
}
