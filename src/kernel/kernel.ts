// A booted kernel on one machine: memory management, interrupts, the DMA layer's architecture
// hooks, platform devices from the device tree with their drivers probed, and dmaengine.

import type { Machine } from "../hw/machine.js";
import type { Board } from "../hw/board.js";
import type { VirtAddr } from "../hw/address.js";
import type { DeviceTree } from "../of/node.js";
import { ofAddressResources } from "../of/address.js";
import { ofPlatformPopulate } from "../of/platform.js";
import { MemoryManager } from "../mm/mm.js";
import type { KernelVersion } from "../mm/layout.js";
import { Printk } from "./printk.js";
import { IrqSubsystem } from "./irq.js";
import type { PlatformDevice } from "./device.js";
import type { ArchDmaOps } from "../arch/dma-maintenance.js";
import { Arm64Cache } from "../arch/arm64-cache.js";
import { ArmCache, OuterCache } from "../arch/arm-cache.js";
import { DmaEngine } from "../dmaengine/dmaengine.js";
import { platformDrivers } from "../drivers/registry.js";
import { PlatformBus } from "./bus.js";
import { ResourceTree, requestSystemRam } from "./resource.js";

export interface KernelOptions {
  /** Kernel generation whose DMA behaviour to follow (default "modern"; "v4.9" selectable). */
  version?: KernelVersion;
  /** Echo kernel log lines up to this level to the host console (default: none). */
  printkLevel?: number;
}

export class Kernel {
  readonly printk: Printk;
  readonly mm: MemoryManager;
  readonly irq: IrqSubsystem;
  readonly archDma: ArchDmaOps;
  readonly dmaengine: DmaEngine;
  readonly devices = new Map<string, PlatformDevice>();
  /** iomem_resource: what /proc/iomem shows. */
  readonly iomem = new ResourceTree("PCI mem", Number.MAX_SAFE_INTEGER);
  readonly platformBus: PlatformBus = new PlatformBus(this);
  readonly version: KernelVersion;
  readonly tree: DeviceTree;

  constructor(
    readonly machine: Machine,
    readonly board: Board,
    options: KernelOptions = {},
  ) {
    this.version = options.version ?? "modern";
    this.tree = board.tree;
    this.printk = new Printk(() => machine.now(), options.printkLevel ?? -1);
    this.printk.info(`Booting Linux (dmasim, ${this.version} DMA behaviour) on ${board.profile.name}`);
    this.printk.info(`Machine model: ${this.tree.model}`);
    const onlineCpus = Math.max(1, this.tree.findByPath("/cpus")?.children.filter((c) => c.string("device_type") === "cpu").length ?? 1);
    this.mm = new MemoryManager(machine, this.printk, board.ram.map((r) => ({ base: r.start, size: r.size })), {
      version: this.version,
      onlineCpus,
      reserved: this.firmwareReservations(),
    });
    this.mm.boot();
    this.irq = new IrqSubsystem(machine, this.printk);
    this.archDma = this.setupArchDma();
    this.dmaengine = new DmaEngine(this);
    this.probeDevices();
  }

  private firmwareReservations(): { base: number; size: number }[] {
    const out = this.tree.reservations.map((r) => ({ base: r.address, size: r.size }));
    const rm = this.tree.findByPath("/reserved-memory");
    for (const child of rm?.children ?? []) {
      for (const r of ofAddressResources(child)) out.push({ base: r.start, size: r.size });
    }
    const ram = this.board.ram;
    return out.filter((r) => ram.some((b) => r.base >= b.start && r.base < b.start + b.size));
  }

  private setupArchDma(): ArchDmaOps {
    const p2v = (pa: number) => this.mm.phys_to_virt(pa);
    if (this.machine.profile.arch === "arm64") return new Arm64Cache(this.machine, this.version, p2v);
    const arm = new ArmCache(this.machine, p2v);
    const l2 = this.board.outerCache;
    if (l2) {
      const base = this.mm.ioremap(l2.start, l2.size);
      if (base !== null) {
        arm.outer = new OuterCache(this.machine, base, this.machine.profile.l1d.lineBytes);
        this.printk.info(`L2C-310 cache controller enabled, ${this.machine.profile.l2!.ways} ways, ${this.machine.profile.l2!.sizeBytes / 1024} kB`);
      }
    }
    return arm;
  }

  private probeDevices(): void {
    requestSystemRam(this, this.board.ram);
    for (const pdev of ofPlatformPopulate(this, this.tree)) this.platformBus.addDevice(pdev);
    for (const drv of platformDrivers) this.platformBus.registerDriver(drv);
  }

  device(name: string): PlatformDevice | undefined {
    return this.devices.get(name);
  }

  kmalloc(size: number, gfp: number): VirtAddr {
    return this.mm.kmalloc(size, gfp);
  }

  kfree(va: VirtAddr): void {
    this.mm.kfree(va);
  }

  /** Runs interrupt handlers and sleeps in simulated time until `cond()` holds, at most
   *  `timeoutPs`. Returns false on timeout or when nothing could ever satisfy it. */
  waitEvent(cond: () => boolean, timeoutPs: number): boolean {
    const deadline = this.machine.now() + timeoutPs;
    this.irq.handlePending();
    while (!cond()) {
      const t = this.machine.waitForInterrupt(deadline);
      if (t === null) {
        this.irq.handlePending();
        return cond();
      }
      const taken = this.irq.handlePending();
      if (!taken && this.machine.now() >= deadline) return cond();
    }
    return true;
  }
}
