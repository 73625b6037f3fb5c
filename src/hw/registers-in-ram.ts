// A device whose registers the memory nodes (or --memory) describe as RAM: a BSP mistake Linux
// does not catch at boot. The memory node's range becomes memblock memory and a busy "System
// RAM" resource directly under iomem_resource (request_standard_resources, arm and arm64, 4.9
// and 6.x), and the page allocator hands those addresses out. A primecell in that range gets no
// device: amba_device_add's request_resource meets System RAM and returns -EBUSY. A platform
// device is still created (of_device_add claims no resource), and its driver's
// devm_ioremap_resource fails with -EBUSY ("can't request region"), System RAM being busy. A
// PL310 there is not enabled: l2x0_of_init's ioremap refuses RAM (arch/l2x0-of-init.ts).
// This file finds such windows and says, in one sentence, what is wrong and how to fix it.

import type { Resource } from "../of/address.js";
import type { DeviceNode, DeviceTree } from "../of/node.js";
import { formatMemResource } from "../kernel/resource.js";

/** The first RAM bank that a register window overlaps, if any. */
export function ramBankOverlapping(ram: readonly Resource[], window: Resource): Resource | undefined {
  return ram.find((b) => window.start < b.start + b.size && b.start < window.start + window.size);
}

/** Where a SoC's bootloader caps DRAM below its device windows, and who says so. */
const BOOTLOADER_RAM_LIMITS: { soc: string; end: number; source: string }[] = [
  // U-Boot include/configs/rk3399_common.h: SDRAM_MAX_SIZE 0xf8000000 (the PCIe window).
  { soc: "rockchip,rk3399", end: 0xf8000000, source: "U-Boot's RK3399 SDRAM_MAX_SIZE" },
];

const hex = (n: number) => "0x" + n.toString(16);
const MiB = 2 ** 20;

/** What keeps the bank off the window: RAM ending at or below the window's start (the size a
 *  memory node from the bank's base, or --memory, may have; the bootloader's limit on a SoC
 *  whose U-Boot caps DRAM), or, for a window at or below the bank's base, RAM starting above it. */
function fix(tree: DeviceTree, window: Resource, bank: Resource): string {
  if (window.start <= bank.start) return `start RAM above ${hex(window.start + window.size - 1)} (the memory node's reg)`;
  const size = window.start - bank.start;
  // --memory in whole MiB, rounded down so that RAM still ends below the window.
  const memory = size >= MiB ? `, or --memory ${Math.floor(size / MiB)}M` : "";
  const limit = BOOTLOADER_RAM_LIMITS.find((l) => tree.root.compatible.includes(l.soc));
  const cap = limit ? `; ${limit.source} ends it at ${hex(limit.end)}` : "";
  return `end RAM at or below ${hex(window.start)} (a memory node of at most ${hex(size)} bytes from ${hex(bank.start)}${memory}${cap})`;
}

/** The (dmasim) note for `node`'s register window `window` that overlaps RAM bank `bank`:
 *  names the node and both ranges, says what Linux does (`linux`: the device's fate) and the fix. */
export function registersInRamNote(tree: DeviceTree, node: DeviceNode, window: Resource, bank: Resource, linux: string): string {
  return (
    `${node.path}: reg ${formatMemResource(window.start, window.size)} overlaps System RAM ${formatMemResource(bank.start, bank.size)} (dmasim): ` +
    `the memory node (or --memory) covers the device's registers and Linux gives those pages to the page allocator; ${linux}; ` +
    fix(tree, window, bank)
  );
}
