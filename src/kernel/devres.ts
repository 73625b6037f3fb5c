// Managed device resources (drivers/base/devres.c): what a driver takes with a devm_* call is
// recorded on the device and released, newest first, by devres_release_all, which the driver
// core runs when the probe fails (really_probe's probe_failed path, drivers/base/dd.c) and after
// the driver's remove (__device_release_driver). devm_*_free gives one back early and drops it
// from the list (devres_destroy).

import type { Device } from "./device.js";

export interface DevresEntry {
  /** The devm_* family: which release function Linux's devres node carries. */
  kind: string;
  /** What devres_destroy's match function compares (the irq and dev_id of devm_request_irq). */
  matches: (key: unknown) => boolean;
  release: () => void;
}

/** devres_add: the device now owns the resource. */
export function devres_add(dev: Device, entry: DevresEntry): void {
  dev.devres_head.push(entry);
}

/** devres_destroy: forgets the newest entry of `kind` matching `key` without releasing it;
 *  false (Linux's -ENOENT) when there is none. */
export function devres_destroy(dev: Device, kind: string, key: unknown): boolean {
  const list = dev.devres_head;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].kind === kind && list[i].matches(key)) {
      list.splice(i, 1);
      return true;
    }
  }
  return false;
}

/** devres_release_all: releases every managed resource of the device, newest first. */
export function devres_release_all(dev: Device): void {
  const list = dev.devres_head;
  while (list.length) list.pop()!.release();
}
