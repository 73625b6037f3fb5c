// struct device and struct platform_device: what the DMA API and drivers know about a device.

import type { DeviceNode } from "../of/node.js";
import type { Resource } from "../of/address.js";
import type { Kernel } from "./kernel.js";

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

export class Device {
  /** Streaming DMA mask; null models a device without one (dev->dma_mask == NULL). */
  dma_mask: bigint | null = 0xffffffffn;
  coherent_dma_mask: bigint = 0xffffffffn;
  /** From `dma-coherent` in the device tree: the device snoops the CPU caches. */
  dma_coherent = false;
  dma_parms?: DmaParms;
  /** Upper limit imposed by the bus (dma-ranges), 0 if none. */
  bus_dma_limit = 0n;
  /** The bus's dma-ranges windows (of_dma_configure), null when the bus has none: then DMA
   *  addresses are physical addresses. */
  dma_range_map: BusDmaRegion[] | null = null;
  /** The bus the device sits on: AMBA for "arm,primecell" nodes, as Linux creates them. */
  bus: "platform" | "amba" = "platform";
  driverName?: string;
  driverData: unknown = undefined;

  constructor(
    readonly kernel: Kernel,
    /** Linux's device name, e.g. "f8003000.dma-controller". */
    readonly name: string,
    readonly ofNode?: DeviceNode,
  ) {}

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
    /** Interrupt lines, in the order of the node's interrupts (negative: -ENXIO, for an
     *  interrupt on a controller that is not the GIC). */
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

  /** platform_get_irq(pdev, n), or -ENXIO */
  irq(n = 0): number {
    return this.irqs[n] ?? -6;
  }
}
