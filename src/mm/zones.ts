// The page allocator's zones (spec dma-api §7.3), worked out from where RAM lies. arm: lowmem is
// Normal, the rest HighMem. arm64 4.9: ZONE_DMA is RAM below 4 GB counted from the 4 GB aligned
// base of DRAM (max_zone_dma_phys); modern (mainline arch/arm64/mm/init.c, dma_limits_init and
// arch_zone_limits_init, since zone_dma_bits became zone_dma_limit in 6.12): ZONE_DMA up to
// zone_dma_limit and ZONE_DMA32 up to 4 GB, each cut at the end of RAM (max_zone_phys).

import type { PhysAddr } from "../hw/address.js";
import type { KernelVersion } from "./layout.js";
import type { Zone, ZoneSpec } from "./buddy.js";
import type { CmaAreas } from "./cma.js";
import { PAGE_SIZE } from "./gfp.js";

const GB4 = 2 ** 32;

export interface ZoneInputs {
  arch: "arm" | "arm64";
  version: KernelVersion;
  /** The start of RAM (PHYS_OFFSET). */
  physOffset: PhysAddr;
  /** One past the last byte of RAM. */
  ramEnd: PhysAddr;
  /** Bytes from PHYS_OFFSET the linear map may cover (arm: lowmem). */
  linearBytes: number;
  /** Modern arm64: the firmware's DMA limit as a width in bits (dma-ranges reaching
   *  DMA_BIT_MASK(bits), as of_dma_get_max_cpu_address reads them); none: no limit. */
  zoneDmaBits?: number;
}

/** PHYS_ADDR_MAX: what of_dma_get_max_cpu_address returns when no dma-ranges limits DMA. */
const PHYS_ADDR_MAX = 2 ** 64 - 1;

/** max_zone_phys (modern arm64): one past the zone's last byte of RAM. */
function maxZonePhys(z: ZoneInputs, zoneLimit: number): PhysAddr {
  return Math.min(zoneLimit, z.ramEnd - 1) + 1;
}

/** zone_dma_limit (modern arm64, dma_limits_init): the firmware's limit, capped at 4 GB when
 *  RAM starts below it; with RAM wholly above 4 GB and no dma-ranges, PHYS_ADDR_MAX, so that
 *  ZONE_DMA covers all of RAM. */
export function zoneDmaLimit(z: ZoneInputs): number {
  const firmware = z.zoneDmaBits === undefined ? PHYS_ADDR_MAX : 2 ** z.zoneDmaBits - 1;
  return z.physOffset < 0xffffffff ? Math.min(firmware, 0xffffffff) : firmware;
}

/** arm64_dma_phys_limit: where ZONE_DMA ends (4.9 max_zone_dma_phys: 4 GB above the 4 GB
 *  aligned base of DRAM; modern max_zone_phys(zone_dma_limit)). arm: the end of lowmem. */
export function dmaPhysLimit(z: ZoneInputs): PhysAddr {
  const start = z.physOffset;
  if (z.arch === "arm") return start + z.linearBytes;
  if (z.version === "v4.9") return Math.min(start - (start % GB4) + GB4, z.ramEnd);
  return maxZonePhys(z, zoneDmaLimit(z));
}

/** The zones, in address order, with their pfn spans (a zone may be empty). */
export function zoneSpecs(z: ZoneInputs): ZoneSpec[] {
  const startPfn = z.physOffset / PAGE_SIZE;
  const endPfn = z.ramEnd / PAGE_SIZE;
  if (z.arch === "arm") {
    const low = (z.physOffset + z.linearBytes) / PAGE_SIZE;
    return [
      { name: "Normal", startPfn, endPfn: Math.min(low, endPfn) },
      { name: "HighMem", startPfn: low, endPfn },
    ];
  }
  const dmaEnd = dmaPhysLimit(z);
  // free_area_init: a zone whose limit is below the previous zone's end is empty.
  const dma32End = z.version === "v4.9" ? dmaEnd : Math.max(dmaEnd, maxZonePhys(z, 0xffffffff));
  const pfn = (pa: number) => Math.max(startPfn, Math.min(endPfn, pa / PAGE_SIZE));
  return [
    { name: "DMA", startPfn, endPfn: pfn(dmaEnd) },
    { name: "DMA32", startPfn: pfn(dmaEnd), endPfn: pfn(dma32End) },
    { name: "Normal", startPfn: pfn(dma32End), endPfn },
  ];
}

/** zone_managed_pages: the zone's pages in the page allocator plus its CMA pages, as
 *  has_managed_zone counts them. Linux's init_cma_reserved_pageblock gives an activated area's
 *  pageblocks to the zone (MIGRATE_CMA, adjust_managed_page_count); dmasim keeps them in the
 *  area (cma.ts) but counts them the same, so a zone that is all CMA still has memory. */
export function zoneManagedPages(zone: Zone, cma: CmaAreas): number {
  return zone.managedPages + cma.pagesIn(zone.startPfn, zone.endPfn);
}
