// /sys/bus/<bus>/drivers/<driver>/ (drivers/base/bus.c): each registered driver's directory, with
// a link per bound device (named as the device) and the write-only (0200) `bind` and `unbind`
// files, whose stores attach and detach one device by name: `echo f8003000.dma-controller >
// /sys/bus/amba/drivers/dma-pl330/unbind`. The driver's `uevent` file and `module` link are
// not modelled (nothing in dmasim answers a uevent, and drivers are not modules).

import { ambaIdHex, ambaIdKnowable, ambaIdTableText } from "./amba-id.js";
import type { Kernel } from "./kernel.js";
import type { BusDriver } from "./bus.js";
import type { PlatformDevice } from "./device.js";
import { PlatformBus } from "./bus.js";
import { KernelError, EBUSY, ENODEV, EAGAIN, EPROBE_DEFER, errnoName } from "./errno.js";
import { busDevice, busDevices } from "./sysfs-bus-devices.js";

export type BusName = "platform" | "amba";

/** The files every driver directory has besides its device links. */
export const DRIVER_FILES = ["bind", "unbind"] as const;

/** The bus and driver name a path (its components) lies under: /sys/bus/<bus>/drivers/<name>
 *  or a file below it; undefined for any other path. */
export function driverPath(p: string[]): { bus: BusName; name: string } | undefined {
  if (p.length < 5 || p[0] !== "sys" || p[1] !== "bus" || p[3] !== "drivers") return undefined;
  if (p[2] !== "platform" && p[2] !== "amba") return undefined;
  return { bus: p[2], name: p[4] };
}

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

/** The name bus_find_device_by_name compares: sysfs_streq ignores one trailing newline (what
 *  `echo` adds). */
function nameIn(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/** bus_find_device_by_name: a device of the bus whose name equals the text as sysfs_streq
 *  compares. */
function bus_find_device_by_name(kernel: Kernel, bus: BusName, text: string): PlatformDevice | undefined {
  return busDevice(kernel, bus, nameIn(text));
}

/** At most this many of a bus's devices are named in an error; more are counted, and the
 *  directory that lists them named. */
const DEVICES_NAMED = 8;

/** The bus's devices for an error that names a device it lacks: their names, or how many and
 *  where to list them. */
export function busDevicesText(kernel: Kernel, bus: BusName): string {
  const onBus = busDevices(kernel, bus);
  return onBus.length === 0 ? `the ${bus} bus has no devices`
    : onBus.length <= DEVICES_NAMED ? `its devices: ${onBus.join(", ")}`
    : `${onBus.length} devices: ls /sys/bus/${bus}/devices`;
}

/** bind_store's and unbind_store's -ENODEV for a name no device of the bus has: the name as
 *  compared, the bus's devices (or where to list them), and the other bus when the device is
 *  there. */
function noSuchDevice(kernel: Kernel, bus: BusName, text: string, path: string): KernelError {
  const name = nameIn(text);
  const elsewhere = kernel.platformBus.devices.find((d) => d.bus !== bus && d.name === name);
  const devices = busDevicesText(kernel, bus);
  const there = elsewhere ? `; ${name} is a ${elsewhere.bus} device` : "";
  return new KernelError(ENODEV, `${path}: write error: no device ${JSON.stringify(name)} on the ${bus} bus (${devices})${there}`);
}

/** unbind_store: detaches the named device if this driver drives it; -ENODEV otherwise (no such
 *  device on the bus, or one without this driver). */
export function unbind_store(kernel: Kernel, bus: BusName, drv: BusDriver, text: string, path: string): void {
  const dev = bus_find_device_by_name(kernel, bus, text);
  if (!dev) throw noSuchDevice(kernel, bus, text, path);
  if (dev.driverName !== drv.name) {
    const now = dev.driverName ? `bound to ${dev.driverName}` : "bound to no driver";
    throw new KernelError(ENODEV, `${path}: write error: ${dev.name} is ${now}, not ${drv.name}`);
  }
  kernel.device_release_driver(dev);
}

/** bind_store: probes the named device with this driver. The device must exist on the bus and
 *  match the driver (of_driver_match_device; only this driver's name when the device has a
 *  driver_override), else -ENODEV. Modern kernels (device_driver_attach)
 *  refuse a device that has a driver with -EBUSY and return the probe's error (-EPROBE_DEFER as
 *  -EAGAIN); 4.9's bind_store tested dev->driver == NULL itself (-ENODEV) and, as its
 *  really_probe ignored probe errors, turned every failed probe into -ENODEV. */
export function bind_store(kernel: Kernel, bus: BusName, drv: BusDriver, text: string, path: string): void {
  const dev = bus_find_device_by_name(kernel, bus, text);
  if (!dev) throw noSuchDevice(kernel, bus, text, path);
  if (!PlatformBus.matches(drv, dev)) {
    const what = dev.driver_override !== undefined && dev.driver_override !== drv.name
      ? `its driver_override is ${JSON.stringify(dev.driver_override)}: only the ${bus} driver of that name matches it; echo > /sys/bus/${bus}/devices/${dev.name}/driver_override clears it`
      : drv.id_table && dev.bus === "amba" && ambaIdKnowable(dev)
      ? `its AMBA peripheral ID: ${dev.periphid ? ambaIdHex(dev.periphid) : "none (amba_match defers it)"}; ${drv.name}'s id_table: ${ambaIdTableText(drv.id_table)}`
      : `its compatible: ${dev.ofNode?.compatible.join(", ") || "none"}`;
    throw new KernelError(ENODEV, `${path}: write error: ${drv.name} does not match ${dev.name} (${what})`);
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
