// Buddy allocator behaviour worked out by hand from mm/page_alloc.c's rules (spec dma-api §7.2).

import { describe, expect, it } from "vitest";
import { BuddyAllocator, MAX_ORDER } from "../../src/mm/buddy.js";
import { createSystem } from "../../src/create.js";
import { GFP_ATOMIC, GFP_KERNEL, GFP_DMA, GFP_DMA32, __GFP_HIGHMEM, __GFP_NOFAIL, __GFP_NOWARN, __GFP_ZERO, get_order } from "../../src/mm/gfp.js";

function buddy(pages = 1024, start = 0) {
  const b = new BuddyAllocator([{ name: "Normal", startPfn: start, endPfn: start + pages }]);
  b.addFreeRange(start, start + pages);
  return b;
}

describe("buddy allocator", () => {
  it("frees boot memory as maximal aligned blocks", () => {
    const b = buddy(1024 + 3);
    // 1027 pages from pfn 0: one order-10 block, then 1024..1025 (order 1), 1026 (order 0).
    expect(b.zones[0].counts[10]).toBe(1);
    expect(b.zones[0].counts[1]).toBe(1);
    expect(b.zones[0].counts[0]).toBe(1);
    expect(b.freePageCount).toBe(1027);
  });

  it("splits the smallest block that fits, keeping the lower half", () => {
    const b = buddy(1024);
    expect(b.allocPages(GFP_KERNEL, 0)).toBe(0);
    // The order-10 block split down to order 0: one free block at each order 0..9.
    for (let o = 0; o < 10; o++) expect(b.zones[0].counts[o]).toBe(1);
    expect(b.allocPages(GFP_KERNEL, 0)).toBe(1);
    expect(b.allocPages(GFP_KERNEL, 2)).toBe(4);
    expect(b.allocPages(GFP_KERNEL, 1)).toBe(2);
  });

  it("returns naturally aligned blocks", () => {
    const b = buddy(1024);
    b.allocPages(GFP_KERNEL, 0);
    expect(b.allocPages(GFP_KERNEL, 3) % 8).toBe(0);
    expect(b.allocPages(GFP_KERNEL, 5) % 32).toBe(0);
  });

  it("merges buddies back into the original block", () => {
    const b = buddy(1024);
    const p = [b.allocPages(GFP_KERNEL, 0), b.allocPages(GFP_KERNEL, 0), b.allocPages(GFP_KERNEL, 1)];
    expect(p).toEqual([0, 1, 2]);
    b.freePages(1, 0);
    b.freePages(0, 0);
    b.freePages(2, 1);
    expect(b.zones[0].counts[10]).toBe(1);
    expect(b.freePageCount).toBe(1024);
  });

  it("fails a large order when memory is fragmented although enough pages are free", () => {
    const b = buddy(64);
    const pages: number[] = [];
    for (let i = 0; i < 64; i++) pages.push(b.allocPages(GFP_KERNEL, 0));
    for (let i = 0; i < 64; i += 2) b.freePages(pages[i], 0);
    expect(b.freePageCount).toBe(32);
    expect(b.allocPages(GFP_KERNEL | __GFP_NOWARN, 1)).toBe(-1);
  });

  it("rejects orders at or above MAX_ORDER and bad frees, with a warning", () => {
    const b = buddy(1024);
    const warnings: string[] = [];
    b.onWarn = (m) => warnings.push(m);
    expect(b.allocPages(GFP_KERNEL, MAX_ORDER)).toBe(-1);
    expect(b.freePages(5, 0)).toBe(false);
    expect(warnings.length).toBe(2);
    expect(warnings[1]).toMatch(/__free_pages: pfn:00005 order 0 is a free page \(double free\): its refcount is now -1/);
  });

  it("names the gfp mode of a failure as %pGg does: composites first, then the bits left", () => {
    const b = new BuddyAllocator([{ name: "DMA", startPfn: 0, endPfn: 16 }, { name: "Normal", startPfn: 16, endPfn: 32 }]);
    b.addFreeRange(0, 32);
    const warnings: string[] = [];
    b.onWarn = (m) => warnings.push(m);
    expect(b.allocPages(GFP_KERNEL | GFP_DMA, 5)).toBe(-1);
    expect(b.allocPages(GFP_KERNEL | __GFP_ZERO | __GFP_HIGHMEM, 6)).toBe(-1);
    expect(warnings).toEqual([
      "dmasim: page allocation failure: order:5, mode:0x24000c1(GFP_KERNEL|GFP_DMA)",
      "dmasim: page allocation failure: order:6, mode:0x24080c2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO)",
    ]);
  });

  it("keeps GFP_DMA requests in ZONE_DMA and lets others fall back to it", () => {
    const b = new BuddyAllocator([{ name: "DMA", startPfn: 0, endPfn: 16 }, { name: "Normal", startPfn: 16, endPfn: 32 }]);
    b.addFreeRange(0, 32);
    expect(b.allocPages(GFP_DMA, 0)).toBeLessThan(16);
    expect(b.allocPages(GFP_KERNEL, 4)).toBe(16);
    expect(b.allocPages(GFP_KERNEL, 0)).toBeLessThan(16); // Normal exhausted: falls back to DMA
  });

  it("computes get_order as the kernel does", () => {
    expect([1, 4096, 4097, 8192, 8193, 1 << 20].map(get_order)).toEqual([0, 0, 1, 1, 2, 8]);
  });
});

