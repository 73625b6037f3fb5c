// /proc/interrupts (kernel/irq/proc.c show_interrupts, with ARM's GENERIC_IRQ_SHOW_LEVEL): one
// row per interrupt with a handler or a count: Linux's irq number (irq-desc.ts says how the
// GIC's domain hands them out), per-CPU counts, the chip, the hardware number (the GIC
// interrupt ID), the trigger, and the handlers' names. Every interrupt is taken on CPU0 (the
// GIC's default affinity; the other CPUs do not run).

import type { Kernel } from "./kernel.js";
import { isGic, IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW } from "../of/irq.js";
import { show_ipi_list } from "./show-ipi-list.js";

export interface InterruptLine {
  irq: number;
  /** Per online CPU. */
  counts: number[];
  chip: string;
  hwirq: number;
  trigger: "Level" | "Edge";
  actions: string[];
}

/** The irq_chip name Linux 6.x gives the GIC: "GICv3"; "GICv2" for a GICv2 on arm64 (booted at
 *  EL2, so EOImode1); "GIC-0" for the primary GIC of a 32-bit ARM SoC. */
function chipName(kernel: Kernel): string {
  const gic = [...kernel.tree.root.walk()].find((n) => isGic(n) && n.has("interrupt-controller"));
  if (gic && isGic(gic) === 3) return "GICv3";
  return kernel.machine.profile.arch === "arm64" ? "GICv2" : "GIC-0";
}

function onlineCpus(kernel: Kernel): number {
  return Math.max(1, kernel.tree.findByPath("/cpus")?.children.filter((c) => c.string("device_type") === "cpu").length ?? 1);
}

export function interruptLines(kernel: Kernel): InterruptLine[] {
  const cpus = onlineCpus(kernel);
  const chip = chipName(kernel);
  return kernel.irq.lines().map(({ irq, hwirq, type, count, actions }) => {
    const t = type ?? IRQ_TYPE_LEVEL_HIGH;
    return {
      irq,
      counts: [count, ...Array<number>(cpus - 1).fill(0)],
      chip,
      hwirq,
      trigger: t & (IRQ_TYPE_LEVEL_HIGH | IRQ_TYPE_LEVEL_LOW) ? "Level" : "Edge",
      actions,
    };
  });
}

/** show_interrupts' width of the irq columns (kernel/irq/proc.c, 4.9 and 6.x): `for (prec = 3,
 *  j = 1000; prec < 10 && j <= nr_irqs; ++prec) j *= 10`, with nr_irqs as the kernel's irq
 *  numbers left it (irq-desc.ts): however large a GIC ID, the irq numbers allocated are what
 *  nr_irqs follows. A hwirq wider than that (2032 for SPI 2000) overflows its field, as
 *  printf's %*d does. */
function irqColumnWidth(kernel: Kernel): number {
  const nrIrqs = kernel.irq.nr_irqs();
  let prec = 3;
  for (let j = 1000; prec < 10 && j <= nrIrqs; j *= 10) prec++;
  return prec;
}

/** The chip column. show_interrupts prints `" %8s"` of the chip's name, unless the chip has an
 *  irq_print_chip: irq-gic.c's gic_chip has one since 5.19 ("irqchip/gic: Switch to dynamic chip
 *  name output"), gic_irq_print_chip, which prints "GIC-0" with no space and no padding; the
 *  EOImode1 chip ("GICv2") and irq-gic-v3.c's ("GICv3") have a name alone. 4.9's gic_init_chip
 *  named the chip "GIC-0" (kasprintf), padded as any. */
function chipColumn(kernel: Kernel, chip: string): string {
  return chip === "GIC-0" && kernel.version !== "v4.9" ? chip : ` ${chip.padStart(8)}`;
}

/** What arch_show_interrupts adds after the numbered rows: the IPI rows (when the kernel has
 *  them: 4.9 always, 6.x once gic_smp_init gave the IPIs descriptors; show-ipi-list.ts), then
 *  the Err row both architectures print, `"%*s: %10lu\n", prec, "Err", irq_err_count`
 *  (arch/arm/kernel/irq.c, arch/arm64/kernel/irq.c in 4.9, smp.c in 6.x). */
function archShowInterrupts(kernel: Kernel, prec: number, cpus: number): string {
  const ipis = kernel.version === "v4.9" || kernel.irq.nr_ipi_descs > 0 ? show_ipi_list(kernel.machine.profile.arch, kernel.version, prec, cpus) : "";
  return ipis + `${"Err".padStart(prec)}: ${"0".padStart(10)}\n`;
}

export function procInterrupts(kernel: Kernel): string {
  const lines = interruptLines(kernel);
  const prec = irqColumnWidth(kernel);
  const cpus = onlineCpus(kernel);
  let out = " ".repeat(prec + 8) + Array.from({ length: cpus }, (_, j) => `CPU${String(j).padEnd(8)}`).join("") + "\n";
  for (const l of lines) {
    out += `${String(l.irq).padStart(prec)}: ${l.counts.map((c) => `${String(c).padStart(10)} `).join("")}`;
    out += `${chipColumn(kernel, l.chip)} ${String(l.hwirq).padStart(prec)} ${l.trigger.padEnd(8)}`;
    if (l.actions.length) out += `  ${l.actions.join(", ")}`;
    out += "\n";
  }
  return out + archShowInterrupts(kernel, prec, cpus);
}
