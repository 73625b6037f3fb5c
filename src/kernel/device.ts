// struct device and struct platform_device: what the DMA API and drivers know about a device.

import type { DeviceNode } from "../of/node.js";
import type { Resource } from "../of/address.js";
import type { Kernel } from "./kernel.js";

export interface DmaParms {
  max_segment_size: number;
  segment_boundary_mask: bigint;
  min_align_mask?: number;
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
    /** Interrupt lines, in the order of the node's interrupts. */
    readonly irqs: number[],
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
