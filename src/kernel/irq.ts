// Interrupt handling: request_irq/free_irq, the dispatcher the CPU enters when a line is high
// (handlers run in the order registered, shared lines allowed), tasklets run after hard IRQs,
// and the per-line counts of /proc/interrupts. A line nobody handles is disabled, as Linux does
// after "nobody cared". The subsystem also keeps the CPU's interrupt mask (irqflags.ts) and the
// preempt count spinlocks raise (spinlock.ts): together with the handler depth they are Linux's
// preempt_count() and irqs_disabled(), what might_sleep() checks (might-sleep.ts).

import type { Machine } from "../hw/machine.js";
import type { Printk } from "./printk.js";
import type { Tracer } from "../trace/recorder.js";
import { EBUSY, EINVAL, KernelBug } from "./errno.js";
import { gicIrqsFromTyper, GICD_TYPER, GIC_FIRST_SPI } from "../of/irq.js";
import type { KernelVersion } from "../mm/layout.js";
import { IrqDescTable } from "./irq-desc.js";

export const IRQ_NONE = 0;
export const IRQ_HANDLED = 1;
export type IrqReturn = typeof IRQ_NONE | typeof IRQ_HANDLED;
export type IrqHandler = (irq: number, devId: unknown) => IrqReturn;

export const IRQF_SHARED = 0x80;

/** SGIs are IDs 0-15, PPIs 16-31. */
const GIC_FIRST_PPI = 16;

/** The SGIs gic_smp_init maps for the IPIs (irq-gic.c, irq-gic-v3.c, 5.10 on: "all 8 non-secure
 *  SGIs"). */
const GIC_IPI_SGIS = 8;

/** Core cycles for exception entry, GIC acknowledge and return (an estimate; see docs). */
const IRQ_ENTRY_CYCLES = 400;

/** Tasklet runs in one pass after which the queue still has not emptied: far more than any
 *  driver needs, so the tasklets are rescheduling themselves for ever (pl330's fill_queue does
 *  so for a cyclic request the DMAC refuses). Linux would spin in ksoftirqd until its watchdog
 *  reported a soft lockup; dmasim stops the pass and says so, rather than hang its host. */
const TASKLET_RUNS_PER_PASS = 10_000;

interface IrqAction {
  handler: IrqHandler;
  flags: number;
  name: string;
  devId: unknown;
}

/** The interrupt controller the kernel's irqchip init found: its GIC architecture version (0: no
 *  GIC in the tree) and the kernel's version, which decide what the GIC driver prints. */
export interface GicInit {
  version: 2 | 3 | 0;
  kernel: KernelVersion;
}

/** What a per-CPU irq is (GIC interrupt ID `hwirq`), for the WARNs that refuse it. */
function perCpuInterrupt(hwirq: number): string {
  return `a per-CPU interrupt (GIC ${hwirq < GIC_FIRST_PPI ? `SGI ${hwirq}` : `PPI ${hwirq - GIC_FIRST_PPI}`})`;
}

export class IrqSubsystem {
  /** Interrupt IDs the distributor implements, as the GIC driver computed them from GICD_TYPER at
   *  init (gic_irqs in irq-gic.c; irq_nr in 4.9's irq-gic-v3.c, GIC_LINE_NR in 6.x's). */
  readonly gic_irqs: number;
  /** The irq numbers irq_to_desc finds: legacy ones, and those the GIC's domain mapped. */
  private readonly descs: IrqDescTable;
  private readonly actions = new Map<number, IrqAction[]>();
  private readonly counts = new Map<number, number>();
  private readonly tasklets: (() => void)[] = [];
  /** The first IPI's irq number, 0 while gic_smp_init has allocated none (an irq number is
   *  never 0). */
  private ipiBase = 0;
  /** Hard IRQ handlers or tasklets running: Linux's in_interrupt(), where nothing may sleep. */
  private interruptDepth = 0;
  /** Hard IRQ handlers running: the core entered them with its interrupts masked. */
  private hardirqDepth = 0;
  /** The CPU's interrupt mask (PSTATE.I on arm64, CPSR.I on arm), set by local_irq_disable. */
  private masked = false;
  /** preempt_disable() nesting: spinlocks held (a kernel with one CPU makes a lock just this). */
  private preemptDepth = 0;

