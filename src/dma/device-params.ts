// The per-device DMA parameters the mapping code consults (include/linux/dma-mapping.h):
// maximum segment size, segment boundary, minimum alignment mask — from dev->dma_parms when the
// driver set them, else the kernel generation's defaults (spec dma-api §1.2).

import type { Device } from "../kernel/device.js";

/** Default max_segment_size without dma_parms. */
export const DEFAULT_MAX_SEG_SIZE = 65536;

export function dma_get_max_seg_size(dev: Device): number {
  return dev.dma_parms?.max_segment_size ?? DEFAULT_MAX_SEG_SIZE;
}

/** dma_get_seg_boundary: 4.9 defaults to 0xffffffff, modern kernels to ULONG_MAX. */
export function dma_get_seg_boundary(dev: Device): bigint {
  if (dev.dma_parms) return dev.dma_parms.segment_boundary_mask;
  return dev.kernel.version === "v4.9" ? 0xffffffffn : 0xffffffffffffffffn;
}

/** The segment boundary mask as a number, or Infinity when no boundary can be crossed by an
 *  address dmasim holds. */
export function dma_get_seg_boundary_limit(dev: Device): number {
  const m = dma_get_seg_boundary(dev);
  return m >= 2n ** 53n - 1n ? Infinity : Number(m);
}

export function dma_get_min_align_mask(dev: Device): number {
  return dev.dma_parms?.min_align_mask ?? 0;
}
