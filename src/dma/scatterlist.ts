// Scatterlists (include/linux/scatterlist.h, lib/scatterlist.c; spec dma-api §1.5): arrays of
// entries, each naming a page (a pfn here) or a kernel virtual buffer, an offset and a length,
// plus the DMA address and length the mapping fills in. An entry's page_link flags mark the
// end of the list (SG_END) or a chain entry pointing to the next array (SG_CHAIN).

import type { DmaAddr, PhysAddr, VirtAddr } from "../hw/address.js";
import type { MemoryManager } from "../mm/mm.js";
import { PAGE_SIZE } from "../mm/gfp.js";
import { checkSize, checkVirt, checkWhole, invalid } from "./arguments.js";

export const SG_CHAIN = 0x1;
export const SG_END = 0x2;

export class Scatterlist {
  /** SG_CHAIN / SG_END. */
  page_link = 0;
  /** The page (a pfn), or -1 when the entry was set from a virtual address. */
  page = -1;
  /** sg_set_buf's buffer (its page is found through the linear map at mapping time). */
  buf: VirtAddr = 0;
  offset = 0;
  length = 0;
  dma_address: DmaAddr = 0;
  dma_length = 0;
  /** For a chain entry: the array it continues into. */
  chain: Scatterlist[] | null = null;
  /** Where this entry lives, for sg_next. */
  array: Scatterlist[] = [];
  index = 0;
}

/** Allocates an array of `n` initialised entries (what `struct scatterlist sgl[n]` plus
 *  sg_init_table gives in C). */
export function sg_alloc(n: number): Scatterlist[] {
  const sgl = Array.from({ length: n }, () => new Scatterlist());
  sg_init_table(sgl, n);
  return sgl;
}

/** sg_init_table: clears `nents` entries and marks the last as the end. */
export function sg_init_table(sgl: Scatterlist[], nents: number): void {
  for (let i = 0; i < nents; i++) {
    const s = sgl[i] ?? (sgl[i] = new Scatterlist());
    Object.assign(s, { page_link: 0, page: -1, buf: 0, offset: 0, length: 0, dma_address: 0, dma_length: 0, chain: null });
    s.array = sgl;
    s.index = i;
  }
  if (nents > 0) sg_mark_end(sgl[nents - 1]);
}

export function sg_mark_end(sg: Scatterlist): void {
  sg.page_link = (sg.page_link | SG_END) & ~SG_CHAIN;
}

export function sg_unmark_end(sg: Scatterlist): void {
  sg.page_link &= ~SG_END;
}

/** `struct scatterlist *`: an entry of a list sg_alloc or sg_init_table made. */
function checkEntry(fn: string, sg: unknown): asserts sg is Scatterlist {
  if (!(sg instanceof Scatterlist)) invalid(fn, "sg", sg, "a struct scatterlist");
}

/** sg_set_page */
export function sg_set_page(sg: Scatterlist, page: number, len: number, offset: number): void {
  checkEntry("sg_set_page", sg);
  checkWhole("sg_set_page", page, "page");
  checkSize("sg_set_page", len, "len");
  checkWhole("sg_set_page", offset, "offset");
  sg.page = page;
  sg.buf = 0;
  sg.offset = offset;
  sg.length = len;
}

