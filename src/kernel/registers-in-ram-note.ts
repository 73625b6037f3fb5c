// Boot's (dmasim) note on a device's register window that RAM covers (hw/registers-in-ram.ts
// words it): logged at KERN_NOTICE beside the kernel's own lines, and kept in
// kernel.registersInRam for the tools that print boot's notes (sim/boot-notes.ts).

import type { Kernel } from "./kernel.js";
import type { Resource } from "../of/address.js";
import type { DeviceNode } from "../of/node.js";
import { KERN_NOTICE } from "./printk.js";
import { registersInRamNote } from "../hw/registers-in-ram.js";

/** Notes `np`'s window `window` in RAM bank `bank`; `linux` says what Linux does about it. */
export function noteRegistersInRam(kernel: Kernel, np: DeviceNode, window: Resource, bank: Resource, linux: string): void {
  const note = registersInRamNote(kernel.tree, np, window, bank, linux);
  kernel.printk.log(KERN_NOTICE, note);
  kernel.registersInRam.push({ node: np, window, bank, note });
}
