// Permanent kernel mappings of highmem pages on 32-bit ARM: kmap / kunmap (mm/highmem.c
// kmap_high, kunmap_high, kmap_high_get, map_new_virtual, flush_all_zero_pkmaps). The PKMAP
// area is the 2 MB just below PAGE_OFFSET (arch/arm/include/asm/highmem.h: PKMAP_BASE =
// PAGE_OFFSET - PMD_SIZE, LAST_PKMAP = PTRS_PER_PTE), between the modules area and lowmem.
// An entry stays mapped after its last kunmap (count 1) until a search for a free entry wraps
// round and flush_all_zero_pkmaps clears every such entry with one TLB flush of the area.
// Single CPU: where Linux would sleep for another task's kunmap, dmasim reports an error.

import type { VirtAddr } from "../hw/address.js";
import type { PageTables } from "./pgtable.js";
import { PAGE_SIZE } from "./gfp.js";
import { KernelBug } from "../kernel/errno.js";

/** VMSPLIT_3G, as layout.ts lays arm out. */
const PAGE_OFFSET = 0xc0000000;
/** PMD_SIZE of the classic (non-LPAE) ARM tables: two 1 MB sections. */
const PMD_SIZE = 2 * 2 ** 20;
export const PKMAP_BASE = PAGE_OFFSET - PMD_SIZE;
export const LAST_PKMAP = 512;
const LAST_PKMAP_MASK = LAST_PKMAP - 1;

export class Pkmap {
  /** pkmap_count: 0 free, 1 mapped but unused (awaiting a flush), n + 1 with n users. */
  private readonly count = new Array<number>(LAST_PKMAP).fill(0);
  /** pte_page(pkmap_page_table[nr]), -1 for pte_none. */
  private readonly pfnAt = new Array<number>(LAST_PKMAP).fill(-1);
  /** set_page_address for highmem pages: pfn → entry. */
  private readonly entryOf = new Map<number, number>();
  /** get_next_pkmap_nr's static: the first kmap takes entry 1. */
  private lastNr = 0;

  constructor(private readonly pgt: PageTables) {}

  /** PKMAP_ADDR */
  static addr(nr: number): VirtAddr {
    return PKMAP_BASE + nr * PAGE_SIZE;
  }

  contains(va: VirtAddr): boolean {
    return va >= PKMAP_BASE && va < Pkmap.addr(LAST_PKMAP);
  }

  /** page_address of a highmem page: its PKMAP address while an entry maps it, else 0. */
  address(pfn: number): VirtAddr {
    const nr = this.entryOf.get(pfn);
    return nr === undefined ? 0 : Pkmap.addr(nr);
  }

  /** pte_page of the entry holding `va`, -1 when it maps nothing. */
  pageAt(va: VirtAddr): number {
    return this.pfnAt[Math.floor((va - PKMAP_BASE) / PAGE_SIZE)];
  }

  /** The number of users of the entry that maps `pfn` (pkmap_count - 1), 0 when unmapped. */
  users(pfn: number): number {
    const nr = this.entryOf.get(pfn);
    return nr === undefined ? 0 : this.count[nr] - 1;
  }

  kmap_high(pfn: number): VirtAddr {
    let nr = this.entryOf.get(pfn);
    if (nr === undefined) nr = this.map_new_virtual(pfn);
    this.count[nr]++;
    return Pkmap.addr(nr);
  }

  /** kmap_high_get (ARCH_NEEDS_KMAP_HIGH_GET, ARMv7): takes a reference on an existing entry so
   *  kmap_atomic can reuse it; 0 when the page has none. */
  kmap_high_get(pfn: number): VirtAddr {
    const nr = this.entryOf.get(pfn);
    if (nr === undefined) return 0;
    this.count[nr]++;
    return Pkmap.addr(nr);
  }

  kunmap_high(pfn: number): void {
    const nr = this.entryOf.get(pfn);
    if (nr === undefined) throw new KernelBug("mm/highmem.c", `kunmap_high: page (pfn 0x${pfn.toString(16)}) has no kmap (BUG_ON(!vaddr))`);
    if (--this.count[nr] === 0) {
      this.count[nr] = 1;
      throw new KernelBug("mm/highmem.c", `kunmap_high: kunmap of page (pfn 0x${pfn.toString(16)}) at 0x${Pkmap.addr(nr).toString(16)} that has no user left`);
    }
  }

  /** The next free entry after the last one taken, flushing the unused ones on each wrap. */
  private map_new_virtual(pfn: number): number {
    let left = LAST_PKMAP;
    for (;;) {
      this.lastNr = (this.lastNr + 1) & LAST_PKMAP_MASK;
      if (this.lastNr === 0) {
        this.flush_all_zero_pkmaps();
        left = LAST_PKMAP;
      }
      if (!this.count[this.lastNr]) break;
      if (--left) continue;
      throw new Error(`kmap: all ${LAST_PKMAP} pkmap entries are in use; the kernel would sleep until another task's kunmap, and dmasim has none`);
    }
    const nr = this.lastNr;
    this.pgt.mapPage(Pkmap.addr(nr), pfn * PAGE_SIZE, "kernel");
    this.count[nr] = 1;
    this.pfnAt[nr] = pfn;
    this.entryOf.set(pfn, nr);
    return nr;
  }

  /** Entries mapped but unused lose their PTE and page address; one TLB flush covers the area.
   *  (flush_cache_kmaps flushes only VIVT caches; ARMv7's are VIPT.) */
  private flush_all_zero_pkmaps(): void {
    let needFlush = false;
    for (let i = 0; i < LAST_PKMAP; i++) {
      if (this.count[i] !== 1) continue;
      this.count[i] = 0;
      this.pgt.unmapPage(Pkmap.addr(i));
      this.entryOf.delete(this.pfnAt[i]);
      this.pfnAt[i] = -1;
      needFlush = true;
    }
    if (needFlush) this.pgt.flushTlbKernelRange(Pkmap.addr(0), Pkmap.addr(LAST_PKMAP));
  }
}
