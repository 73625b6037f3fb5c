// A general-purpose special-memory allocator (lib/genalloc.c), as the DMA atomic pools use it:
// chunks of address space tracked by a bitmap of 2^min_alloc_order-byte units, allocation with
// gen_pool_first_fit_order_align (a run of n units starts at a multiple of roundup_pow_of_two(n)
// units from the chunk's start). New chunks go to the head of the chunk list, as list_add_rcu
// puts them, so the newest chunk is searched first.

import type { PhysAddr, VirtAddr } from "../hw/address.js";

interface Chunk {
  start: VirtAddr;
  phys: PhysAddr;
  size: number;
  /** One byte per unit: 1 = allocated. */
  bits: Uint8Array;
  avail: number;
}

export class GenPool {
  private readonly chunks: Chunk[] = [];
  private readonly unit: number;

  constructor(readonly minAllocOrder: number) {
    this.unit = 2 ** minAllocOrder;
  }

  /** gen_pool_add_virt */
  addVirt(start: VirtAddr, phys: PhysAddr, size: number): void {
    const n = Math.floor(size / this.unit);
    this.chunks.unshift({ start, phys, size: n * this.unit, bits: new Uint8Array(n), avail: n * this.unit });
  }

  /** gen_pool_alloc: the address of `size` bytes, or 0. */
  alloc(size: number): VirtAddr {
    if (size <= 0) return 0;
    const nr = Math.ceil(size / this.unit);
    const align = 2 ** Math.ceil(Math.log2(nr));
    for (const c of this.chunks) {
      if (c.avail < nr * this.unit) continue;
      const bits = c.bits;
      for (let i = 0; i + nr <= bits.length; i += align) {
        let free = true;
        for (let k = 0; k < nr; k++) {
          if (bits[i + k]) {
            free = false;
            break;
          }
        }
        if (!free) continue;
        bits.fill(1, i, i + nr);
        c.avail -= nr * this.unit;
        return c.start + i * this.unit;
      }
    }
    return 0;
  }

  private chunkOf(addr: VirtAddr): Chunk | undefined {
    return this.chunks.find((c) => addr >= c.start && addr < c.start + c.size);
  }

  /** gen_pool_free: returns false if the range is not (wholly) an allocation of this pool. */
  free(addr: VirtAddr, size: number): boolean {
    const c = this.chunkOf(addr);
    if (!c) return false;
    const first = Math.floor((addr - c.start) / this.unit);
    const nr = Math.ceil(size / this.unit);
    if (first + nr > c.bits.length) return false;
    for (let k = 0; k < nr; k++) if (!c.bits[first + k]) return false;
    c.bits.fill(0, first, first + nr);
    c.avail += nr * this.unit;
    return true;
  }

  /** addr_in_gen_pool */
  has(addr: VirtAddr, size: number): boolean {
    const c = this.chunkOf(addr);
    return !!c && addr + size <= c.start + c.size;
  }

  /** gen_pool_virt_to_phys */
  virtToPhys(addr: VirtAddr): PhysAddr {
    const c = this.chunkOf(addr);
    return c ? c.phys + (addr - c.start) : -1;
  }

  /** gen_pool_avail */
  get avail(): number {
    return this.chunks.reduce((n, c) => n + c.avail, 0);
  }

  /** gen_pool_size */
  get size(): number {
    return this.chunks.reduce((n, c) => n + c.size, 0);
  }
}
