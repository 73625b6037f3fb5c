// The kmalloc interface (mm/slab_common.c, mm/slub.c): kmalloc, krealloc, kfree and ksize over
// the slab caches (slab.ts) and the large kmallocs that bypass them, with what each kernel does
// when a caller hands back a pointer kmalloc never gave it.

import type { VirtAddr } from "../hw/address.js";
import { formatVirt } from "../hw/address.js";
import type { CpuPort } from "../hw/machine.js";
import type { KernelVersion } from "./layout.js";
import { KernelBug, KernelError, EINVAL } from "../kernel/errno.js";
import { __GFP_ZERO } from "./gfp.js";
import { ZERO_OR_NULL_PTR, ZERO_SIZE_PTR, type Slab } from "./slab.js";

/** What kfree needs of the rest of the memory manager. */
export interface KmallocPages {
  readonly version: KernelVersion;
  readonly vaBits: 32 | 64;
  virt_addr_valid(va: VirtAddr): boolean;
  virt_to_pfn(va: VirtAddr): number;
  /** put_page of an order-0 page. */
  putPage(pfn: number): void;
  warn(message: string): void;
}

export class Kmalloc {
  /** free_large_kmalloc's WARN_ON_ONCE and pr_warn_once have fired. */
  private warnedLargeKmalloc = false;

  constructor(
    private readonly slab: Slab,
    private readonly cpu: CpuPort,
    private readonly pages: KmallocPages,
  ) {}

  kmalloc(size: number, gfp: number): VirtAddr {
    const va = this.slab.kmalloc(size, gfp);
    if (!ZERO_OR_NULL_PTR(va) && gfp & __GFP_ZERO) this.cpu.fill(va, 0, size);
    return va;
  }

  /** krealloc (4.9 and modern mm/slab_common.c): a size of 0 frees `p` and gives
   *  ZERO_SIZE_PTR; a size that still fits ksize(p) keeps `p` (NULL p has ksize 0); else a new
   *  kmalloc gets ksize(p) bytes copied through the CPU and `p` is freed. On failure `p` is
   *  untouched and 0 is returned. */
  krealloc(p: VirtAddr, newSize: number, gfp: number): VirtAddr {
    if (newSize === 0) {
      this.kfree(p);
      return ZERO_SIZE_PTR;
    }
    const ks = ZERO_OR_NULL_PTR(p) ? 0 : this.ksize(p);
    if (ks >= newSize) return p;
    const ret = this.kmalloc(newSize, gfp);
    if (ret && !ZERO_OR_NULL_PTR(p)) {
      this.cpu.copy(ret, p, ks);
      this.kfree(p);
    }
    return ret;
  }

  /** kfree: 4.9 SLUB `kfree` and modern mm/slub.c `kfree`. A pointer the slab does not own
   *  is a BUG_ON(!PageCompound(page)) in 4.9; modern hands its page to free_large_kmalloc,
   *  which WARNs for an order-0 page and drops the page's reference (folio_put). A slab
   *  pointer goes on its cache's freelist unchecked: a double free lists an object twice and a
   *  pointer inside an object lists that address; dmasim keeps its freelist whole and warns.
   *  A pointer inside a large kmalloc frees all of it, as virt_to_head_page finds the head. */
  kfree(va: VirtAddr): void {
    if (ZERO_OR_NULL_PTR(va)) return;
    const m = this.pages;
    const name = this.name(va);
    if (!m.virt_addr_valid(va)) {
      if (m.version === "v4.9") throw new KernelBug("mm/slub.c", `kfree: BUG_ON(!PageCompound(page)): ${name} is not a linear-map address, so no kmalloc returned it`);
      throw new KernelError(EINVAL, `kfree: ${name} is not a linear-map address of RAM: virt_to_folio finds no struct page (Linux: Unable to handle kernel paging request)`);
    }
    const t = this.slab.lookup(va);
    if (t.kind === "object") {
      if (t.object === va && t.live) this.slab.kfree(va);
      else if (t.object === va) m.warn(`dmasim: WARNING: kfree: double free of ${name} (${t.cache}): Linux's freelist now holds it twice, so two kmallocs will return it`);
      else m.warn(`dmasim: WARNING: kfree: ${name} is inside the ${t.cache} object at ${this.name(t.object)}: Linux puts it on the freelist as an object of its own; nothing freed`);
      return;
    }
    if (t.kind === "large") {
      if (t.head !== va) m.warn(`dmasim: WARNING: kfree: ${name} is inside the large kmalloc at ${this.name(t.head)}: Linux frees all of it`);
      this.slab.kfree(t.head);
      return;
    }
    if (m.version === "v4.9") throw new KernelBug("mm/slub.c", `kfree: BUG_ON(!PageCompound(page)): ${name} lies in a page that is neither a slab nor a large kmalloc`);
    if (!this.warnedLargeKmalloc) {
      this.warnedLargeKmalloc = true;
      m.warn("WARNING: mm/slub.c: free_large_kmalloc: WARN_ON_ONCE(order == 0)");
      m.warn(`object pointer: ${name}`);
    }
    m.putPage(m.virt_to_pfn(va));
  }

  /** ksize (slab.ts has each kernel's answer). An address outside the linear map (vmalloc,
   *  ioremap, a fixmap or PKMAP slot) has no struct page that virt_to_page could find: in
   *  Linux the result is undefined, here an error. */
  ksize(va: VirtAddr): number {
    if (!ZERO_OR_NULL_PTR(va) && !this.pages.virt_addr_valid(va)) {
      throw new KernelError(EINVAL, `ksize: ${this.name(va)} is not a linear-map address of RAM, so no kmalloc returned it`);
    }
    return this.slab.ksize(va);
  }

  private name(va: VirtAddr): string {
    return formatVirt(va, this.pages.vaBits);
  }
}
