// devm_request_irq and devm_free_irq (kernel/irq/devres.c): request_irq whose free_irq the
// driver core does when the probe fails or the driver is unbound (devres.ts).

import type { Device } from "./device.js";
import type { IrqHandler } from "./irq.js";
import { devres_add, devres_destroy } from "./devres.js";

const DEVM_IRQ = "devm_irq_release";

/** devm_request_irq: request_irq, the irq then released with the device's other devres. */
export function devm_request_irq(dev: Device, irq: number, handler: IrqHandler, flags: number, name: string, devId: unknown): number {
  const rc = dev.kernel.irq.request_irq(irq, handler, flags, name, devId);
  if (rc) return rc;
  devres_add(dev, {
    kind: DEVM_IRQ,
    matches: (key) => {
      const k = key as { irq: number; devId: unknown };
      return k.irq === irq && k.devId === devId;
    },
    release: () => void dev.kernel.irq.free_irq(irq, devId),
  });
  return 0;
}

/** devm_free_irq: WARN_ON(devres_destroy(...)) when the irq was not devm-requested, then
 *  free_irq all the same (which WARNs on its own if nothing was requested). */
export function devm_free_irq(dev: Device, irq: number, devId: unknown): void {
  if (!devres_destroy(dev, DEVM_IRQ, { irq, devId })) {
    dev.kernel.printk.warn(`WARNING: kernel/irq/devres.c: devm_free_irq: WARN_ON(devres_destroy(dev, devm_irq_release, devm_irq_match, &match_data))`);
  }
  dev.kernel.irq.free_irq(irq, devId);
}
