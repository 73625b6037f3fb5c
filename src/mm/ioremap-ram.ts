// ioremap's refusal to map RAM as device memory, on arm and arm64 alike: the first page of the
// range is tested, and a RAM page there is a WARN_ON and NULL. The test is on memory the kernel
// maps (pfn_valid before the no-map distinction, memblock_is_map_memory / pfn_is_map_memory
// since), so a /reserved-memory no-map region may still be remapped.
//   arm64 4.9   arch/arm64/mm/ioremap.c __ioremap_caller: WARN_ON(pfn_valid(__phys_to_pfn(phys_addr)))
//   arm64 6.x   arch/arm64/mm/ioremap.c ioremap_prot:     WARN_ON(pfn_is_map_memory(__phys_to_pfn(phys_addr)))
//   arm 4.9     arch/arm/mm/ioremap.c __arm_ioremap_pfn_caller: WARN_ON(pfn_valid(pfn) && mtype != MT_MEMORY_RW)
//   arm 6.x     the same, with memblock_is_map_memory(PFN_PHYS(pfn)) for pfn_valid

import type { Range } from "./memblock.js";
import type { PhysAddr } from "../hw/address.js";
import type { KernelVersion } from "./layout.js";
import { PAGE_SIZE } from "./gfp.js";

const inRanges = (pa: number, ranges: readonly Range[]) => ranges.some((r) => pa >= r.base && pa < r.base + r.size);

/** The kernel's WARNING line when ioremap(`pa`) would map a page of mapped RAM, else null. */
export function ioremapRamWarning(arch: "arm" | "arm64", version: KernelVersion, pa: PhysAddr, memory: readonly Range[], nomap: readonly Range[]): string | null {
  const page = Math.floor(pa / PAGE_SIZE) * PAGE_SIZE;
  if (!inRanges(page, memory) || inRanges(page, nomap)) return null;
  const v49 = version === "v4.9";
  if (arch === "arm64") {
    return v49
      ? "WARNING: arch/arm64/mm/ioremap.c: __ioremap_caller: WARN_ON(pfn_valid(__phys_to_pfn(phys_addr)))"
      : "WARNING: arch/arm64/mm/ioremap.c: ioremap_prot: WARN_ON(pfn_is_map_memory(__phys_to_pfn(phys_addr)))";
  }
  return v49
    ? "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(pfn_valid(pfn) && mtype != MT_MEMORY_RW)"
    : "WARNING: arch/arm/mm/ioremap.c: __arm_ioremap_pfn_caller: WARN_ON(memblock_is_map_memory(PFN_PHYS(pfn)) && mtype != MT_MEMORY_RW)";
}
