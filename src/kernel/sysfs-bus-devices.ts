// /sys/bus/<bus>/devices/<device>/ (drivers/base/core.c, platform.c, drivers/amba/bus.c): the
// files a device's directory has that dmasim can fill from its tree and driver model:
// - uevent: dev_uevent's variables, one a line: DRIVER=<driver> while one is bound, the node's
//   OF_* lines (of_device_uevent), then the bus's own: platform_uevent's MODALIAS=of:N…T…C…
//   (platform:<name> for a device without a node), amba_uevent's AMBA_ID=%08x and
//   MODALIAS=amba:d%08X of the peripheral ID;
// - modalias (platform devices only: the AMBA bus has no such attribute): the same MODALIAS and
//   a newline (platform.c modalias_show, of_device_modalias);
// - id (AMBA devices only): the peripheral ID as %08x and a newline (amba_attr_func(id, …));
// - driver: the link to /sys/bus/<bus>/drivers/<driver>, only while a driver is bound. dmasim
//   lists a link by its name as the driver directories list their device links, and follows
//   it (resolveLinks): `ls …/driver` lists the driver's directory, `echo NAME > …/driver/unbind`
//   unbinds.
// - driver_override (both buses): the one driver the device may match, "(null)" while unset
//   (kernel/driver-override.ts).
// uevent and driver_override are mode 0644, the others 0444: writing uevent asks for a
// synthetic uevent (kernel/uevent-store.ts), writing driver_override sets it.
// The of_node link (to /sys/firmware/devicetree/base/…), power/ and subsystem are not
// modelled: dmasim has no /sys/firmware, and nothing else there says anything dmasim knows.

import type { Kernel } from "./kernel.js";
import type { PlatformDevice } from "./device.js";
import type { BusName } from "./sysfs-bus-drivers.js";
import { of_device_uevent, of_modalias } from "../of/device-uevent.js";
import { driver_override_show, driver_override_store } from "./driver-override.js";
import { uevent_store } from "./uevent-store.js";

/** `ls /sys/bus/<bus>/devices`: the bus's devices' names, in the order they were added. */
export function busDevices(kernel: Kernel, bus: BusName): string[] {
  return kernel.platformBus.devices.filter((d) => d.bus === bus).map((d) => d.name);
}

/** The device of the bus named `name`, if the bus has one. */
export function busDevice(kernel: Kernel, bus: string, name: string): PlatformDevice | undefined {
  return kernel.platformBus.devices.find((d) => d.bus === bus && d.name === name);
}

/** The device whose directory is /sys/bus/<bus>/devices/<name> when `p` (a path's components,
 *  links resolved) has `length` components under it (5: the directory, 6: a file in it). */
export function deviceOf(kernel: Kernel, p: string[], length: number): PlatformDevice | undefined {
  if (p.length !== length || p[0] !== "sys" || p[1] !== "bus" || p[3] !== "devices") return undefined;
  return busDevice(kernel, p[2], p[4]);
}

/** The link at component 5 of `p`, rewritten to where it points, or undefined when there is
 *  none: a device's `driver` (…/devices/<dev>/driver → …/drivers/<driver>) and a driver
 *  directory's device link (…/drivers/<driver>/<dev> → …/devices/<dev>). */
function followLink(kernel: Kernel, p: string[]): string[] | undefined {
  if (p.length < 6 || p[0] !== "sys" || p[1] !== "bus") return undefined;
  const bus = p[2];
  if (p[3] === "devices" && p[5] === "driver") {
    const drv = busDevice(kernel, bus, p[4])?.driverName;
    return drv === undefined ? undefined : ["sys", "bus", bus, "drivers", drv, ...p.slice(6)];
  }
  if (p[3] === "drivers" && busDevice(kernel, bus, p[5])?.driverName === p[4]) return ["sys", "bus", bus, "devices", ...p.slice(5)];
  return undefined;
}

/** A path's components with every link in it followed, as the kernel's path walk follows them.
 *  Each step either drops a component or turns a driver's device link into the device's
 *  directory, which a next step can only shorten: the walk ends. */
export function resolveLinks(kernel: Kernel, p: string[]): string[] {
  for (let next = followLink(kernel, p); next; next = followLink(kernel, p)) p = next;
  return p;
}

/** `ls /sys/bus/<bus>/devices/<device>`: its files and, while bound, the driver link; sorted. */
export function deviceDirectory(dev: PlatformDevice): string[] {
  const files = ["uevent", "driver_override", dev.bus === "amba" ? "id" : "modalias"];
  if (dev.driverName !== undefined) files.push("driver");
  return files.sort();
}

/** The bus's MODALIAS: amba_uevent's, platform_uevent's (of_device_uevent_modalias, else
 *  "platform:" and the name). */
function busModalias(kernel: Kernel, dev: PlatformDevice): string {
  if (dev.bus === "amba") return `amba:d${hex8(dev.periphid).toUpperCase()}`;
  return dev.ofNode ? of_modalias(dev.ofNode, kernel.version) : `platform:${dev.name}`;
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

/** dev_uevent: what `cat uevent` prints (uevent_show: each variable and a newline). */
export function dev_uevent(kernel: Kernel, dev: PlatformDevice): string {
  const lines: string[] = [];
  if (dev.driverName !== undefined) lines.push(`DRIVER=${dev.driverName}`);
  if (dev.ofNode) lines.push(...of_device_uevent(kernel.tree, dev.ofNode, kernel.version));
  if (dev.bus === "amba") lines.push(`AMBA_ID=${hex8(dev.periphid)}`);
  lines.push(`MODALIAS=${busModalias(kernel, dev)}`);
  return lines.map((l) => `${l}\n`).join("");
}

/** The text of file `name` in the device's directory, undefined when it has no such file. */
export function deviceFileText(kernel: Kernel, dev: PlatformDevice, name: string): string | undefined {
  if (name === "uevent") return dev_uevent(kernel, dev);
  if (name === "modalias" && dev.bus === "platform") return `${busModalias(kernel, dev)}\n`;
  if (name === "id" && dev.bus === "amba") return `${hex8(dev.periphid)}\n`;
  if (name === "driver_override") return driver_override_show(kernel, dev);
  return undefined;
}

/** `echo TEXT > …/devices/<device>/<name>` for a writable file: the bytes written; undefined
 *  when `name` is no writable file of the device. */
export function deviceFileStore(kernel: Kernel, dev: PlatformDevice, name: string, text: string, path: string): number | undefined {
  if (name === "uevent") return uevent_store(kernel, dev, text, path);
  if (name === "driver_override") return driver_override_store(kernel, dev, text, path);
  return undefined;
}
