// A booted kernel on one machine: memory management (with swiotlb taken from memblock during
// mem_init), interrupts, the DMA layer's architecture hooks and state, platform devices from
// the device tree with their drivers probed, and dmaengine.

import type { UserMm } from "../mm/user-mm.js";
import type { Machine } from "../hw/machine.js";
import type { Board } from "../hw/board.js";
import type { DmaChan } from "../dmaengine/types.js";
import { reportDmaHang } from "../report/dma-hang.js";
import type { VirtAddr } from "../hw/address.js";
import type { DeviceNode, DeviceTree } from "../of/node.js";
import type { Resource } from "../of/address.js";
import { fdtScanReservedMem, type ReservedMem } from "../of/reserved-mem.js";
import { fdtAllocReservedMem } from "../of/reserved-mem-alloc.js";
import { ofPlatformPopulate } from "../of/platform.js";
import { MemoryManager } from "../mm/mm.js";
import { CmaAreas } from "../mm/cma.js";
import type { CmaCmdline } from "../dma/cma-cmdline.js";
import { dma_contiguous_reserve } from "../dma/contiguous.js";
import type { KernelVersion } from "../mm/layout.js";
import { GFP_KERNEL, PAGE_SIZE } from "../mm/gfp.js";
import { ptdump, type PtdumpRange } from "../mm/ptdump.js";
import { PG_dcache_clean } from "../mm/buddy.js";
import { Printk } from "./printk.js";
import { IrqSubsystem } from "./irq.js";
import { gicNode, isGic } from "../of/irq.js";
import { devres_release_all } from "./devres.js";
import { wait_event_prepare } from "./might-sleep.js";
import type { Device, PlatformDevice } from "./device.js";
import { PlatformBus } from "./bus.js";
import { ResourceTree, requestSystemRam, IORESOURCE_MEM, IORESOURCE_SYSTEM_RAM, IORESOURCE_BUSY } from "./resource.js";
import type { ArchDmaOps } from "../arch/dma-maintenance.js";
import { Arm64Cache } from "../arch/arm64-cache.js";
import { ArmCache } from "../arch/arm-cache.js";
import { l2x0_of_init } from "../arch/l2x0-of-init.js";
import { installIoBarriers, ioBarriersFor } from "../arch/io-barriers.js";
import { linearRangeCheck } from "../arch/linear-guard.js";
import { machineMapIo, machineReserve } from "../arch/machine-desc.js";
import { DmaTime } from "../dma/accounting.js";
import { DmaSubsystem } from "../dma/subsystem.js";
import type { DmaDebugOptions } from "../dma/debug.js";
import { swiotlbForceDisabled } from "../dma/swiotlb-cmdline.js";
import { swiotlbNoForceOn49, swiotlb_init, type SwiotlbOptions } from "./swiotlb-init.js";
import { DmaEngine } from "../dmaengine/dmaengine.js";
import { platformDrivers } from "../drivers/registry.js";
import { Tracer } from "../trace/recorder.js";

export type { SwiotlbOptions } from "./swiotlb-init.js";

export interface KernelOptions {
  /** Kernel generation whose DMA behaviour to follow (default "modern"; "v4.9" selectable). */
  version?: KernelVersion;
  /** Echo kernel log lines up to this level to the host console (default: none). */
  printkLevel?: number;
  /** CONFIG_DMA_API_DEBUG: `true`, or the options of each check. */
  dmaDebug?: boolean | DmaDebugOptions;
  /** swiotlb= */
  swiotlb?: SwiotlbOptions;
  /** coherent_pool=: the atomic pool size in bytes. */
  coherentPool?: number;
  /** cma=: the default CMA area's size in bytes (0: none, as CONFIG_CMA_SIZE_MBYTES=0, the
   *  default when absent; a linux,cma-default node can still give one), or the full form's
   *  size, base and limit (early_cma). */
  cma?: number | CmaCmdline;
  /** Modern arm64: the firmware's DMA limit as a width in bits, as dma-ranges would set it
   *  (zone_dma_limit = DMA_BIT_MASK(bits), capped at 4 GB when RAM starts below it). */
  zoneDmaBits?: number;
  /** DMAPOOL_DEBUG (slab debugging on): dma_pool poisons blocks and checks frees. */
  dmapoolDebug?: boolean;
  /** ARM64_WORKAROUND_CLEAN_CACHE: issue DC CVAC as DC CIVAC (early Cortex-A53). */
  workaroundCleanCache?: boolean;
}

