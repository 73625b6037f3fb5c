// The kernel's memory management, booted: memblock → page tables (linear map) → MMU on →
// buddy allocator, plus the linear-map conversions, vmalloc/vmap, ioremap and kmalloc.

import type { Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { Printk } from "../kernel/printk.js";
import { BuddyAllocator, type ZoneSpec } from "./buddy.js";
import { Memblock, type Range } from "./memblock.js";
import { kernelLayout, type KernelLayout, type KernelVersion } from "./layout.js";
import type { PageProt, PageTables, TableMemory } from "./pgtable.js";
import { Arm64PageTables } from "./pgtable-arm64.js";
import { ArmPageTables } from "./pgtable-arm.js";
import { Vmalloc, VM_IOREMAP } from "./vmalloc.js";
import { Slab } from "./slab.js";
import { PAGE_SIZE, __GFP_ZERO } from "./gfp.js";

const GB4 = 2 ** 32;

export interface MmOptions {
  version: KernelVersion;
  onlineCpus: number;
  /** Ranges the firmware reserved (FDT reservation block, /reserved-memory). */
  reserved: Range[];
}

export class MemoryManager {
  readonly layout: KernelLayout;
  readonly memblock: Memblock;
  readonly pgt: PageTables;
  buddy!: BuddyAllocator;
  vmalloc!: Vmalloc;
  slab!: Slab;
  /** Bytes of RAM covered by the linear map (lowmem). */
  readonly linearBytes: number;
  private mmuOn = false;
  readonly minAlign: number;

  constructor(
    private readonly machine: Machine,
    private readonly printk: Printk,
    banks: Range[],
    private readonly opts: MmOptions,
  ) {
    const arch = machine.profile.arch;
    const physOffset = Math.min(...banks.map((b) => b.base));
    const ram = banks.reduce((n, b) => n + b.size, 0);
    this.layout = kernelLayout(arch, opts.version, physOffset, ram);
    this.linearBytes = arch === "arm"
      ? this.layout.linearLimit - this.layout.pageOffset
      : Math.max(...banks.map((b) => b.base + b.size)) - physOffset;
    this.memblock = new Memblock(banks);
    // Kernel image (and, on arm, swapper_pg_dir below it) at the start of RAM.
    this.memblock.reserve(physOffset, arch === "arm" ? 0x00c00000 : 0x02000000);
    for (const r of opts.reserved) this.memblock.reserve(r.base, r.size);
    this.minAlign = arch === "arm64" ? 128 : 64;
    const mem = this.tableMemory();
    this.pgt = arch === "arm64" ? new Arm64PageTables(machine, mem, this.layout) : new ArmPageTables(machine, mem);
  }

  // ---- boot ------------------------------------------------------------------------------

  /** Builds the linear map with the MMU off, turns the MMU on, hands free memory to the buddy
   *  allocator (paging_init + mem_init). */
  boot(): void {
    const lowmemEnd = this.layout.physOffset + this.linearBytes;
    for (const bank of this.memblock.memory) {
      const end = Math.min(bank.base + bank.size, lowmemEnd);
      if (end > bank.base) this.pgt.mapLinear(phys_to_virt_l(this.layout, bank.base), bank.base, end - bank.base);
    }
    this.pgt.enable();
    this.mmuOn = true;
    this.buddy = new BuddyAllocator(this.zones());
    this.buddy.onWarn = (m) => this.printk.warn(m);
    for (const r of this.memblock.freeRanges()) {
      const end = Math.min(r.base + r.size, lowmemEnd);
      if (end > r.base) this.buddy.addFreeRange(r.base / PAGE_SIZE, end / PAGE_SIZE);
    }
    this.vmalloc = new Vmalloc(this.layout, this.pgt, this.opts.onlineCpus);
    this.slab = new Slab({ getFreePages: (g, o) => this.__get_free_pages(g, o), freePages: (v, o) => this.free_pages(v, o) }, this.minAlign);
    const total = this.memblock.memory.reduce((n, b) => n + b.size, 0);
    this.printk.info(`Memory: ${(this.buddy.freePageCount * 4) | 0}K/${total / 1024}K available`);
  }

  /** Zones per spec dma-api §7.3: arm64 puts RAM below 4 GB in ZONE_DMA; Zynq has no DMA zone. */
  private zones(): ZoneSpec[] {
    const startPfn = this.layout.physOffset / PAGE_SIZE;
    const endPfn = (this.layout.physOffset + this.linearBytes) / PAGE_SIZE;
    if (this.machine.profile.arch === "arm") return [{ name: "Normal", startPfn, endPfn }];
    const dmaEnd = Math.min(endPfn, GB4 / PAGE_SIZE);
    return [
      { name: "DMA", startPfn, endPfn: Math.max(startPfn, dmaEnd) },
      { name: "Normal", startPfn: Math.max(startPfn, dmaEnd), endPfn },
    ];
  }

  private tableMemory(): TableMemory {
    const cpu = this.machine.cpu;
    const at = (pa: PhysAddr) => (this.mmuOn ? phys_to_virt_l(this.layout, pa) : pa);
    return {
      allocTable: (bytes, align) => {
        let pa: PhysAddr;
        if (this.mmuOn) {
          const order = Math.max(0, Math.ceil(Math.log2(bytes / PAGE_SIZE)));
          const pfn = this.buddy.allocPages(0, order);
          if (pfn < 0) throw new Error("out of memory for page tables");
          pa = pfn * PAGE_SIZE;
        } else {
          pa = this.memblock.alloc(bytes, align);
        }
        cpu.fill(at(pa), 0, bytes);
        return pa;
      },
      read32: (pa) => cpu.load(at(pa), 4),
      write32: (pa, v) => cpu.store(at(pa), 4, v),
      read64: (pa) => cpu.load64(at(pa)),
      write64: (pa, v) => cpu.store64(at(pa), v),
    };
  }

  // ---- conversions -------------------------------------------------------------------------

  phys_to_virt(pa: PhysAddr): VirtAddr {
    return phys_to_virt_l(this.layout, pa);
  }

  virt_to_phys(va: VirtAddr): PhysAddr {
    return va - this.layout.pageOffset + this.layout.physOffset;
  }

  isLinear(va: VirtAddr): boolean {
    return va >= this.layout.pageOffset && va < this.layout.pageOffset + this.linearBytes;
  }

  isVmalloc(va: VirtAddr): boolean {
    return va >= this.layout.vmallocStart && va < this.layout.vmallocEnd;
  }

  /** virt_to_page: the pfn of a linear-map address. */
  virt_to_pfn(va: VirtAddr): number {
    return Math.floor(this.virt_to_phys(va) / PAGE_SIZE);
  }

  page_address(pfn: number): VirtAddr {
    return this.phys_to_virt(pfn * PAGE_SIZE);
  }

  // ---- pages -------------------------------------------------------------------------------

  /** alloc_pages: pfn of a 2^order block, or -1. */
  alloc_pages(gfp: number, order: number): number {
    const pfn = this.buddy.allocPages(gfp, order);
    if (pfn >= 0 && gfp & __GFP_ZERO) this.machine.cpu.fill(this.page_address(pfn), 0, PAGE_SIZE << order);
    return pfn;
  }

  __free_pages(pfn: number, order: number): void {
    this.buddy.freePages(pfn, order);
  }

  /** __get_free_pages: linear VA of a 2^order block, or 0. */
  __get_free_pages(gfp: number, order: number): VirtAddr {
    const pfn = this.alloc_pages(gfp, order);
    return pfn < 0 ? 0 : this.page_address(pfn);
  }

  free_pages(va: VirtAddr, order: number): void {
    this.buddy.freePages(this.virt_to_pfn(va), order);
  }

  // ---- kmalloc -----------------------------------------------------------------------------

  kmalloc(size: number, gfp: number): VirtAddr {
    const va = this.slab.kmalloc(size, gfp);
    if (va && gfp & __GFP_ZERO) this.machine.cpu.fill(va, 0, size);
    return va;
  }

  kfree(va: VirtAddr): void {
    if (!va) return;
    if (this.slab.kfree(va) < 0) this.printk.err(`kfree: double free or invalid pointer ${va}`);
  }

  // ---- kernel mappings ---------------------------------------------------------------------

  vmap(pfns: number[], prot: PageProt, flags: number, caller: string): VirtAddr | null {
    return this.vmalloc.vmap(pfns.map((p) => p * PAGE_SIZE), prot, flags, caller);
  }

  vunmap(va: VirtAddr): void {
    this.vmalloc.vunmap(va);
  }

  /** ioremap: device registers mapped as Device memory in the vmalloc area. */
  ioremap(pa: PhysAddr, size: number): VirtAddr | null {
    const base = Math.floor(pa / PAGE_SIZE) * PAGE_SIZE;
    const pages: PhysAddr[] = [];
    for (let p = base; p < pa + size; p += PAGE_SIZE) pages.push(p);
    const va = this.vmalloc.vmap(pages, "device", VM_IOREMAP, "ioremap", PAGE_SIZE);
    return va === null ? null : va + (pa - base);
  }
}

function phys_to_virt_l(l: KernelLayout, pa: PhysAddr): VirtAddr {
  return l.pageOffset + (pa - l.physOffset);
}
