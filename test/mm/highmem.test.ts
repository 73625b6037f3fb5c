// kmap_atomic / kunmap_atomic (src/mm/highmem.ts): a highmem page mapped for a moment at the
// first fixmap kmap slot, FIXADDR_TOP - 1 page = 0xffefe000 (asm/fixmap.h: FIXADDR_END
// 0xfff00000, one permanent slot before FIX_KMAP_BEGIN).

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { GFP_KERNEL, __GFP_HIGHMEM } from "../../src/mm/gfp.js";
import { VM_MAP } from "../../src/mm/vmalloc.js";

describe("kmap_atomic", () => {
  for (const kernel of ["v4.9", "modern"] as const) {
    it(`${kernel}: maps a highmem page at 0xffefe000, nests below it, and returns lowmem pages' linear address`, async () => {
      const s = await createSystem({ board: "zynq-7000", memory: "1G", kernel });
      const mm = s.kernel.mm;
      const hi = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 1);
      expect(mm.PageHighMem(hi)).toBe(true);
      const va = mm.kmap_atomic(hi);
      expect(va).toBe(0xffefe000);
      const inner = mm.kmap_atomic(hi + 1);
      expect(inner).toBe(0xffefd000);
      s.cpu.fill(inner + 16, 0x5a, 4);
      const alias = mm.vmap([hi + 1], "kernel", VM_MAP, "test")!;
      expect(s.cpu.read(alias + 16, 4)).toEqual(new Uint8Array(4).fill(0x5a));
      mm.kunmap_atomic(inner);
      mm.kunmap_atomic(va);
      // kunmap_local clears the slot; 4.9 leaves the PTE for the next kmap_atomic.
      expect("fault" in s.machine.mmu.translate(va)).toBe(kernel === "modern");
      const low = mm.alloc_pages(GFP_KERNEL, 0);
      expect(mm.kmap_atomic(low)).toBe(mm.page_address(low));
      mm.kunmap_atomic(mm.page_address(low));
      expect(mm.kmap_atomic(hi)).toBe(0xffefe000);
      s.dispose();
    });
  }

  for (const kernel of ["v4.9", "modern"] as const) {
    it(`${kernel}: an out-of-order unmap releases the innermost slot, as Linux's stack of slots does, with a warning`, async () => {
      const s = await createSystem({ board: "zynq-7000", memory: "1G", kernel });
      const mm = s.kernel.mm;
      const hi = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 1);
      const outer = mm.kmap_atomic(hi);
      const inner = mm.kmap_atomic(hi + 1);
      const before = s.kernel.printk.grep("kunmap").length;
      mm.kunmap_atomic(outer);
      expect(s.kernel.printk.grep("kunmap").slice(before)).toEqual([kernel === "modern"
        ? "WARNING: mm/highmem.c: kunmap_local_indexed: WARN_ON_ONCE(addr != __fix_to_virt(FIX_KMAP_BEGIN + idx))"
        : "dmasim: kunmap_atomic: 0xffefe000 is not the innermost slot 0xffefd000; Linux releases the innermost"]);
      // The inner slot (0xffefd000) was the one released: the next mapping takes it again.
      expect(mm.kmap_atomic(hi)).toBe(inner);
      mm.kunmap_atomic(inner);
      mm.kunmap_atomic(outer);
      if (kernel === "modern") expect(() => mm.kunmap_atomic(outer)).toThrow(/BUG_ON\(current->kmap_ctrl.idx < 0\)/);
      else {
        mm.kunmap_atomic(outer);
        expect(s.kernel.printk.grep("no kmap_atomic slot in use")).toHaveLength(1);
        expect(mm.kmap_atomic(hi)).toBe(0xffefe000);
      }
      s.dispose();
    });
  }

  it("modern: a seventeenth nested kmap_local_page is kmap_local_idx_push's BUG_ON", async () => {
    const s = await createSystem({ board: "zynq-7000", memory: "1G" });
    const mm = s.kernel.mm;
    const hi = mm.alloc_pages(GFP_KERNEL | __GFP_HIGHMEM, 0);
    for (let i = 0; i < 16; i++) expect(mm.kmap_local_page(hi)).toBe(0xffefe000 - i * 4096);
    expect(() => mm.kmap_local_page(hi)).toThrow(/KM_MAX_IDX/);
    s.dispose();
  });
});
