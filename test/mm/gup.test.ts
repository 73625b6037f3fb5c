// Anonymous memory and pinning it: demand-zero pages on first touch, pin_user_pages_fast's
// results and errors, and a pinned page outliving its mapping until unpinned. Page counts are
// worked out by hand: one page per 4 KB touched, a pin adding GUP_PIN_COUNTING_BIAS (1024) to
// the mapping's one reference.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE } from "../../src/mm/mmap.js";
import { FOLL_FORCE, FOLL_LONGTERM, FOLL_WRITE, pin_user_pages_fast, unpin_user_pages, unpin_user_pages_dirty_lock } from "../../src/mm/gup.js";
import { remap_pfn_range } from "../../src/mm/remap-pfn-range.js";
import { UserSignal } from "../../src/mm/user-fault.js";
import { GFP_KERNEL } from "../../src/mm/gfp.js";

const ANON = MAP_ANONYMOUS | MAP_PRIVATE;
const EFAULT = -14;

describe.each(["zynq-7000", "arm64-ref"] as const)("anonymous memory on %s", (board) => {
  it("is demand-zero: a read maps the zero page, a write a fresh page; munmap and exit free them", async () => {
    const s = await createSystem({ board });
    const buddy = s.kernel.mm.buddy;
    const uva = s.user.mmap(4 * 4096, null, { flags: ANON });
    expect(s.user.read(uva + 4096 - 8, 16)).toEqual(new Uint8Array(16)); // pages 0 and 1: the zero page
    const afterRead = buddy.freePageCount; // only the process's page table was taken
    s.user.write(uva + 2 * 4096 + 100, new Uint8Array([1, 2, 3]));
    expect(buddy.freePageCount).toBe(afterRead - 1);
    expect(s.user.read(uva + 2 * 4096 + 99, 5)).toEqual(new Uint8Array([0, 1, 2, 3, 0]));
    expect(s.user.read(uva, 4 * 4096).filter((b) => b !== 0)).toHaveLength(3); // page 3: the zero page
    expect(buddy.freePageCount).toBe(afterRead - 1);
    // A write to page 0, which maps the zero page, copies it: a fresh page, zeros but the byte.
    s.user.write(uva + 5, new Uint8Array([9]));
    expect(buddy.freePageCount).toBe(afterRead - 2);
    expect(s.user.read(uva, 8)).toEqual(new Uint8Array([0, 0, 0, 0, 0, 9, 0, 0]));
    s.user.munmap(uva, 2 * 4096); // page 0 goes; page 1's zero page held no reference
    expect(buddy.freePageCount).toBe(afterRead - 1);
    s.user.exit(); // page 2 goes with the process
    expect(buddy.freePageCount).toBeGreaterThanOrEqual(afterRead);
  });

  it("a read-only anonymous mapping reads zeros and refuses writes (SIGSEGV)", async () => {
    const s = await createSystem({ board });
    const uva = s.user.mmap(4096, null, { flags: ANON, prot: PROT_READ });
    expect(s.user.read(uva, 4096)).toEqual(new Uint8Array(4096));
    expect(() => s.user.write(uva, new Uint8Array([1]))).toThrow(UserSignal);
  });

  it("pin_user_pages_fast faults pages in and pins them; munmap leaves a pinned page allocated", async () => {
    const s = await createSystem({ board });
    const mm = s.kernel.userMm;
    const refs = s.kernel.mm.pageRefs;
    const buddy = s.kernel.mm.buddy;
    const uva = s.user.mmap(3 * 4096, null, { flags: ANON });
    s.user.write(uva + 4096, new Uint8Array([0xab]));
    const pages = pin_user_pages_fast(mm, uva + 10, 3, FOLL_WRITE | FOLL_LONGTERM) as number[];
    expect(pages).toHaveLength(3);
    for (const pfn of pages) expect(refs.page_count(pfn)).toBe(1 + 1024);
    // The page the process wrote is the one pinned second.
    const va = s.kernel.mm.kmap_local_page(pages[1]);
    expect(s.cpu.read(va, 1)).toEqual(new Uint8Array([0xab]));
    s.kernel.mm.kunmap_local(va);
    s.user.munmap(uva, 3 * 4096);
    for (const pfn of pages) {
      expect(refs.page_count(pfn)).toBe(1024);
      expect(buddy.allocatedOrder(pfn)).toBe(0);
    }
    unpin_user_pages_dirty_lock(mm, pages, 2, true);
    expect(buddy.allocatedOrder(pages[0])).toBe(-1);
    expect(buddy.allocatedOrder(pages[2])).toBe(0);
    unpin_user_pages(mm, [pages[2]]);
    expect(buddy.allocatedOrder(pages[2])).toBe(-1);
    expect(() => unpin_user_pages(mm, [pages[2]])).toThrow(/-EINVAL: unpin_user_page: pfn 0x[0-9a-f]+ is not pinned/);
  });

  it("returns Linux's errors, and a partial count when only the first pages pin", async () => {
    const s = await createSystem({ board });
    const mm = s.kernel.userMm;
    const uva = s.user.mmap(2 * 4096, null, { flags: ANON });
    expect(pin_user_pages_fast(mm, uva - 4096, 1, FOLL_WRITE)).toBe(EFAULT); // nothing mapped there
    expect(pin_user_pages_fast(mm, uva, 3, FOLL_WRITE)).toHaveLength(2); // the third page is past the end
    expect(pin_user_pages_fast(mm, uva, 0, FOLL_WRITE)).toEqual([]);
    expect(pin_user_pages_fast(mm, mm.pgt.taskSize - 4096, 2, 0)).toBe(EFAULT);
    const ro = s.user.mmap(4096, null, { flags: ANON, prot: PROT_READ });
    expect(pin_user_pages_fast(mm, ro, 1, FOLL_WRITE)).toBe(EFAULT);
    expect(pin_user_pages_fast(mm, ro, 1, 0)).toHaveLength(1);
    expect(() => pin_user_pages_fast(mm, uva, 1, FOLL_WRITE | FOLL_FORCE)).toThrow(/-EINVAL: .*FOLL_FORCE .* not modelled/);
    // A driver's PFN mapping has no pages to pin: VM_IO | VM_PFNMAP.
    const kva = s.kernel.kmalloc(4096, GFP_KERNEL);
    const pfn = s.kernel.mm.virt_to_phys(kva) / 4096;
    const dev = s.user.mmap(4096, (vma) => remap_pfn_range(vma, vma.vm_start, pfn, 4096, vma.vm_page_prot), { prot: PROT_READ | PROT_WRITE });
    expect(pin_user_pages_fast(mm, dev, 1, FOLL_WRITE)).toBe(EFAULT);
  });
});

