// The `reserve` hook of an arm machine descriptor (struct machine_desc, DT_MACHINE_START):
// memory a SoC's board code takes from memblock in arm_memblock_init, after the image and
// swapper_pg_dir and before the device tree's /reserved-memory and CMA. The machine is the one
// whose dt_compat matches the root node's compatible.

import type { DeviceTree } from "../of/node.js";
import type { Range } from "../mm/memblock.js";
import type { KernelVersion } from "../mm/layout.js";
import type { PhysAddr } from "../hw/address.js";

/** arch/arm/mach-zynq/common.c zynq_memory_init: the PS's DMA masters cannot use the first
 *  512 KiB of DDR, so when RAM starts at 0 the board code reserves them. Since
 *  v4.13 ("ARM: zynq: Reserve correct amount of non-DMA RAM") that is [0, 0x80000); before, 4.9
 *  included, only [0, __pa(swapper_pg_dir)) — the same free pages here, as the image and
 *  swapper_pg_dir cover the rest. */
function zynq_memory_init(ram: readonly Range[], version: KernelVersion, swapperPgDir: PhysAddr): Range[] {
  if (!ram.some((b) => b.base === 0)) return [];
  return [{ base: 0, size: version === "v4.9" ? swapperPgDir : 0x80000 }];
}

type Reserve = (ram: readonly Range[], version: KernelVersion, swapperPgDir: PhysAddr) => Range[];

const MACHINES: { dt_compat: string; reserve: Reserve }[] = [
  { dt_compat: "xlnx,zynq-7000", reserve: zynq_memory_init },
];

/** mdesc->reserve(): the ranges the board's machine code reserves (none for arm64, whose board
 *  code has no such hook, or a machine dmasim has no descriptor for). */
export function machineReserve(arch: "arm" | "arm64", version: KernelVersion, tree: DeviceTree, ram: readonly Range[]): Range[] {
  if (arch !== "arm") return [];
  const root = tree.root.compatible;
  // PHYS_OFFSET + TEXT_OFFSET (0x8000) - 16 KiB, as memblock-init.ts places it.
  const swapperPgDir = Math.min(...ram.map((b) => b.base)) + 0x4000;
  return MACHINES.find((m) => root.includes(m.dt_compat))?.reserve(ram, version, swapperPgDir) ?? [];
}
