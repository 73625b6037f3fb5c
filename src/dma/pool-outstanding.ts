// dmasim's own record of the blocks a DMA pool has handed out: no Linux counterpart, not
// simulated memory, no simulated time. Linux's dma_pool_free pushes whatever it is given onto
// the free list (without DMAPOOL_DEBUG, or past its checks), so a block freed twice, one from
// another pool, or a pointer inside a block is later handed out twice; this record lets the pool
// warn at the free that does it (pool.ts).

import type { VirtAddr } from "../hw/address.js";
import { PAGE_SIZE } from "../mm/gfp.js";

/** One pool page: offset + 1 at index offset / size while a block is out. Typed and per page:
 *  a Set of addresses cost a third of dma_pool_alloc + free. */
interface OutstandingPage {
  vaddr: VirtAddr;
  out: Int32Array;
}

export class OutstandingBlocks {
  /** By each PAGE_SIZE page of a pool page's CPU addresses, so a pool of thousands of pages
   *  finds one without a walk. */
  private readonly byCpuPage = new Map<number, OutstandingPage>();
  /** The page the last block handed out or freed lies in (pageOf looks there first). */
  private lastPage: OutstandingPage | undefined;
  /** Blocks handed out that no page of the pool holds: another pool's block that a bad free
   *  put on this pool's free list. */
  private readonly foreign = new Set<VirtAddr>();

  constructor(
    private readonly size: number,
    private readonly allocation: number,
  ) {}

  /** A pool page of `allocation` bytes at `vaddr`, none of its blocks out. */
  addPage(vaddr: VirtAddr): void {
    const page: OutstandingPage = { vaddr, out: new Int32Array(Math.ceil(this.allocation / this.size)) };
    for (let off = 0; off < this.allocation; off += PAGE_SIZE) this.byCpuPage.set(Math.floor((vaddr + off) / PAGE_SIZE), page);
  }

  /** dma_pool_destroy has freed (or leaked) the pages. */
  forgetPages(): void {
    this.byCpuPage.clear();
    this.lastPage = undefined;
  }

  /** Blocks sit at least `size` apart, so offset / size names one block of its page. */
  markOut(block: VirtAddr): void {
    const page = this.pageOf(block);
    if (!page) {
      this.foreign.add(block);
      return;
    }
    const offset = block - page.vaddr;
    page.out[Math.floor(offset / this.size)] = offset + 1;
  }

  /** Whether `block` was out (it no longer is). */
  release(block: VirtAddr): boolean {
    const page = this.pageOf(block);
    if (!page) return this.foreign.delete(block);
    const offset = block - page.vaddr;
    const i = Math.floor(offset / this.size);
    if (page.out[i] !== offset + 1) return false;
    page.out[i] = 0;
    return true;
  }

  /** The pool page holding `va`, or undefined. */
  private pageOf(va: VirtAddr): OutstandingPage | undefined {
    const last = this.lastPage;
    if (last && va >= last.vaddr && va - last.vaddr < this.allocation) return last;
    const p = this.byCpuPage.get(Math.floor(va / PAGE_SIZE));
    return p && va >= p.vaddr && va - p.vaddr < this.allocation ? (this.lastPage = p) : undefined;
  }
}
