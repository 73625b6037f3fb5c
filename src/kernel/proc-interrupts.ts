// /proc/interrupts (kernel/irq/proc.c show_interrupts, with ARM's GENERIC_IRQ_SHOW_LEVEL): one
// row per interrupt with a handler or a count: per-CPU counts, the chip, the hardware number,
// the trigger, and the handlers' names. In dmasim the IRQ number is the GIC interrupt ID, and
// every interrupt is taken on CPU0 (the GIC's default affinity; the other CPUs do not run).

import type { Kernel } from "./kernel.js";
import { isGic, IRQ_TYPE_LEVEL_HIGH, IRQ_TYPE_LEVEL_LOW } from "../of/irq.js";

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
  const types = new Map<number, number>();
  for (const d of kernel.devices.values()) d.irqs.forEach((irq, i) => irq >= 0 && d.irqTypes[i] !== undefined && types.set(irq, d.irqTypes[i]));
  const cpus = onlineCpus(kernel);
  const chip = chipName(kernel);
  return kernel.irq.lines().map(({ irq, count, actions }) => {
    const t = types.get(irq) ?? IRQ_TYPE_LEVEL_HIGH;
    return {
      irq,
      counts: [count, ...Array<number>(cpus - 1).fill(0)],
      chip,
      hwirq: irq,
      trigger: t & (IRQ_TYPE_LEVEL_HIGH | IRQ_TYPE_LEVEL_LOW) ? "Level" : "Edge",
      actions,
    };
  });
}

/** NR_IRQS, the irq descriptors a kernel starts with: arm64 takes asm-generic's 64; a
 *  multi-platform arm kernel (SPARSE_IRQ) NR_IRQS_LEGACY, 16, which arch_probe_nr_irqs keeps
 *  when the machine gives none (the Zynq's does not). */
function initialNrIrqs(kernel: Kernel): number {
  return kernel.machine.profile.arch === "arm64" ? 64 : 16;
}

/** nr_irqs after boot: NR_IRQS, grown by irq_expand_nr_irqs (kernel/irq/irqdesc.c) to hold every
 *  Linux irq number the kernel allocated, one per interrupt mapped, handed out from the low
 *  numbers up (irq_domain_alloc_descs). Linux's numbers are not the GIC's IDs: however large an
 *  ID, the count of mapped interrupts is what nr_irqs follows. */
function nrIrqs(kernel: Kernel): number {
  const mapped = new Set<number>();
  for (const d of kernel.devices.values()) for (const irq of d.irqs) if (irq >= 0) mapped.add(irq);
  return initialNrIrqs(kernel) + mapped.size;
}

/** show_interrupts' width of the irq columns (kernel/irq/proc.c, 4.9 and 6.x): 3, one more for
 *  each power of ten from 1000 up to nr_irqs. A number wider than that (dmasim lists GIC IDs,
 *  2032 for SPI 2000, where Linux lists its small irq numbers) overflows its field, as printf's
 *  %*d does. */
function irqColumnWidth(kernel: Kernel): number {
  let prec = 3;
  for (let j = 1000; prec < 10 && j <= nrIrqs(kernel); j *= 10) prec++;
  return prec;
}

export function procInterrupts(kernel: Kernel): string {
  const lines = interruptLines(kernel);
  const prec = irqColumnWidth(kernel);
  const cpus = onlineCpus(kernel);
  let out = " ".repeat(prec + 8) + Array.from({ length: cpus }, (_, j) => `CPU${String(j).padEnd(8)}`).join("") + "\n";
  for (const l of lines) {
    out += `${String(l.irq).padStart(prec)}: ${l.counts.map((c) => `${String(c).padStart(10)} `).join("")}`;
    out += ` ${l.chip.padStart(8)} ${String(l.hwirq).padStart(prec)} ${l.trigger.padEnd(8)}`;
    if (l.actions.length) out += `  ${l.actions.join(", ")}`;
    out += "\n";
  }
  return out + `${"Err".padStart(prec)}: ${"0".padStart(10)}\n`;
}
