// Whether a PL330's bus port snoops the CPU's caches: the silicon's truth, which the device
// tree only claims. Linux reads the claim (`dma-coherent`, inherited from the node's buses:
// of_dma_is_coherent) into dev->dma_coherent through of_dma_configure → arch_setup_dma_ops, and
// every DMA op then asks dev_is_dma_coherent, which is that field: for a coherent device
// dma_direct_map_page / dma_direct_sync_single_* skip arch_sync_dma_for_device/_for_cpu (arm64's
// 4.9 __swiotlb_* ops skip __dma_map_area/__dma_unmap_area on is_device_dma_coherent; arm32
// installs arm_coherent_dma_ops, whose map_page does no maintenance), and dma_alloc_coherent
// hands out cacheable memory. Whether the port snoops is the SoC integrator's wiring (an ACP or
// a coherent interconnect port, or a plain AXI master) and is in no tree a real board ships, so
// dmasim takes it from its own property, `dmasim,port-coherent = <0>` or `<1>` on the DMAC node;
// without it the port is what the tree claims, so kernel and silicon agree as before.

import type { DeviceNode } from "../of/node.js";
import type { Device } from "../kernel/device.js";
import { ofDmaIsCoherent } from "../of/device.js";
import { BoardError } from "./board-error.js";

export const PORT_COHERENT_PROP = "dmasim,port-coherent";

export interface PortCoherence {
  /** What the tree claims, as Linux reads it (dev->dma_coherent). */
  treeCoherent: boolean;
  /** Whether the silicon's port snoops the CPU's caches. */
  portCoherent: boolean;
  /** A sentence for Board.assumed when the two disagree. */
  note?: string;
}

/** The node's `dmasim,port-coherent`, checked: undefined when absent. */
function portProperty(node: DeviceNode): boolean | undefined {
  if (!node.has(PORT_COHERENT_PROP)) return undefined;
  const cells = node.cells(PORT_COHERENT_PROP);
  if (cells.length !== 1 || cells[0] > 1) {
    throw new BoardError(`${node.path}: ${PORT_COHERENT_PROP} must be <0> (the port does not snoop the CPU's caches) or <1> (it does), not <${cells.join(" ")}>`);
  }
  return cells[0] === 1;
}

/** What the port of the DMAC at `node` is, and what the tree tells Linux about it. */
export function pl330PortCoherence(node: DeviceNode): PortCoherence {
  const treeCoherent = ofDmaIsCoherent(node);
  const portCoherent = portProperty(node) ?? treeCoherent;
  if (portCoherent === treeCoherent) return { treeCoherent, portCoherent };
  const port = `${PORT_COHERENT_PROP} = <${portCoherent ? 1 : 0}>`;
  const note = treeCoherent
    ? `${node.path}: the tree says dma-coherent, but its port does not snoop the CPU's caches (${port}): Linux skips the cache ` +
      `maintenance of every streaming mapping and gives dma_alloc_coherent cacheable memory, so the device reads what DRAM holds ` +
      `under dirty lines and the CPU reads cached lines over what the device wrote (stale data); drop dma-coherent from the tree, ` +
      `or wire the port coherent`
    : `${node.path}: its port snoops the CPU's caches (${port}), but the tree does not say dma-coherent: Linux cleans and ` +
      `invalidates around every streaming mapping and maps dma_alloc_coherent buffers uncached, which the port makes unnecessary ` +
      `(correct, only slower: memcpy's and cpu-process's unneededMaintenancePs count it); add dma-coherent to the node`;
  return { treeCoherent, portCoherent, note };
}

/** Whether Linux does cache maintenance for `dev` (not dma-coherent, as the tree said at its
 *  probe) that its DMAC's port makes unnecessary, because the port snoops the CPU's caches. */
export function maintainsForSnoopingPort(dmacs: readonly { node: DeviceNode; coherence: PortCoherence }[], dev: Device): boolean {
  const dmac = dmacs.find((d) => d.node === dev.ofNode);
  return !!dmac && dmac.coherence.portCoherent && !dev.dma_coherent;
}