describe("zones, GFP flags and the memmap", () => {
  it("maps a zone modifier the kernel was not configured with to ZONE_NORMAL (gfp_zone)", () => {
    // 4.9 arm64 has ZONE_DMA but no ZONE_DMA32: __GFP_DMA32 falls to Normal first.
    const b = new BuddyAllocator(
      [{ name: "DMA", startPfn: 0, endPfn: 16 }, { name: "Normal", startPfn: 16, endPfn: 32 }],
      undefined,
      ["DMA", "Normal"],
    );
    b.addFreeRange(0, 32);
    expect(b.allocPages(GFP_DMA32, 0)).toBeGreaterThanOrEqual(16);
    // With ZONE_DMA32 configured (but empty) the same request stays below it.
    const m = new BuddyAllocator(
      [{ name: "DMA", startPfn: 0, endPfn: 16 }, { name: "Normal", startPfn: 16, endPfn: 32 }],
      undefined,
      ["DMA", "DMA32", "Normal"],
    );
    m.addFreeRange(0, 32);
    expect(m.allocPages(GFP_DMA32, 0)).toBeLessThan(16);
  });

  it("GFP_DMA never leaves ZONE_DMA; GFP_DMA32 falls back to ZONE_DMA, never up to Normal", () => {
    const b = new BuddyAllocator([
      { name: "DMA", startPfn: 0, endPfn: 16 },
      { name: "DMA32", startPfn: 16, endPfn: 32 },
      { name: "Normal", startPfn: 32, endPfn: 64 },
    ]);
    b.addFreeRange(0, 64);
    for (let i = 0; i < 16; i++) expect(b.allocPages(GFP_DMA, 0)).toBeLessThan(16);
    // ZONE_DMA is used up: the zonelist of a GFP_DMA request holds ZONE_DMA alone.
    expect(b.allocPages(GFP_DMA | __GFP_NOWARN, 0)).toBe(-1);
    for (let i = 0; i < 16; i++) expect(b.allocPages(GFP_DMA32, 0)).toBeLessThan(32);
    expect(b.allocPages(GFP_DMA32 | __GFP_NOWARN, 0)).toBe(-1);
    b.freePages(3, 0);
    expect(b.allocPages(GFP_DMA32, 0)).toBe(3);
    expect(b.freePageCount).toBe(32); // Normal untouched
  });

  it("keeps a memmap only for the banks, so a hole costs nothing and is never handed out", () => {
    // Two banks 2^24 pages apart (64 GB of hole), both in Normal.
    const far = 1 << 24;
    const b = new BuddyAllocator([{ name: "Normal", startPfn: 0, endPfn: far + 64 }], [{ startPfn: 0, endPfn: 64 }, { startPfn: far, endPfn: far + 64 }]);
    b.addFreeRange(0, 64);
    b.addFreeRange(far, far + 64);
    expect(b.freePageCount).toBe(128);
    const got = new Set<number>();
    for (let i = 0; i < 4; i++) got.add(b.allocPages(GFP_KERNEL, 5));
    expect([...got].sort((x, y) => x - y)).toEqual([0, 32, far, far + 32]);
    expect(b.allocPages(GFP_KERNEL | __GFP_NOWARN, 0)).toBe(-1);
    expect(b.pfnValid(far - 1)).toBe(false);
  });

  it("never merges a block across a zone boundary", () => {
    // 0..7 DMA, 8..15 Normal: an order-4 block would straddle them.
    const b = new BuddyAllocator([{ name: "DMA", startPfn: 0, endPfn: 8 }, { name: "Normal", startPfn: 8, endPfn: 16 }]);
    b.addFreeRange(0, 16);
    expect(b.zones[0].counts[3]).toBe(1);
    expect(b.zones[1].counts[3]).toBe(1);
    expect(b.zones[0].counts[4]).toBe(0);
  });

  it("prints /proc/buddyinfo as mm/vmstat.c does, populated zones only", () => {
    const b = new BuddyAllocator([{ name: "DMA", startPfn: 0, endPfn: 1024 }, { name: "Normal", startPfn: 1024, endPfn: 1024 }]);
    b.addFreeRange(0, 1024);
    b.allocPages(GFP_KERNEL, 0);
    const counts = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0].map((c) => String(c).padStart(6) + " ").join("");
    expect(b.buddyinfo()).toBe(`Node 0, zone      DMA ${counts}`);
  });

  it("splits a block into single pages and frees the tail (arm's __dma_alloc_buffer)", () => {
    const b = buddy(16);
    const pfn = b.allocPages(GFP_KERNEL, 2); // pages 0..3
    b.splitAndTrim(pfn, 2, 3);
    expect(b.freePageCount).toBe(16 - 3);
    expect(b.allocatedOrder(pfn + 3)).toBe(-1);
    expect(b.allocatedOrder(pfn + 1)).toBe(0);
    expect(b.freePages(pfn + 1, 0)).toBe(true);
    expect(b.freePages(pfn, 2)).toBe(false); // no longer an order-2 block
  });

  it("answers a fractional order as an order above MAX_ORDER: NULL and the once-only WARN", () => {
    const b = buddy(1024);
    const warnings: string[] = [];
    b.onWarn = (m) => warnings.push(m);
    expect(b.allocPages(GFP_KERNEL, 1.5)).toBe(-1);
    expect(b.allocPages(GFP_KERNEL, -1)).toBe(-1);
    expect(warnings).toEqual(["WARNING: mm/page_alloc.c: __alloc_pages: order 1.5 > MAX_PAGE_ORDER (10)"]);
    expect(b.freePageCount).toBe(1024);
  });

  for (const version of ["modern", "v4.9"] as const) {
    it(`${version}: warns once about __GFP_NOFAIL above order 1 and from a caller that cannot sleep`, () => {
      const b = new BuddyAllocator([{ name: "Normal", startPfn: 0, endPfn: 16 }], undefined, undefined, version);
      b.addFreeRange(0, 16);
      const warnings: string[] = [];
      b.onWarn = (m) => warnings.push(m);
      // Order 1 is allowed; order 2 and above WARN_ON_ONCE in rmqueue, and still succeed.
      expect(b.allocPages(GFP_KERNEL | __GFP_NOFAIL, 1)).toBe(0);
      expect(b.allocPages(GFP_KERNEL | __GFP_NOFAIL, 2)).toBe(4);
      expect(b.allocPages(GFP_KERNEL | __GFP_NOFAIL, 2)).toBe(8);
      const rmqueue = version === "v4.9" ? "buffered_rmqueue" : "rmqueue";
      expect(warnings).toEqual([`WARNING: mm/page_alloc.c: ${rmqueue}: WARN_ON_ONCE((gfp_flags & __GFP_NOFAIL) && (order > 1))`]);
      warnings.length = 0;
      // 16 pages: 2 + 4 + 4 taken; pfns 2-3 and 12-15 free, so no order-3 block is left.
      expect(b.allocPages(GFP_ATOMIC | __GFP_NOFAIL | __GFP_NOWARN, 3)).toBe(-1);
      expect(b.allocPages(GFP_ATOMIC | __GFP_NOFAIL | __GFP_NOWARN, 3)).toBe(-1);
      expect(warnings).toEqual([version === "v4.9"
        ? "WARNING: mm/page_alloc.c: __alloc_pages_slowpath: WARN_ON_ONCE(!can_direct_reclaim)"
        : "WARNING: mm/page_alloc.c: __alloc_pages_slowpath: WARN_ON_ONCE_GFP(!can_direct_reclaim, gfp_mask)"]);
      warnings.length = 0;
      expect(b.allocPages(GFP_KERNEL | __GFP_NOFAIL | __GFP_NOWARN, 3)).toBe(-1);
      expect(warnings).toEqual(["dmasim: __GFP_NOFAIL allocation of order 3 cannot succeed: Linux would retry it forever"]);
    });
  }
});

