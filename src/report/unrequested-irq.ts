// A PL330 output whose interrupt the driver never requested, for the hang note: the GIC keeps
// a line nobody requested disabled (gic_dist_config), so the event or abort the channel raised
// never reaches pl330's handler. pl330_probe requests adev->irq[] up to the first 0, and the
// AMBA bus sets 0 for an interrupts entry that does not resolve (of/amba-irq.ts), so one broken
// entry silently costs that interrupt and every one after it.

import type { PlatformDevice } from "../kernel/device.js";
import type { Pl330Driver } from "../drivers/pl330/driver.js";
import { errnoName } from "../kernel/errno.js";
import { AMBA_NR_IRQS, amba_device_irqs, ambaIrqZeroText } from "../of/amba-irq.js";
import { pl330IrqWiring, pl330OutputEntry } from "../hw/pl330-irq-wiring.js";

/** "(interrupts entry N, irq I) was never requested: why", for the interrupt that output
 *  (event `ev`, or "abort") drives, or null when the driver requested it or the output drives
 *  no entry. */
export function unrequestedIrq(pdev: PlatformDevice, drv: Pl330Driver, output: number | "abort"): string | null {
  const node = pdev.ofNode;
  if (pdev.bus !== "amba" || !node) return null;
  const wiring = pl330IrqWiring(pdev.kernel.tree, node, drv.dmac.pcfg.num_events);
  if (!wiring) return `was never requested: ${node.path} lists no interrupts, so adev->irq[0] is 0 and pl330_probe requests none`;
  const entry = pl330OutputEntry(wiring, output);
  // The AMBA bus's entries are requested in order: entries 0 .. irqs.length - 1.
  if (entry < 0 || entry < drv.irqs.length) return null;
  const line = wiring.lines[entry];
  // Linux's irq number when the entry was mapped all the same (amba_device_irqs maps every
  // entry below AMBA_NR_IRQS that resolves), else only the GIC's ID for the line.
  const irq = line >= 0 ? pdev.kernel.irq.irq_find_mapping(line) : 0;
  const which = `(interrupts entry ${entry}${irq ? `, irq ${irq}` : line >= 0 ? `, GIC interrupt ID ${line}` : ""})`;
  const failure = amba_device_irqs(pdev).failure;
  if (failure && failure.index <= entry) {
    return (
      `${which} was never requested: interrupts entry ${failure.index} gives no interrupt (${errnoName(failure.errno)}: ${failure.why}), ` +
      `so ${ambaIrqZeroText(pdev.kernel.version, failure.index)} and pl330_probe requested adev->irq[] only up to that 0`
    );
  }
  return `${which} was never requested: the AMBA bus gives a device AMBA_NR_IRQS = ${AMBA_NR_IRQS} interrupts, entries 0 to ${AMBA_NR_IRQS - 1}`;
}
