// DMA pools (mm/dmapool.c; spec dma-api §3.7): small fixed-size blocks carved from coherent
// pages, for descriptors and the like. The free lists live where Linux keeps them — inside the
// free blocks, in the coherent memory, read and written through the CPU port:
//   - 4.9: each pool page keeps its own LIFO list of block offsets (an int in the first bytes
//     of each free block); allocation scans the pages, newest first; a block is placed only if
//     the one after it would not reach the boundary (so 64-byte blocks give 63 per 4 KB page).
//   - modern (6.4 rewrite): one pool-wide LIFO list of struct dma_block { next_block; dma }
//     stored in the free blocks; a block is used iff it ends at or before the boundary.
// Pages are never returned before dma_pool_destroy; what destroy does with blocks still in use
// differs (4.9 leaks the busy pages, modern leaks every page). With slab debugging
// (DMAPOOL_DEBUG) blocks are poisoned and frees are checked. Whatever the debugging, dmasim
// warns at a free of a block not out of the pool (pool-outstanding.ts).

import type { Device } from "../kernel/device.js";
import type { DmaAddr, VirtAddr } from "../hw/address.js";
import type { CpuPort } from "../hw/machine.js";
import { dev_err } from "../kernel/dev-printk.js";
import { DUMP_PREFIX_OFFSET, print_hex_dump } from "../kernel/hexdump.js";
import { KERN_ERR } from "../kernel/printk.js";
import { PAGE_SIZE, __GFP_ZERO } from "../mm/gfp.js";
import { dma_alloc_coherent, dma_free_coherent } from "./coherent.js";
import { checkDevice, checkDmaAddr, checkVirt, checkWhole, invalid } from "./arguments.js";
import { OutstandingBlocks } from "./pool-outstanding.js";
import { EINVAL, KernelError } from "../kernel/errno.js";

const POOL_POISON_FREED = 0xa7;
const POOL_POISON_ALLOCATED = 0xa9;
const INT_MAX = 0x7fffffff;

/** struct dma_page: the cacheable header of one coherent chunk. */
interface PoolPage {
  vaddr: VirtAddr;
  dma: DmaAddr;
  /** 4.9: blocks handed out from this page. */
  inUse: number;
  /** 4.9: offset of the first free block (≥ allocation when none). */
  offset: number;
}

/** A block: the kernel's return value and *handle. */
export interface DmaPoolBlock {
  cpuAddr: VirtAddr;
  dmaAddr: DmaAddr;
}

export class DmaPool {
  /** Newest first, as list_add keeps them. */
  readonly pages: PoolPage[] = [];
  /** Modern: the head of the pool-wide free list (0 = NULL). */
  nextBlock: VirtAddr = 0;
  nrBlocks = 0;
  nrActive = 0;
  /** Pool pages by each PAGE_SIZE page of their DMA addresses: Linux's walk of the page list
   *  (pool_find_page) made a pool of thousands of pages quadratic on the host. */
  private readonly byDmaPage = new Map<number, PoolPage>();
  /** So a free Linux takes silently gets a WARNING (checkOutstanding). */
  private readonly outstanding: OutstandingBlocks;
  /** dma_pool_destroy has run. */
  destroyed = false;
  readonly modern: boolean;
  /** sizeof(void *) on this machine. */
  readonly ptrBytes: number;
  private readonly cpu: CpuPort;
  /** DMAPOOL_DEBUG: fixed at boot (DmaSubsystem.poolDebug is readonly), so read once rather than
   *  through dev.kernel.dma on every alloc and free. */
  private readonly debug: boolean;

  constructor(
    readonly name: string,
    readonly dev: Device,
    readonly size: number,
    readonly allocation: number,
    readonly boundary: number,
  ) {
    this.modern = dev.kernel.version === "modern";
    this.ptrBytes = dev.kernel.machine.profile.arch === "arm64" ? 8 : 4;
    this.cpu = dev.kernel.machine.cpu;
    this.debug = dev.kernel.dma.poolDebug;
    this.outstanding = new OutstandingBlocks(size, allocation);
  }

  get nrPages(): number {
    return this.pages.length;
  }

  // ---- memory accessors (the free list lives in the coherent blocks) ---------------------------

  private loadPtr(va: VirtAddr): number {
    return this.ptrBytes === 8 ? this.cpu.load64n(va) : this.cpu.load(va, 4);
  }

  private storePtr(va: VirtAddr, v: number): void {
    if (this.ptrBytes === 8) this.cpu.store64n(va, v);
    else this.cpu.store(va, 4, v);
  }