/** sg_set_buf: the page of `buf` (found at mapping time), its offset in the page, `buflen`. */
export function sg_set_buf(sg: Scatterlist, buf: VirtAddr, buflen: number): void {
  checkEntry("sg_set_buf", sg);
  buf = checkVirt("sg_set_buf", buf, "buf");
  checkSize("sg_set_buf", buflen, "buflen");
  sg.page = -1;
  sg.buf = buf;
  sg.offset = ((buf % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE;
  sg.length = buflen;
}

/** sg_chain: turns entry prv_nents-1 of `prv` into a link to `sgl`. */
export function sg_chain(prv: Scatterlist[], prv_nents: number, sgl: Scatterlist[]): void {
  const c = prv[prv_nents - 1];
  c.page_link = SG_CHAIN;
  c.chain = sgl;
  c.length = 0;
  c.offset = 0;
}

/** sg_next: the next entry, following a chain link; null after the end. */
export function sg_next(sg: Scatterlist): Scatterlist | null {
  if (sg.page_link & SG_END) return null;
  let n: Scatterlist | undefined = sg.array[sg.index + 1];
  if (n && n.page_link & SG_CHAIN) n = n.chain?.[0];
  return n ?? null;
}

/** for_each_sg(sglist, sg, nr, i) */
export function for_each_sg(sgl: Scatterlist[] | Scatterlist, nents: number, fn: (sg: Scatterlist, i: number) => void): void {
  let sg: Scatterlist | null = Array.isArray(sgl) ? sgl[0] : sgl;
  if (sg && sg.page_link & SG_CHAIN) sg = sg.chain?.[0] ?? null;
  for (let i = 0; i < nents && sg; i++, sg = sg_next(sg)) fn(sg, i);
}

/** sg_nents: entries up to and including the end mark. */
export function sg_nents(sgl: Scatterlist[]): number {
  let n = 0;
  for (let sg: Scatterlist | null = sgl[0]; sg; sg = sg_next(sg)) n++;
  return n;
}

export function sg_dma_address(sg: Scatterlist): DmaAddr {
  return sg.dma_address;
}

export function sg_dma_len(sg: Scatterlist): number {
  return sg.dma_length;
}

/** sg_page as a pfn, resolving sg_set_buf entries through the linear map. */
export function sg_page(sg: Scatterlist, mm: MemoryManager): number {
  return sg.page >= 0 ? sg.page : mm.virt_to_pfn(sg.buf - sg.offset);
}

/** sg_phys */
export function sg_phys(sg: Scatterlist, mm: MemoryManager): PhysAddr {
  return sg_page(sg, mm) * PAGE_SIZE + sg.offset;
}

/** sg_virt: the entry's kernel address (0 for a highmem page). */
export function sg_virt(sg: Scatterlist, mm: MemoryManager): VirtAddr {
  if (sg.page < 0) return sg.buf;
  const base = mm.page_address(sg.page);
  return base ? base + sg.offset : 0;
}

/** struct sg_table: the list, the entries it holds (orig_nents) and, once mapped, the DMA
 *  segments (nents). */
export interface SgTable {
  sgl: Scatterlist[];
  orig_nents: number;
  nents: number;
}

/** lib/scatterlist.c's UINT_MAX max_segment, ALIGN_DOWN to a page: an entry's length is 32 bits. */
const SG_MAX_SEGMENT = 0x100000000 - PAGE_SIZE;

/** sg_alloc_table_from_pages(sgt, pages, n_pages, offset, size, gfp): one entry per run of
 *  physically contiguous pages (each pfn one more than the last), starting `offset` bytes into the
 *  first page and covering `size` bytes. -EINVAL (as a KernelError) for no pages, or an offset
 *  and size the pages do not hold (Linux leaves the tail unmapped then, without a word). */
export function sg_alloc_table_from_pages(pages: readonly number[], n_pages: number, offset: number, size: number): SgTable {
  const fn = "sg_alloc_table_from_pages";
  if (!Array.isArray(pages)) invalid(fn, "pages", pages, "an array of pages (pfns)");
  checkWhole(fn, n_pages, "n_pages");
  checkWhole(fn, offset, "offset");
  checkSize(fn, size, "size");
  if (n_pages === 0 || n_pages > pages.length) invalid(fn, "n_pages", n_pages, `1 to the ${pages.length} pages given`);
  for (let i = 0; i < n_pages; i++) checkWhole(fn, pages[i], `pages[${i}]`);
  if (size === 0 || offset >= PAGE_SIZE || offset + size > n_pages * PAGE_SIZE) invalid(fn, "size", size, `bytes the ${n_pages} pages hold from offset ${offset}`);
  // Runs of consecutive pfns, each at most SG_MAX_SEGMENT bytes.
  const runs: [first: number, count: number][] = [];
  for (let i = 0; i < n_pages; i++) {
    const last = runs[runs.length - 1];
    if (last && pages[i] === pages[i - 1] + 1 && (last[1] + 1) * PAGE_SIZE <= SG_MAX_SEGMENT) last[1]++;
    else runs.push([i, 1]);
  }
  const sgl = sg_alloc(runs.length);
  let left = size;
  runs.forEach(([first, count], k) => {
    const chunk = Math.min(left, count * PAGE_SIZE - offset);
    sg_set_page(sgl[k], pages[first], chunk, offset);
    left -= chunk;
    offset = 0;
  });
  return { sgl, orig_nents: runs.length, nents: runs.length };
}

/** sg_free_table: the entries are the garbage collector's; the table is left empty. */
export function sg_free_table(sgt: SgTable): void {
  sgt.sgl = [];
  sgt.orig_nents = 0;
  sgt.nents = 0;
}