  constructor(
    private readonly machine: Machine,
    private readonly printk: Printk,
    /** Records handler runs as spans when a trace is being taken. */
    private readonly tracer?: Tracer,
    gic: GicInit = { version: 2, kernel: "modern" },
  ) {
    this.descs = new IrqDescTable(machine.profile.arch);
    this.gic_irqs = this.gic_init_bases(gic);
    this.gic_dist_init();
    this.gic_cpu_config(gic.kernel);
    if (gic.version && gic.kernel !== "v4.9") this.gic_smp_init();
  }

  /** gic_smp_init (CONFIG_SMP, 5.10 on): the GIC's domain allocates SGIs 0-7, per-CPU, for the
   *  IPIs, and set_smp_ipi_range keeps their descriptors for /proc/interrupts' IPI rows
   *  (arch/arm/kernel/smp.c, arch/arm64/kernel/smp.c; irq-desc.ts says which irq numbers they
   *  take). Linux 4.9 gave SGIs no descriptor: gic_handle_irq passed them to handle_IPI. dmasim
   *  sends no IPI. */
  private gic_smp_init(): void {
    this.ipiBase = this.descs.alloc_ipis(GIC_IPI_SGIS);
  }

  /** The first IPI's irq number (set_smp_ipi_range's ipi_base), 0 when there are none. */
  get ipi_base(): number {
    return this.ipiBase;
  }

  /** The IPI descriptors gic_smp_init allocated (arch/arm/kernel/smp.c's ipi_desc[]): 8, or 0 on
   *  4.9 and without a GIC. */
  get nr_ipi_descs(): number {
    return this.ipiBase ? GIC_IPI_SGIS : 0;
  }

  /** nr_irqs: what show_interrupts sizes its irq column by (irq-desc.ts). */
  nr_irqs(): number {
    return this.descs.nr_irqs();
  }

  /** irq_create_of_mapping of a resolved GIC interrupt ID `hwirq` with its trigger `type` (an
   *  entry that ofIrqNumber gives an ID, mapped when the kernel maps it: of/platform.ts,
   *  kernel/device.ts): returns Linux's irq number for it, allocated the first time
   *  (irq-desc.ts). */
  irq_create_mapping(hwirq: number, type?: number): number {
    return this.descs.irq_create_mapping(hwirq, type);
  }

  /** irq_find_mapping: the irq number of GIC interrupt ID `hwirq`, 0 when nothing mapped it. */
  irq_find_mapping(hwirq: number): number {
    return this.descs.irq_find_mapping(hwirq);
  }

  /** irq_get_irq_data(irq)->hwirq: the GIC interrupt ID behind irq number `irq`, -1 for a
   *  number nothing mapped (none, or a legacy one). */
  hwirq(irq: number): number {
    return this.descs.irq_to_desc(irq)?.hwirq ?? -1;
  }

  /** gic_init_bases (irq-gic.c, irq-gic-v3.c): reads GICD_TYPER and takes 32 × (ITLinesNumber + 1)
   *  IDs, at most 1020. dmasim's read is untimed, as its other distributor accesses at boot are:
   *  boot timing stays what it was before the read was modelled. Linux 5.4 on (the ESPI range
   *  came with it) has irq-gic-v3.c print the SPI and extended SPI counts; irq-gic.c, and 4.9's
   *  irq-gic-v3.c, print no count. */
  private gic_init_bases(gic: GicInit): number {
    const typer = this.machine.x.irqDistributorRead(GICD_TYPER) >>> 0;
    const irqs = gicIrqsFromTyper(typer);
    if (gic.version === 3 && gic.kernel !== "v4.9") {
      this.printk.info(`GICv3: ${irqs - GIC_FIRST_SPI} SPIs implemented`);
      this.printk.info("GICv3: 0 Extended SPIs implemented");
    }
    return irqs;
  }

