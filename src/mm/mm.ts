// The kernel's memory management, booted in the steps Linux takes: paging_init (memblock →
// the kernel's own mappings, kernel-mappings.ts → MMU on), bootmem_init (the memory map,
// memmap.ts) and mem_init (buddy allocator with zones, vmalloc, slab: mem-init.ts). Around them, early
// users (CMA, swiotlb) take memory from memblock in each architecture's order (kernel.ts).
// Also pages and kmalloc, kmap (kmap.ts) and the kernel's calls into the vmalloc space
// (vmalloc-alloc.ts); the linear-map conversions are kernel-addresses.ts, which it extends. The
// banks and reservations before paging_init are memblock-init.ts; the zones are zones.ts; the RAM
// the linear map covers is linear-map-ranges.ts; page-table memory is table-memory.ts.

import type { Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { Printk } from "../kernel/printk.js";
import type { BuddyAllocator } from "./buddy.js";
import { dmaPhysLimit, zoneDmaLimit, zoneManagedPages, type ZoneInputs } from "./zones.js";
import { mapKernel } from "./kernel-mappings.js";
import { intersectsSystemRam, linearRamEnd } from "./linear-map-ranges.js";
import { kernelTableMemory } from "./table-memory.js";
import type { Memblock, Range } from "./memblock.js";
import { ARM64_V49_SWAPPER_DIR_SIZE, memblockInit, type MachineReserve } from "./memblock-init.js";
import { alloc_node_mem_map, sparse_init, type Memmap } from "./memmap.js";
import { armPagingInitLate, type ArmEarlyPages } from "./devicemaps-arm.js";
import type { KernelVersion } from "./layout.js";
import { ioremapRamWarning } from "./ioremap-ram.js";
import { KernelAddresses } from "./kernel-addresses.js";
import type { PageProt, PageTables, TableMemory } from "./pgtable.js";
import { Arm64PageTables } from "./pgtable-arm64.js";
import { ArmPageTables } from "./pgtable-arm.js";
import type { Vmalloc } from "./vmalloc.js";
import { UserMm } from "./user-mm.js";
import type { PageRefs } from "./page-ref.js";
import { emptyZeroPage } from "./zero-page.js";
import type { VmallocAlloc } from "./vmalloc-alloc.js";
import type { Slab } from "./slab.js";
import type { Kmalloc } from "./kmalloc.js";
import { mem_init } from "./mem-init.js";
import { Kmaps } from "./kmap.js";
import { GFP_KERNEL, PAGE_SIZE, __GFP_HIGHMEM, __GFP_ZERO } from "./gfp.js";
import type { MapDesc } from "../arch/machine-desc.js";
import type { CmaAreas } from "./cma.js";

export interface MmOptions {
  version: KernelVersion;
  /** The arm machine's map_io regions (machine-desc.ts), mapped in devicemaps_init. */
  mapIo?: MapDesc[];
  onlineCpus: number;
  /** Ranges the firmware reserved (FDT reservation block, /reserved-memory). */
  reserved: Range[];
  /** The arm board code's mdesc->reserve (machine-desc.ts), run in memblock-init.ts. */
  machineReserve?: MachineReserve;
  /** /reserved-memory regions with `no-map`: reserved, and left out of the linear map
   *  (4.9 memblock_remove, modern memblock_mark_nomap). */
  nomap?: Range[];
  /** Modern arm64: the firmware's DMA limit as a width in bits (zones.ts: zone_dma_limit). */
  zoneDmaBits?: number;
  /** The CMA areas the device tree declared; dma_contiguous_reserve may add the default one
   *  (kernel.ts: before paging_init, or after bootmem_init on modern arm64). Their pages never
   *  reach the buddy allocator (cma.ts). */
  cma: CmaAreas;
}

export class MemoryManager extends KernelAddresses {
  readonly memblock: Memblock;
  readonly pgt: PageTables;
  buddy!: BuddyAllocator;
  vmalloc!: Vmalloc;
  slab!: Slab;
  private kmallocs!: Kmalloc;
  /** One past the last byte of RAM. */
  readonly ramEnd: PhysAddr;
  /** The no-map ranges, by base. */
  readonly nomap: Range[];
  readonly cma: CmaAreas;
  /** What bootmem_init took for the struct page arrays. */
  memmap!: Memmap;
  /** arm: what paging_init took after the linear map (devicemaps-arm.ts); null on arm64. */
  armEarly: ArmEarlyPages | null = null;
  /** Pages the page allocator gave to kernel page tables after boot (vmalloc and ioremap
   *  tables; /proc/meminfo PageTables). Kernel page tables are never freed, as in Linux. */
  pageTablePages = 0;
  private mmuOn = false;
  /** The reference counts of user processes' anonymous pages (page-ref.ts). */
  pageRefs!: PageRefs;
  /** empty_zero_page's pfn (zero-page.ts), fixed in paging_init. */
  zeroPfn = -1;
  private readonly kmaps: Kmaps;
  private vmallocAlloc!: VmallocAlloc;

  constructor(
    private readonly machine: Machine,
    private readonly printk: Printk,
    banks: Range[],
    private readonly opts: MmOptions,
  ) {
    const arch = machine.profile.arch;
    const early = memblockInit(arch, opts.version, banks, opts.reserved, opts.nomap ?? [], printk, opts.machineReserve);
    super(early.layout, early.linearBytes);
    this.memblock = early.memblock;
    this.ramEnd = early.ramEnd;
    this.nomap = early.nomap;
    this.cma = opts.cma;
    const mem = this.tableMemory();
    const root = early.swapperPgDir;
    this.pgt = arch === "arm64" ? new Arm64PageTables(machine, mem, this.layout, root) : new ArmPageTables(machine, mem, root);
    this.kmaps = new Kmaps(this.pgt, {
      arch,
      version: opts.version,
      lowmemAddress: (pfn) => this.lowmemAddress(pfn),
      isLinear: (va) => this.isLinear(va),
      pfnValid: (pfn) => this.buddy.pfnValid(pfn),
      warn: (m) => this.printk.warn(m),
    });
  }

  // ---- boot ------------------------------------------------------------------------------

  /** paging_init: the kernel's own mappings (kernel-mappings.ts), arm's vectors, PKMAP and
   *  fixmap tables and zero page (devicemaps-arm.ts), then the MMU on. Their tables below the
   *  first level come from memblock, top-down. */
  paging_init(): void {
    // arm64 4.9 builds in a temporary pgd (early_pgtable_alloc, so the first page memblock
    // gives), copies it into swapper_pg_dir and frees it, with swapper_pg_dir's second page
    // (head.S's pmd). Building in swapper_pg_dir directly writes the same tables.
    const v49 = this.arch === "arm64" && this.opts.version === "v4.9";
    const tempPgd = v49 ? this.memblock.alloc(PAGE_SIZE, PAGE_SIZE) : -1;
    mapKernel(this.pgt, {
      layout: this.layout,
      memory: this.memblock.memory,
      nomap: this.nomap,
      linearBytes: this.linearBytes,
      cma: this.cma,
      phys_to_virt: (pa) => this.phys_to_virt(pa),
      __pa_symbol: (va) => this.__pa_symbol(va),
    });
    if (this.pgt instanceof ArmPageTables) this.armEarly = armPagingInitLate(this.memblock, this.pgt, this.opts.mapIo ?? []);
    const reservedTtbr0 = this.pgt instanceof Arm64PageTables ? this.pgt.reservedTtbr0() : null;
    this.zeroPfn = emptyZeroPage(this.layout, this.armEarly?.zeroPage ?? null, reservedTtbr0) / PAGE_SIZE;
    this.pgt.enable();
    this.mmuOn = true;
    if (v49) {
      this.memblock.free(tempPgd, PAGE_SIZE);
      this.memblock.free(this.pgt.root + PAGE_SIZE, ARM64_V49_SWAPPER_DIR_SIZE - PAGE_SIZE);
    }
  }

  /** bootmem_init: the struct page arrays from memblock (memmap.ts) — arm's node map, arm64's
   *  vmemmap sections. */
  bootmem_init(): void {
    this.memmap = this.pgt instanceof Arm64PageTables ? sparse_init(this.memblock, this.pgt, this.layout) : alloc_node_mem_map(this.memblock);
  }

  /** mem_init (mem-init.ts): the buddy allocator, vmalloc, slab and kmalloc over what memblock
   *  left (kmalloc objects aligned to `kmallocMinAlign`). */
  mem_init(kmallocMinAlign: number): void {
    const { version, onlineCpus, mapIo = [] } = this.opts;
    const { machine, printk, layout, pgt, memblock, nomap, cma, zoneInputs, zeroPfn } = this;
    const up = mem_init({ machine, printk, version, onlineCpus, mapIo, layout, pgt, memblock, nomap, cma, zoneInputs, zeroPfn, kmallocMinAlign }, this);
    this.buddy = up.buddy;
    this.pageRefs = up.pageRefs;
    this.vmalloc = up.vmalloc;
    this.vmallocAlloc = up.vmallocAlloc;
    this.slab = up.slab;
    this.kmallocs = up.kmallocs;
  }

  /** totalram_pages(): every zone's managed pages — what memblock left to the page allocator
   *  at mem_init (RAM less the image, page tables, swiotlb, firmware reservations) plus the
   *  activated CMA areas, which init_cma_reserved_pageblock adds to the zones' managed count. */
  totalram_pages(): number {
    return this.buddy.zones.reduce((t, z) => t + zoneManagedPages(z, this.cma), 0);
  }

  private get zoneInputs(): ZoneInputs {
    const { arch, physOffset } = this.layout;
    return { arch, version: this.opts.version, physOffset, ramEnd: this.ramEnd, linearBytes: this.linearBytes, zoneDmaBits: this.opts.zoneDmaBits };
  }

  /** arm64_dma_phys_limit (zones.ts): where ZONE_DMA ends. Known before mem_init, so early
   *  allocations (swiotlb) can stay below it. */
  dmaPhysLimit(): PhysAddr {
    return dmaPhysLimit(this.zoneInputs);
  }

  /** zone_dma_limit (modern arm64): the mask a coherent mask is compared against to choose
   *  GFP_DMA. */
  get zoneDmaLimit(): number {
    return zoneDmaLimit(this.zoneInputs);
  }

  /** The highest physical address (exclusive) of ZONE_DMA, or of ZONE_DMA32 when `dma32`. */
  zoneLimit(name: "DMA" | "DMA32"): PhysAddr {
    const z = this.buddy.zones.filter((x) => x.name === name || (name === "DMA32" && x.name === "DMA"));
    return z.length ? Math.max(...z.map((x) => x.endPfn)) * PAGE_SIZE : this.layout.physOffset;
  }

  /** mm_alloc: a new user address space (its pgd is allocated now). */
  mm_alloc(): UserMm {
    const v49 = this.opts.version === "v4.9";
    return new UserMm(this.machine, this.tableMemory(), this.pgt, this.layout, {
      refs: this.pageRefs,
      zeroPfn: this.zeroPfn,
      cpu: this.machine.cpu,
      alloc_pages: (gfp, order) => this.alloc_pages(gfp, order),
      // clear_user_highpage maps the page with kmap_local_page since 5.11; 4.9's used kmap_atomic.
      kmap_local_page: (pfn) => (v49 ? this.kmap_atomic(pfn) : this.kmap_local_page(pfn)),
      kunmap_local: (va) => (v49 ? this.kunmap_atomic(va) : this.kunmap_local(va)),
    });
  }

  private tableMemory(): TableMemory {
    return kernelTableMemory(this.machine.cpu, {
      mmuOn: () => this.mmuOn,
      buddyUp: () => this.buddy !== undefined,
      memblock: this.memblock,
      allocPages: (gfp, order) => this.buddy.allocPages(gfp, order),
      freePages: (pfn, order) => this.__free_pages(pfn, order),
      phys_to_virt: (pa) => this.phys_to_virt(pa),
      tablePagesTaken: (pages) => (this.pageTablePages += pages),
    });
  }

  // ---- conversions (the linear map's own: kernel-addresses.ts) ------------------------------

  /** linear-map-ranges.ts: where the linear-mapped RAM holding `pa` ends (arm: lowmem). */
  linearRamEnd(pa: PhysAddr): PhysAddr {
    return linearRamEnd(this.memblock.memory, this.nomap, this.layout.physOffset + this.linearBytes, pa);
  }

  /** region_intersects(IORESOURCE_SYSTEM_RAM) (linear-map-ranges.ts). */
  intersectsSystemRam(pa: PhysAddr, size: number): boolean {
    return intersectsSystemRam(this.memblock.memory, this.nomap, pa, size);
  }

  /** virt_addr_valid: a linear-map address of RAM the kernel manages. */
  virt_addr_valid(va: VirtAddr): boolean {
    return this.isLinear(va) && this.buddy.pfnValid(Math.floor(this.virt_to_phys(va) / PAGE_SIZE));
  }

  /** page_address, kmap/kunmap, kmap_atomic/kunmap_atomic, kmap_local_page/kunmap_local: kmap.ts. */
  page_address(pfn: number): VirtAddr {
    return this.kmaps.page_address(pfn);
  }

  kmap(pfn: number): VirtAddr {
    return this.kmaps.kmap(pfn);
  }

  kunmap(pfn: number): void {
    this.kmaps.kunmap(pfn);
  }

  kmap_atomic(pfn: number): VirtAddr {
    return this.kmaps.kmap_atomic(pfn);
  }

  kunmap_atomic(va: VirtAddr): void {
    this.kmaps.kunmap_atomic(va);
  }

  kmap_local_page(pfn: number): VirtAddr {
    return this.kmaps.kmap_local_page(pfn);
  }

  kunmap_local(va: VirtAddr): void {
    this.kmaps.kunmap_local(va);
  }

  PageHighMem(pfn: number): boolean {
    return this.buddy.zoneOf(pfn)?.name === "HighMem";
  }

  /** vmalloc_to_pfn (vmalloc.ts) */
  vmalloc_to_pfn(va: VirtAddr): number {
    return this.vmalloc.toPfn(va);
  }

  /** vmalloc_to_page: a page is its pfn in dmasim's API, so this is vmalloc_to_pfn, with -1
   *  (NULL) for an address no vmalloc area maps. */
  vmalloc_to_page(va: VirtAddr): number {
    return this.vmalloc.toPfn(va);
  }

  // ---- pages -------------------------------------------------------------------------------

  /** alloc_pages: pfn of a 2^order block, or -1. __GFP_ZERO clears it through the linear map. */
  alloc_pages(gfp: number, order: number): number {
    const pfn = this.buddy.allocPages(gfp, order);
    if (pfn >= 0 && gfp & __GFP_ZERO) {
      const va = this.page_address(pfn);
      if (va) this.machine.cpu.fill(va, 0, PAGE_SIZE << order);
    }
    return pfn;
  }

  __free_pages(pfn: number, order: number): void {
    this.buddy.freePages(pfn, order);
  }

  /** __get_free_pages: linear VA of a 2^order block (never highmem), or 0. */
  __get_free_pages(gfp: number, order: number): VirtAddr {
    const pfn = this.alloc_pages(gfp & ~__GFP_HIGHMEM, order);
    return pfn < 0 ? 0 : this.page_address(pfn);
  }

  free_pages(va: VirtAddr, order: number): void {
    if (!va) return;
    this.buddy.freePages(this.virt_to_pfn(va), order);
  }

  // ---- kmalloc (kmalloc.ts) ------------------------------------------------------------------

  kmalloc(size: number, gfp: number): VirtAddr {
    return this.kmallocs.kmalloc(size, gfp);
  }

  kzalloc(size: number, gfp: number): VirtAddr {
    return this.kmallocs.kmalloc(size, gfp | __GFP_ZERO);
  }

  krealloc(p: VirtAddr, newSize: number, gfp: number): VirtAddr {
    return this.kmallocs.krealloc(p, newSize, gfp);
  }

  kfree(va: VirtAddr): void {
    this.kmallocs.kfree(va);
  }

  ksize(va: VirtAddr): number {
    return this.kmallocs.ksize(va);
  }

  // ---- kernel mappings (vmalloc-alloc.ts) -------------------------------------------------

  vmap(pfns: number[], prot: PageProt, flags: number, caller: string): VirtAddr | null {
    return this.vmallocAlloc.vmap(pfns, prot, flags, caller);
  }

  vunmap(va: VirtAddr): void {
    this.vmallocAlloc.vunmap(va);
  }

  __vmalloc(size: number, gfp = GFP_KERNEL, caller = "vmalloc"): VirtAddr {
    return this.vmallocAlloc.vmalloc(size, gfp, caller);
  }

  vfree(va: VirtAddr): void {
    this.vmallocAlloc.vfree(va);
  }

  /** ioremap: device registers, never RAM (ioremap-ram.ts). */
  ioremap(pa: PhysAddr, size: number): VirtAddr | null {
    const warning = ioremapRamWarning(this.machine.profile.arch, this.opts.version, pa, this.memblock.memory, this.nomap);
    if (warning) {
      this.printk.warn(warning);
      return null;
    }
    return this.vmallocAlloc.ioremap(pa, size);
  }

  iounmap(va: VirtAddr): void {
    this.vmallocAlloc.iounmap(va);
  }

  // ---- /proc -------------------------------------------------------------------------------

  buddyinfo(): string {
    return this.buddy.buddyinfo();
  }

  vmallocinfo(): string {
    return this.vmalloc.vmallocinfo();
  }
}
