// The vmalloc area (mm/vmalloc.c; spec dma-api §7.4): virtually contiguous kernel mappings of
// arbitrary pages — DMA coherent remaps, ioremap. Areas are placed first-fit at the lowest
// address with one unmapped guard page after each. vunmap clears the PTEs at once but defers the
// TLB flush and the reuse of the range until enough has been freed lazily (lazy_max_pages).

import { formatVirt, type PhysAddr, type VirtAddr } from "../hw/address.js";
import { PAGE_SIZE } from "./gfp.js";
import type { KernelLayout } from "./layout.js";
import type { PageProt, PageTables } from "./pgtable.js";

export const VM_IOREMAP = 0x1;
export const VM_ALLOC = 0x2;
export const VM_MAP = 0x4;
export const VM_USERMAP = 0x8;
export const VM_DMA_COHERENT = 0x10;
export const VM_NO_GUARD = 0x40;

export interface VmArea {
  start: VirtAddr;
  /** Bytes reserved, including the guard page. */
  size: number;
  /** Physical address of each mapped page (ioremap: the device registers). */
  pages: PhysAddr[];
  flags: number;
  prot: PageProt;
  caller: string;
}

function flagNames(f: number): string {
  const out: string[] = [];
  if (f & VM_IOREMAP) out.push("ioremap");
  if (f & VM_ALLOC) out.push("vmalloc");
  if (f & VM_MAP) out.push("vmap");
  if (f & VM_USERMAP) out.push("user");
  if (f & VM_DMA_COHERENT) out.push("dma-coherent");
  return out.join(" ");
}

export class Vmalloc {
  private readonly areas: VmArea[] = [];
  /** Ranges unmapped but not yet purged: not reusable, TLB possibly stale. */
  private readonly lazy: { start: VirtAddr; size: number }[] = [];
  private lazyPages = 0;
  readonly lazyMaxPages: number;

  constructor(
    private readonly layout: KernelLayout,
    private readonly pgt: PageTables,
    onlineCpus: number,
  ) {
    // lazy_max_pages = fls(num_online_cpus) * (32 MB / PAGE_SIZE)
    const fls = 32 - Math.clz32(onlineCpus);
    this.lazyMaxPages = fls * ((32 << 20) / PAGE_SIZE);
  }

  private lowest(): VirtAddr {
    // arm64 puts the kernel image at the bottom of the vmalloc range.
    return this.layout.kimageEnd > this.layout.vmallocStart && this.layout.kimageEnd < this.layout.vmallocEnd
      ? this.layout.kimageEnd
      : this.layout.vmallocStart;
  }

  /** get_vm_area: lowest free range of `size` (+ guard page) aligned to `align`. */
  getVmArea(size: number, flags: number, align = PAGE_SIZE): VirtAddr | null {
    const bytes = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE + (flags & VM_NO_GUARD ? 0 : PAGE_SIZE);
    const busy = [...this.areas, ...this.lazy].sort((a, b) => a.start - b.start);
    let cand = this.lowest();
    const alignUp = (v: VirtAddr) => cand + (((align - ((v - this.layout.vmallocStart) % align)) % align));
    cand = alignUp(cand);
    for (const a of busy) {
      if (cand + bytes <= a.start) break;
      if (a.start + a.size > cand) {
        cand = a.start + a.size;
        cand = alignUp(cand);
      }
    }
    if (cand + bytes > this.layout.vmallocEnd) return null;
    return cand;
  }

  /** vmap: maps `pages` contiguously; returns the VA or null when the area is exhausted. */
  vmap(pages: PhysAddr[], prot: PageProt, flags: number, caller: string, align = PAGE_SIZE): VirtAddr | null {
    const start = this.getVmArea(pages.length * PAGE_SIZE, flags, align);
    if (start === null) return null;
    const size = pages.length * PAGE_SIZE + (flags & VM_NO_GUARD ? 0 : PAGE_SIZE);
    pages.forEach((pa, i) => this.pgt.mapPage(start + i * PAGE_SIZE, pa, prot));
    this.areas.push({ start, size, pages, flags, prot, caller });
    return start;
  }

  find(va: VirtAddr): VmArea | undefined {
    return this.areas.find((a) => va >= a.start && va < a.start + a.size);
  }

  /** vunmap: PTEs cleared now; TLB flush and range reuse deferred until the lazy purge. */
  vunmap(va: VirtAddr): VmArea | undefined {
    const i = this.areas.findIndex((a) => a.start === va);
    if (i < 0) return undefined;
    const [area] = this.areas.splice(i, 1);
    area.pages.forEach((_, k) => this.pgt.unmapPage(area.start + k * PAGE_SIZE));
    this.lazy.push({ start: area.start, size: area.size });
    this.lazyPages += area.pages.length;
    if (this.lazyPages > this.lazyMaxPages) this.purgeLazy();
    return area;
  }

  /** __purge_vmap_area_lazy: one kernel TLB flush over the union of lazily freed ranges. */
  purgeLazy(): void {
    if (!this.lazy.length) return;
    const start = Math.min(...this.lazy.map((r) => r.start));
    const end = Math.max(...this.lazy.map((r) => r.start + r.size));
    this.pgt.flushTlbKernelRange(start, end);
    this.lazy.length = 0;
    this.lazyPages = 0;
  }

  get pendingLazyPages(): number {
    return this.lazyPages;
  }

  /** /proc/vmallocinfo */
  vmallocinfo(bits: 32 | 64): string {
    return [...this.areas]
      .sort((a, b) => a.start - b.start)
      .map((a) => {
        const end = a.start + a.size;
        const phys = a.flags & VM_IOREMAP && a.pages.length ? ` phys=0x${a.pages[0].toString(16)}` : "";
        return `${formatVirt(a.start, bits)}-${formatVirt(end, bits)} ${String(a.size).padStart(8)} ${a.caller} pages=${a.pages.length}${phys} ${flagNames(a.flags)}`;
      })
      .join("\n");
  }
}
