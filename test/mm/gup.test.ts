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
  it("is demand-zero: a page per first touch, zeros to read, freed by munmap and exit", async () => {
    const s = await createSystem({ board });
    const buddy = s.kernel.mm.buddy;
    const uva = s.user.mmap(4 * 4096, null, { flags: ANON });
    expect(s.user.read(uva + 4096 - 8, 16)).toEqual(new Uint8Array(16)); // faults in pages 0 and 1
    const afterTwo = buddy.freePageCount;
    s.user.write(uva + 2 * 4096 + 100, new Uint8Array([1, 2, 3]));
    expect(buddy.freePageCount).toBe(afterTwo - 1);
    expect(s.user.read(uva + 2 * 4096 + 99, 5)).toEqual(new Uint8Array([0, 1, 2, 3, 0]));
    expect(s.user.read(uva, 4 * 4096).filter((b) => b !== 0)).toHaveLength(3); // page 3 faults in
    expect(buddy.freePageCount).toBe(afterTwo - 2);
    s.user.munmap(uva, 2 * 4096);
    expect(buddy.freePageCount).toBe(afterTwo);
    s.user.exit(); // pages 2 and 3 go with the process
    expect(buddy.freePageCount).toBeGreaterThanOrEqual(afterTwo + 2);
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
