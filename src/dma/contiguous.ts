// The DMA layer's use of CMA (kernel/dma/contiguous.c; drivers/base/dma-contiguous.c in 4.9;
// spec dma-api §5): the default area (cma= on the command line, or a /reserved-memory node with
// `linux,cma-default`), a device's own area (a memory-region naming a reusable shared-dma-pool),
// and the allocation entry points the arch and dma-direct allocators call. CMA may sleep, so
// only blocking allocations use it.

import type { Device } from "../kernel/device.js";
import type { PhysAddr } from "../hw/address.js";
import type { MemoryManager } from "../mm/mm.js";
import type { ReservedMem, ReservedMemContext, ReservedMemOps } from "../of/reserved-mem.js";
import type { Cma, CmaAreas } from "../mm/cma.js";
import { EBUSY, EINVAL } from "../kernel/errno.js";
import { type CmaCmdline, cmaFixed } from "./cma-cmdline.js";
import { PAGE_ALIGN, PAGE_SIZE, __GFP_NOWARN, get_order, gfpflags_allow_blocking } from "../mm/gfp.js";

/** CONFIG_CMA_ALIGNMENT: the largest alignment order a DMA allocation asks CMA for (1 MiB). */
export const CONFIG_CMA_ALIGNMENT = 8;

/** dev_get_cma_area: the device's own area, else the default one (null for none). */
export function dev_get_cma_area(dev: Device): Cma | null {
  return dev.cma_area ?? dev.kernel.mm.cma.defaultArea;
}

/** dma_alloc_from_contiguous: `count` pages aligned to 2^min(align, CONFIG_CMA_ALIGNMENT)
 *  pages from the device's area; the first pfn, or -1. */
export function dma_alloc_from_contiguous(dev: Device, count: number, align: number, noWarn = false): number {
  if (align > CONFIG_CMA_ALIGNMENT) align = CONFIG_CMA_ALIGNMENT;
  return dev.kernel.mm.cma.cma_alloc(dev_get_cma_area(dev), count, align, noWarn);
}

/** dma_alloc_from_contiguous(NULL, …): the default area, as the atomic pools ask it. */
export function dma_alloc_from_default_contiguous(areas: CmaAreas, count: number, align: number, noWarn: boolean): number {
  return areas.cma_alloc(areas.defaultArea, count, Math.min(align, CONFIG_CMA_ALIGNMENT), noWarn);
}

/** dma_release_from_contiguous(NULL, …) */
export function dma_release_from_default_contiguous(areas: CmaAreas, pfn: number, count: number): boolean {
  return areas.cma_release(areas.defaultArea, pfn, count);
}

/** dma_release_from_contiguous: false when the pages are not the device's area's. */
export function dma_release_from_contiguous(dev: Device, pfn: number, count: number): boolean {
  return dev.kernel.mm.cma.cma_release(dev_get_cma_area(dev), pfn, count);
}

/** cma_alloc_aligned */
function cma_alloc_aligned(dev: Device, cma: Cma, size: number, gfp: number): number {
  const align = Math.min(get_order(size), CONFIG_CMA_ALIGNMENT);
  return dev.kernel.mm.cma.cma_alloc(cma, Math.floor(size / PAGE_SIZE), align, !!(gfp & __GFP_NOWARN));
}

/** dma_alloc_contiguous (modern): blocking only; the device's own area for any size, the
 *  default area only for more than one page (a single page is always contiguous, so it is
 *  not worth a CMA page). The first pfn, or -1. */
export function dma_alloc_contiguous(dev: Device, size: number, gfp: number): number {
  if (!gfpflags_allow_blocking(gfp)) return -1;
  if (dev.cma_area) return cma_alloc_aligned(dev, dev.cma_area, size, gfp);
  if (size <= PAGE_SIZE) return -1;
  const def = dev.kernel.mm.cma.defaultArea;
  return def ? cma_alloc_aligned(dev, def, size, gfp) : -1;
}

/** dma_free_contiguous (modern): back to the device's area or the default one, else to the
 *  page allocator. */
