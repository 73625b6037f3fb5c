// Atomic pools for coherent allocations that may not sleep (spec dma-api §5): remapping pages
// non-cacheable can block, so a non-blocking dma_alloc_coherent on a non-coherent device takes
// memory from a pool remapped once at boot. A gen_pool with page granularity and order-aligned
// first fit hands out the blocks.
//   - 4.9 arm64 (arch/arm64/mm/dma-mapping.c): one 256 KB pool from ZONE_DMA, zeroed and
//     flushed through the linear alias, remapped Normal-NC.
//   - arm (arch/arm/mm/dma-mapping.c): one 256 KB pool from the remap allocator.
//   - modern (kernel/dma/pool.c): up to three pools (kernel, DMA, DMA32), one for each zone
//     with memory, 128 KB per GB of totalram_pages (min 128 KB, max one MAX_ORDER block), cleaned and
//     remapped, and grown by the pool worker when free space drops below the initial size.
// With a default CMA area the pages come from it: 4.9 arm64 and arm take the whole pool there
// with no fallback (arm maps lowmem CMA pages in place, as __alloc_from_contiguous does);
// modern atomic_pool_expand tries the area first when it lies inside the pool's zone
// (cma_in_zone), then the page allocator, at each order.

import type { Kernel } from "../kernel/kernel.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import { GenPool } from "../mm/genalloc.js";
import { zoneManagedPages } from "../mm/zones.js";
import { MAX_ORDER } from "../mm/buddy.js";
import { GFP_DMA, GFP_DMA32, GFP_KERNEL, PAGE_SHIFT, PAGE_SIZE, get_order } from "../mm/gfp.js";
import { VM_DMA_COHERENT, VM_USERMAP } from "../mm/vmalloc.js";
import { dma_common_contiguous_remap } from "./remap.js";
import { dma_alloc_from_default_contiguous, dma_release_from_default_contiguous } from "./contiguous.js";
import { arm_pool_from_contiguous } from "../arch/arm-dma-mapping.js";

/** Pages for a pool, and how they go back to where they came from (buddy or CMA area). */
interface PoolPages {
  pfn: number;
  bytes: number;
  giveBack: () => void;
}

export class AtomicPool {
  readonly pool = new GenPool(PAGE_SHIFT);

  constructor(
    private readonly k: Kernel,
    /** The zone modifier the pool's pages come from. */
    readonly gfp: number,
    /** The size it was created with (the refill threshold of modern pools). */
    readonly initialSize: number,
  ) {}

  /** Adds pages to the pool: allocate them, prepare the linear alias, remap non-cacheable.
   *  arm takes a CMA pool through __alloc_from_contiguous, which maps lowmem in place. */
  expand(size: number, caller: string): boolean {
    const k = this.k;
    const arm = k.machine.profile.arch === "arm";
    const modernPool = k.version === "modern" && !arm;
    if (arm && !modernPool && k.mm.cma.defaultArea) {
      const got = arm_pool_from_contiguous(k, size, "kernel-nc", caller);
      if (got) this.pool.addVirt(got.va, got.pfn * PAGE_SIZE, size);
      return got !== null;
    }
    const pages = modernPool ? this.takeModern(size) : k.mm.cma.defaultArea ? this.takeContiguous(size) : this.takeBuddy(size, arm);
    return pages !== null && this.addPages(pages, modernPool, caller);
  }

  /** modern atomic_pool_expand: 2^order pages from the default area when it lies in the
   *  pool's zone (cma_in_zone), else from the page allocator, retrying smaller orders. */
  private takeModern(size: number): PoolPages | null {
    const k = this.k;
    for (let order = Math.min(get_order(size), MAX_ORDER - 1); order >= 0; order--) {
      const bytes = PAGE_SIZE << order;
      const cmaPfn = this.cmaInZone() ? dma_alloc_from_default_contiguous(k.mm.cma, 1 << order, order, false) : -1;
      if (cmaPfn >= 0) return { pfn: cmaPfn, bytes, giveBack: () => dma_release_from_default_contiguous(k.mm.cma, cmaPfn, 1 << order) };
      const pfn = k.mm.alloc_pages(this.gfp, order);
      if (pfn >= 0) return { pfn, bytes, giveBack: () => k.mm.__free_pages(pfn, order) };
    }
    return null;
  }

