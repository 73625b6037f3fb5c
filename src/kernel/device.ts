// struct device and struct platform_device: what the DMA API and drivers know about a device.
// The DMA masks are 64-bit values (bigint); each setter also keeps the mask as a number clamped
// to 2^53, which is exact for every address dmasim can hold, so the mapping fast path compares
// numbers instead of allocating BigInts.

import type { Cma } from "../mm/cma.js";
import type { DeviceNode } from "../of/node.js";
import type { Resource } from "../of/address.js";
import type { Kernel } from "./kernel.js";
import type { DevresEntry } from "./devres.js";

export interface DmaParms {
  max_segment_size: number;
  segment_boundary_mask: bigint;
  min_align_mask?: number;
}

/** struct bus_dma_region: one window of a bus's dma-ranges. A CPU physical address pa in
 *  [cpu_start, cpu_start + size) is DMA address pa - offset (translate_phys_to_dma). */
export interface BusDmaRegion {
  cpu_start: number;
  dma_start: number;
  size: number;
  offset: number;
}

const MAX_EXACT = 2 ** 53;

function limitOf(mask: bigint): number {
  return mask >= BigInt(MAX_EXACT) ? MAX_EXACT : Number(mask);
}

export class Device {
  private _dmaMask: bigint | null = 0xffffffffn;
  private _coherentMask = 0xffffffffn;
  private _busLimit = 0n;
  /** dma_mask as a number (≤ 2^53), or -1 when the device has no streaming mask. */
  dmaLimit = 0xffffffff;
  /** coherent_dma_mask as a number (≤ 2^53). */
  coherentLimit = 0xffffffff;
  /** bus_dma_limit as a number, 0 if none. */
  busLimit = 0;
  /** From `dma-coherent` in the device tree: the device snoops the CPU caches. */
  dma_coherent = false;
  dma_parms?: DmaParms;
  /** arm32: the offset between physical and DMA page numbers (dma-ranges). */
  dma_pfn_offset = 0;
  /** The bus's dma-ranges windows (of_dma_configure), null when the bus has none: then DMA
   *  addresses are physical addresses. */
  dma_range_map: BusDmaRegion[] | null = null;
  /** dev->cma_area: the device's own CMA area (a memory-region naming a reusable pool), null
   *  when it uses the default area. */
  cma_area: Cma | null = null;
  /** The bus the device sits on: AMBA for "arm,primecell" nodes, as Linux creates them. */
  bus: "platform" | "amba" = "platform";
  /** The bound driver's name (dev->driver), if any. */
  driverName?: string;
  /** Why the last probe failed, as "dma-pl330 NAME: probe failed with -ENXIO: <what the driver
   *  gave dev_err_probe>"; cleared when a probe starts. Linux keeps this only for deferrals
   *  (deferred_probe_reason, /sys/kernel/debug/devices_deferred); dmasim keeps it for every
   *  failure, so that a consumer told -EPROBE_DEFER can say why its provider never came. */
  probe_failure?: string;
  driverData: unknown = undefined;
  /** dev->devres_head: what the bound driver took with devm_* calls (devres.ts). */
  readonly devres_head: DevresEntry[] = [];

  constructor(
    readonly kernel: Kernel,
    /** Linux's device name, e.g. "f8003000.dma-controller". */
    readonly name: string,
    readonly ofNode?: DeviceNode,
  ) {}

  /** Streaming DMA mask; null models a device without one (dev->dma_mask == NULL). */
  get dma_mask(): bigint | null {
    return this._dmaMask;
  }
  set dma_mask(m: bigint | null) {
    this._dmaMask = m === null ? null : BigInt.asUintN(64, m);
    this.dmaLimit = this._dmaMask === null ? -1 : limitOf(this._dmaMask);
  }

  get coherent_dma_mask(): bigint {
    return this._coherentMask;
  }
  set coherent_dma_mask(m: bigint) {
    this._coherentMask = BigInt.asUintN(64, m);
    this.coherentLimit = limitOf(this._coherentMask);
  }

  /** Upper limit imposed by the bus (dma-ranges), 0n if none. */
  get bus_dma_limit(): bigint {
    return this._busLimit;
  }
  set bus_dma_limit(m: bigint) {
    this._busLimit = BigInt.asUintN(64, m);
    this.busLimit = limitOf(this._busLimit);
  }

  /** dev_driver_string: the driver's name, else the bus name ("platform", "amba"). */
  driverString(): string {
    return this.driverName ?? this.bus;
  }

  toString(): string {
    return this.name;
  }
}

export class PlatformDevice extends Device {
  constructor(
    kernel: Kernel,
    name: string,
    ofNode: DeviceNode | undefined,
    readonly resources: Resource[],
    /** The GIC interrupt ID (the line, Linux's hwirq) of each of the node's interrupts, in
     *  order (negative: the errno of an entry that gives none, -ENXIO for an interrupt on a
     *  controller that is not the GIC). Linux's irq numbers are irq()'s. */
    readonly irqs: number[],
    /** The trigger type (IRQ_TYPE_*) of each interrupt, from its specifier. */
    readonly irqTypes: number[] = [],
  ) {
    super(kernel, name, ofNode);
  }

  /** platform_get_resource(pdev, IORESOURCE_MEM, n) */
  memResource(n = 0): Resource | undefined {
    return this.resources[n];
  }

  /** platform_get_irq(pdev, n): Linux's irq number for interrupts entry `n`, which of_irq_get
   *  maps (irq_create_of_mapping) if nothing has yet: Linux 6.x maps a device's interrupts
   *  only here, when its driver asks (of_device_alloc no longer makes IRQ resources: "of/platform:
   *  Drop static setup of IRQ resource from DT core", 2022;
   *  amba_probe's of_amba_device_decode_irq asks for an AMBA device), 4.9 at of_platform
   *  populate already (of/platform.ts). The entry's errno when it gives no GIC interrupt,
   *  -ENXIO past the entries. */
  irq(n = 0): number {
    const hwirq = this.irqs[n] ?? -6;
    return hwirq < 0 ? hwirq : this.kernel.irq.irq_create_mapping(hwirq, this.irqTypes[n]);
  }

  /** An AMBA device's adev->periphid: from `arm,primecell-periphid` or its ID registers
   *  (kernel/amba-id.ts), 0 while it has none. */
  periphid = 0;
  /** What its ID registers read, when the AMBA bus read them. */
  ambaIds?: { pid: number; cid: number };
  /** platform_device's and amba_device's driver_override: while set, the bus matches the
   *  device only with the driver of this name (kernel/driver-override.ts); undefined (NULL)
   *  while unset. */
  driver_override?: string;
}