// __free_pages misuse, from mm/page_alloc.c without CONFIG_DEBUG_VM: 4.9 `if
// (put_page_testzero(page)) { order == 0 ? free_hot_cold_page : __free_pages_ok }`; modern (6.x)
// adds `else if (!head) while (order-- > 0) free_the_page(page + (1 << order), order)`. 4.9's
// __free_pages_ok runs free_pages_check on every page, and bad_page prints
// "BUG: Bad page state in process %s  pfn:%05lx".
describe("__free_pages misuse", () => {
  function versioned(version: "v4.9" | "modern", pages = 64) {
    const b = new BuddyAllocator([{ name: "Normal", startPfn: 0, endPfn: pages }], undefined, undefined, version);
    b.addFreeRange(0, pages);
    const warnings: string[] = [];
    b.onWarn = (m) => warnings.push(m);
    return { b, warnings };
  }
  /** Every page handed out once: no pfn may come back twice. */
  function drain(b: BuddyAllocator): number[] {
    const got: number[] = [];
    for (let p = b.allocPages(GFP_KERNEL | __GFP_NOWARN, 0); p >= 0; p = b.allocPages(GFP_KERNEL | __GFP_NOWARN, 0)) got.push(p);
    return got;
  }

  for (const version of ["v4.9", "modern"] as const) {
    it(`${version}: a double free of an order-0 page drops its count to -1 and frees nothing`, () => {
      const { b, warnings } = versioned(version);
      const p = b.allocPages(GFP_KERNEL, 0);
      expect(b.freePages(p, 0)).toBe(true);
      expect(b.freePages(p, 0)).toBe(false);
      expect(b.freePageCount).toBe(64);
      expect(warnings).toEqual([`dmasim: WARNING: __free_pages: pfn:00000 order 0 is a free page (double free): its refcount is now -1; Linux (without CONFIG_DEBUG_VM) says nothing`]);
      const got = drain(b);
      expect(got.length).toBe(64);
      expect(new Set(got).size).toBe(64);
    });

    it(`${version}: a too-small order frees the first pages and leaks the rest for good`, () => {
      const { b, warnings } = versioned(version);
      const p = b.allocPages(GFP_KERNEL, 2); // pfn 0..3
      expect(b.freePages(p, 0)).toBe(true);
      expect(b.freePageCount).toBe(64 - 3);
      expect(warnings[0]).toMatch(/pfn:00000 freed at order 0 but allocated at order 2: the other 3 pages stay allocated/);
      // The other pages are tails with a count of 0: freeing one drops it to -1.
      expect(b.freePages(p + 1, 0)).toBe(false);
      expect(b.freePageCount).toBe(64 - 3);
      expect(drain(b).sort((x, y) => x - y)).toEqual([0, ...Array.from({ length: 60 }, (_, k) => k + 4)]);
    });

    it(`${version}: a pfn outside RAM frees nothing`, () => {
      const { b, warnings } = versioned(version);
      expect(b.freePages(0x12345, 0)).toBe(false);
      expect(b.freePageCount).toBe(64);
      expect(warnings[0]).toMatch(/pfn:12345 is not RAM/);
    });
  }

  it("a too-large order frees the next allocation's pages as well", () => {
    const { b, warnings } = versioned("modern");
    expect(b.allocPages(GFP_KERNEL, 0)).toBe(0);
    expect(b.allocPages(GFP_KERNEL, 0)).toBe(1);
    expect(b.freePages(0, 1)).toBe(true);
    expect(b.freePageCount).toBe(64);
    expect(warnings[0]).toMatch(/pfn:00000 freed at order 1 but allocated at order 0: the 1 pages after it are freed/);
    expect(b.freePages(1, 0)).toBe(false); // its owner's free is now a double free
    expect(new Set(drain(b)).size).toBe(64);
  });

  it("v4.9: a too-large order over a free page is a bad page state and frees nothing", () => {
    const { b, warnings } = versioned("v4.9");
    expect(b.allocPages(GFP_KERNEL, 0)).toBe(0); // pfn 1 stays free, the head of an order-0 block
    expect(b.freePages(0, 1)).toBe(false);
    expect(warnings).toEqual(["BUG: Bad page state in process swapper/0  pfn:00001", "page dumped because: nonzero mapcount"]);
    expect(b.freePageCount).toBe(63);
  });

  it("v4.9 in a booted kernel: bad_page names current->comm, the task the kernel's calls run in (insmod), and no pid", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    const mm = s.kernel.mm;
    // Order-0 pages until two form an aligned pair (p even, p + 1): free p + 1, then free p as
    // if it were the order-1 block [p, p + 1], which holds the free page p + 1.
    const got = new Set<number>();
    let p = -1;
    while (p < 0) {
      const pfn = mm.alloc_pages(GFP_KERNEL, 0);
      expect(pfn).toBeGreaterThanOrEqual(0);
      got.add(pfn);
      const even = pfn & ~1;
      if (got.has(even) && got.has(even + 1)) p = even;
    }
    mm.__free_pages(p + 1, 0);
    mm.__free_pages(p, 1);
    expect(s.kernel.printk.grep("Bad page state")).toEqual([`BUG: Bad page state in process insmod  pfn:${(p + 1).toString(16).padStart(5, "0")}`]);
  });

  it("modern: the same free would list pfn 1 twice; dmasim refuses and warns", () => {
    const { b, warnings } = versioned("modern");
    b.allocPages(GFP_KERNEL, 0);
    expect(b.freePages(0, 1)).toBe(false);
    expect(warnings[0]).toMatch(/^dmasim: WARNING: __free_pages: pfn:00000 order 1 holds pages that are free/);
    expect(new Set(drain(b)).size).toBe(63);
  });

  it("a tail page: 4.9 frees nothing; modern frees the tail pages after it at lower orders", () => {
    for (const [version, freed] of [["v4.9", 0], ["modern", 1]] as const) {
      const { b, warnings } = versioned(version);
      const p = b.allocPages(GFP_KERNEL, 2); // 0..3
      // Page 2 is a tail (count 0 → -1); modern then frees page 2 + (1 << 0) = 3 at order 0.
      expect(b.freePages(p + 2, 1)).toBe(false);
      expect(warnings[0]).toMatch(/pfn:00002 order 1 is a tail page of the order-2 block at pfn:00000: its refcount is now -1/);
      expect(b.freePageCount).toBe(60 + freed);
      if (freed) expect(b.allocPages(GFP_KERNEL, 0)).toBe(3);
    }
  });
});