  /** gic_dist_config (drivers/irqchip/irq-gic-common.c, from gic_dist_init of irq-gic.c and
   *  irq-gic-v3.c): the GIC driver disables every SPI at boot, so a line reaches the CPU only
   *  once request_irq has enabled it; a device output on a line nobody requested stays pending
   *  at the distributor, untaken. The SGIs and PPIs are gic_cpu_config's (below). */
  private gic_dist_init(): void {
    for (let line = GIC_FIRST_SPI; line < this.gic_irqs; line++) this.machine.x.irqSetEnabled(line, 0);
  }

  /** gic_cpu_config (drivers/irqchip/irq-gic-common.c), from gic_cpu_init on each CPU: the banked
   *  private IDs. Linux 4.9 disables every PPI (GICD_ICENABLER0 <- GICD_INT_EN_CLR_PPI,
   *  0xffff0000) and enables every SGI (GICD_ISENABLER0 <- GICD_INT_EN_SET_SGI, 0x0000ffff);
   *  since 5.4 it disables all 32 (GICD_INT_EN_CLR_X32), and the SGIs Linux uses as IPIs are
   *  enabled again when they are requested (ipi_setup, 5.10 on), which dmasim does not model: it
   *  has no IPIs, and no device can raise an SGI. Either way a device raising a PPI nobody
   *  requested (request_percpu_irq's enable_percpu_irq would enable it) leaves it pending,
   *  untaken, like an unrequested SPI. */
  private gic_cpu_config(kernel: KernelVersion): void {
    for (let line = 0; line < GIC_FIRST_PPI; line++) this.machine.x.irqSetEnabled(line, kernel === "v4.9" ? 1 : 0);
    for (let line = GIC_FIRST_PPI; line < GIC_FIRST_SPI; line++) this.machine.x.irqSetEnabled(line, 0);
  }

  /** request_threaded_irq (kernel/irq/manage.c, 4.9 and 6.x): -EINVAL, silently, for an irq
   *  with no descriptor (a negative errno, a number nothing mapped) or one nobody may request (a
   *  legacy descriptor of 32-bit ARM: irq-desc.ts). */
  request_irq(irq: number, handler: IrqHandler, flags: number, name: string, devId: unknown): number {
    const desc = this.descs.irq_to_desc(irq);
    if (!desc || desc.norequest) return -EINVAL;
    // A per-CPU interrupt gets a WARN_ON: a device tree that gives a shared peripheral a PPI
    // specifier (<1 N type>, not <0 N type>).
    if (desc.percpuDevid) {
      this.printk.warn(
        `WARNING: kernel/irq/manage.c: request_threaded_irq: WARN_ON(irq_settings_is_per_cpu_devid(desc)): ` +
          `${name} requested irq ${irq}, ${perCpuInterrupt(desc.hwirq!)}; ` +
          `a peripheral's interrupt is an SPI: <0 N type> in its interrupts, GIC ID 32 + N`,
      );
      return -EINVAL;
    }
    const list = this.actions.get(irq) ?? [];
    if (list.length && (!(flags & IRQF_SHARED) || list.some((a) => !(a.flags & IRQF_SHARED)))) return -EBUSY;
    list.push({ handler, flags, name, devId });
    this.actions.set(irq, list);
    // irq_startup unmasks the line at the distributor (gic_unmask_irq). An ID past the ones the
    // GIC implements (an irq its driver mapped all the same, of/irq.ts ofIrqNumber) has no enable
    // bit: the write is ignored (RAZ/WI) and the line never fires.
    this.machine.x.irqSetEnabled(desc.hwirq!, 1);
    return 0;
  }

