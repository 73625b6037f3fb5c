// What __free_pages finds wrong with the pages it is given, and how each kernel says so: 4.9's
// free_pages_check and bad_page (mm/page_alloc.c); modern kernels check nothing without
// CONFIG_DEBUG_VM, so dmasim's own "dmasim: WARNING" lines stand in where Linux would corrupt
// its free lists in silence. buddy.ts does the freeing; these functions only read the memmap
// and word the lines.

import type { KernelVersion } from "./layout.js";
import type { Block, MemSections } from "./mem-section.js";

const pfnName = (pfn: number) => pfn.toString(16).padStart(5, "0");

/** An order no allocation can have (negative, fractional, MAX_ORDER or more). */
export function badOrderWarning(pfn: number, order: number): string {
  return `dmasim: WARNING: __free_pages: pfn:${pfnName(pfn)} freed at order ${order}, which no allocation has; nothing freed`;
}

/** pfn_to_page of a pfn without a memmap points past it: Linux writes into whatever lies
 *  there. dmasim has nothing to write into. */
export function notRamWarning(pfn: number): string {
  return `dmasim: WARNING: __free_pages: pfn:${pfnName(pfn)} is not RAM, so it has no struct page; Linux would corrupt the memory its struct page address points at; nothing freed`;
}

/** put_page_testzero took the head page's count below zero: a double free, or a free of a page
 *  that is not a block's head (its count was 0). Linux is silent there; dmasim names what the
 *  page is. */
export function overFreeWarning(memmap: MemSections, pfn: number, order: number, count: number): string {
  const b = memmap.blockAt(pfn);
  const what = !b ? "a page the page allocator never managed"
    : b.free ? "a free page (double free)"
    : b.head === pfn ? "a block whose reference was already dropped"
    : `a tail page of the order-${b.order} block at pfn:${pfnName(b.head)}`;
  return `dmasim: WARNING: __free_pages: pfn:${pfnName(pfn)} order ${order} is ${what}: its refcount is now ${count}; Linux (without CONFIG_DEBUG_VM) says nothing`;
}

/** The blocks [pfn, pfn + 2^order) holds, for the allocator to take back whatever allocations
 *  they are (4.9 __free_pages_ok / free_hot_cold_page, modern __free_frozen_pages), or
 *  undefined when nothing may be freed; either way each problem is reported through `warn`.
 *  A block freed at a smaller order than it was allocated at keeps the rest allocated, out of
 *  reach (leaked); a larger order frees other allocations' pages too. A range holding pages
 *  that are already free: 4.9's free_pages_check finds each free block's head (PageBuddy is a
 *  nonzero mapcount), bad_page reports it, naming current->comm (`comm`; 4.9 prints no pid),
 *  and nothing is freed; modern kernels check nothing
 *  and list those pages twice, which dmasim refuses to do. */
export function blocksToFree(
  memmap: MemSections,
  pfn: number,
  order: number,
  version: KernelVersion,
  warn: (msg: string) => void,
  comm: string,
): Block[] | undefined {
  const size = 2 ** order;
  const s = memmap.section(pfn)!;
  if (pfn % size !== 0 || pfn + size > s.endPfn) {
    warn(`dmasim: WARNING: __free_pages: pfn:${pfnName(pfn)} is not the start of an order-${order} block of RAM; Linux's buddy merging would corrupt the free lists; nothing freed`);
    return undefined;
  }
  const blocks: Block[] = [];
  const bad: { pfn: number; reason: string }[] = [];
  for (let p = pfn; p < pfn + size; ) {
    const b = memmap.blockAt(p);
    if (!b) {
      bad.push({ pfn: p, reason: "PAGE_FLAGS_CHECK_AT_FREE flag(s) set" });
      p++;
      continue;
    }
    if (b.free && b.head >= pfn) bad.push({ pfn: b.head, reason: "nonzero mapcount" });
    blocks.push(b);
    p = b.head + 2 ** b.order;
  }
  if (bad.length || blocks.some((b) => b.free)) {
    if (version === "v4.9" && bad.length) {
      for (const b of bad) {
        warn(`BUG: Bad page state in process ${comm}  pfn:${pfnName(b.pfn)}`);
        warn(`page dumped because: ${b.reason}`);
      }
    } else {
      warn(`dmasim: WARNING: __free_pages: pfn:${pfnName(pfn)} order ${order} holds pages that are free or were never the page allocator's; Linux would put them on its free lists a second time; nothing freed`);
    }
    return undefined;
  }
  const first = blocks[0];
  if (blocks.length > 1 || first.order > order) {
    const leaked = first.order > order ? 2 ** first.order - size : 0;
    warn(leaked
      ? `dmasim: WARNING: __free_pages: pfn:${pfnName(pfn)} freed at order ${order} but allocated at order ${first.order}: the other ${leaked} pages stay allocated and nothing can free them (leaked)`
      : `dmasim: WARNING: __free_pages: pfn:${pfnName(pfn)} freed at order ${order} but allocated at order ${first.order}: the ${size - 2 ** first.order} pages after it are freed from under the allocations that hold them`);
  }
  return blocks;
}