/** The task running the kernel's calls (`current`): its name and pid are what the BUG lines
 *  print, its stack is what DMA-API debug's stack check sees. */
export interface CurrentTask {
  comm: string;
  pid: number;
  /** Lowest address of the stack (linear map, or vmalloc with VMAP_STACK). */
  stack: VirtAddr;
  size: number;
  vmapped: boolean;
  /** The stack's pages (pfns). */
  pages: number[];
}

/** The pid of the task scenarios run in (initTask). */
const INSMOD_PID = 100;

export class Kernel {
  readonly printk: Printk;
  readonly mm: MemoryManager;
  readonly irq: IrqSubsystem;
  readonly archDma: ArchDmaOps;
  readonly dma: DmaSubsystem;
  readonly dmaengine: DmaEngine;
  readonly devices = new Map<string, PlatformDevice>();
  /** Nodes of_platform_populate tried and gave no device because adding it failed (a primecell
   *  whose registers something already claims), with the line the kernel printed. */
  readonly devicesNotAdded: { node: DeviceNode; name: string; errno: number; message: string }[] = [];
  /** Register windows of device nodes that the memory nodes cover, with the (dmasim) note boot
   *  printed for each (hw/registers-in-ram.ts). */
  readonly registersInRam: { node: DeviceNode; window: Resource; bank: Resource; note: string }[] = [];
  /** dmasim's notes on AMBA devices no driver takes for their peripheral ID (kernel/amba-id.ts). */
  readonly ambaNotes: string[] = [];
  readonly version: KernelVersion;
  readonly tree: DeviceTree;
  /** iomem_resource: what /proc/iomem shows. */
  readonly iomem = new ResourceTree("PCI mem", Number.MAX_SAFE_INTEGER);
  readonly platformBus: PlatformBus = new PlatformBus(this);
  readonly current: CurrentTask;
  /** Trace recording (system.trace): spans the kernel adds, and the silicon's records. */
  readonly tracer: Tracer;
  /** The /reserved-memory regions boot reserved (struct reserved_mem). */
  readonly reservedMem: ReservedMem[];
  private userMmOnce: UserMm | undefined;

