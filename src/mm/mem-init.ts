// mem_init (mm_core_init in later kernels): the allocators the running kernel uses, brought up
// over what memblock left — the buddy allocator with its zones and the pages' reference counts,
// the vmalloc space (with the mappings boot already made: the kernel image's segments, arm's
// static I/O maps) and the kernel's allocations in it, then slab and kmalloc — and memblock's
// later callers handed over to slab. mm.ts boots the steps around it and answers the calls these
// allocators make back into it.

import type { Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { Printk } from "../kernel/printk.js";
import type { MapDesc } from "../arch/machine-desc.js";
import { BuddyAllocator, type ZoneName } from "./buddy.js";
import { zoneSpecs, type ZoneInputs } from "./zones.js";
import { addKernelSegments } from "./kernel-mappings.js";
import { addStaticVms } from "./devicemaps-arm.js";
import type { Memblock, Range } from "./memblock.js";
import type { KernelLayout, KernelVersion } from "./layout.js";
import type { PageTables } from "./pgtable.js";
import { Vmalloc } from "./vmalloc.js";
import { VmallocAlloc } from "./vmalloc-alloc.js";
import { PageRefs } from "./page-ref.js";
import { Slab, ZERO_OR_NULL_PTR } from "./slab.js";
import { Kmalloc } from "./kmalloc.js";
import type { CmaAreas } from "./cma.js";
import { GFP_NOWAIT, PAGE_SIZE } from "./gfp.js";

/** What mem_init builds on: the state boot left. */
export interface MemInitInputs {
  machine: Machine;
  printk: Printk;
  version: KernelVersion;
  onlineCpus: number;
  /** The arm machine's map_io regions, mapped in devicemaps_init and recorded here. */
  mapIo: MapDesc[];
  layout: KernelLayout;
  pgt: PageTables;
  memblock: Memblock;
  nomap: Range[];
  cma: CmaAreas;
  zoneInputs: ZoneInputs;
  /** empty_zero_page's pfn, fixed in paging_init. */
  zeroPfn: number;
  /** ARCH_KMALLOC_MINALIGN: what every kmalloc object is aligned to. */
  kmallocMinAlign: number;
}

/** The calls the allocators make back into the kernel's mm (mm.ts), answered once they exist. */
export interface MemInitCalls {
  alloc_pages(gfp: number, order: number): number;
  __free_pages(pfn: number, order: number): void;
  __get_free_pages(gfp: number, order: number): VirtAddr;
  free_pages(va: VirtAddr, order: number): void;
  page_address(pfn: number): VirtAddr;
  totalram_pages(): number;
  kzalloc(size: number, gfp: number): VirtAddr;
  virt_to_phys(va: VirtAddr): PhysAddr;
  virt_to_pfn(va: VirtAddr): number;
  virt_addr_valid(va: VirtAddr): boolean;
  __pa_symbol(va: VirtAddr): PhysAddr;
}

/** What mem_init leaves the running kernel. */
export interface RuntimeAllocators {
  buddy: BuddyAllocator;
  pageRefs: PageRefs;
  vmalloc: Vmalloc;
  vmallocAlloc: VmallocAlloc;
  slab: Slab;
  kmallocs: Kmalloc;
}

/** mem_init: the buddy allocator gets what memblock has not reserved; then vmalloc and the
 *  kmalloc caches (objects aligned to `kmallocMinAlign`); then the "Memory:" line. Nothing here
 *  calls back into `mm` before it returns (the allocators only keep the calls). */
export function mem_init(i: MemInitInputs, mm: MemInitCalls): RuntimeAllocators {
  const { printk, version, layout, memblock } = i;
  const warn = (m: string) => printk.warn(m);
  const banks = memblock.memory.map((b) => ({ startPfn: b.base / PAGE_SIZE, endPfn: (b.base + b.size) / PAGE_SIZE }));
  const configured: ZoneName[] = layout.arch === "arm" ? ["Normal", "HighMem"] : version === "v4.9" ? ["DMA", "Normal"] : ["DMA", "DMA32", "Normal"];
  const buddy = new BuddyAllocator(zoneSpecs(i.zoneInputs), banks, configured, version);
  buddy.onWarn = warn;
  const pageRefs = new PageRefs(buddy);
  // A reserved page keeps the reference __init_single_page gave it, so 4.9's get_page on the
  // zero page (gup.ts) counts up from 1 and its put_page never frees it.
  buddy.pageRefAdd(i.zeroPfn, 1);
  for (const r of memblock.freeRanges()) buddy.addFreeRange(r.base / PAGE_SIZE, (r.base + r.size) / PAGE_SIZE);
  const vmalloc = new Vmalloc(layout, i.pgt, i.onlineCpus);
  vmalloc.onWarn = warn;
  const vmallocPages = {
    alloc_pages: (gfp: number, order: number) => mm.alloc_pages(gfp, order),
    __free_pages: (pfn: number, order: number) => mm.__free_pages(pfn, order),
    totalramPages: () => mm.totalram_pages(),
  };
  const vmallocAlloc = new VmallocAlloc(vmalloc, vmallocPages, version, warn);
  addKernelSegments(vmalloc, layout, (va) => mm.__pa_symbol(va));
  addStaticVms(vmalloc, i.mapIo);
  const pages = {
    getFreePages: (g: number, o: number) => mm.__get_free_pages(g, o),
    allocPagesAddress: (g: number, o: number) => {
      const pfn = mm.alloc_pages(g, o);
      return pfn < 0 ? 0 : mm.page_address(pfn);
    },
    freePages: (v: VirtAddr, o: number) => mm.free_pages(v, o),
  };
  const slab = new Slab(pages, i.kmallocMinAlign, configured.includes("DMA"), version === "modern");
  slab.onWarn = warn;
  const kmallocs = new Kmalloc(slab, i.machine.cpu, {
    version,
    vaBits: layout.arch === "arm64" ? 64 : 32,
    virt_addr_valid: (va) => mm.virt_addr_valid(va),
    virt_to_pfn: (va) => mm.virt_to_pfn(va),
    // folio_put of an order-0 page drops the reference __free_pages(page, 0) drops.
    putPage: (pfn) => void buddy.freePages(pfn, 0),
    warn,
  });
  memblock.slabAvailable = {
    version,
    kzallocPhys: (size) => {
      const va = mm.kzalloc(size, GFP_NOWAIT);
      return ZERO_OR_NULL_PTR(va) ? 0 : mm.virt_to_phys(va);
    },
    warn,
  };
  // 4.9 memblock_remove()s no-map regions: they are not RAM any more.
  const removed = version === "v4.9" ? i.nomap.reduce((n, r) => n + r.size, 0) : 0;
  const total = memblock.memory.reduce((n, b) => n + b.size, 0) - removed;
  // Linux gives a CMA area's pages to the page allocator, so they count as available.
  printk.info(`Memory: ${(buddy.freePageCount + i.cma.totalPages) * 4}K/${total / 1024}K available`);
  return { buddy, pageRefs, vmalloc, vmallocAlloc, slab, kmallocs };
}