  // ---- pages ---------------------------------------------------------------------------------

  /** pool_alloc_page + pool_initialise_page. */
  addPage(gfp: number): boolean {
    const buf = dma_alloc_coherent(this.dev, this.allocation, gfp & ~__GFP_ZERO);
    if (!buf) return false;
    const cpu = this.dev.kernel.machine.cpu;
    const page: PoolPage = { vaddr: buf.cpuAddr, dma: buf.dmaAddr, inUse: 0, offset: 0 };
    if (this.debug) cpu.fill(page.vaddr, POOL_POISON_FREED, this.allocation);
    if (!this.modern) {
      let offset = 0;
      let nextBoundary = this.boundary;
      do {
        let next = offset + this.size;
        if (next + this.size >= nextBoundary) {
          next = nextBoundary;
          nextBoundary += this.boundary;
        }
        cpu.store(page.vaddr + offset, 4, next);
        offset = next;
      } while (offset < this.allocation);
    } else {
      let offset = 0;
      let nextBoundary = this.boundary;
      let first = 0;
      let last = 0;
      while (offset + this.size <= this.allocation) {
        if (offset + this.size > nextBoundary) {
          offset = nextBoundary;
          nextBoundary += this.boundary;
          continue;
        }
        const block = page.vaddr + offset;
        this.storePtr(block + this.ptrBytes, page.dma + offset);
        this.storePtr(block, 0);
        if (last) this.storePtr(last, block);
        else first = block;
        last = block;
        offset += this.size;
        this.nrBlocks++;
      }
      this.storePtr(last, this.nextBlock);
      this.nextBlock = first;
    }
    this.pages.unshift(page);
    for (let off = 0; off < this.allocation; off += PAGE_SIZE) this.byDmaPage.set(Math.floor((page.dma + off) / PAGE_SIZE), page);
    this.outstanding.addPage(page.vaddr);
    return true;
  }

  /** dma_pool_destroy has freed (or leaked) the pages. */
  forgetPages(): void {
    this.pages.length = 0;
    this.byDmaPage.clear();
    this.outstanding.forgetPages();
  }

  /** pool_find_page */
  findPage(dma: DmaAddr): PoolPage | undefined {
    const p = this.byDmaPage.get(Math.floor(dma / PAGE_SIZE));
    return p && dma >= p.dma && dma - p.dma < this.allocation ? p : undefined;
  }

  // ---- alloc / free --------------------------------------------------------------------------

  alloc(gfp: number, out?: DmaPoolBlock): DmaPoolBlock | null {
    let cpuAddr: VirtAddr;
    let dma: DmaAddr;
    if (this.modern) {
      if (!this.nextBlock && !this.addPage(gfp)) return null;
      cpuAddr = this.nextBlock;
      this.nextBlock = this.loadPtr(cpuAddr);
      this.nrActive++;
      dma = this.loadPtr(cpuAddr + this.ptrBytes);
    } else {
      let page: PoolPage | undefined;
      for (const p of this.pages) {
        if (p.offset < this.allocation) {
          page = p;
          break;
        }
      }
      if (!page) {
        if (!this.addPage(gfp)) return null;
        page = this.pages[0];
      }
      page.inUse++;
      const offset = page.offset;
      page.offset = this.cpu.load(page.vaddr + offset, 4) | 0;
      cpuAddr = page.vaddr + offset;
      dma = page.dma + offset;
      this.nrActive++;
    }
    this.outstanding.markOut(cpuAddr);
    if (this.debug) this.checkPoison(cpuAddr, gfp);
    if (gfp & __GFP_ZERO) this.cpu.fill(cpuAddr, 0, this.size);
    if (out) {
      out.cpuAddr = cpuAddr;
      out.dmaAddr = dma;
      return out;
    }
    return { cpuAddr, dmaAddr: dma };
  }

  /** DMAPOOL_DEBUG on allocation: a freed block must still hold the poison (beyond the free-list
   *  link) — a corrupted one is reported and hex-dumped whole; then the whole block, link included, is filled with the allocated poison unless it
   *  will be zeroed. */
  private checkPoison(block: VirtAddr, gfp: number): void {
    const cpu = this.dev.kernel.machine.cpu;
    const skip = this.modern ? 2 * this.ptrBytes : 4;
    const data = cpu.read(block, this.size);
    for (let i = skip; i < this.size; i++) {
      if (data[i] === POOL_POISON_FREED) continue;
      // Modern kernels print __func__ of the helper that checks (pool_check_block).
      dev_err(this.dev, `${this.modern ? "pool_check_block" : "dma_pool_alloc"} ${this.name}, ${this.ptr(block)} (corrupted)`);
      // The whole block, free-list link included, so the overwrite can be told from the link.
      print_hex_dump(this.dev.kernel.printk, KERN_ERR, "", DUMP_PREFIX_OFFSET, 16, data, true);
      break;
    }
    if (!(gfp & __GFP_ZERO)) cpu.fill(block, POOL_POISON_ALLOCATED, this.size);
  }

