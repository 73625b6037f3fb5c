// Short-lived kernel mappings of highmem pages on 32-bit ARM: kmap_atomic / kunmap_atomic
// (arch/arm/mm/highmem.c in 4.9; kmap_local_page, mm/highmem.c, in modern kernels). A highmem
// page has no linear-map address, so code that must touch it through the CPU — the DMA cache
// maintenance of dma_cache_maint_page among it — maps it for a moment at a per-CPU fixmap slot.
// Slots are taken and released in stack order, one per nesting level.

import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { KernelVersion } from "./layout.js";
import type { PageTables } from "./pgtable.js";
import { PAGE_SIZE } from "./gfp.js";
import { KernelBug } from "../kernel/errno.js";

/** FIXADDR_TOP (FIXADDR_END - PAGE_SIZE, asm/fixmap.h). */
const FIXADDR_TOP = 0xfff00000 - PAGE_SIZE;
/** FIX_KMAP_BEGIN: after the one permanent slot (FIX_EARLYCON_MEM_BASE). */
const FIX_KMAP_BEGIN = 1;
/** KM_TYPE_NR (4.9 asm/kmap_types.h); modern KM_MAX_IDX is the same 16 slots per CPU. */
const KM_TYPE_NR = 16;

export class KmapAtomic {
  private depth = 0;
  /** kunmap_local_indexed's out-of-order warning is WARN_ON_ONCE: it has fired. */
  private warnedOrder = false;

  constructor(
    private readonly pgt: PageTables,
    private readonly version: KernelVersion,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** __fix_to_virt(FIX_KMAP_BEGIN + idx) */
  private slot(idx: number): VirtAddr {
    return FIXADDR_TOP - (FIX_KMAP_BEGIN + idx) * PAGE_SIZE;
  }

  /** Maps the page at the next slot: set_fixmap_pte writes the PTE and flushes the slot's TLB
   *  entry, which may still hold the previous page's translation. */
  map(pa: PhysAddr): VirtAddr {
    if (this.depth >= KM_TYPE_NR && this.version === "modern") {
      throw new KernelBug("mm/highmem.c", `kmap_local_idx_push: BUG_ON(current->kmap_ctrl.idx >= KM_MAX_IDX): more than ${KM_TYPE_NR} nested mappings`);
    }
    if (this.depth >= KM_TYPE_NR) throw new Error(`kmap_atomic: more than ${KM_TYPE_NR} nested mappings`);
    const va = this.slot(this.depth++);
    this.pgt.mapPage(va, pa - (pa % PAGE_SIZE), "kernel");
    this.pgt.flushTlbKernelRange(va, va + PAGE_SIZE);
    return va;
  }

  /** Releases the innermost slot, whichever address is given: the slots are a stack and
   *  Linux pops its top. 4.9 (without CONFIG_DEBUG_HIGHMEM) does so silently and leaves the PTE
   *  for the next kmap_atomic to replace; modern kunmap_local_indexed WARNs about an address
   *  that is not the top slot, clears the top slot's PTE and flushes the address it was given.
   *  With nothing mapped, modern kmap_local_idx_pop is a BUG_ON; 4.9's index would go
   *  negative, which dmasim reports and does not follow. */
  unmap(va: VirtAddr, fn = "kunmap_atomic"): void {
    const given = va - (va % PAGE_SIZE);
    if (this.depth === 0) {
      if (this.version === "modern") throw new KernelBug("mm/highmem.c", `${fn}: kmap_local_idx_pop: BUG_ON(current->kmap_ctrl.idx < 0): 0x${va.toString(16)} unmapped with no kmap_local slot in use`);
      this.warn(`dmasim: ${fn}: 0x${va.toString(16)} unmapped with no kmap_atomic slot in use; Linux's slot index goes negative`);
      return;
    }
    const top = this.slot(this.depth - 1);
    if (given !== top && !(this.version === "modern" && this.warnedOrder)) {
      this.warnedOrder = this.version === "modern";
      this.warn(this.version === "modern"
        ? "WARNING: mm/highmem.c: kunmap_local_indexed: WARN_ON_ONCE(addr != __fix_to_virt(FIX_KMAP_BEGIN + idx))"
        : `dmasim: ${fn}: 0x${va.toString(16)} is not the innermost slot 0x${top.toString(16)}; Linux releases the innermost`);
    }
    this.depth--;
    if (this.version === "modern") {
      this.pgt.unmapPage(top);
      this.pgt.flushTlbKernelRange(given, given + PAGE_SIZE);
    }
  }
}
