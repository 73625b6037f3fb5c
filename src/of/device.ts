// What the OF core sets on a device it creates from a node: its name (of_device_make_bus_id)
// and its DMA configuration (of_dma_configure: coherence from `dma-coherent`/`dma-noncoherent`
// on the node or an ancestor, and the bus's `dma-ranges` as a region map, a bus limit and
// narrowed masks).

import type { Device, BusDmaRegion } from "../kernel/device.js";
import type { DeviceNode } from "./node.js";
import { ofDmaGetRange, ofTranslateReg } from "./address.js";

/** of_device_make_bus_id (Linux 6.x): "<address>.<name>" from the first translatable reg
 *  on the way up, with the names of the nodes below it (with unit addresses) after colons:
 *  "f8003000.dma-controller", "ff770000.syscon:usb2phy@e450", "display-subsystem". */
export function ofDeviceMakeBusId(np: DeviceNode): string {
  let name: string | undefined;
  for (let node: DeviceNode = np; node.parent; node = node.parent) {
    const reg = node.has("reg") ? ofTranslateReg(node, 0) : undefined;
    if (reg) {
      const mask = node.u32("mask");
      const head = mask !== undefined ? `${reg[0].toString(16)}.${Math.max(0, 31 - Math.clz32(mask & -mask))}.${node.baseName}` : `${reg[0].toString(16)}.${node.baseName}`;
      return name ? `${head}:${name}` : head;
    }
    name = name ? `${node.name}:${name}` : node.name;
  }
  return name ?? "";
}

/** of_dma_is_coherent: the nearest `dma-coherent` or `dma-noncoherent` at or above the node;
 *  non-coherent when neither (ARM's default). */
export function ofDmaIsCoherent(np: DeviceNode): boolean {
  for (let n: DeviceNode | null = np; n; n = n.parent) {
    if (n.has("dma-coherent")) return true;
    if (n.has("dma-noncoherent")) return false;
  }
  return false;
}

const ilog2 = (v: bigint) => v.toString(2).length - 1;

/** of_dma_configure for a device created from `np`: the parent bus's dma-ranges limit what the
 *  device can address and how its DMA addresses relate to physical ones. */
export function ofDmaConfigure(dev: Device, np: DeviceNode): void {
  const map = np.parent ? ofDmaGetRange(np.parent) : null;
  let dmaStart = 0n;
  let size: bigint;
  if (map) {
    dmaStart = map.reduce((m, r) => (r.dmaStart < m ? r.dmaStart : m), map[0].dmaStart);
    const end = map.reduce((m, r) => (r.dmaStart + r.size > m ? r.dmaStart + r.size : m), 0n);
    size = end - dmaStart;
    // Linux's workaround for dma-ranges that give the size as a mask.
    if (size & 1n) size += 1n;
  } else {
    const m = dev.coherent_dma_mask;
    size = m + 1n > m ? m + 1n : m;
  }
  const end = dmaStart + size - 1n;
  const mask = (1n << BigInt(ilog2(end) + 1)) - 1n;
  dev.coherent_dma_mask &= mask;
  if (dev.dma_mask !== null) dev.dma_mask &= mask;
  if (map) {
    dev.bus_dma_limit = end;
    dev.dma_range_map = map.map<BusDmaRegion>((r) => ({
      cpu_start: Number(r.cpuStart),
      dma_start: Number(r.dmaStart),
      size: Number(r.size),
      offset: Number(r.cpuStart - r.dmaStart),
    }));
  }
  dev.dma_coherent = ofDmaIsCoherent(np);
}