  constructor(
    readonly machine: Machine,
    readonly board: Board,
    options: KernelOptions = {},
  ) {
    this.version = options.version ?? "modern";
    // The accessors' barriers from the first MMIO access on; the outer cache's sync joins them
    // once l2x0_of_init has set it up (setupArchDma; init_IRQ does the GIC first, likewise).
    installIoBarriers(machine, ioBarriersFor(machine, this.version, null));
    this.tracer = new Tracer(machine);
    this.tree = board.tree;
    this.printk = new Printk(() => machine.now(), options.printkLevel ?? -1);
    this.printk.info(`Booting Linux (dmasim, ${this.version} DMA behaviour) on ${board.profile.name}`);
    this.printk.info(`Machine model: ${this.tree.model}`);
    const onlineCpus = Math.max(1, this.tree.findByPath("/cpus")?.children.filter((c) => c.string("device_type") === "cpu").length ?? 1);
    const ram = board.ram.map((r) => ({ base: r.start, size: r.size }));
    const cma = new CmaAreas(machine.profile.arch, this.version, this.printk);
    const rmemCtx = { arch: machine.profile.arch, version: this.version, printk: this.printk, cma, cmaCmdline: options.cma !== undefined };
    const rmem = fdtScanReservedMem(this.tree, ram, rmemCtx);
    this.reservedMem = rmem.regions;
    this.mm = new MemoryManager(machine, this.printk, ram, {
      version: this.version,
      onlineCpus,
      reserved: rmem.reserved,
      machineReserve: (banks, swapperPgDir) => machineReserve(machine.profile.arch, this.version, this.tree, banks, swapperPgDir),
      mapIo: machineMapIo(machine.profile.arch, this.tree),
      nomap: rmem.nomap,
      zoneDmaBits: options.zoneDmaBits,
      cma,
    });
    if (rmem.sizeOnly.length) {
      fdtAllocReservedMem(this.tree, rmem.sizeOnly, this.mm.memblock, this.reservedMem, this.mm.nomap, rmemCtx);
      this.mm.nomap.sort((a, b) => a.base - b.base);
    }
    // arm: arm_dma_limit (no ZONE_DMA on the boards dmasim models: all of 32 bits); arm64:
    // arm64_dma_phys_limit, the end of ZONE_DMA. arm_memblock_init and 4.9's
    // arm64_memblock_init place the default CMA area before paging_init; modern arm64 in
    // bootmem_init, after the page tables and the memory map (sparse_init).
    const cmaCmdline = typeof options.cma === "number" ? { size: options.cma, base: 0, limit: 0 } : options.cma;
    const cmaLimit = machine.profile.arch === "arm" ? 2 ** 32 - 1 : this.mm.dmaPhysLimit();
    const cmaEarly = machine.profile.arch === "arm" || this.version === "v4.9";
    if (cmaCmdline?.size && cmaEarly) dma_contiguous_reserve(this.mm, cmaCmdline, cmaLimit);
    this.mm.paging_init();
    this.mm.bootmem_init();
    if (cmaCmdline?.size && !cmaEarly) dma_contiguous_reserve(this.mm, cmaCmdline, cmaLimit);
    const time = new DmaTime();
    const swiotlb = swiotlb_init(this, options.swiotlb ?? {}, time, onlineCpus);
    // Modern arm64 with swiotlb lets kmalloc go down to 8 bytes (small buffers bounce).
    const minAlign = machine.profile.arch === "arm64" ? (this.version === "v4.9" ? 128 : swiotlb ? 8 : 64) : 64;
    this.mm.mem_init(minAlign);
    // core_initcall: an area that spans zones is refused (modern: its pages go to the page
    // allocator; 4.9: activated up to the boundary, and no later area is activated; cma.ts).
    this.mm.cma.cma_init_reserved_areas(this.mm.buddy.zones, (start, end) => this.mm.buddy.addFreeRange(start, end));
    this.current = this.initTask();
    this.mm.buddy.currentComm = () => this.current.comm;
    const gic = gicNode(this.tree);
    this.irq = new IrqSubsystem(machine, this.printk, this.tracer, { version: gic ? isGic(gic) : 0, kernel: this.version });
    this.archDma = this.setupArchDma(time, options.workaroundCleanCache);
    const debug = options.dmaDebug === true ? { enabled: true } : options.dmaDebug ? { enabled: true, ...options.dmaDebug } : undefined;
    this.dma = new DmaSubsystem(this, swiotlb, time, {
      debug, coherentPool: options.coherentPool, poolDebug: options.dmapoolDebug, swiotlbDisabled: swiotlbForceDisabled(this.version, machine.profile.arch, options.swiotlb ?? {}),
      swiotlbNoForce: swiotlbNoForceOn49(this.version, machine.profile.arch, this.mm, options.swiotlb ?? {}),
    });
    this.dmaengine = new DmaEngine(this);
    this.requestStandardResources();
    this.probeDevices();
    this.tracer.dmacNames = board.dmacs.map((d) => `PL330 ${d.node.name}`);
  }

