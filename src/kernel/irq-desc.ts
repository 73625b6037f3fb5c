// The irq descriptors and the numbers Linux gives them (kernel/irq/irqdesc.c, irqdomain.c):
// irq_to_desc finds one only for an irq number the kernel allocated, and request_irq and
// free_irq act on nothing else. Linux's irq number (the "virq", the first column of
// /proc/interrupts) is not the GIC's interrupt ID (the hwirq, the column after the chip): the
// GIC's irq domain hands out numbers as interrupts are mapped. Linux 4.9 and 6.x alike unless
// said:
// - early_irq_init (SPARSE_IRQ) preallocates arch_probe_nr_irqs() descriptors from 0 up, and
//   marks them in allocated_irqs. 32-bit ARM's returns machine_desc->nr_irqs or else NR_IRQS,
//   which is NR_IRQS_LEGACY, 16, with SPARSE_IRQ (arch/arm/kernel/irq.c,
//   arch/arm/include/asm/irq.h; the DT machines dmasim models give no nr_irqs).
//   desc_set_defaults gives them ARCH_IRQ_INIT_FLAGS, on ARM IRQ_NOREQUEST | IRQ_NOPROBE
//   (arch/arm/include/asm/hw_irq.h): nobody may request them. arm64 keeps the weak
//   arch_probe_nr_irqs, NR_IRQS_LEGACY, 0 there (include/linux/irq.h): none.
// - The GIC's domain is a hierarchy one (irq-gic.c and irq-gic-v3.c give it .alloc), so
//   irq_create_fwspec_mapping allocates through irq_domain_alloc_irqs, whose
//   irq_domain_alloc_descs gets hwirq 0: its hint, hwirq % nr_irqs, is 0, made 1, and
//   __irq_alloc_descs takes the lowest free run of numbers from 1 (bitmap_find_next_zero_area).
//   Irq 0 is never handed out; on 32-bit ARM the first number is 16, past the legacy ones; on
//   arm64 it is 1. A hwirq already mapped gets its number again (irq_find_mapping), and
//   irq_domain_insert_irq clears the new descriptor's IRQ_NOREQUEST. gic_irq_domain_map makes
//   an ID below 32 per-CPU (irq_set_percpu_devid): only request_percpu_irq may take it.
// - gic_smp_init (irq-gic.c, irq-gic-v3.c, 5.10 on) allocates 8 numbers at once for SGIs 0-7,
//   the IPIs, before any other interrupt is mapped: 16-23 on 32-bit ARM, 1-8 on arm64.
// Numbers are never given back here: dmasim disposes of no mapping (irq_dispose_mapping).

import type { Arch } from "../hw/profile.js";
// IDs below it are per-CPU (SGIs 0-15, PPIs 16-31): gic_irq_domain_map's hw < 32.
import { GIC_FIRST_SPI } from "../of/irq.js";

/** NR_IRQS_LEGACY of arch/arm/include/asm/irq.h. */
const ARM_NR_IRQS_LEGACY = 16;

/** NR_IRQS on arm64: asm-generic/irq.h's 64 (arm64's asm/irq.h takes it), nr_irqs' start value
 *  (kernel/irq/irqdesc.c `int nr_irqs = NR_IRQS`) when arch_probe_nr_irqs preallocates none. */
const ARM64_NR_IRQS = 64;

export interface IrqDesc {
  /** IRQ_NOREQUEST: request_threaded_irq refuses it with -EINVAL, saying nothing. */
  norequest: boolean;
  /** irq_settings_is_per_cpu_devid: request_irq and free_irq refuse it with a WARN_ON. */
  percpuDevid: boolean;
  /** irq_data.hwirq: the GIC interrupt ID the domain mapped to it; undefined for a legacy one. */
  hwirq?: number;
  /** The trigger type (IRQ_TYPE_*) the mapping set (irq_create_fwspec_mapping's
   *  irq_set_irq_type); undefined when the mapping gave none. */
  type?: number;
}

export class IrqDescTable {
  private readonly descs = new Map<number, IrqDesc>();
  /** The GIC domain's reverse map, hwirq to irq number (irq_find_mapping). */
  private readonly revmap = new Map<number, number>();
  /** nr_irqs' start value: 32-bit ARM's 16 from arch_probe_nr_irqs, arm64's NR_IRQS. */
  private readonly initialNrIrqs: number;

  /** early_irq_init: the legacy descriptors of the architecture. */
  constructor(arch: Arch) {
    const initcnt = arch === "arm" ? ARM_NR_IRQS_LEGACY : 0;
    for (let irq = 0; irq < initcnt; irq++) this.descs.set(irq, { norequest: true, percpuDevid: false });
    this.initialNrIrqs = arch === "arm" ? ARM_NR_IRQS_LEGACY : ARM64_NR_IRQS;
  }

  irq_to_desc(irq: number): IrqDesc | undefined {
    return this.descs.get(irq);
  }

  /** irq_find_mapping: the irq number the GIC's domain gave `hwirq`, or 0 (none). */
  irq_find_mapping(hwirq: number): number {
    return this.revmap.get(hwirq) ?? 0;
  }

  /** irq_domain_alloc_descs for the GIC's hierarchy domain (hint 1, see the top): the first of
   *  `cnt` consecutive free numbers. */
  private irq_domain_alloc_descs(cnt: number): number {
    let start = 1;
    for (let n = 0; n < cnt; n++) {
      if (this.descs.has(start + n)) {
        start += n + 1;
        n = -1;
      }
    }
    return start;
  }

  /** irq_create_fwspec_mapping of the GIC interrupt ID `hwirq` (trigger `type`): the irq number
   *  the domain gives it, allocated on the first mapping, found again on any later one. */
  irq_create_mapping(hwirq: number, type?: number): number {
    const mapped = this.irq_find_mapping(hwirq);
    if (mapped) return mapped;
    const irq = this.irq_domain_alloc_descs(1);
    this.descs.set(irq, { norequest: false, percpuDevid: hwirq < GIC_FIRST_SPI, hwirq, type });
    this.revmap.set(hwirq, irq);
    return irq;
  }

  /** gic_smp_init's irq_domain_alloc_irqs of SGIs 0 .. count - 1, per-CPU: returns the first
   *  irq number (set_smp_ipi_range's ipi_base). */
  alloc_ipis(count: number): number {
    const base = this.irq_domain_alloc_descs(count);
    for (let sgi = 0; sgi < count; sgi++) {
      this.descs.set(base + sgi, { norequest: false, percpuDevid: true, hwirq: sgi });
      this.revmap.set(sgi, base + sgi);
    }
    return base;
  }

  /** nr_irqs once the kernel has allocated its irq numbers: its start value grown by
   *  irq_expand_nr_irqs to one past the highest number allocated (__irq_alloc_descs:
   *  `if (start + cnt > nr_irqs)`). */
  nr_irqs(): number {
    return Math.max(this.initialNrIrqs, 1 + Math.max(-1, ...this.descs.keys()));
  }
}
