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
// - gic_smp_init (irq-gic.c, irq-gic-v3.c, 5.10 on) allocates 8 descriptors for SGIs 0-7, the
//   IPIs (kernel/irq.ts). The GIC's domain is hierarchical, so irq_domain_alloc_descs gets
//   hwirq 0 and searches from irq 1 (kernel/irq/irqdomain.c: hint = hwirq % nr_irqs, 0 made 1):
//   every allocation takes the lowest free numbers. On arm64 the IPIs are irqs 1-8; on 32-bit
//   ARM, past the 16 legacy ones, 16-23, numbers that in dmasim's numbering by ID are PPIs, so
//   there dmasim gives the IPIs no number and irqs 0-15 stay legacy (IRQ_NOREQUEST). On arm64
//   dmasim keeps them at the SGIs' IDs, 0-7.

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
}

export class IrqDescTable {
  private readonly descs = new Map<number, IrqDesc>();
  /** The GIC IDs irq_create_mapping mapped: one Linux irq number each. */
  private readonly mapped = new Set<number>();
  /** Linux irq numbers allocated: the legacy ones, the IPIs', one per ID mapped. */
  private allocated: number;

  /** early_irq_init: the legacy descriptors of the architecture. */
  constructor(private readonly arch: Arch) {
    const initcnt = arch === "arm" ? ARM_NR_IRQS_LEGACY : 0;
    for (let irq = 0; irq < initcnt; irq++) this.descs.set(irq, { norequest: true, percpuDevid: false });
    this.allocated = initcnt;
  }

  irq_to_desc(irq: number): IrqDesc | undefined {
    return this.descs.get(irq);
  }

  /** The descriptor irq_create_mapping gives the GIC interrupt ID `hwirq`, requestable once
   *  inserted; returns the irq number, which in dmasim is the ID. A second mapping of the same
   *  ID finds the first (irq_find_mapping), as of_irq_get's of a shared line does. */
  irq_create_mapping(hwirq: number): number {
    this.descs.set(hwirq, { norequest: false, percpuDevid: hwirq < GIC_FIRST_SPI });
    if (!this.mapped.has(hwirq)) this.allocated++;
    this.mapped.add(hwirq);
    return hwirq;
  }

  /** gic_smp_init's irq_domain_alloc_irqs of SGIs 0 .. count - 1, per-CPU (see the top). */
  alloc_ipis(count: number): void {
    this.allocated += count;
    if (this.arch === "arm") return;
    for (let sgi = 0; sgi < count; sgi++) this.descs.set(sgi, { norequest: false, percpuDevid: true });
  }

  /** nr_irqs once the kernel has allocated its irq numbers: its start value (32-bit ARM's 16
   *  from arch_probe_nr_irqs, arm64's NR_IRQS) grown by irq_expand_nr_irqs to one past the
   *  highest number allocated (__irq_alloc_descs: `if (start + cnt > nr_irqs)`). Numbers are
   *  handed out from the lowest free up, from 0 on arm (the legacy ones first) and from 1 on
   *  arm64, so the highest is the count allocated, less one on arm. */
  nr_irqs(): number {
    return this.arch === "arm" ? this.allocated : Math.max(ARM64_NR_IRQS, 1 + this.allocated);
  }
}
