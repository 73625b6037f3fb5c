// /sys/bus/<bus>/drivers/<driver>/ (drivers/base/bus.c): each registered driver's directory, with
// a link per bound device (named as the device) and the write-only (0200) `bind` and `unbind`
// files, whose stores attach and detach one device by name: `echo f8003000.dma-controller >
// /sys/bus/amba/drivers/dma-pl330/unbind`. The driver's `uevent` file and `module` link are
// not modelled (nothing in dmasim answers a uevent, and drivers are not modules).

import type { Kernel } from "./kernel.js";
import type { BusDriver } from "./bus.js";
import type { PlatformDevice } from "./device.js";
import { PlatformBus } from "./bus.js";
import { KernelError, EBUSY, ENODEV, EAGAIN, EPROBE_DEFER, errnoName } from "./errno.js";

export type BusName = "platform" | "amba";

/** The files every driver directory has besides its device links. */
export const DRIVER_FILES = ["bind", "unbind"] as const;

export function busDriver(kernel: Kernel, bus: BusName, name: string): BusDriver | undefined {
  return kernel.platformBus.driversOn(bus).find((d) => d.name === name);
}

/** `ls /sys/bus/<bus>/drivers`: the registered drivers' names, sorted as ls sorts them. */
export function busDriverNames(kernel: Kernel, bus: BusName): string[] {
  return [...new Set(kernel.platformBus.driversOn(bus).map((d) => d.name))].sort();
}

/** `ls /sys/bus/<bus>/drivers/<driver>`: bind, unbind and one link per bound device, sorted. */
export function driverDirectory(kernel: Kernel, bus: BusName, drv: BusDriver): string[] {
  const bound = kernel.platformBus.devices.filter((d) => d.bus === bus && d.driverName === drv.name).map((d) => d.name);
  return [...DRIVER_FILES, ...bound].sort();
}

/** bus_find_device_by_name: a device of the bus whose name equals the text as sysfs_streq
 *  compares, one trailing newline ignored (what `echo` adds). */
function bus_find_device_by_name(kernel: Kernel, bus: BusName, text: string): PlatformDevice | undefined {
  const name = text.endsWith("\n") ? text.slice(0, -1) : text;
  return kernel.platformBus.devices.find((d) => d.bus === bus && d.name === name);
}

function shown(text: string): string {
  return JSON.stringify(text);
}

/** unbind_store: detaches the named device if this driver drives it; -ENODEV otherwise (no such
 *  device on the bus, or one without this driver). */
export function unbind_store(kernel: Kernel, bus: BusName, drv: BusDriver, text: string, path: string): void {
  const dev = bus_find_device_by_name(kernel, bus, text);
  if (!dev) throw new KernelError(ENODEV, `${path}: write error: no device ${shown(text)} on the ${bus} bus`);
  if (dev.driverName !== drv.name) {
    const now = dev.driverName ? `bound to ${dev.driverName}` : "bound to no driver";
    throw new KernelError(ENODEV, `${path}: write error: ${dev.name} is ${now}, not ${drv.name}`);
  }
  kernel.device_release_driver(dev);
}

/** bind_store: probes the named device with this driver. The device must exist on the bus and
 *  match the driver (of_driver_match_device), else -ENODEV. Modern kernels (device_driver_attach)
 *  refuse a device that has a driver with -EBUSY and return the probe's error (-EPROBE_DEFER as
 *  -EAGAIN); 4.9's bind_store tested dev->driver == NULL itself (-ENODEV) and, as its
 *  really_probe ignored probe errors, turned every failed probe into -ENODEV. */
export function bind_store(kernel: Kernel, bus: BusName, drv: BusDriver, text: string, path: string): void {
  const dev = bus_find_device_by_name(kernel, bus, text);
  if (!dev) throw new KernelError(ENODEV, `${path}: write error: no device ${shown(text)} on the ${bus} bus`);
  if (!PlatformBus.matches(drv, dev)) {
    throw new KernelError(ENODEV, `${path}: write error: ${drv.name} does not match ${dev.name} (its compatible: ${dev.ofNode?.compatible.join(", ") || "none"})`);
  }
  const modern = kernel.version === "modern";
  if (dev.driverName) {
    const why = `${dev.name} is already bound to ${dev.driverName}`;
    if (modern) throw new KernelError(EBUSY, `${path}: write error: ${why}`);
    throw new KernelError(ENODEV, `${path}: write error: ${why} (4.9's bind_store takes only a device without a driver)`);
  }
  const rc = kernel.platformBus.driver_probe_device(drv, dev);
  if (rc >= 0) return;
  const failed = `${path}: write error: ${drv.name}'s probe of ${dev.name} returned ${errnoName(rc)}`;
  if (!modern) throw new KernelError(ENODEV, `${failed} (4.9's really_probe gives bind_store 0 for any failed probe: -ENODEV)`);
  if (rc === -EPROBE_DEFER) throw new KernelError(EAGAIN, `${failed}, which device_driver_attach returns as -EAGAIN`);
  throw new KernelError(rc, failed);
}
