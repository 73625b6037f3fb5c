// The kernel's ways to reach a page through the CPU (include/linux/highmem.h): a lowmem page by
// its linear-map address; a highmem page (32-bit ARM) through a permanent PKMAP entry (kmap,
// pkmap.ts) or a short-lived fixmap slot (kmap_atomic, kmap_local_page; highmem.ts). The choice
// between them is here; the mappings themselves are in those two files.

import type { VirtAddr } from "../hw/address.js";
import type { KernelVersion } from "./layout.js";
import type { PageTables } from "./pgtable.js";
import { KmapAtomic } from "./highmem.js";
import { Pkmap } from "./pkmap.js";
import { PAGE_SIZE } from "./gfp.js";
import { KernelError, EINVAL, ENOSYS } from "../kernel/errno.js";

/** What the mappings need to know of the memory manager. */
export interface KmapMemory {
  arch: "arm" | "arm64";
  version: KernelVersion;
  /** The linear-map VA of a lowmem page, 0 for a highmem one. */
  lowmemAddress(pfn: number): VirtAddr;
  isLinear(va: VirtAddr): boolean;
  pfnValid(pfn: number): boolean;
  /** The kernel log's warning level. */
  warn(message: string): void;
}

export class Kmaps {
  /** The PKMAP entries kmap hands out (arm highmem). */
  readonly pkmap: Pkmap;
  private readonly atomic: KmapAtomic;

  constructor(
    pgt: PageTables,
    private readonly mem: KmapMemory,
  ) {
    this.pkmap = new Pkmap(pgt);
    this.atomic = new KmapAtomic(pgt, mem.version, (m) => mem.warn(m));
  }

  /** page_address: the linear-map VA of a page; a highmem page's PKMAP address while kmap has
   *  an entry for it (set_page_address), else 0. */
  page_address(pfn: number): VirtAddr {
    return this.mem.lowmemAddress(pfn) || this.pkmap.address(pfn);
  }

  /** kmap: a lowmem page's linear address; a highmem page (arm) gets a PKMAP entry that stays
   *  until its last kunmap, shared by every kmap of the page. */
  kmap(pfn: number): VirtAddr {
    if (!this.mem.pfnValid(pfn)) throw new KernelError(EINVAL, `kmap: pfn 0x${pfn.toString(16)} is not a page of RAM`);
    return this.mem.lowmemAddress(pfn) || this.pkmap.kmap_high(pfn);
  }

  /** kunmap takes the page, as in Linux; a lowmem page is a no-op. */
  kunmap(pfn: number): void {
    if (!this.mem.lowmemAddress(pfn)) this.pkmap.kunmap_high(pfn);
  }

  /** kmap_atomic: a lowmem page's linear address; a highmem page's existing PKMAP entry, with a
   *  reference (arm kmap_high_get), else a fixmap slot until kunmap_atomic. */
  kmap_atomic(pfn: number): VirtAddr {
    return this.mem.lowmemAddress(pfn) || this.pkmap.kmap_high_get(pfn) || this.atomic.map(pfn * PAGE_SIZE);
  }

  kunmap_atomic(va: VirtAddr, fn = "kunmap_atomic"): void {
    if (this.mem.isLinear(va)) return;
    if (this.mem.arch === "arm" && this.pkmap.contains(va)) {
      const pfn = this.pkmap.pageAt(va);
      if (pfn < 0) throw new Error(`${fn}: 0x${va.toString(16)} is a pkmap address that maps no page`);
      this.pkmap.kunmap_high(pfn);
      return;
    }
    this.atomic.unmap(va, fn);
  }

  /** kmap_local_page / kunmap_local (5.11+): kmap_atomic's mappings without its preemption
   *  rules, which a single simulated CPU does not have. */
  kmap_local_page(pfn: number): VirtAddr {
    this.checkKmapLocal("kmap_local_page");
    return this.kmap_atomic(pfn);
  }

  kunmap_local(va: VirtAddr): void {
    this.checkKmapLocal("kunmap_local");
    this.kunmap_atomic(va, "kunmap_local");
  }

  private checkKmapLocal(fn: string): void {
    if (this.mem.version === "v4.9") throw new KernelError(ENOSYS, `${fn}: Linux 4.9 has no kmap_local (added in 5.11); use kmap_atomic`);
  }
}
