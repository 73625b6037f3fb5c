// A PL330 that ran a program other than the one its driver wrote: the tree says `dma-coherent`,
// so the driver's microcode buffer (dma_alloc_attrs at probe) is ordinary cacheable memory and
// Linux never cleans it (a coherent device needs no maintenance), but the DMAC's port does not
// snoop the CPU's caches (`dmasim,port-coherent = <0>`, port-coherent.ts): it fetches what DRAM
// holds beneath the driver's dirty lines. Read untimed through the backdoor: a report.

import type { Kernel } from "../kernel/kernel.js";
import type { PlatformDevice } from "../kernel/device.js";
import { dma_to_phys } from "../dma/dma-address.js";
import { PORT_COHERENT_PROP } from "../hw/port-coherent.js";

/** Line state bit: the cached copy differs from DRAM (backdoor.lineState). */
const DIFFERS_FROM_DRAM = 4;

/** Why the channel's instruction at `pc` is not the driver's, or null when it is (or the DMAC's
 *  port and tree agree). */
export function staleProgramCause(k: Kernel, pdev: PlatformDevice, pc: number): string | null {
  const dmac = k.board.dmacs.find((d) => d.node === pdev.ofNode);
  if (!dmac || !dmac.coherence.treeCoherent || dmac.coherence.portCoherent) return null;
  const pa = dma_to_phys(pdev, pc);
  if (pa < 0) return null;
  const level = ([1, 2] as const).find((l) => k.machine.backdoor.lineState(l, pa) & DIFFERS_FROM_DRAM);
  if (level === undefined) return null;
  return `the instruction was fetched from DRAM, while the CPU's L${level} holds a newer copy of its line: ${dmac.node.path} is dma-coherent ` +
    `in the tree, so the driver's program sits in cacheable memory Linux never cleans, but the PL330's port does not snoop ` +
    `(${PORT_COHERENT_PROP} = <0>), so it ran what DRAM held instead; drop dma-coherent from the tree, or wire the port coherent`;
}
