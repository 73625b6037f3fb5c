// Short-lived kernel mappings of highmem pages on 32-bit ARM: kmap_atomic / kunmap_atomic
// (arch/arm/mm/highmem.c in 4.9; kmap_local_page, mm/highmem.c, in modern kernels). A highmem
// page has no linear-map address, so code that must touch it through the CPU — the DMA cache
// maintenance of dma_cache_maint_page among it — maps it for a moment at a per-CPU fixmap slot.
// Slots are taken and released in stack order, one per nesting level.

import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { KernelVersion } from "./layout.js";
import type { PageTables } from "./pgtable.js";
import { PAGE_SIZE } from "./gfp.js";

/** FIXADDR_TOP (FIXADDR_END - PAGE_SIZE, asm/fixmap.h). */
const FIXADDR_TOP = 0xfff00000 - PAGE_SIZE;
/** FIX_KMAP_BEGIN: after the one permanent slot (FIX_EARLYCON_MEM_BASE). */
const FIX_KMAP_BEGIN = 1;
/** KM_TYPE_NR (4.9 asm/kmap_types.h); modern KM_MAX_IDX is the same 16 slots per CPU. */
const KM_TYPE_NR = 16;

export class KmapAtomic {
  private depth = 0;

  constructor(
    private readonly pgt: PageTables,
    private readonly version: KernelVersion,
  ) {}

  /** __fix_to_virt(FIX_KMAP_BEGIN + idx) */
  private slot(idx: number): VirtAddr {
    return FIXADDR_TOP - (FIX_KMAP_BEGIN + idx) * PAGE_SIZE;
  }

  /** Maps the page at the next slot: set_fixmap_pte writes the PTE and flushes the slot's TLB
   *  entry, which may still hold the previous page's translation. */
  map(pa: PhysAddr): VirtAddr {
    if (this.depth >= KM_TYPE_NR) throw new Error(`kmap_atomic: more than ${KM_TYPE_NR} nested mappings`);
    const va = this.slot(this.depth++);
    this.pgt.mapPage(va, pa - (pa % PAGE_SIZE), "kernel");
    this.pgt.flushTlbKernelRange(va, va + PAGE_SIZE);
    return va;
  }

  /** Releases the innermost slot. 4.9 (without CONFIG_DEBUG_HIGHMEM) leaves the PTE for the
   *  next kmap_atomic to replace; kunmap_local clears it and flushes the slot. */
  unmap(va: VirtAddr, fn = "kunmap_atomic"): void {
    const top = this.slot(this.depth - 1);
    if (this.depth === 0 || va - (va % PAGE_SIZE) !== top) throw new Error(`${fn}: 0x${va.toString(16)} is not the innermost kmap slot`);
    this.depth--;
    if (this.version === "modern") {
      this.pgt.unmapPage(top);
      this.pgt.flushTlbKernelRange(top, top + PAGE_SIZE);
    }
  }
}