  /** free_irq: drops the action of `devId` and returns its name (free_irq's devname, 4.13 on).
   *  When the last one goes, __free_irq shuts the line down (kernel/irq/manage.c, 4.9 and 6.x:
   *  irq_shutdown, which masks it at the GIC), so a device still raising it leaves it pending at
   *  the distributor, untaken; a shared line keeps running its other handlers. An irq with no
   *  action of `devId` (never requested, or freed already) gets __free_irq's WARN, once per
   *  call, and null (NULL in Linux); nothing changes. Before that, free_irq itself returns null
   *  (4.9's returned nothing) for an irq irq_to_desc does not find, silently (a negative errno,
   *  a number nothing mapped), and, with a WARN_ON, for a per-CPU one (free_percpu_irq frees
   *  those). */
  free_irq(irq: number, devId: unknown): string | null {
    const desc = this.descs.irq_to_desc(irq);
    if (!desc) return null;
    if (desc.percpuDevid) {
      this.printk.warn(`WARNING: kernel/irq/manage.c: free_irq: WARN_ON(irq_settings_is_per_cpu_devid(desc)): irq ${irq}, ${perCpuInterrupt(desc.hwirq!)}`);
      return null;
    }
    const list = this.actions.get(irq) ?? [];
    const action = list.find((a) => a.devId === devId);
    if (!action) {
      this.printk.warn(`WARNING: kernel/irq/manage.c: __free_irq: Trying to free already-free IRQ ${irq}`);
      return null;
    }
    const rest = list.filter((a) => a !== action);
    if (rest.length) {
      this.actions.set(irq, rest);
    } else {
      this.actions.delete(irq);
      this.machine.x.irqSetEnabled(desc.hwirq!, 0);
    }
    return action.name;
  }

  /** in_interrupt(): a handler or a tasklet is running, so might_sleep() would complain. */
  in_interrupt(): boolean {
    return this.interruptDepth > 0;
  }

  /** irqs_disabled(): the mask is set, or a hard handler runs (entered with it set). */
  irqs_disabled(): boolean {
    return this.masked || this.hardirqDepth > 0;
  }

  /** Sets the CPU's mask: a line rising from now on stays pending at the GIC, untaken. */
  mask(): void {
    this.masked = true;
  }

  /** Clears the mask: the core takes a line pending now before its next instruction (returns
   *  how many were taken). In interrupt context they wait for its end, as every IRQs-on point
   *  there does (delay.ts). */
  unmask(): number {
    this.masked = false;
    return this.irqs_on_point();
  }

  preempt_disable(): void {
    this.preemptDepth++;
  }

  preempt_enable(): void {
    if (this.preemptDepth > 0) this.preemptDepth--;
  }

  /** schedule_debug's preempt_count_set(PREEMPT_DISABLED) after "scheduling while atomic":
   *  the task comes back from the sleep with no lock counted, so its later spin_unlock finds
   *  nothing to release (preempt_enable stops at 0, as CONFIG_DEBUG_PREEMPT's
   *  preempt_count_sub does). Linux loses a tasklet's or handler's offset too; dmasim keeps its
   *  nesting of handlers and tasklets, which the code running them unwinds (a simplification). */
  preempt_count_reset(): void {
    this.preemptDepth = 0;
  }

  /** in_atomic(): preempt_count() is not zero (a lock held, or interrupt context). */
  in_atomic(): boolean {
    return this.preempt_count() !== 0;
  }

  /** preempt_count(), laid out as include/linux/preempt.h does: spinlocks held in bits 0-7,
   *  SOFTIRQ_OFFSET (0x100) per tasklet running, HARDIRQ_OFFSET (0x10000) per hard handler. */
  preempt_count(): number {
    const softirq = this.interruptDepth - this.hardirqDepth;
    return this.preemptDepth + softirq * 0x100 + this.hardirqDepth * 0x10000;
  }

  private inInterrupt<T>(fn: () => T): T {
    this.interruptDepth++;
    try {
      return fn();
    } finally {
      this.interruptDepth--;
    }
  }

  /** Process context with IRQs on: an interrupt pending now is taken before the caller goes on
   *  (handlers, then tasklets on IRQ exit). Interrupt context, or a masked CPU, leaves it pending. */
  irqs_on_point(): number {
    return this.interruptDepth > 0 ? 0 : this.handlePending();
  }

