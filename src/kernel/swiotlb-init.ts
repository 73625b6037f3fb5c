// swiotlb_init as arm64's mem_init calls it at boot (kernel/dma/swiotlb.c; 4.9: lib/swiotlb.c):
// whether a bounce pool is built and of what size, from the swiotlb= options (SwiotlbOptions),
// the kernel generation and where RAM ends against ZONE_DMA. The pool itself is dma/swiotlb.ts;
// arm (Zynq) builds none.
//
// 4.9.y arch/arm64/mm/init.c mem_init: `if (swiotlb_force == SWIOTLB_FORCE || max_pfn >
// (arm64_dma_phys_limit >> PAGE_SHIFT)) swiotlb_init(1); else swiotlb_force = SWIOTLB_NO_FORCE;`
// (b67a8b29df7e "arm64: mm: only initialize swiotlb when necessary", with the NO_FORCE fallback
// that made a later bounce fail instead of dereferencing the missing pool). Mainline keeps the
// test (swiotlb_init(max_pfn > PFN_DOWN(arm64_dma_phys_limit), …)) and, since 6.5, builds a
// small pool anyway for bouncing unaligned kmalloc buffers (CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC).

import type { Machine } from "../hw/machine.js";
import type { MemoryManager } from "../mm/mm.js";
import type { KernelVersion } from "../mm/layout.js";
import type { Printk } from "./printk.js";
import type { DmaTime } from "../dma/accounting.js";
import { IO_TLB_DEFAULT_SIZE, Swiotlb } from "../dma/swiotlb.js";
import { noPoolOn49Text, swiotlbForceDisabled } from "../dma/swiotlb-cmdline.js";

export interface SwiotlbOptions {
  /** Pool size in bytes (rounded up to whole 128-slot segments); 0 for none. Default: 64 MB.
   *  arm64 builds the pool only when RAM extends beyond ZONE_DMA or `force` is set; otherwise
   *  4.9 builds none, whatever the size (its mem_init sets SWIOTLB_NO_FORCE instead, so a
   *  mapping the device cannot reach fails with "Cannot do DMA to address"), and modern
   *  kernels build 1 MB per GB of RAM for kmalloc bouncing unless a size is given. Zynq (arm)
   *  never has one. */
  size?: number;
  /** swiotlb=force: bounce every streaming mapping. */
  force?: boolean;
  /** swiotlb=noforce (Linux 4.10+): no bounce pool at all, whatever `size` says, so a streaming
   *  mapping the device cannot reach fails with DMA_MAPPING_ERROR. 4.9 does not know the word
   *  (its setup_io_tlb_npages compares with "force" only) and boots as without it. */
  noforce?: boolean;
}

/** What boot has set up by the time it builds the pool. */
export interface SwiotlbBootContext {
  readonly machine: Machine;
  readonly mm: MemoryManager;
  readonly printk: Printk;
  readonly version: KernelVersion;
}

/** arm64 mem_init's test, 4.9 and modern alike: a bounce pool is needed when swiotlb=force or
 *  when RAM extends beyond ZONE_DMA (max_pfn > arm64_dma_phys_limit). */
export function swiotlbNeeded(mm: MemoryManager, o: SwiotlbOptions): boolean {
  return !!o.force || mm.ramEnd > mm.dmaPhysLimit();
}

/** 4.9 arm64 mem_init's else branch: no pool was needed, so swiotlb_force = SWIOTLB_NO_FORCE and
 *  lib/swiotlb.c's map_single refuses every bounce (arm64-dma-mapping.ts). */
export function swiotlbNoForceOn49(version: KernelVersion, arch: string, mm: MemoryManager, o: SwiotlbOptions): boolean {
  return version === "v4.9" && arch === "arm64" && !swiotlbNeeded(mm, o);
}

/** swiotlb_init (arm64 only): when RAM extends beyond ZONE_DMA or it is forced; otherwise 4.9
 *  builds none and modern kernels a small pool for bouncing unaligned kmalloc buffers. No pool
 *  at all (size 0) is refused on 4.9 when RAM extends beyond ZONE_DMA, which 4.9 cannot be
 *  asked for. */
export function swiotlb_init(k: SwiotlbBootContext, o: SwiotlbOptions, time: DmaTime, ncpus: number): Swiotlb | null {
  if (k.machine.profile.arch !== "arm64") return null;
  const mm = k.mm;
  const dmaLimit = mm.dmaPhysLimit();
  const needed = swiotlbNeeded(mm, o);
  // 4.9 mem_init does not call swiotlb_init at all: no pool, no "software IO TLB" line.
  if (k.version === "v4.9" && !needed) return null;
  if (o.noforce && k.version === "v4.9") {
    k.printk.info(`swiotlb: "noforce" is unknown to Linux 4.9 (it came in 4.10), whose setup_io_tlb_npages ignores the word: the pool is built as without it (dmasim)`);
  }
  if (k.version === "v4.9" && needed && o.size === 0) throw new RangeError(noPoolOn49Text(mm.ramEnd, dmaLimit));
  // swiotlb=0,force: swiotlb_init_remap sets force_bounce over a pool of no slots, and every
  // streaming mapping then fails in swiotlb_tbl_map_single ("Can not allocate SWIOTLB buffer
  // earlier and can't now provide you with the DMA bounce buffer"). dmasim has no such pool.
  if (o.size === 0 && o.force && !o.noforce) {
    throw new RangeError("swiotlb: force with no pool (0 slabs) is not modelled: Linux would force every streaming mapping into a pool without a slot, and each would fail; give a slab count, or leave force out");
  }
  let bytes = o.size ?? IO_TLB_DEFAULT_SIZE;
  if (k.version === "modern" && !needed && o.size === undefined) {
    const ram = mm.memblock.memory.reduce((n, b) => n + b.size, 0);
    bytes = Math.min(bytes, Math.ceil(ram / 1024));
    k.printk.info(`SWIOTLB bounce buffer size adjusted to ${Math.round(bytes / 2 ** 20)}MB`);
  }
  // swiotlb_init_remap returns on swiotlb_force_disable before allocating anything, after
  // mem_init's swiotlb_adjust_size has had its say (above).
  if (bytes <= 0 || swiotlbForceDisabled(k.version, k.machine.profile.arch, o)) return null;
  return Swiotlb.init({ machine: k.machine, mm, printk: k.printk, time }, k.version, bytes, dmaLimit, !!o.force, ncpus);
}
