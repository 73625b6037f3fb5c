// The IPI rows 32-bit ARM's arch_show_interrupts adds to /proc/interrupts (arch/arm/kernel/irq.c,
// show_ipi_list in arch/arm/kernel/smp.c, CONFIG_SMP, which multi_v7_defconfig sets): one row per
// IPI type, NR_IPI of them (7; IPI_CPU_BACKTRACE, past NR_IPI, has none), with the same names in
// 4.9 and 6.x:
//   seq_printf(p, "%*s%u: ", prec - 1, "IPI", i);  per online CPU "%10u ";  " %s\n"
// 4.9 prints every row, counting from irq_stat; 6.x (5.10's IPIs as interrupts) skips a type
// with no ipi_desc, so a kernel whose GIC driver ran gic_smp_init shows all 7, one with no GIC
// none. A single-CPU tree shows the same rows, one column (the kernel is SMP all the same).
// dmasim sends no IPI (its other CPUs do not run), so every count is 0. arm64's rows (another
// list, another layout, changing within 6.x) are not modelled.

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

/** show_ipi_list's rows, `prec` wide as show_interrupts computed it, for `cpus` online CPUs. */
export function show_ipi_list(prec: number, cpus: number): string {
  const counts = `${"0".padStart(10)} `.repeat(cpus);
  return ARM_IPI_TYPES.map((name, i) => `${"IPI".padStart(prec - 1)}${i}: ${counts} ${name}\n`).join("");
}
