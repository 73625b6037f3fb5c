// The calls that fill areas of the vmalloc space (mm/vmalloc.c's allocation half, mm/ioremap.c):
// vmalloc and vfree with order-0 pages from the page allocator, vmap and vunmap of pages the
// caller has, ioremap and iounmap of device registers. The space itself — placement, guard
// pages, lazy purging, /proc/vmallocinfo — is vmalloc.ts.

import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { KernelVersion } from "./layout.js";
import type { PageProt } from "./pgtable.js";
import { VM_ALLOC, VM_IOREMAP, type Vmalloc } from "./vmalloc.js";
import { GFP_KERNEL, PAGE_SIZE, __GFP_HIGHMEM, gfpName } from "./gfp.js";

/** What vmalloc needs of the page allocator. */
export interface PageSource {
  alloc_pages(gfp: number, order: number): number;
  __free_pages(pfn: number, order: number): void;
  /** totalram_pages(): pages the page allocator manages, CMA areas included. */
  totalramPages(): number;
}

export class VmallocAlloc {
  /** vmalloc(0)'s modern warning is WARN_ON_ONCE: it has fired. */
  private warnedZero = false;

  constructor(
    private readonly space: Vmalloc,
    private readonly pages: PageSource,
    private readonly version: KernelVersion,
    private readonly warn: (message: string) => void,
  ) {}

  /** vmap: `flags` as the caller gives them (vmap() callers pass VM_MAP themselves). */
  vmap(pfns: number[], prot: PageProt, flags: number, caller: string): VirtAddr | null {
    return this.space.vmap(pfns.map((p) => p * PAGE_SIZE), prot, flags, caller);
  }

  vunmap(va: VirtAddr): void {
    this.space.vunmap(va);
  }

  /** __vmalloc: order-0 pages (highmem allowed) mapped PAGE_KERNEL; 0 on failure. */
  vmalloc(size: number, gfp = GFP_KERNEL, caller = "vmalloc"): VirtAddr {
    const n = Math.ceil(size / PAGE_SIZE);
    const totalram = this.pages.totalramPages();
    if (!(n > 0) || n > totalram) {
      this.sizeWarning(size, gfp | __GFP_HIGHMEM, n > totalram);
      return 0;
    }
    const area = this.space.getVmArea(n * PAGE_SIZE, VM_ALLOC, caller);
    if (!area) return 0;
    const pages: PhysAddr[] = [];
    for (let i = 0; i < n; i++) {
      const pfn = this.pages.alloc_pages(gfp | __GFP_HIGHMEM, 0);
      if (pfn < 0) {
        this.space.vunmap(area.start);
        for (const p of pages) this.pages.__free_pages(p / PAGE_SIZE, 0);
        return 0;
      }
      pages.push(pfn * PAGE_SIZE);
    }
    this.space.mapArea(area, pages, "kernel");
    area.nrPages = n;
    return area.start;
  }

  /** __vmalloc_node_range's refusals before any area is reserved: 4.9 goes to warn_alloc for
   *  both; modern WARN_ON_ONCE(!size) and warn_alloc for more than all of RAM. */
  private sizeWarning(size: number, gfp: number, tooBig: boolean): void {
    const mode = `mode:0x${gfp.toString(16)}(${gfpName(gfp)})`;
    if (this.version === "v4.9") {
      this.warn(`dmasim: vmalloc: allocation failure: ${size} bytes, ${mode}`);
    } else if (tooBig) {
      this.warn(`dmasim: vmalloc error: size ${size}, exceeds total pages, ${mode}`);
    } else if (!this.warnedZero) {
      this.warnedZero = true;
      this.warn("WARNING: mm/vmalloc.c: __vmalloc_node_range: WARN_ON_ONCE(!size)");
    }
  }

  vfree(va: VirtAddr): void {
    if (!va) return;
    const area = this.space.vunmap(va, "vfree");
    if (area && area.flags & VM_ALLOC) for (const p of area.pages) this.pages.__free_pages(p / PAGE_SIZE, 0);
  }

  /** ioremap: device registers mapped as Device memory in the vmalloc area. */
  ioremap(pa: PhysAddr, size: number): VirtAddr | null {
    if (!(size > 0)) return null;
    const base = Math.floor(pa / PAGE_SIZE) * PAGE_SIZE;
    // The area first: a size no vmalloc space can hold (a device tree's reg can say anything)
    // fails there, before a page list that size is built.
    const area = this.space.getVmArea(Math.ceil((pa + size) / PAGE_SIZE) * PAGE_SIZE - base, VM_IOREMAP, "ioremap");
    if (!area) return null;
    const pages: PhysAddr[] = [];
    for (let p = base; p < pa + size; p += PAGE_SIZE) pages.push(p);
    this.space.mapArea(area, pages, "device");
    area.physAddr = base;
    return area.start + (pa - base);
  }

  iounmap(va: VirtAddr): void {
    this.space.vunmap(Math.floor(va / PAGE_SIZE) * PAGE_SIZE);
  }
}
