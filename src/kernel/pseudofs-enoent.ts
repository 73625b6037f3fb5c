// Why a /proc or /sys path dmasim was asked for does not exist (-ENOENT), in words that say what
// to do instead: the dma-api directory exists only with DMA-API debugging on (and 4.9 has no
// dump), a driver directory only for a registered driver of that bus (the pl330 is dma-pl330 on
// the AMBA bus), a device directory only for a device of that bus and its driver link only while
// a driver is bound, and otherwise the list of what dmasim provides.

import type { Kernel } from "./kernel.js";
import { dmaApiFiles } from "../dma/debugfs.js";
import { busDevicesText, busDriverNames, driverPath, type BusName } from "./sysfs-bus-drivers.js";
import { busDevice, deviceDirectory } from "./sysfs-bus-devices.js";

export type Access = "read" | "list" | "write";

const PROVIDED: Record<Access, string> = {
  read: "dmasim provides /proc/iomem, /proc/interrupts, /sys/class/dma/<channel>/<attribute>, /sys/bus/{platform,amba}/devices/<device>/<file>, /sys/kernel/debug/dma-api/<file> with DMA-API debug on",
  list: "dmasim provides /proc, /sys/class/dma, /sys/bus/{platform,amba}/{devices,drivers}, /sys/kernel/debug/dma-api with DMA-API debug on",
  write: "dmasim's writable files: /sys/bus/{platform,amba}/drivers/<driver>/{bind,unbind}, /sys/bus/{platform,amba}/devices/<device>/{uevent,driver_override}, /sys/kernel/debug/dma-api/{driver_filter,all_errors,num_errors}",
};

const DMA_API = ["sys", "kernel", "debug", "dma-api"];

function under(p: string[], prefix: string[]): boolean {
  return p.length >= prefix.length && prefix.every((c, i) => p[i] === c);
}

/** The dma-api directory or a file in it: off, or a file this kernel's dma-debug lacks. */
function dmaApiReason(kernel: Kernel, p: string[]): string | undefined {
  if (!under(p, DMA_API)) return undefined;
  const files = dmaApiFiles(kernel);
  if (!files) return "DMA-API debug is off on this System: turn it on with the dmaDebug option, the CLI's --dma-debug";
  if (p.length !== DMA_API.length + 1 || files.includes(p[4])) return undefined;
  const kernelName = kernel.version === "modern" ? "this kernel's" : "4.9's";
  return `${kernelName} dma-api has no ${p[4]}; its files: ${files.join(", ")}`;
}

/** /sys/bus/<bus>/drivers/<name>…: a driver not registered on that bus, and where it is. */
function driverReason(kernel: Kernel, p: string[]): string | undefined {
  const at = driverPath(p);
  if (!at) return undefined;
  const bus = at.bus;
  const names = busDriverNames(kernel, bus);
  if (names.includes(at.name)) return undefined;
  const other: BusName = bus === "amba" ? "platform" : "amba";
  const registered = names.length ? `its drivers: ${names.join(", ")}` : "dmasim registers none there";
  const elsewhere = busDriverNames(kernel, other).includes(at.name) ? `; ${at.name} is on the ${other} bus: /${["sys", "bus", other, ...p.slice(3)].join("/")}` : "";
  return `the ${bus} bus has no driver ${JSON.stringify(at.name)}: ${registered}${elsewhere}`;
}

/** /sys/bus/<bus>/devices/<name>…: a device the bus does not have (and the bus that has it), a
 *  driver link of an unbound device, or a file its directory lacks. `p` has its links followed:
 *  a bound device's driver link is no longer in it. */
function deviceReason(kernel: Kernel, p: string[]): string | undefined {
  if (p.length < 5 || p[0] !== "sys" || p[1] !== "bus" || p[3] !== "devices" || (p[2] !== "platform" && p[2] !== "amba")) return undefined;
  const bus: BusName = p[2];
  const name = p[4];
  const dev = busDevice(kernel, bus, name);
  if (!dev) {
    const other = kernel.platformBus.devices.find((d) => d.name === name);
    const elsewhere = other ? `; ${name} is on the ${other.bus} bus: /${["sys", "bus", other.bus, ...p.slice(3)].join("/")}` : "";
    return `no device ${JSON.stringify(name)} on the ${bus} bus (${busDevicesText(kernel, bus)})${elsewhere}`;
  }
  if (p[5] === "driver") return `${name} is bound to no driver: its driver link appears when one binds`;
  if (p.length === 6) return `${name}'s directory has ${deviceDirectory(dev).join(", ")}`;
  return undefined;
}

/** The words after "no such file or directory" for a path (its components `p`) that is not there. */
export function missingReason(kernel: Kernel, p: string[], access: Access): string {
  return dmaApiReason(kernel, p) ?? driverReason(kernel, p) ?? deviceReason(kernel, p) ?? PROVIDED[access];
}
