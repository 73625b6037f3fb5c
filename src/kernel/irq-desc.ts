// The irq descriptors (kernel/irq/irqdesc.c): irq_to_desc finds one only for an irq number the
// kernel allocated, and request_irq and free_irq act on nothing else. dmasim's irq numbers are
// GIC interrupt IDs (of/irq.ts ofIrqNumber), so a descriptor here stands for the one Linux
// allocates when it maps that ID, or for a legacy one of the same number. Where they come from,
// Linux 4.9 and 6.x alike unless said:
// - early_irq_init (SPARSE_IRQ) preallocates arch_probe_nr_irqs() descriptors from 0 up. 32-bit
//   ARM's returns machine_desc->nr_irqs or else NR_IRQS, which is NR_IRQS_LEGACY, 16, with
//   SPARSE_IRQ (arch/arm/kernel/irq.c, arch/arm/include/asm/irq.h; the DT machines dmasim
//   models give no nr_irqs). desc_set_defaults gives them ARCH_IRQ_INIT_FLAGS, on ARM
//   IRQ_NOREQUEST | IRQ_NOPROBE (arch/arm/include/asm/hw_irq.h): nobody may request them. arm64
//   keeps the weak arch_probe_nr_irqs, NR_IRQS_LEGACY, 0 there (include/linux/irq.h): none.
// - irq_create_of_mapping allocates one per interrupt it maps (irq_domain_alloc_irqs), and
//   irq_domain_insert_irq clears its IRQ_NOREQUEST. The GIC's gic_irq_domain_map makes an ID
//   below 32 per-CPU (irq_set_percpu_devid): only request_percpu_irq may take it.
// - gic_smp_init (irq-gic.c, irq-gic-v3.c, 5.10 on) maps SGIs 0-7 for the IPIs (kernel/irq.ts).
//   Linux numbers those past the legacy 16; in dmasim's numbering by ID they are 0-7, and on
//   32-bit ARM 6.x the mapping takes the place of the legacy descriptor of the same number.

import type { Arch } from "../hw/profile.js";
// IDs below it are per-CPU (SGIs 0-15, PPIs 16-31): gic_irq_domain_map's hw < 32.
import { GIC_FIRST_SPI } from "../of/irq.js";

/** NR_IRQS_LEGACY of arch/arm/include/asm/irq.h. */
const ARM_NR_IRQS_LEGACY = 16;

export interface IrqDesc {
  /** IRQ_NOREQUEST: request_threaded_irq refuses it with -EINVAL, saying nothing. */
  norequest: boolean;
  /** irq_settings_is_per_cpu_devid: request_irq and free_irq refuse it with a WARN_ON. */
  percpuDevid: boolean;
}

export class IrqDescTable {
  private readonly descs = new Map<number, IrqDesc>();

  /** early_irq_init: the legacy descriptors of the architecture. */
  constructor(arch: Arch) {
    const initcnt = arch === "arm" ? ARM_NR_IRQS_LEGACY : 0;
    for (let irq = 0; irq < initcnt; irq++) this.descs.set(irq, { norequest: true, percpuDevid: false });
  }

  irq_to_desc(irq: number): IrqDesc | undefined {
    return this.descs.get(irq);
  }

  /** The descriptor irq_create_mapping gives the GIC interrupt ID `hwirq`, requestable once
   *  inserted; returns the irq number, which in dmasim is the ID. A second mapping of the same
   *  ID finds the first (irq_find_mapping), as of_irq_get's of a shared line does. */
  irq_create_mapping(hwirq: number): number {
    this.descs.set(hwirq, { norequest: false, percpuDevid: hwirq < GIC_FIRST_SPI });
    return hwirq;
  }
}
