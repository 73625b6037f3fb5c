// The few /proc and /sys files dmasim provides, read as text the way `cat` shows them, listed
// the way `ls` does and written the way `echo TEXT > FILE` writes them (as root): /proc/iomem,
// /proc/interrupts, /sys/class/dma/<chan>/{in_use,…}, the devices of /sys/bus/{platform,amba}/devices
// with their uevent, modalias or id and driver_override files and driver links, the drivers of
// /sys/bus/{platform,amba}/drivers with their bind and unbind files, and /sys/kernel/debug/dma-api.
// A path's links are followed before it is looked up (sysfs-bus-devices.ts resolveLinks).

import type { Kernel } from "./kernel.js";
import { KernelError, ENOENT, ENOTDIR, EISDIR, EACCES, EIO } from "./errno.js";
import { procInterrupts } from "./proc-interrupts.js";
import { sysClassDma, CHANNEL_ATTRIBUTES } from "../dmaengine/sysfs.js";
import { bind_store, busDriver, busDriverNames, driverDirectory, driverPath, unbind_store } from "./sysfs-bus-drivers.js";
import { dmaApiFiles, readDmaApiFile, writeDmaApiFile } from "../dma/debugfs.js";
import { missingReason } from "./pseudofs-enoent.js";
import { busDevices, deviceDirectory, deviceFileStore, deviceFileText, deviceOf, resolveLinks } from "./sysfs-bus-devices.js";

/** A path's components, its links followed. Not a kernel call for a value that is no string (no errno applies): the
 *  TypeError a JavaScript API gives, naming the call. An empty path names no file, as Linux's
 *  getname() says (-ENOENT). */
function parts(kernel: Kernel, fn: string, path: unknown): string[] {
  if (typeof path !== "string") throw new TypeError(`${fn}: path must be a string, not ${path === null ? "null" : typeof path}`);
  if (path === "") throw new KernelError(ENOENT, "'': no such file or directory (an empty path names no file)");
  return resolveLinks(kernel, path.split("/").filter(Boolean));
}

/** Directory entries, or undefined when `path` is not a directory dmasim has. */
function list(kernel: Kernel, p: string[]): string[] | undefined {
  const key = p.join("/");
  const channels = sysClassDma(kernel);
  switch (key) {
    case "": return ["proc", "sys"];
    case "proc": return ["interrupts", "iomem"];
    case "sys": return ["bus", "class", "kernel"];
    case "sys/class": return ["dma"];
    case "sys/class/dma": return channels.map((c) => c.name);
    case "sys/bus": return ["amba", "platform"];
    case "sys/bus/platform":
    case "sys/bus/amba": return ["devices", "drivers"];
    case "sys/bus/platform/devices": return busDevices(kernel, "platform");
    case "sys/bus/amba/devices": return busDevices(kernel, "amba");
    case "sys/bus/platform/drivers": return busDriverNames(kernel, "platform");
    case "sys/bus/amba/drivers": return busDriverNames(kernel, "amba");
    case "sys/kernel": return ["debug"];
    case "sys/kernel/debug": return dmaApiFiles(kernel) ? ["dma-api"] : [];
    case "sys/kernel/debug/dma-api": return dmaApiFiles(kernel);
  }
  if (p.length === 4 && key.startsWith("sys/class/dma/") && channels.some((c) => c.name === p[3])) return [...CHANNEL_ATTRIBUTES];
  const drv = driverOf(kernel, p, 5);
  if (drv) return driverDirectory(kernel, drv.bus, drv.driver);
  const dev = deviceOf(kernel, p, 5);
  return dev && deviceDirectory(dev);
}

/** The driver whose directory is /sys/bus/<bus>/drivers/<name> when `p` has `length`
 *  components under it (5: the directory, 6: a file in it). */
function driverOf(kernel: Kernel, p: string[], length: number) {
  const at = p.length === length ? driverPath(p) : undefined;
  const driver = at && busDriver(kernel, at.bus, at.name);
  return driver && { bus: at.bus, driver };
}

export function readdir(kernel: Kernel, path: string): string[] {
  const p = parts(kernel, "readdir", path);
  const entries = list(kernel, p);
  if (entries) return entries;
  if (fileText(kernel, p) !== undefined || bindFile(kernel, p)) throw new KernelError(ENOTDIR, `${path}: not a directory`);
  throw new KernelError(ENOENT, `${path}: no such file or directory (${missingReason(kernel, p, "list")})`);
}

