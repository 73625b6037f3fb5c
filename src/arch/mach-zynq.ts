// arch/arm/mach-zynq/common.c: the Zynq-7000's machine descriptor hooks that dmasim's boot
// models (machine-desc.ts).

import type { PhysAddr } from "../hw/address.js";
import type { Range } from "../mm/memblock.js";
import type { KernelVersion } from "../mm/layout.js";
import type { MachineDesc, MapDesc } from "./machine-desc.js";
import { PAGE_SIZE } from "../mm/gfp.js";

/** The Cortex-A9 MPCore's private peripheral base on Zynq-7000 (UG585 §4.1, mpcore: SCU at
 *  0xf8f00000), which scu_a9_get_base() reads from CP15's CBAR. */
const ZYNQ_SCU_BASE: PhysAddr = 0xf8f00000;

/** zynq_memory_init: the PS's DMA masters cannot use the first 512 KiB of DDR, so when RAM
 *  starts at 0 the board code reserves them. Since v4.13 ("ARM: zynq: Reserve correct amount of
 *  non-DMA RAM") that is [0, 0x80000); before, 4.9 included, only [0, __pa(swapper_pg_dir)) —
 *  the same free pages here, as the image and swapper_pg_dir cover the rest. */
function zynq_memory_init(ram: readonly Range[], version: KernelVersion, swapperPgDir: PhysAddr): Range[] {
  if (!ram.some((b) => b.base === 0)) return [];
  return [{ base: 0, size: version === "v4.9" ? swapperPgDir : 0x80000 }];
}

/** zynq_map_io → zynq_scu_map_io (4.9 and modern alike): the SCU's 256 bytes, MT_DEVICE, at a
 *  virtual address equal to the physical one ("expected address is in vmalloc area"). */
function zynq_map_io(): MapDesc[] {
  return [{ virtual: ZYNQ_SCU_BASE, pfn: ZYNQ_SCU_BASE / PAGE_SIZE, length: 256 }];
}

export const ZYNQ_MACHINE: MachineDesc = {
  dt_compat: "xlnx,zynq-7000",
  reserve: zynq_memory_init,
  map_io: zynq_map_io,
};
