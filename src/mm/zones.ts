// The page allocator's zones (spec dma-api §7.3), worked out from where RAM lies. arm: lowmem is
// Normal, the rest HighMem. arm64 4.9: ZONE_DMA is RAM below 4 GB counted from the 4 GB aligned
// base of DRAM (max_zone_dma_phys); modern: ZONE_DMA up to zone_dma_bits and ZONE_DMA32 up to
// 4 GB (max_zone_phys).

import type { PhysAddr } from "../hw/address.js";
import type { KernelVersion } from "./layout.js";
import type { ZoneSpec } from "./buddy.js";
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
  /** Modern arm64: zone_dma_bits (32 unless firmware limits it). */
  zoneDmaBits?: number;
}

/** max_zone_phys (modern arm64): the end of a zone `bits` wide, adjusted for RAM that starts
 *  above it. */
function maxZonePhys(z: ZoneInputs, bits: number): PhysAddr {
  let zoneMask = 2 ** bits - 1;
  if (z.physOffset > 0xffffffff) zoneMask = Infinity;
  else if (z.physOffset > zoneMask) zoneMask = 0xffffffff;
  return Math.min(zoneMask, z.ramEnd - 1) + 1;
}

/** arm64_dma_phys_limit: where ZONE_DMA ends (4.9 max_zone_dma_phys: 4 GB above the 4 GB
 *  aligned base of DRAM; modern max_zone_phys(zone_dma_bits)). arm: the end of lowmem. */
export function dmaPhysLimit(z: ZoneInputs): PhysAddr {
  const start = z.physOffset;
  if (z.arch === "arm") return start + z.linearBytes;
  if (z.version === "v4.9") return Math.min(start - (start % GB4) + GB4, z.ramEnd);
  return maxZonePhys(z, Math.min(32, z.zoneDmaBits ?? 32));
}

/** zone_dma_limit (modern arm64): DMA_BIT_MASK(zone_dma_bits). */
export function zoneDmaLimit(z: ZoneInputs): number {
  return 2 ** Math.min(32, z.zoneDmaBits ?? 32) - 1;
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
  const dma32End = z.version === "v4.9" ? dmaEnd : Math.max(dmaEnd, maxZonePhys(z, 32));
  const pfn = (pa: number) => Math.max(startPfn, Math.min(endPfn, pa / PAGE_SIZE));
  return [
    { name: "DMA", startPfn, endPfn: pfn(dmaEnd) },
    { name: "DMA32", startPfn: pfn(dmaEnd), endPfn: pfn(dma32End) },
    { name: "Normal", startPfn: pfn(dma32End), endPfn },
  ];
}
