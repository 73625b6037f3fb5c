// dev_printk: kernel log lines prefixed with the device's driver (or bus) and name, as
// "dma-pl330 f8003000.dma-controller: …", and the printk rate limit (5 s, burst 10) that
// dev_warn_ratelimited and printk_ratelimit apply, in simulated time.

import type { Device } from "./device.js";
import { KERN_DEBUG, KERN_ERR, KERN_INFO, KERN_NOTICE, KERN_WARNING } from "./printk.js";
import { EPROBE_DEFER, errnoName } from "./errno.js";

export function dev_prefix(dev: Device | null | undefined): string {
  return dev ? `${dev.driverString()} ${dev.name}: ` : "(NULL device *): ";
}

export function dev_err(dev: Device, msg: string): void {
  dev.kernel.printk.log(KERN_ERR, dev_prefix(dev) + msg);
}

export function dev_warn(dev: Device, msg: string): void {
  dev.kernel.printk.log(KERN_WARNING, dev_prefix(dev) + msg);
}

export function dev_notice(dev: Device, msg: string): void {
  dev.kernel.printk.log(KERN_NOTICE, dev_prefix(dev) + msg);
}

export function dev_info(dev: Device, msg: string): void {
  dev.kernel.printk.log(KERN_INFO, dev_prefix(dev) + msg);
}

/** dev_err_probe: logs why a probe fails ("error -ENXIO: …", at debug level for a deferral)
 *  and keeps the reason on the device for the bus to report; returns `err` for the probe to
 *  return. */
export function dev_err_probe(dev: Device, err: number, msg: string): number {
  dev.kernel.printk.log(err === -EPROBE_DEFER ? KERN_DEBUG : KERN_ERR, `${dev_prefix(dev)}error ${errnoName(err)}: ${msg}`);
  dev.probe_failure = msg;
  return err;
}

const PS_PER_SEC = 1e12;

/** struct ratelimit_state with DEFAULT_RATELIMIT_INTERVAL (5 s) and _BURST (10). */
export class RateLimit {
  private begin = -Infinity;
  private printed = 0;
  missed = 0;

  constructor(
    private readonly intervalPs = 5 * PS_PER_SEC,
    private readonly burst = 10,
  ) {}

  /** __ratelimit: true when this message may be printed at simulated time `now`. */
  ok(now: number): boolean {
    if (now - this.begin >= this.intervalPs) {
      this.begin = now;
      this.printed = 0;
    }
    if (this.printed < this.burst) {
      this.printed++;
      return true;
    }
    this.missed++;
    return false;
  }
}
