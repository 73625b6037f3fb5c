// 32-bit ARM (ARMv7 + PL310) DMA cache maintenance (arch/arm/mm/cache-v7.S, cache-l2x0.c,
// dma-mapping.c; spec dma-api §2.2 arm32 table). The L1 is maintained by VA; the PL310 outer
// cache by physical address through its registers, one line per write, then CACHE_SYNC. The
// simulated time each operation takes is added to the DMA accounting. On cores whose L2 is
// integrated (Cortex-A7/A15/A17) there is no PL310 node, `outer` stays null, and the L1 ops by
// VA reach the L2 as well: the silicon puts both levels inside the point of coherency
// (board.ts configureMemorySystem), as DCCMVAC/DCIMVAC to PoC do on those cores.

import { DC_CLEAN, DC_CLEAN_INVAL, DC_INVAL, type Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { DmaTime } from "../dma/accounting.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, type ArchDmaOps, type DmaDirection } from "./dma-maintenance.js";

const PAGE_SIZE = 4096;

/** What maintenance needs of the page allocator to reach a highmem page (no linear address). */
export interface HighmemPages {
  PageHighMem(pfn: number): boolean;
  kmap_atomic(pfn: number): VirtAddr;
  kunmap_atomic(va: VirtAddr): void;
}

const L2X0_CACHE_SYNC = 0x730;
const L2X0_INV_LINE_PA = 0x770;
const L2X0_CLEAN_LINE_PA = 0x7b0;
const L2X0_CLEAN_INV_LINE_PA = 0x7f0;

/** The PL310 outer cache, driven through its ioremapped registers (l2c210_* range ops). */
export class OuterCache {
  constructor(
    private readonly machine: Machine,
    private readonly base: VirtAddr,
    private readonly line: number,
  ) {}

  private opRange(reg: number, start: PhysAddr, end: PhysAddr): void {
    if (start >= end) return;
    const n = Math.ceil((end - start) / this.line);
    this.machine.cpu.writeSeries(this.base + reg, start, this.line, n);
  }

  /** l2c210_sync: a write of 0 to CACHE_SYNC, which completes when the controller's buffers
   *  have drained. Also outer_cache.sync, which wmb() calls (io-barriers.ts). */
  sync(): void {
    this.machine.cpu.store(this.base + L2X0_CACHE_SYNC, 4, 0);
  }

  clean_range(start: PhysAddr, end: PhysAddr): void {
    start -= start % this.line;
    this.opRange(L2X0_CLEAN_LINE_PA, start, end);
    this.sync();
  }

  inv_range(start: PhysAddr, end: PhysAddr): void {
    const L = this.line;
    if (start % L) {
      start -= start % L;
      this.machine.cpu.store(this.base + L2X0_CLEAN_INV_LINE_PA, 4, start);
      start += L;
    }
    if (end % L) {
      end -= end % L;
      this.machine.cpu.store(this.base + L2X0_CLEAN_INV_LINE_PA, 4, end);
    }
    this.opRange(L2X0_INV_LINE_PA, start, end);
    this.sync();
  }

  flush_range(start: PhysAddr, end: PhysAddr): void {
    start -= start % this.line;
    this.opRange(L2X0_CLEAN_INV_LINE_PA, start, end);
    this.sync();
  }
}

export class ArmCache implements ArchDmaOps {
  private readonly line: number;
  /** Set once the kernel has found and mapped the PL310 (l2x0_of_init). */
  outer: OuterCache | null = null;
  /** Checks a physical range before maintenance touches any line of it (linear-guard.ts). */
  checkRange: (paddr: PhysAddr, size: number) => void = () => {};
  /** Set when RAM extends beyond lowmem: highmem pages are maintained through kmap_atomic. */
  highmem: HighmemPages | null = null;

  constructor(
    private readonly machine: Machine,
    private readonly phys_to_virt: (pa: PhysAddr) => VirtAddr,
    private readonly time: DmaTime,
    /** set_bit(PG_dcache_clean) on a page wholly handed back to the CPU. */
    private readonly markDcacheClean: (pfn: number) => void = () => {},
  ) {
    this.line = machine.cpu.lineBytes;
  }

  /** dma_cache_maint_page's walk: lowmem in one piece from its first page on; each highmem page
   *  on its own. Like Linux's do-while, there is one piece even for 0 bytes. */
  private *pieces(paddr: PhysAddr, size: number): Generator<{ pa: PhysAddr; len: number; highmem: boolean }> {
    let pfn = Math.floor(paddr / PAGE_SIZE);
    let offset = paddr % PAGE_SIZE;
    let left = size;
    do {
      let len = left;
      const highmem = this.highmem?.PageHighMem(pfn) ?? false;
      if (highmem && len + offset > PAGE_SIZE) len = PAGE_SIZE - offset;
      yield { pa: pfn * PAGE_SIZE + offset, len, highmem };
      offset = 0;
      pfn++;
      left -= len;
    } while (left > 0);
  }

  /** The range checks (linear-guard.ts) of every lowmem piece, before any line is touched. */
  private check(paddr: PhysAddr, size: number): void {
    for (const p of this.pieces(paddr, size)) if (!p.highmem) this.checkRange(p.pa, p.len);
  }

  /** The L1 op on each piece: lowmem through the linear map, a highmem page through
   *  kmap_atomic (arch/arm/mm/dma-mapping.c dma_cache_maint_page). */
  private maintainPages(paddr: PhysAddr, size: number, op: (start: VirtAddr, end: VirtAddr) => void): void {
    for (const { pa, len, highmem } of this.pieces(paddr, size)) {
      if (!highmem) {
        const va = this.phys_to_virt(pa);
        op(va, va + len);
        continue;
      }
      const hm = this.highmem!;
      const page = hm.kmap_atomic(Math.floor(pa / PAGE_SIZE));
      const va = page + (pa % PAGE_SIZE);
      op(va, va + len);
      hm.kunmap_atomic(page);
    }
  }

  private account(t0: number, size: number): void {
    this.time.maintenancePs += this.machine.now() - t0;
    this.time.maintainedBytes += size;
  }

  /** The loop tests its condition after the first DCCMVAC, so an empty range still cleans the
   *  line holding `start` (cache-v7.S); v7_dma_flush_range likewise. */
  v7_dma_clean_range(start: VirtAddr, end: VirtAddr): void {
    this.machine.cpu.dcache(DC_CLEAN, start, Math.max(end - start, 1));
    this.machine.cpu.barrier();
  }

  v7_dma_flush_range(start: VirtAddr, end: VirtAddr): void {
    this.machine.cpu.dcache(DC_CLEAN_INVAL, start, Math.max(end - start, 1));
    this.machine.cpu.barrier();
  }

  /** Partial lines at the edges are cleaned and invalidated, the start edge first. */
  v7_dma_inv_range(start: VirtAddr, end: VirtAddr): void {
    const L = this.line;
    const cpu = this.machine.cpu;
    if (start % L) {
      start -= start % L;
      cpu.dcache(DC_CLEAN_INVAL, start, 1);
      start += L;
    }
    if (end % L) {
      end -= end % L;
      cpu.dcache(DC_CLEAN_INVAL, end, 1);
    }
    if (start < end) cpu.dcache(DC_INVAL, start, end - start);
    cpu.barrier();
  }

  /** __dma_page_cpu_to_dev: L1 by VA (dmac_map_area), then the outer cache by PA. */
  syncForDevice(paddr: PhysAddr, size: number, dir: DmaDirection): void {
    this.check(paddr, size);
    const t0 = this.machine.now();
    this.maintainPages(paddr, size, (s, e) => (dir === DMA_FROM_DEVICE ? this.v7_dma_inv_range(s, e) : this.v7_dma_clean_range(s, e)));
    if (this.outer) {
      if (dir === DMA_FROM_DEVICE) this.outer.inv_range(paddr, paddr + size);
      else this.outer.clean_range(paddr, paddr + size);
    }
    this.account(t0, size);
  }

  /** __dma_page_dev_to_cpu: the outer cache first, then L1 (dmac_unmap_area); fully covered
   *  pages are marked PG_dcache_clean. */
  syncForCpu(paddr: PhysAddr, size: number, dir: DmaDirection): void {
    if (dir === DMA_TO_DEVICE) return;
    this.check(paddr, size);
    const t0 = this.machine.now();
    this.outer?.inv_range(paddr, paddr + size);
    this.maintainPages(paddr, size, (s, e) => this.v7_dma_inv_range(s, e));
    this.account(t0, size);
    if (size >= 4096) {
      let pfn = Math.floor(paddr / 4096);
      const off = paddr % 4096;
      let left = size;
      if (off) {
        pfn++;
        left -= 4096 - off;
      }
      for (; left >= 4096; left -= 4096) this.markDcacheClean(pfn++);
    }
  }

  /** dmac_flush_range + outer_flush_range. */
  flushRange(paddr: PhysAddr, size: number): void {
    this.check(paddr, size);
    const t0 = this.machine.now();
    this.maintainPages(paddr, size, (s, e) => this.v7_dma_flush_range(s, e));
    this.outer?.flush_range(paddr, paddr + size);
    this.account(t0, size);
  }

  /** dmac_clean_range + outer_clean_range. */
  cleanRange(paddr: PhysAddr, size: number): void {
    this.check(paddr, size);
    const t0 = this.machine.now();
    this.maintainPages(paddr, size, (s, e) => this.v7_dma_clean_range(s, e));
    this.outer?.clean_range(paddr, paddr + size);
    this.account(t0, size);
  }
}