  /** The CMA branch of 4.9 arm64's atomic_pool_init: `size` bytes (count = size in pages,
   *  align = get_order(size)) from the default area, or nothing. */
  private takeContiguous(size: number): PoolPages | null {
    const cma = this.k.mm.cma;
    const count = size / PAGE_SIZE;
    const pfn = dma_alloc_from_default_contiguous(cma, count, get_order(size), false);
    return pfn < 0 ? null : { pfn, bytes: size, giveBack: () => dma_release_from_default_contiguous(cma, pfn, count) };
  }

  /** 4.9 arm64's alloc_pages(GFP_DMA, order) and arm's __alloc_remap_buffer, tried once; arm
   *  frees the tail of the block it does not need (__dma_alloc_buffer). */
  private takeBuddy(size: number, arm: boolean): PoolPages | null {
    const mm = this.k.mm;
    const order = Math.min(get_order(size), MAX_ORDER - 1);
    const pfn = mm.alloc_pages(this.gfp, order);
    if (pfn < 0) return null;
    if (!arm) return { pfn, bytes: size, giveBack: () => mm.__free_pages(pfn, order) };
    mm.buddy.splitAndTrim(pfn, order, size / PAGE_SIZE);
    return { pfn, bytes: size, giveBack: () => { for (let i = 0; i < size / PAGE_SIZE; i++) mm.__free_pages(pfn + i, 0); } };
  }

  /** Prepares the pages' linear alias (modern kernels clean it, arch_dma_prep_coherent; 4.9
   *  and arm zero and flush it), remaps them non-cacheable and adds them to the pool; when
   *  the remap fails the pages go back where they came from. */
  private addPages({ pfn, bytes, giveBack }: PoolPages, modernPool: boolean, caller: string): boolean {
    const k = this.k;
    const phys = pfn * PAGE_SIZE;
    if (modernPool) {
      k.archDma.cleanRange(phys, bytes);
    } else {
      k.machine.cpu.fill(k.mm.phys_to_virt(phys), 0, bytes);
      k.archDma.flushRange(phys, bytes);
    }
    const flags = k.version === "modern" ? VM_DMA_COHERENT : VM_USERMAP;
    const va = dma_common_contiguous_remap(k, pfn, bytes, flags, "kernel-nc", k.version === "modern" ? "dma_common_contiguous_remap" : caller);
    if (va === null) {
      giveBack();
      return false;
    }
    this.pool.addVirt(va, phys, bytes);
    return true;
  }

  /** cma_in_zone (mainline pool.c): the default area ends at or below zone_dma_limit for the
   *  DMA pool, below max(DMA_BIT_MASK(32), zone_dma_limit) for the DMA32 pool; any area for the
   *  kernel pool. An activated area never crosses zones (cma_init_reserved_areas). With RAM
   *  wholly above 4 GiB zone_dma_limit is PHYS_ADDR_MAX (zones.ts), so the DMA pool takes
   *  from the area. */
  private cmaInZone(): boolean {
    const cma = this.k.mm.cma.defaultArea;
    if (!cma?.count) return false;
    const end = (cma.basePfn + cma.count) * PAGE_SIZE - 1;
    const zoneDma = this.k.mm.zoneDmaLimit;
    if (this.gfp & GFP_DMA) return end <= zoneDma;
    if (this.gfp & GFP_DMA32) return end <= Math.max(2 ** 32 - 1, zoneDma);
    return true;
  }

  alloc(size: number): { va: VirtAddr; phys: PhysAddr } | null {
    const va = this.pool.alloc(size);
    return va ? { va, phys: this.pool.virtToPhys(va) } : null;
  }

  free(va: VirtAddr, size: number): boolean {
    return this.pool.free(va, size);
  }

  has(va: VirtAddr, size: number): boolean {
    return this.pool.has(va, size);
  }
}

/** "GFP_KERNEL|GFP_DMA" as %pGg prints a pool's flags. */
function poolName(gfp: number): string {
  return gfp & GFP_DMA ? "GFP_KERNEL|GFP_DMA" : gfp & GFP_DMA32 ? "GFP_KERNEL|GFP_DMA32" : "GFP_KERNEL";
}

/** 4.9 arm64 atomic_pool_init / arm atomic_pool_init: one pool of `size` bytes (256 KB unless
 *  coherent_pool= says otherwise). */