  /** %p of a block or page address. */
  ptr(va: VirtAddr): string {
    const digits = this.ptrBytes * 2;
    return (va < 0 ? BigInt(va) + (1n << 64n) : BigInt(va)).toString(16).padStart(digits, "0");
  }

  free(vaddr: VirtAddr, dma: DmaAddr): void {
    const cpu = this.cpu;
    if (this.modern) {
      if (this.debug && this.blockErr(vaddr, dma)) return;
      this.checkOutstanding(vaddr, dma);
      this.storePtr(vaddr + this.ptrBytes, dma);
      this.storePtr(vaddr, this.nextBlock);
      this.nextBlock = vaddr;
      this.nrActive--;
      return;
    }
    const page = this.findPage(dma);
    if (!page) {
      dev_err(this.dev, `dma_pool_free ${this.name}, ${this.ptr(vaddr)}/${dma.toString(16)} (bad dma)`);
      return;
    }
    const offset = vaddr - page.vaddr;
    if (this.debug) {
      if (dma - page.dma !== offset) {
        dev_err(this.dev, `dma_pool_free ${this.name}, ${this.ptr(vaddr)} (bad vaddr)/${dma.toString(16)}`);
        return;
      }
      for (let chain = page.offset; chain < this.allocation; chain = cpu.load(page.vaddr + chain, 4) | 0) {
        if (chain === offset) {
          dev_err(this.dev, `dma_pool_free ${this.name}, dma ${dma.toString(16)} already free`);
          return;
        }
      }
      cpu.fill(vaddr, POOL_POISON_FREED, this.size);
    }
    this.checkOutstanding(vaddr, dma);
    page.inUse--;
    cpu.store(vaddr, 4, page.offset);
    page.offset = offset;
    this.nrActive--;
  }

  /** Linux pushes whatever it is given onto the free list (without DMAPOOL_DEBUG, or past its
   *  checks): a block not out of this pool is then handed out twice. */
  private checkOutstanding(vaddr: VirtAddr, dma: DmaAddr): void {
    if (this.outstanding.release(vaddr)) return;
    this.dev.kernel.printk.warn(`WARNING: dma_pool_free: ${this.name}, ${this.ptr(vaddr)}/${dma.toString(16)} is not a block allocated from this pool (freed twice, or from another pool); Linux puts it on the free list, and a later dma_pool_alloc hands it out again`);
  }

  /** Modern pool_block_err (DMAPOOL_DEBUG): an unknown dma, or a block already on the list. Its
   *  reports name pool_block_err (__func__), not dma_pool_free. */
  private blockErr(vaddr: VirtAddr, dma: DmaAddr): boolean {
    if (!this.findPage(dma)) {
      dev_err(this.dev, `pool_block_err ${this.name}, ${this.ptr(vaddr)}/0x${dma.toString(16).padStart(this.ptrBytes * 2, "0")} (bad dma)`);
      return true;
    }
    for (let b = this.nextBlock; b; b = this.loadPtr(b)) {
      if (b === vaddr) {
        dev_err(this.dev, `pool_block_err ${this.name}, dma 0x${dma.toString(16).padStart(this.ptrBytes * 2, "0")} already free`);
        return true;
      }
    }
    this.dev.kernel.machine.cpu.fill(vaddr, POOL_POISON_FREED, this.size);
    return false;
  }
}

const poolsOf = new WeakMap<Device, DmaPool[]>();

