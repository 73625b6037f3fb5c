// arm64 D-cache range maintenance to the point of coherency (arch/arm64/mm/cache.S) and the DMA
// hooks built on it (spec dma-api §2.2, mmu-cache §4.3). Ranges are linear-map VAs; every
// operation ends with a DSB. The simulated time each takes is added to the DMA accounting.

import { DC_CLEAN, DC_CLEAN_INVAL, DC_INVAL, type DcacheOp, type Machine } from "../hw/machine.js";
import type { PhysAddr, VirtAddr } from "../hw/address.js";
import type { KernelVersion } from "../mm/layout.js";
import type { DmaTime } from "../dma/accounting.js";
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, type ArchDmaOps, type DmaDirection } from "./dma-maintenance.js";

export interface Arm64CacheOptions {
  /** ARM64_WORKAROUND_CLEAN_CACHE (early Cortex-A53): every clean is issued as DC CIVAC. */
  workaroundCleanCache?: boolean;
}

/** The offset of `va` in its `line`-byte line (0 ≤ offset < line; kernel VAs are negative
 *  numbers). Not `%`: a VA is a double to V8, whose `%` on doubles calls out to fmod. */
function lineOffset(va: VirtAddr, line: number): number {
  return va - Math.floor(va / line) * line;
}

export class Arm64Cache implements ArchDmaOps {
  private readonly line: number;
  private readonly clean: DcacheOp;
  /** Checks a physical range before maintenance touches any line of it (linear-guard.ts). */
  checkRange: (paddr: PhysAddr, size: number) => void = () => {};

  constructor(
    private readonly machine: Machine,
    private readonly version: KernelVersion,
    private readonly phys_to_virt: (pa: PhysAddr) => VirtAddr,
    private readonly time: DmaTime,
    opts: Arm64CacheOptions = {},
  ) {
    this.line = machine.cpu.lineBytes;
    this.clean = opts.workaroundCleanCache ? DC_CLEAN_INVAL : DC_CLEAN;
  }

  /** dcache_clean_poc / __dma_clean_area: DC CVAC on every line the range touches, DSB. The
   *  loop (dcache_by_line_op) tests its condition after the first DC, so an empty range still
   *  cleans the line holding `start`. */
  dcache_clean_poc(start: VirtAddr, end: VirtAddr): void {
    this.machine.cpu.dcache(this.clean, start, Math.max(end - start, 1));
    this.machine.cpu.barrier();
  }

  /** dcache_clean_inval_poc / __dma_flush_area: DC CIVAC on every line (at least one), DSB. */
  dcache_clean_inval_poc(start: VirtAddr, end: VirtAddr): void {
    this.machine.cpu.dcache(DC_CLEAN_INVAL, start, Math.max(end - start, 1));
    this.machine.cpu.barrier();
  }

  /** dcache_inval_poc / __inval_cache_range: partial lines at either end are cleaned and
   *  invalidated (never discarded), whole lines in between invalidated. */
  dcache_inval_poc(start: VirtAddr, end: VirtAddr): void {
    const L = this.line;
    const cpu = this.machine.cpu;
    if (lineOffset(end, L)) {
      end -= lineOffset(end, L);
      cpu.dcache(DC_CLEAN_INVAL, end, 1);
    }
    if (lineOffset(start, L)) {
      start -= lineOffset(start, L);
      cpu.dcache(DC_CLEAN_INVAL, start, 1);
      start += L;
    } else if (start >= end) {
      cpu.dcache(DC_INVAL, start, 1); // the loop body runs once before its test
    }
    if (start < end) cpu.dcache(DC_INVAL, start, end - start);
    cpu.barrier();
  }

  /** __dma_map_area (4.9) / arch_sync_dma_for_device (modern). */
  syncForDevice(paddr: PhysAddr, size: number, dir: DmaDirection): void {
    this.checkRange(paddr, size);
    const t0 = this.machine.now();
    const start = this.phys_to_virt(paddr);
    // 4.9 __dma_map_area invalidated FROM_DEVICE buffers; since 5.19 every direction is cleaned.
    if (this.version === "v4.9" && dir === DMA_FROM_DEVICE) this.dcache_inval_poc(start, start + size);
    else this.dcache_clean_poc(start, start + size);
    this.account(t0, size);
  }

  /** __dma_unmap_area (4.9) / arch_sync_dma_for_cpu (modern): nothing for TO_DEVICE. */
  syncForCpu(paddr: PhysAddr, size: number, dir: DmaDirection): void {
    if (dir === DMA_TO_DEVICE) return;
    this.checkRange(paddr, size);
    const t0 = this.machine.now();
    const start = this.phys_to_virt(paddr);
    this.dcache_inval_poc(start, start + size);
    this.account(t0, size);
  }

  flushRange(paddr: PhysAddr, size: number): void {
    this.checkRange(paddr, size);
    const t0 = this.machine.now();
    const start = this.phys_to_virt(paddr);
    this.dcache_clean_inval_poc(start, start + size);
    this.account(t0, size);
  }

  cleanRange(paddr: PhysAddr, size: number): void {
    this.checkRange(paddr, size);
    const t0 = this.machine.now();
    const start = this.phys_to_virt(paddr);
    this.dcache_clean_poc(start, start + size);
    this.account(t0, size);
  }

  private account(t0: number, size: number): void {
    this.time.maintenancePs += this.machine.now() - t0;
    this.time.maintainedBytes += size;
  }
}