export function dma_free_contiguous(dev: Device, pfn: number, size: number): void {
  const k = dev.kernel;
  const count = PAGE_ALIGN(size) / PAGE_SIZE;
  const cma = dev.cma_area ?? k.mm.cma.defaultArea;
  if (k.mm.cma.cma_release(cma, pfn, count)) return;
  k.mm.__free_pages(pfn, get_order(size));
}

/** dma_contiguous_reserve with cma=: the default area, placed at the command line's base
 *  (fixed when its limit is base + size) or below its limit, else below `limit` (arm:
 *  arm_dma_limit; arm64: arm64_dma_phys_limit; 4.9 takes the lower of the two), unless the
 *  device tree gave one already. Then
 *  dma_contiguous_early_fixup records it for the arm linear map (mm.ts paging_init). */
export function dma_contiguous_reserve(mm: MemoryManager, cmdline: CmaCmdline, limit: PhysAddr): void {
  const areas = mm.cma;
  if (!cmdline.size || areas.defaultArea) return;
  // high_memory: the end of lowmem on arm, the end of RAM on arm64 (all of it is linear-mapped).
  const highmemStart = mm.arch === "arm" ? mm.layout.physOffset + mm.linearBytes : mm.ramEnd;
  // 4.9: min_not_zero(limit_cmdline, limit); mainline honours the command line's limit
  // ("selected_limit = limit_cmdline ?: limit"), so a fixed area may lie above `limit`.
  const selectedLimit = mm.cma.version === "modern" ? cmdline.limit || limit : cmdline.limit && limit ? Math.min(cmdline.limit, limit) : cmdline.limit || limit;
  const cma = areas.cma_declare_contiguous(mm.memblock, cmdline.size, selectedLimit, highmemStart, "reserved", cmdline.base, cmaFixed(cmdline));
  if (typeof cma !== "number") areas.defaultArea = cma;
}

// ---- /reserved-memory (RESERVEDMEM_OF_DECLARE(cma, "shared-dma-pool", rmem_cma_setup)) ----------

/** rmem_cma_device_init: the device allocates from this area from now on. */
function rmem_cma_device_init(rmem: ReservedMem, dev: Device): number {
  dev.cma_area = rmem.priv as Cma;
  return 0;
}

function rmem_cma_device_release(_rmem: ReservedMem, dev: Device): void {
  dev.cma_area = null;
}

const rmem_cma_ops: ReservedMemOps = { device_init: rmem_cma_device_init, device_release: rmem_cma_device_release };

/** rmem_cma_setup: a reusable shared-dma-pool without no-map becomes a CMA area, its base and
 *  size aligned to the CMA minimum; `linux,cma-default` makes it the default area. Modern
 *  kernels leave the default node alone when cma= was given on the command line. */
export function rmem_cma_setup(rmem: ReservedMem, ctx: ReservedMemContext): number {
  const node = rmem.node;
  const isDefault = node.has("linux,cma-default");
  if (ctx.version === "modern" && ctx.cmaCmdline && isDefault) {
    ctx.printk.info(`Reserved memory: bypass ${rmem.name} node, using cmdline CMA params instead`);
    return -EBUSY;
  }
  if (!node.has("reusable") || node.has("no-map")) return -EINVAL;
  const align = ctx.cma.minAlignment;
  if (rmem.base % align || rmem.size % align) {
    ctx.printk.err("Reserved memory: incorrect alignment of CMA region");
    return -EINVAL;
  }
  const cma = ctx.cma.cma_init_reserved_mem(rmem.base, rmem.size, rmem.name);
  if (typeof cma === "number") {
    ctx.printk.err("Reserved memory: unable to setup CMA region");
    return cma;
  }
  if (isDefault) ctx.cma.defaultArea = cma;
  rmem.ops = rmem_cma_ops;
  rmem.priv = cma;
  ctx.printk.info(`Reserved memory: created CMA memory pool at ${ctx.cma.formatPhys(rmem.base)}, size ${Math.floor(rmem.size / 2 ** 20)} MiB`);
  return 0;
}
