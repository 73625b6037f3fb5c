// The `reserve` hook of an arm machine descriptor (struct machine_desc, DT_MACHINE_START):
// memory a SoC's board code takes from memblock in arm_memblock_init, after the image and
// swapper_pg_dir and before the device tree's /reserved-memory and CMA. The machine is the one
// whose dt_compat matches the root node's compatible.

import type { DeviceTree } from "../of/node.js";
import type { Range } from "../mm/memblock.js";

/** arch/arm/mach-zynq/common.c zynq_memory_init: the PS's DMA masters cannot reach the first
 *  512 KiB of DDR (the OCM answers there at reset), so when RAM starts at 0 the board code
 *  reserves [0, 0x80000), which the kernel image mostly covers anyway. Both 4.9 and modern. */
function zynq_memory_init(ram: readonly Range[]): Range[] {
  return ram.some((b) => b.base === 0) ? [{ base: 0, size: 0x80000 }] : [];
}

const MACHINES: { dt_compat: string; reserve: (ram: readonly Range[]) => Range[] }[] = [
  { dt_compat: "xlnx,zynq-7000", reserve: zynq_memory_init },
];

/** mdesc->reserve(): the ranges the board's machine code reserves (none for arm64, whose board
 *  code has no such hook, or a machine dmasim has no descriptor for). */
export function machineReserve(arch: "arm" | "arm64", tree: DeviceTree, ram: readonly Range[]): Range[] {
  if (arch !== "arm") return [];
  const root = tree.root.compatible;
  return MACHINES.find((m) => root.includes(m.dt_compat))?.reserve(ram) ?? [];
}