export function atomicPoolInitLegacy(k: Kernel, size: number): AtomicPool | null {
  const arm = k.machine.profile.arch === "arm";
  const p = new AtomicPool(k, arm ? GFP_KERNEL | GFP_DMA : GFP_DMA, size);
  if (!p.expand(size, "atomic_pool_init")) {
    k.printk.err(`DMA: failed to allocate ${size / 1024} KiB pool for atomic coherent allocation`);
    return null;
  }
  k.printk.info(`DMA: preallocated ${size / 1024} KiB pool for atomic ${arm ? "coherent " : ""}allocations`);
  return p;
}

/** The modern pools of kernel/dma/pool.c (dma_atomic_pool_init as mainline has it): one per
 *  zone that has managed pages — all memory may be in the DMA zone(s) to begin with, and a
 *  pool for an empty zone would only take its pages from another one (or from the CMA area). */
export class ModernAtomicPools {
  readonly kernel: AtomicPool | null;
  readonly dma: AtomicPool | null;
  readonly dma32: AtomicPool | null;
  readonly size: number;

  constructor(private readonly k: Kernel, coherentPool?: number) {
    // Scaled by totalram_pages(), not memblock's RAM: reserved memory does not count, CMA does.
    const pages = Math.min(Math.floor(k.mm.totalram_pages() / ((1 << 30) / (128 << 10))), 2 ** (MAX_ORDER - 1));
    this.size = coherentPool ?? Math.max(pages * PAGE_SIZE, 128 << 10);
    // has_managed_zone(ZONE_NORMAL), has_managed_dma(), has_managed_dma32 (CONFIG_ZONE_DMA32
    // is always set on arm64); a zone's CMA pages are managed pages.
    const has = (name: string) => k.mm.buddy.zones.some((z) => z.name === name && zoneManagedPages(z, k.mm.cma) > 0);
    this.kernel = has("Normal") ? this.create(GFP_KERNEL) : null;
    this.dma = has("DMA") ? this.create(GFP_KERNEL | GFP_DMA) : null;
    this.dma32 = has("DMA32") ? this.create(GFP_KERNEL | GFP_DMA32) : null;
  }

  /** __dma_atomic_pool_init */
  private create(gfp: number): AtomicPool | null {
    const p = new AtomicPool(this.k, gfp, this.size);
    if (!p.expand(this.size, "atomic_pool_expand")) {
      this.k.printk.err(`DMA: failed to allocate ${this.size >> 10} KiB ${poolName(gfp)} pool for atomic allocation`);
      return null;
    }
    this.k.printk.info(`DMA: preallocated ${p.pool.size >> 10} KiB ${poolName(gfp)} pool for atomic allocations`);
    return p;
  }

  /** dma_guess_pool: the pool to try after `prev` (null: the first) for a zone modifier — the
   *  zone's own pool, else the nearest one that exists; after the kernel pool DMA32, then DMA. */
  private dma_guess_pool(prev: AtomicPool | null, gfp: number): AtomicPool | null {
    if (!prev) {
      if (gfp & GFP_DMA) return this.dma ?? this.dma32 ?? this.kernel;
      if (gfp & GFP_DMA32) return this.dma32 ?? this.dma ?? this.kernel;
      return this.kernel ?? this.dma32 ?? this.dma;
    }
    if (prev === this.kernel) return this.dma32 ?? this.dma;
    if (prev === this.dma32) return this.dma;
    return null;
  }

  /** The pools dma_alloc_from_pool tries, in order, for a zone modifier. */
  candidates(gfp: number): AtomicPool[] {
    const out: AtomicPool[] = [];
    for (let p = this.dma_guess_pool(null, gfp); p; p = this.dma_guess_pool(p, gfp)) out.push(p);
    return out;
  }

  find(va: VirtAddr, size: number): AtomicPool | null {
    for (const p of [this.kernel, this.dma, this.dma32]) if (p?.has(va, size)) return p;
    return null;
  }

  /** atomic_pool_work_fn: grow every pool whose free space fell below its initial size by
   *  its current size. */
  refill(): void {
    for (const p of [this.kernel, this.dma, this.dma32]) {
      if (p && p.pool.avail < this.size) p.expand(p.pool.size, "atomic_pool_expand");
    }
  }
}