  /** The task dmasim's scenarios and tests run in. What they do (request channels, map
   *  buffers, sleep) is what a test module's init does, and module_init runs in the process
   *  that loads the module: insmod, after boot. (The boot's own probes run in Linux as pid 1,
   *  named swapper/0 until it execs init; nothing dmasim reports comes from them.) The pid is
   *  one a shell command gets on a small system after boot; nothing depends on its value. The
   *  stack: THREAD_SIZE pages from the page allocator, or (modern arm64, CONFIG_VMAP_STACK)
   *  vmalloc'ed; dmasim allocates it during boot, where its place does not depend on what a
   *  scenario does. */
  private initTask(): CurrentTask {
    const task = { comm: "insmod", pid: INSMOD_PID };
    const arm64 = this.machine.profile.arch === "arm64";
    const size = arm64 ? 16384 : 8192;
    if (arm64 && this.version === "modern") {
      const stack = this.mm.__vmalloc(size, GFP_KERNEL, "copy_process");
      const pages: number[] = [];
      for (let off = 0; off < size; off += PAGE_SIZE) pages.push(this.mm.vmalloc_to_pfn(stack + off));
      return { ...task, stack, size, vmapped: true, pages };
    }
    const stack = this.mm.__get_free_pages(GFP_KERNEL, Math.log2(size / PAGE_SIZE));
    const pfn = this.mm.virt_to_pfn(stack);
    return { ...task, stack, size, vmapped: false, pages: Array.from({ length: size / PAGE_SIZE }, (_, i) => pfn + i) };
  }

  private setupArchDma(time: DmaTime, workaroundCleanCache?: boolean): ArchDmaOps {
    const p2v = (pa: number) => this.mm.phys_to_virt(pa);
    const arch = this.machine.profile.arch;
    if (arch === "arm64") {
      const arm64 = new Arm64Cache(this.machine, this.version, p2v, time, { workaroundCleanCache });
      arm64.checkRange = linearRangeCheck(this.mm, arch);
      return arm64;
    }
    const buddy = this.mm.buddy;
    const arm = new ArmCache(this.machine, p2v, time, (pfn) => buddy.setPageFlags(pfn, buddy.pageFlags(pfn) | PG_dcache_clean));
    arm.checkRange = linearRangeCheck(this.mm, arch);
    arm.highmem = this.mm;
    arm.outer = l2x0_of_init(this);
    installIoBarriers(this.machine, ioBarriersFor(this.machine, this.version, arm.outer));
    return arm;
  }

  /** request_standard_resources: System RAM with the kernel code and data inside. */
  private requestStandardResources(): void {
    const img = this.mm.layout.image;
    const pa = (va: VirtAddr) => (this.machine.profile.arch === "arm64" ? this.mm.__pa_symbol(va) : this.mm.virt_to_phys(va));
    requestSystemRam(this, this.board.ram);
    const kernelFlags = IORESOURCE_MEM | IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY;
    this.iomem.insert(pa(img.text), pa(img.etext) - 1, "Kernel code", kernelFlags);
    this.iomem.insert(pa(img.sdata), pa(img.end) - 1, "Kernel data", kernelFlags);
  }

  /** of_platform_default_populate, then the drivers register and bind (deferred probing). */
  private probeDevices(): void {
    for (const pdev of ofPlatformPopulate(this, this.tree)) this.platformBus.addDevice(pdev);
    for (const drv of platformDrivers) this.platformBus.registerDriver(drv);
    this.platformBus.noteAmbaUnmatched();
  }

  device(name: string): PlatformDevice | undefined {
    return this.devices.get(name);
  }

  /** device_bind_driver: records that `driverName` drives `dev` (a driver written in a test or
   *  a scenario, outside the registry). */
  device_bind_driver(dev: Device, driverName: string): void {
    dev.driverName = driverName;
  }

  /** device_release_driver (__device_release_driver): the bus's driver runs its remove, then
   *  device_unbind_cleanup releases what is left of its devm_* resources and clears dev->driver
   *  and the driver data, and only then comes BUS_NOTIFY_UNBOUND_DRIVER. DMA-API debug listens
   *  for it on PCI only (dma_debug_add_bus), so on these platform and AMBA buses Linux says
   *  nothing of what the driver left mapped or allocated; dmasim notes it (dma/debug.ts
   *  device_unbound). A driver outside the registry (bound with device_bind_driver) has
   *  released its resources itself. */
  device_release_driver(dev: Device): void {
    const driver = dev.driverName;
    if (!driver) return;
    const pdev = this.platformBus.devices.find((d) => d === dev);
    const drv = pdev && this.platformBus.driverOf(pdev);
    if (pdev && drv?.remove) drv.remove(pdev);
    devres_release_all(dev);
    dev.driverName = undefined;
    dev.driverData = undefined;
    this.dma.debug.device_unbound(dev, driver);
  }

