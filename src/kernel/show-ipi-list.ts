// The IPI rows arch_show_interrupts adds to /proc/interrupts (CONFIG_SMP, which
// multi_v7_defconfig and arm64's defconfig set). dmasim sends no IPI (its other CPUs do not
// run), so every count is 0. A single-CPU tree shows the same rows, one column (the kernel is
// SMP all the same). 4.9 prints every row, counting from irq_stat; 6.x (5.10's IPIs as
// interrupts) prints them once gic_smp_init gave the IPIs descriptors (proc-interrupts.ts).
//
// 32-bit ARM (show_ipi_list in arch/arm/kernel/smp.c): NR_IPI types (7; IPI_CPU_BACKTRACE,
// past NR_IPI, has none), the same names in 4.9 and 6.x:
//   seq_printf(p, "%*s%u: ", prec - 1, "IPI", i);  per online CPU "%10u ";  " %s\n"
// arm64 (show_ipi_list in 4.9's arch/arm64/kernel/smp.c, arch_show_interrupts in 6.x's): a
// list of its own, another layout:
//   seq_printf(p, "%*s%u:%s", prec - 1, "IPI", i, prec >= 4 ? " " : "");
//   per online CPU "%10u ";  "      %s\n"

import type { Arch } from "../hw/profile.js";
import type { KernelVersion } from "../mm/layout.js";

/** ipi_types[] of arch/arm/kernel/smp.c, 4.9 and 6.x. */
const ARM_IPI_TYPES = [
  "CPU wakeup interrupts",
  "Timer broadcast interrupts",
  "Rescheduling interrupts",
  "Function call interrupts",
  "CPU stop interrupts",
  "IRQ work interrupts",
  "completion interrupts",
] as const;

/** ipi_types[] of 4.9's arch/arm64/kernel/smp.c: NR_IPI 6, IPI_RESCHEDULE to IPI_WAKEUP (the
 *  crash-dump stop came in 4.12). */
const ARM64_IPI_TYPES_4_9 = [
  "Rescheduling interrupts",
  "Function call interrupts",
  "CPU stop interrupts",
  "Timer broadcast interrupts",
  "IRQ work interrupts",
  "CPU wake-up interrupts",
] as const;

/** ipi_types[] of 6.x's arch/arm64/kernel/smp.c, all MAX_IPI of them (the NMI-capable
 *  backtrace and KGDB roundup past NR_IPI included; the list as of 6.8, when those came and
 *  the wake-up one had gone). */
const ARM64_IPI_TYPES = [
  "Rescheduling interrupts",
  "Function call interrupts",
  "CPU stop interrupts",
  "CPU stop NMIs",
  "Timer broadcast interrupts",
  "IRQ work interrupts",
  "CPU backtrace interrupts",
  "KGDB roundup interrupts",
] as const;

/** The IPI rows, `prec` wide as show_interrupts computed it, for `cpus` online CPUs. */
export function show_ipi_list(arch: Arch, version: KernelVersion, prec: number, cpus: number): string {
  const counts = `${"0".padStart(10)} `.repeat(cpus);
  if (arch === "arm") return ARM_IPI_TYPES.map((name, i) => `${"IPI".padStart(prec - 1)}${i}: ${counts} ${name}\n`).join("");
  const types = version === "v4.9" ? ARM64_IPI_TYPES_4_9 : ARM64_IPI_TYPES;
  const gap = prec >= 4 ? " " : "";
  return types.map((name, i) => `${"IPI".padStart(prec - 1)}${i}:${gap}${counts}      ${name}\n`).join("");
}