  tasklet_schedule(fn: () => void): void {
    this.tasklets.push(fn);
  }

  /** Services every pending interrupt, then the tasklets. Returns how many IRQs were taken: none
   *  while the CPU's mask is set (the lines stay pending; softirqs run on IRQ exit, so neither). */
  handlePending(): number {
    if (this.masked) return 0;
    let taken = 0;
    for (let line = this.machine.pendingIrq(); line >= 0; line = this.machine.pendingIrq()) {
      taken++;
      // gic_handle_irq: the acknowledged ID is the hwirq, and the domain's reverse map gives
      // the irq number whose handlers and counts it is (generic_handle_domain_irq). The GIC
      // delivers only lines request_irq enabled, which were mapped first; a line with no
      // mapping (4.9 leaves the SGIs enabled, though no device raises one) is only masked.
      const irq = this.descs.irq_find_mapping(line);
      if (!irq) {
        this.machine.x.irqSetEnabled(line, 0);
        continue;
      }
      this.counts.set(irq, (this.counts.get(irq) ?? 0) + 1);
      const dispatch = () => this.inInterrupt(() => this.hardirq(irq));
      const handled = this.tracer ? this.tracer.span(`irq ${irq}`, dispatch) : dispatch();
      if (!handled && this.machine.x.irqLevel(line)) {
        this.printk.err(`irq ${irq}: nobody cared; disabling it`);
        this.machine.x.irqSetEnabled(line, 0);
      }
    }
    this.runTasklets();
    return taken;
  }

  /** A handler runs with the mask the exception set; the return from it (eret) restores the
   *  mask the interrupted code had, whatever the handler did with local_irq_save/restore. */
  private hardirq(irq: number): boolean {
    const masked = this.masked;
    this.hardirqDepth++;
    try {
      return this.dispatch(irq);
    } finally {
      this.hardirqDepth--;
      this.masked = masked;
    }
  }

  /** Exception entry, then every handler of irq number `irq`; true if one of them handled it. */
  private dispatch(irq: number): boolean {
    this.machine.cpu.spend(IRQ_ENTRY_CYCLES);
    let handled = false;
    for (const a of this.actions.get(irq) ?? []) {
      if (a.handler(irq, a.devId) === IRQ_HANDLED) handled = true;
    }
    return handled;
  }

  runTasklets(): void {
    if (!this.tasklets.length) return;
    const run = () => {
      for (let runs = 0; this.tasklets.length; runs++) {
        if (runs === TASKLET_RUNS_PER_PASS) this.livelocked();
        this.inInterrupt(this.tasklets.shift()!);
      }
    };
    if (this.tracer) this.tracer.span("tasklets", run);
    else run();
  }

  /** Drops the queue (so the System stays usable) and reports the livelock. */
  private livelocked(): never {
    this.tasklets.length = 0;
    throw new KernelBug(
      "kernel/softirq.c",
      `tasklets rescheduled themselves ${TASKLET_RUNS_PER_PASS} times in one pass: a softirq livelock (Linux would spin in ksoftirqd until the watchdog reported a soft lockup); the last lines of dmesg show what kept rescheduling`,
    );
  }

  /** Every irq number with a handler or a count, with the GIC interrupt ID behind it and the
   *  trigger type its mapping set: what /proc/interrupts lists (kernel/proc-interrupts.ts). */
  lines(): { irq: number; hwirq: number; type?: number; count: number; actions: string[] }[] {
    const irqs = new Set([...this.actions.keys(), ...this.counts.keys()]);
    return [...irqs]
      .sort((a, b) => a - b)
      .map((irq) => ({
        irq,
        hwirq: this.hwirq(irq),
        type: this.descs.irq_to_desc(irq)?.type,
        count: this.counts.get(irq) ?? 0,
        actions: (this.actions.get(irq) ?? []).map((a) => a.name),
      }));
  }
}