  /** device_attach: binds the device to a matching registered driver again after an unbind
   *  (1 bound, 0 no driver matches, else the probe's -errno). */
  device_attach(dev: Device): number {
    const pdev = this.platformBus.devices.find((d) => d === dev);
    return pdev ? this.platformBus.attach(pdev) : 0;
  }

  /** The one user process's address space (current->mm of a process that opened a device),
   *  made on first use so a System that never runs one is not changed by it. */
  get userMm(): UserMm {
    this.userMmOnce ??= this.mm.mm_alloc();
    return this.userMmOnce;
  }

  /** The user process exits (exit_mm → mmput): its address space is torn down, and the next use
   *  of userMm starts a new process. */
  get userMmRunning(): boolean {
    return this.userMmOnce !== undefined;
  }

  exitUserMm(): void {
    this.userMmOnce?.exit_mmap();
    this.userMmOnce = undefined;
  }

  kmalloc(size: number, gfp: number): VirtAddr {
    return this.mm.kmalloc(size, gfp);
  }

  kfree(va: VirtAddr): void {
    this.mm.kfree(va);
  }

  krealloc(p: VirtAddr, newSize: number, gfp: number): VirtAddr {
    return this.mm.krealloc(p, newSize, gfp);
  }

  ksize(va: VirtAddr): number {
    return this.mm.ksize(va);
  }

  vmalloc(size: number): VirtAddr {
    return this.mm.__vmalloc(size);
  }

  vfree(va: VirtAddr): void {
    this.mm.vfree(va);
  }

  vmalloc_to_page(va: VirtAddr): number {
    return this.mm.vmalloc_to_page(va);
  }

  /** /sys/kernel/debug/kernel_page_tables, or the part covering a range. */
  ptdump(range?: PtdumpRange): string {
    return ptdump(this.machine, this.mm, range);
  }

  /** /proc/iomem */
  iomemText(): string {
    return this.iomem.text().trimEnd();
  }

  /** Runs interrupt handlers and sleeps in simulated time until `cond()` holds, at most
   *  `timeoutPs`. Returns false on timeout. When no device will raise an interrupt, the sleep
   *  still lasts to the deadline, as wait_event_timeout's does: a timeout costs its time, and
   *  devices that work without interrupts (a FIFO draining) go on meanwhile. A wait for a DMA
   *  transfer names its channel: a timeout then adds dmasim's note on why (report/dma-hang.ts). */
  waitEvent(cond: () => boolean, timeoutPs: number, dmaChan?: DmaChan): boolean {
    // wait_event_timeout begins with might_sleep(): with IRQs off it reports the bug, and the
    // sleep, through schedule(), then takes interrupts (might-sleep.ts).
    wait_event_prepare(this, cond);
    const done = this.waitInterruptible(cond, timeoutPs);
    if (!done && dmaChan) reportDmaHang(dmaChan, "wait_event_timeout");
    return done;
  }

  /** The CPU waits, taking interrupts as they come, until `cond()` holds or `timeoutPs` passes:
   *  waitEvent's wait without might_sleep, for callers that spin in Linux (dma_sync_wait). */
  waitInterruptible(cond: () => boolean, timeoutPs: number): boolean {
    const deadline = this.machine.now() + timeoutPs;
    this.irq.handlePending();
    while (!cond()) {
      const t = this.machine.waitForInterrupt(deadline);
      if (t === null) {
        if (deadline > this.machine.now()) this.machine.idleUntil(deadline);
        this.irq.handlePending();
        return cond();
      }
      const taken = this.irq.handlePending();
      if (!taken && this.machine.now() >= deadline) return cond();
    }
    return true;
  }
}
