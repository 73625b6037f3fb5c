// Arm machine descriptors (struct machine_desc, DT_MACHINE_START): the board code Linux picks by
// matching a dt_compat string against the root node's compatible, and the two hooks of it that
// shape early memory. `reserve` runs in arm_memblock_init, after the image and swapper_pg_dir
// are reserved and before the device tree's /reserved-memory and CMA; `map_io` runs in
// devicemaps_init after the vectors' mappings and makes static device mappings with
// iotable_init. arm64 board code has neither hook; a machine without map_io gets
// debug_ll_io_init, which maps nothing without CONFIG_DEBUG_LL (not set in the defconfigs).

import type { DeviceTree } from "../of/node.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { Range } from "../mm/memblock.js";
import type { KernelVersion } from "../mm/layout.js";
import { ZYNQ_MACHINE } from "./mach-zynq.js";

/** struct map_desc with MT_DEVICE, the only type the machines here use. */
export interface MapDesc {
  virtual: VirtAddr;
  pfn: number;
  length: number;
}

export interface MachineDesc {
  dt_compat: string;
  /** mdesc->reserve: ranges to memblock_reserve, given the RAM banks, the kernel generation and
   *  where swapper_pg_dir lies. */
  reserve?: (ram: readonly Range[], version: KernelVersion, swapperPgDir: PhysAddr) => Range[];
  /** mdesc->map_io: the static device mappings. */
  map_io?: () => MapDesc[];
}

const MACHINES: readonly MachineDesc[] = [ZYNQ_MACHINE];

function machineOf(arch: "arm" | "arm64", tree: DeviceTree): MachineDesc | undefined {
  if (arch !== "arm") return undefined;
  const root = tree.root.compatible;
  return MACHINES.find((m) => root.includes(m.dt_compat));
}

/** mdesc->reserve(): the ranges the board's machine code reserves (none without a descriptor),
 *  once memblock knows the RAM and where swapper_pg_dir lies (memblock-init.ts). */
export function machineReserve(arch: "arm" | "arm64", version: KernelVersion, tree: DeviceTree, ram: readonly Range[], swapperPgDir: PhysAddr): Range[] {
  return machineOf(arch, tree)?.reserve?.(ram, version, swapperPgDir) ?? [];
}

/** mdesc->map_io(): the static device mappings the board's machine code makes. */
export function machineMapIo(arch: "arm" | "arm64", tree: DeviceTree): MapDesc[] {
  return machineOf(arch, tree)?.map_io?.() ?? [];
}