/** The write-only (0200) bind or unbind file of a driver directory `p` names. */
function bindFile(kernel: Kernel, p: string[]) {
  const drv = driverOf(kernel, p, 6);
  return drv && (p[5] === "bind" || p[5] === "unbind") ? { ...drv, file: p[5] } : undefined;
}

/** The dma-api file `p` names. */
function dmaApiFile(kernel: Kernel, p: string[]): string | undefined {
  const dir = p.slice(0, 4).join("/");
  return p.length === 5 && dir === "sys/kernel/debug/dma-api" && dmaApiFiles(kernel)?.includes(p[4]) ? p[4] : undefined;
}

function fileText(kernel: Kernel, p: string[]): string | undefined {
  const key = p.join("/");
  if (key === "proc/iomem") return kernel.iomem.text();
  if (key === "proc/interrupts") return procInterrupts(kernel);
  if (p.length === 5 && key.startsWith("sys/class/dma/")) {
    const chan = sysClassDma(kernel).find((c) => c.name === p[3]);
    const attr = p[4] as (typeof CHANNEL_ATTRIBUTES)[number];
    if (chan && CHANNEL_ATTRIBUTES.includes(attr)) return `${chan[attr]}\n`;
  }
  const dev = deviceOf(kernel, p, 6);
  if (dev) return deviceFileText(kernel, dev, p[5]);
  const debugFile = dmaApiFile(kernel, p);
  return debugFile === undefined ? undefined : readDmaApiFile(kernel, debugFile);
}

export function readFile(kernel: Kernel, path: string): string {
  const p = parts(kernel, "readFile", path);
  const text = fileText(kernel, p);
  if (text !== undefined) return text;
  // kernfs refuses to open a sysfs file for reading when its mode has no read bit, root too.
  if (bindFile(kernel, p)) throw new KernelError(EACCES, `${path}: permission denied (write-only, mode 0200: echo a device name into it)`);
  if (list(kernel, p)) throw new KernelError(EISDIR, `${path}: is a directory`);
  throw new KernelError(ENOENT, `${path}: no such file or directory (${missingReason(kernel, p, "read")})`);
}

/** `echo TEXT > PATH` as root: the file's store gets the text as written (a trailing newline
 *  included, as echo adds one); the bytes written, as write(2) returns them. bind and unbind
 *  attach and detach a device (sysfs-bus-drivers.ts), a device's uevent and driver_override ask
 *  for a uevent and set the override (sysfs-bus-devices.ts), the dma-api knobs take their values
 *  (dma/debugfs.ts). A read-only sysfs attribute refuses the open (-EACCES, kernfs's check even
 *  for root); a /proc file without a write method fails the write with -EIO (pde_write). An
 *  empty text is a write of no bytes, which a sysfs store never sees. */
export function writeFile(kernel: Kernel, path: string, text: string): number {
  const p = parts(kernel, "writeFile", path);
  if (typeof text !== "string") throw new TypeError(`writeFile: text must be a string, not ${text === null ? "null" : typeof text}`);
  const written = new TextEncoder().encode(text).length;
  const bind = bindFile(kernel, p);
  if (bind) {
    if (text === "") return 0;
    (bind.file === "bind" ? bind_store : unbind_store)(kernel, bind.bus, bind.driver, text, path);
    return written;
  }
  const dev = deviceOf(kernel, p, 6);
  const stored = dev && deviceFileStore(kernel, dev, p[5], text, path);
  if (stored !== undefined) return stored;
  const debugFile = dmaApiFile(kernel, p);
  if (debugFile !== undefined) {
    writeDmaApiFile(kernel, debugFile, text, path);
    return written;
  }
  if (fileText(kernel, p) !== undefined) {
    if (p[0] === "proc") throw new KernelError(EIO, `${path}: write error: input/output error (a /proc file without a write method)`);
    throw new KernelError(EACCES, `${path}: permission denied (a read-only sysfs attribute, mode 0444)`);
  }
  if (list(kernel, p)) throw new KernelError(EISDIR, `${path}: is a directory`);
  throw new KernelError(ENOENT, `${path}: no such file (${missingReason(kernel, p, "write")})`);
}