/** dma_pool_create: NULL (here null) for a bad size, alignment or boundary. */
export function dma_pool_create(name: string, dev: Device | null, size: number, align: number, boundary: number): DmaPool | null {
  if (!dev) return null;
  checkDevice("dma_pool_create", dev);
  if (typeof name !== "string") invalid("dma_pool_create", "name", name, "a string");
  checkWhole("dma_pool_create", size, "size");
  checkWhole("dma_pool_create", align, "align");
  checkWhole("dma_pool_create", boundary, "boundary");
  const modern = dev.kernel.version === "modern";
  if (align === 0) align = 1;
  else if (align & (align - 1)) return null;
  if (size === 0 || (modern && size > INT_MAX) || !Number.isInteger(size) || size < 0) return null;
  const ptr = dev.kernel.machine.profile.arch === "arm64" ? 8 : 4;
  const minSize = modern ? 2 * ptr : 4;
  if (size < minSize) size = minSize;
  size = Math.ceil(size / align) * align;
  const allocation = Math.max(size, PAGE_SIZE);
  if (!boundary) boundary = allocation;
  else if (boundary < size || boundary & (boundary - 1)) return null;
  if (modern) boundary = Math.min(boundary, allocation);
  const pool = new DmaPool(name.slice(0, 31), dev, size, allocation, boundary);
  const list = poolsOf.get(dev) ?? [];
  list.unshift(pool);
  poolsOf.set(dev, list);
  return pool;
}

/** A pool a caller may use: one dma_pool_create made and dma_pool_destroy has not ended (in
 *  Linux a destroyed pool is freed memory, and its use undefined). */
function checkPool(fn: string, pool: unknown): asserts pool is DmaPool {
  if (!(pool instanceof DmaPool)) throw new KernelError(EINVAL, `${fn}: pool is not a struct dma_pool`);
  if (pool.destroyed) throw new KernelError(EINVAL, `${fn}: pool ${pool.name} was destroyed`);
}

/** dma_pool_alloc: a block and its DMA address, or null when no page could be allocated.
 *  Pass `out` to have it filled in instead of a new object. */
export function dma_pool_alloc(pool: DmaPool, gfp: number, out?: DmaPoolBlock): DmaPoolBlock | null {
  checkPool("dma_pool_alloc", pool);
  checkWhole("dma_pool_alloc", gfp, "gfp");
  return pool.alloc(gfp, out);
}

export function dma_pool_zalloc(pool: DmaPool, gfp: number, out?: DmaPoolBlock): DmaPoolBlock | null {
  checkPool("dma_pool_zalloc", pool);
  checkWhole("dma_pool_zalloc", gfp, "gfp");
  return pool.alloc(gfp | __GFP_ZERO, out);
}

export function dma_pool_free(pool: DmaPool, vaddr: VirtAddr, dma: DmaAddr): void {
  checkPool("dma_pool_free", pool);
  vaddr = checkVirt("dma_pool_free", vaddr, "vaddr");
  checkDmaAddr("dma_pool_free", dma, "dma");
  pool.free(vaddr, dma);
}

/** dma_pool_destroy: NULL is a no-op. Blocks still in use: 4.9 reports and leaks each busy
 *  page ("… busy" per page) and frees the idle ones; modern kernels report once and leak every
 *  page. */
export function dma_pool_destroy(pool: DmaPool | null): void {
  if (!pool) return;
  checkPool("dma_pool_destroy", pool);
  pool.destroyed = true;
  const list = poolsOf.get(pool.dev);
  if (list) list.splice(list.indexOf(pool), 1);
  if (pool.modern) {
    // nr_active is a size_t: a free too many wraps it, and the pool is still "busy".
    const busy = pool.nrActive !== 0;
    if (busy) dev_err(pool.dev, `dma_pool_destroy ${pool.name} busy`);
    if (!busy) for (const p of pool.pages) dma_free_coherent(pool.dev, pool.allocation, p.vaddr, p.dma);
  } else {
    for (const p of pool.pages) {
      if (p.inUse) dev_err(pool.dev, `dma_pool_destroy ${pool.name}, ${pool.ptr(p.vaddr)} busy`);
      else dma_free_coherent(pool.dev, pool.allocation, p.vaddr, p.dma);
    }
  }
  pool.forgetPages();
}

/** The device's sysfs "pools" file. The first column is unsigned in C: modern pools_show
 *  prints the size_t nr_active with %zu, 4.9 the unsigned int sum of the pages' in_use with
 *  %u, so a free too many shows as a wrapped count (2^64 - 1 on arm64), never as -1. */
export function dma_pools_show(dev: Device): string {
  const lines = ["poolinfo - 0.1"];
  for (const p of poolsOf.get(dev) ?? []) {
    const blocks = p.modern ? p.nrBlocks : p.nrPages * Math.floor(p.allocation / p.size);
    const active = BigInt.asUintN(p.modern ? p.ptrBytes * 8 : 32, BigInt(p.nrActive));
    lines.push(`${p.name.padEnd(16)} ${String(active).padStart(4)} ${String(blocks).padStart(4)} ${String(p.size).padStart(4)} ${String(p.nrPages).padStart(2)}`);
  }
  return lines.join("\n");
}
