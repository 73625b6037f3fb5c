// A PL330 output whose interrupt the driver requested but that never fires, for the hang note:
// its interrupts entry names a GIC interrupt ID the GIC does not have (<0 2000 4> is ID 2032).
// A GICv2 maps it all the same (of/irq.ts ofIrqNumber) and request_irq succeeds, but no line of
// the SoC is that ID, so the event or abort the channel raised never reaches pl330's handler.

import type { PlatformDevice } from "../kernel/device.js";
import type { Pl330Driver } from "../drivers/pl330/driver.js";
import { irqEntryPastGic, PAST_GIC_MAPPED } from "../of/amba-irq.js";
import { pl330IrqWiring, pl330OutputEntry } from "../hw/pl330-irq-wiring.js";

/** "(interrupts entry N, irq I) never fires: why", for the interrupt that output (event `ev`,
 *  or "abort") drives, or null when that interrupt is not such an ID or was not requested. */
export function pastGicIrq(pdev: PlatformDevice, drv: Pl330Driver, output: number | "abort"): string | null {
  const node = pdev.ofNode;
  const wiring = node && pl330IrqWiring(pdev.kernel.tree, node, drv.dmac.pcfg.num_events);
  if (!wiring) return null;
  const entry = pl330OutputEntry(wiring, output);
  if (entry < 0 || entry >= drv.irqs.length) return null;
  const why = irqEntryPastGic(pdev, entry);
  if (!why) return null;
  return `(interrupts entry ${entry}, irq ${drv.irqs[entry]}) never fires: ${why}; ${PAST_GIC_MAPPED} and pl330_probe requested it`;
}
