// The `map_io` hook of an arm machine descriptor (struct machine_desc): the static device
// mappings a SoC's board code makes with iotable_init during devicemaps_init, after the
// vectors' mappings. The machine is the one whose dt_compat matches the root node's compatible,
// as for the reserve hook (machine-reserve.ts). A machine without map_io gets
// debug_ll_io_init, which maps nothing without CONFIG_DEBUG_LL (not set in the defconfigs).

import type { DeviceTree } from "../of/node.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";

/** struct map_desc with MT_DEVICE, the only type the machines here use. */
export interface MapDesc {
  virtual: VirtAddr;
  pfn: number;
  length: number;
}

/** The Cortex-A9 MPCore's private peripheral base on Zynq-7000 (UG585 §4.1, mpcore: SCU at
 *  0xf8f00000), which scu_a9_get_base() reads from CP15's CBAR. */
const ZYNQ_SCU_BASE: PhysAddr = 0xf8f00000;

/** arch/arm/mach-zynq/common.c zynq_map_io → zynq_scu_map_io (4.9 and modern alike): the SCU's
 *  256 bytes, MT_DEVICE, at a virtual address equal to the physical one ("expected address is in
 *  vmalloc area"). */
function zynq_map_io(): MapDesc[] {
  return [{ virtual: ZYNQ_SCU_BASE, pfn: ZYNQ_SCU_BASE / 4096, length: 256 }];
}

const MACHINES: { dt_compat: string; map_io: () => MapDesc[] }[] = [
  { dt_compat: "xlnx,zynq-7000", map_io: zynq_map_io },
];

/** mdesc->map_io(): the static device mappings the board's machine code makes (none for arm64,
 *  whose board code has no such hook, or a machine dmasim has no descriptor for). */
export function machineMapIo(arch: "arm" | "arm64", tree: DeviceTree): MapDesc[] {
  if (arch !== "arm") return [];
  const root = tree.root.compatible;
  return MACHINES.find((m) => root.includes(m.dt_compat))?.map_io() ?? [];
}