// The zero page and GUP (mm/gup.c): a page the process has only read is ZERO_PAGE(0), one pfn
// for every such page. Without FOLL_WRITE GUP pins it as it is: 4.9's get_user_pages_fast takes a
// reference each time (get_page: one), 6.x none; a 6.x
// FOLL_LONGTERM read-only pin unshares it first. FOLL_WRITE always copies it to a fresh page.
describe.each([
  ["zynq-7000", "modern"], ["zynq-7000", "v4.9"], ["arm64-ref", "modern"], ["arm64-ref", "v4.9"],
] as const)("the zero page on %s %s", (board, kernel) => {
  it("one pfn, fixed at boot, for every read-faulted page; pinned without FOLL_WRITE as the kernel does", async () => {
    const s = await createSystem({ board, kernel });
    const mm = s.kernel.userMm;
    const refs = s.kernel.mm.pageRefs;
    const zero = s.kernel.mm.zeroPfn;
    expect(refs.page_count(zero)).toBe(1); // a reserved page's own reference
    const uva = s.user.mmap(3 * 4096, null, { flags: ANON });
    s.user.read(uva, 2 * 4096); // pages 0 and 1; page 2 untouched
    const pages = pin_user_pages_fast(mm, uva, 3, 0) as number[];
    expect(pages).toEqual([zero, zero, zero]);
    expect(refs.page_count(zero)).toBe(kernel === "v4.9" ? 1 + 3 : 1);
    unpin_user_pages_dirty_lock(mm, pages, 3, true);
    expect(refs.page_count(zero)).toBe(1);
    // FOLL_WRITE copies it: three fresh pages, each the mapping's reference plus the pin.
    const own = pin_user_pages_fast(mm, uva, 3, FOLL_WRITE) as number[];
    expect(new Set(own).size).toBe(3);
    for (const pfn of own) expect(pfn === zero ? -1 : refs.page_count(pfn)).toBe(kernel === "v4.9" ? 1 + 1 : 1 + 1024);
    unpin_user_pages(mm, own);
    s.user.exit();
    expect(refs.page_count(zero)).toBe(1);
  });

  it("a pin is FOLL_PIN's bias of 1024 on modern, one get_page on 4.9; the last unpin of an unmapped page frees it", async () => {
    const s = await createSystem({ board, kernel });
    const mm = s.kernel.userMm;
    const refs = s.kernel.mm.pageRefs;
    const uva = s.user.mmap(4096, null, { flags: ANON });
    const [pfn] = pin_user_pages_fast(mm, uva, 1, FOLL_WRITE) as number[];
    const pin = kernel === "v4.9" ? 1 : 1024;
    expect(refs.page_count(pfn)).toBe(1 + pin); // the PTE's reference and the pin's
    expect(pin_user_pages_fast(mm, uva, 1, FOLL_WRITE)).toEqual([pfn]);
    expect(refs.page_count(pfn)).toBe(1 + 2 * pin);
    s.user.munmap(uva, 4096);
    expect(refs.page_count(pfn)).toBe(2 * pin);
    unpin_user_pages(mm, [pfn]);
    expect(s.kernel.mm.buddy.allocatedOrder(pfn)).toBe(0);
    unpin_user_pages(mm, [pfn]);
    expect(s.kernel.mm.buddy.allocatedOrder(pfn)).toBe(-1);
    expect(() => unpin_user_pages(mm, [pfn])).toThrow(/-EINVAL: unpin_user_page: pfn 0x[0-9a-f]+ is not pinned/);
  });

  it("a FOLL_LONGTERM pin without FOLL_WRITE gets the process's own page on modern (unshare), the zero page on 4.9", async () => {
    const s = await createSystem({ board, kernel });
    const mm = s.kernel.userMm;
    const zero = s.kernel.mm.zeroPfn;
    const uva = s.user.mmap(4096, null, { flags: ANON });
    s.user.read(uva, 4096);
    const [pfn] = pin_user_pages_fast(mm, uva, 1, FOLL_LONGTERM) as number[];
    if (kernel === "v4.9") {
      expect(pfn).toBe(zero);
    } else {
      expect(pfn).not.toBe(zero);
      expect(s.kernel.mm.pageRefs.page_count(pfn)).toBe(1 + 1024);
      // The unshared page is the process's: what the kernel writes there the process reads, and
      // its own write reuses the page (no new page).
      const va = s.kernel.mm.kmap_local_page(pfn);
      s.cpu.write(va, new Uint8Array([0x5a]));
      s.kernel.mm.kunmap_local(va);
      const free = s.kernel.mm.buddy.freePageCount;
      expect(s.user.read(uva, 2)).toEqual(new Uint8Array([0x5a, 0]));
      s.user.write(uva + 1, new Uint8Array([0x77]));
      expect(s.kernel.mm.buddy.freePageCount).toBe(free);
      expect(s.user.read(uva, 2)).toEqual(new Uint8Array([0x5a, 0x77]));
    }
    unpin_user_pages(mm, [pfn]);
  });

  it("the zero page is where the kernel put it: arm's from memblock, arm64's in the image", async () => {
    const s = await createSystem({ board, kernel });
    const mm = s.kernel.mm;
    const pa = mm.zeroPfn * 4096;
    if (board === "zynq-7000") {
      expect(pa).toBe(mm.armEarly!.zeroPage);
    } else {
      const img = mm.layout.image;
      const imageEnd = img.textPhys + (img.end - img.text);
      // 4.9: the reserved TTBR0 page, 6 pages below _end; modern: 3 below (swapper_pg_dir and
      // reserved_pg_dir are the last two).
      expect(pa).toBe(imageEnd - (kernel === "v4.9" ? 6 : 3) * 4096);
    }
    expect(s.machine.backdoor.read(pa, 4096)).toEqual(new Uint8Array(4096));
  });
});
