// The interrupts an AMBA (arm,primecell) device's driver finds in adev->irq[]: one per
// `interrupts` entry, AMBA_NR_IRQS at most, each the entry's interrupt or 0 when it cannot be
// had. Linux gives no error for an entry that does not resolve:
// - 4.9: of_amba_device_create (drivers/of/platform.c) fills adev->irq[i] with
//   irq_of_parse_and_map(node, i), which returns 0 whenever of_irq_parse_one fails;
// - 6.x: amba_probe (drivers/amba/bus.c) calls of_amba_device_decode_irq, which takes
//   of_irq_get(node, i) and sets 0 for any error but -EPROBE_DEFER (dmasim's GIC is always
//   there, so none defers).
// A driver then decides what a 0 means; dmasim keeps why each entry failed, for its notes.

import type { PlatformDevice } from "../kernel/device.js";
import { EINVAL } from "../kernel/errno.js";
import { irqShortEntryText, irqSpecPastGic, irqSpecWithoutLine, ofIrqResolve, ofIrqShortEntry } from "./irq.js";

/** include/linux/amba/bus.h (4.9 and current). */
export const AMBA_NR_IRQS = 9;

/** An interrupts entry that gave the device no interrupt. */
export interface IrqEntryFailure {
  index: number;
  /** The errno dmasim gives the failure: of_irq_parse_one's for an entry cut short (-EOVERFLOW,
   *  -EINVAL on 4.9), -EINVAL for an entry that resolves to no line of dmasim's GIC. */
  errno: number;
  /** In the tree's terms. */
  why: string;
}

/** Why interrupts entry `i` of the device gave it no interrupt, or undefined when it gave one. */
export function irqEntryFailure(dev: PlatformDevice, i: number): IrqEntryFailure | undefined {
  const irq = dev.irqs[i];
  if (irq === undefined || irq >= 0 || !dev.ofNode) return undefined;
  const spec = ofIrqResolve(dev.kernel.tree, dev.ofNode, dev.kernel.version)[i];
  if (spec) return { index: i, errno: -EINVAL, why: `interrupts entry ${i} ${irqSpecWithoutLine(spec, dev.kernel.irq.gic_irqs, dev.kernel.version)}` };
  const short = ofIrqShortEntry(dev.kernel.tree, dev.ofNode);
  if (short?.index === i) return { index: i, errno: irq, why: irqShortEntryText(dev.ofNode, short) };
  return { index: i, errno: irq, why: `interrupts entry ${i} of ${dev.ofNode.path} does not resolve` };
}

/** Why interrupts entry `i` gave the device an irq that never fires: an ID past those the GIC
 *  implements that its driver maps all the same (of/irq.ts ofIrqNumber), in the tree's terms; undefined for any
 *  other entry. */
export function irqEntryPastGic(dev: PlatformDevice, i: number): string | undefined {
  if (!dev.ofNode || !(dev.irqs[i] >= 0)) return undefined;
  const spec = ofIrqResolve(dev.kernel.tree, dev.ofNode, dev.kernel.version)[i];
  const gicIrqs = dev.kernel.irq.gic_irqs;
  return spec && irqSpecPastGic(spec, gicIrqs) ? `interrupts entry ${i} ${irqSpecWithoutLine(spec, gicIrqs, dev.kernel.version)}` : undefined;
}

/** What Linux did with such an entry, for dmasim's notes. */
export const PAST_GIC_MAPPED = "Linux's GIC driver maps it all the same (gic_irq_domain_translate checks no range)";

export interface AmbaIrqs {
  /** adev->irq[]: Linux's irq number for each entry, 0 for one that failed. */
  irq: number[];
  /** The first entry left at 0. */
  failure?: IrqEntryFailure;
}

/** adev->irq[] of an AMBA device: entries 0 to AMBA_NR_IRQS - 1, each mapped on its own (by
 *  of_amba_device_create on 4.9, of_amba_device_decode_irq since; found again once mapped). */
export function amba_device_irqs(adev: PlatformDevice): AmbaIrqs {
  const irq: number[] = [];
  let failure: IrqEntryFailure | undefined;
  for (let i = 0; i < Math.min(AMBA_NR_IRQS, adev.irqs.length); i++) {
    const n = adev.irq(i);
    irq.push(n >= 0 ? n : 0);
    if (n < 0) failure ??= irqEntryFailure(adev, i);
  }
  return { irq, failure };
}

/** amba_probe's of_amba_device_decode_irq (drivers/amba/bus.c, Linux 6.x): before the driver's
 *  probe, of_irq_get maps each entry below AMBA_NR_IRQS, giving it its irq number now (the
 *  interrupts a driver never requests included). Linux 4.9 mapped them when populate created
 *  the device (of/platform.ts). */
export function of_amba_device_decode_irq(adev: PlatformDevice): void {
  if (adev.kernel.version !== "v4.9") amba_device_irqs(adev);
}

/** How Linux came to the 0, for dmasim's notes: which function set it and dropped the error. */
export function ambaIrqZeroText(version: string, index: number): string {
  return version === "v4.9"
    ? `Linux 4.9's of_amba_device_create set adev->irq[${index}] = 0 (irq_of_parse_and_map gives 0 for any failure)`
    : `Linux's amba_probe set adev->irq[${index}] = 0 (of_amba_device_decode_irq drops of_irq_get's error)`;
}
