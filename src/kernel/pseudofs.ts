// The few /proc and /sys files dmasim provides, read as text the way `cat` shows them and listed
// the way `ls` does: /proc/iomem, /proc/interrupts, /sys/class/dma/<chan>/{in_use,…}, and the
// device lists of /sys/bus/{platform,amba}/devices.

import type { Kernel } from "./kernel.js";
import { KernelError, ENOENT, ENOTDIR, EISDIR } from "./errno.js";
import { procInterrupts } from "./proc-interrupts.js";
import { sysClassDma, CHANNEL_ATTRIBUTES } from "../dmaengine/sysfs.js";

/** A path's components. Not a kernel call for a value that is no string (no errno applies): the
 *  TypeError a JavaScript API gives, naming the call. An empty path names no file, as Linux's
 *  getname() says (-ENOENT). */
function parts(fn: string, path: unknown): string[] {
  if (typeof path !== "string") throw new TypeError(`${fn}: path must be a string, not ${path === null ? "null" : typeof path}`);
  if (path === "") throw new KernelError(ENOENT, "'': no such file or directory (an empty path names no file)");
  return path.split("/").filter(Boolean);
}

function busDevices(kernel: Kernel, bus: "platform" | "amba"): string[] {
  return kernel.platformBus.devices.filter((d) => d.bus === bus).map((d) => d.name);
}

/** Directory entries, or undefined when `path` is not a directory dmasim has. */
function list(kernel: Kernel, p: string[]): string[] | undefined {
  const key = p.join("/");
  const channels = sysClassDma(kernel);
  switch (key) {
    case "": return ["proc", "sys"];
    case "proc": return ["interrupts", "iomem"];
    case "sys": return ["bus", "class"];
    case "sys/class": return ["dma"];
    case "sys/class/dma": return channels.map((c) => c.name);
    case "sys/bus": return ["amba", "platform"];
    case "sys/bus/platform":
    case "sys/bus/amba": return ["devices"];
    case "sys/bus/platform/devices": return busDevices(kernel, "platform");
    case "sys/bus/amba/devices": return busDevices(kernel, "amba");
  }
  if (p.length === 4 && key.startsWith("sys/class/dma/") && channels.some((c) => c.name === p[3])) return [...CHANNEL_ATTRIBUTES];
  return undefined;
}

export function readdir(kernel: Kernel, path: string): string[] {
  const p = parts("readdir", path);
  const entries = list(kernel, p);
  if (entries) return entries;
  if (fileText(kernel, p) !== undefined) throw new KernelError(ENOTDIR, `${path}: not a directory`);
  throw new KernelError(ENOENT, `${path}: no such file or directory (dmasim provides /proc/iomem, /proc/interrupts, /sys/class/dma, /sys/bus/*/devices)`);
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
  return undefined;
}

export function readFile(kernel: Kernel, path: string): string {
  const p = parts("readFile", path);
  const text = fileText(kernel, p);
  if (text !== undefined) return text;
  if (list(kernel, p)) throw new KernelError(EISDIR, `${path}: is a directory`);
  throw new KernelError(ENOENT, `${path}: no such file or directory (dmasim provides /proc/iomem, /proc/interrupts, /sys/class/dma/<channel>/<attribute>)`);
}
