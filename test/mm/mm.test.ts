// The booted memory manager: zones per board, kmalloc's minimum alignment and misuse, vmalloc
// sizes refused, orders beyond the largest block, memblock after slab, and /proc/iomem. The
// layouts and conversions are kernel-addresses.test.ts.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createSystem } from "../../src/create.js";
import { GFP_DMA, GFP_DMA32, GFP_KERNEL, __GFP_HIGHMEM } from "../../src/mm/gfp.js";
import { KernelBug } from "../../src/kernel/errno.js";

const PAGE = 4096;

describe("zones", () => {
  it("arm64 with RAM above 4 GB: ZONE_DMA below 4 GB, ZONE_NORMAL above; GFP_DMA stays low", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await createSystem({ board: "arm64-highmem", kernel });
      const mm = s.kernel.mm;
      expect(mm.buddyinfo()).toMatch(/^Node 0, zone      DMA .*\nNode 0, zone   Normal /);
      expect(mm.alloc_pages(GFP_DMA, 0) * 4096).toBeLessThan(2 ** 32);
      expect(mm.virt_to_phys(s.kernel.kmalloc(4096, GFP_KERNEL))).toBeGreaterThanOrEqual(0x880000000);
    }
  });

  it("kmalloc(GFP_DMA) comes from ZONE_DMA even when a kmalloc-64 slab above 4 GB has room", async () => {
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await createSystem({ board: "arm64-highmem", kernel });
      const mm = s.kernel.mm;
      const normal = s.kernel.kmalloc(64, GFP_KERNEL);
      expect(mm.virt_to_phys(normal)).toBeGreaterThanOrEqual(0x880000000);
      // The Normal slab still has free objects; a GFP_DMA one must not be one of them.
      const dma = s.kernel.kmalloc(64, GFP_KERNEL | GFP_DMA);
      expect(mm.virt_to_phys(dma)).toBeLessThan(2 ** 32);
      expect(mm.virt_to_phys(s.kernel.kmalloc(64, GFP_KERNEL))).toBeGreaterThanOrEqual(0x880000000);
    }
  });

  it("kmalloc(GFP_DMA32) is fixed up to a normal allocation with slab's 'Fix your code!' warning", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const va = s.kernel.kmalloc(16384, GFP_KERNEL | GFP_DMA32);
    expect(s.kernel.mm.virt_addr_valid(va)).toBe(true);
    // GFP_KERNEL in 4.9 bits: __GFP_DIRECT_RECLAIM 0x400000 | __GFP_KSWAPD_RECLAIM 0x2000000 | __GFP_IO 0x40 | __GFP_FS 0x80.
    expect(s.dmesg().trimEnd().split("\n").at(-1)).toMatch(
      /\] Unexpected gfp: 0x4 \(GFP_DMA32\)\. Fixing up to gfp: 0x24000c0 \(GFP_KERNEL\)\. Fix your code!$/,
    );
  });

  it("modern arm64 with zone_dma_bits = 30 (RAM from 0) splits ZONE_DMA and ZONE_DMA32 at 1 GB", async () => {
    const rk = new Uint8Array(readFileSync(new URL("../../../shared/devicetree/rk3399-rockpro64.dtb", import.meta.url)));
    const s = await createSystem({ dtb: rk, memory: "2G", zoneDmaBits: 30 });
    const zones = s.kernel.mm.buddy.zones.map((z) => [z.name, z.startPfn * 4096, z.endPfn * 4096]);
    expect(zones).toEqual([["DMA", 0, 2 ** 30], ["DMA32", 2 ** 30, 2 ** 31]]);
    // Where RAM starts above the 30-bit limit (arm64-ref, 1 GB), ZONE_DMA ends below RAM and is
    // empty: since 6.12 (zone_dma_limit) max_zone_phys no longer widens it to 4 GB.
    const ref = await createSystem({ board: "arm64-ref", zoneDmaBits: 30 });
    expect(ref.kernel.mm.buddy.zones.map((z) => [z.name, z.startPfn * 4096, z.endPfn * 4096])).toEqual([["DMA32", 2 ** 30, 2 ** 31]]);
  });

  it("fragmentation: a large order fails while plenty of memory is free", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const mm = s.kernel.mm;
    const pages: number[] = [];
    for (let pfn = mm.alloc_pages(GFP_KERNEL, 0); pfn >= 0; pfn = mm.alloc_pages(GFP_KERNEL | 0x200, 0)) pages.push(pfn);
    for (const p of pages) if (p % 2 === 0) mm.__free_pages(p, 0);
    expect(mm.buddy.freePageCount).toBeGreaterThan(60000);
    expect(mm.alloc_pages(GFP_KERNEL | 0x200, 1)).toBe(-1);
  });
});

describe("large kmalloc and GFP_SLAB_BUG_MASK", () => {
  const FIX = "Fix your code!";

  it("4.9 kmalloc_order passes the flags to alloc_pages unchecked: no warning, and __GFP_HIGHMEM on arm gets highmem pages, so NULL and 4 pages gone", async () => {
    const arm64 = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    expect(arm64.kernel.mm.virt_addr_valid(arm64.kernel.kmalloc(16384, GFP_KERNEL | GFP_DMA32))).toBe(true);
    expect(arm64.dmesg()).not.toContain(FIX);
    const zynq = await createSystem({ board: "zynq-7000", memory: "1G", kernel: "v4.9" });
    const mm = zynq.kernel.mm;
    const highFree = () => mm.buddy.zones.find((z) => z.name === "HighMem")!.freePages;
    const before = highFree();
    expect(zynq.kernel.kmalloc(16384, GFP_KERNEL | __GFP_HIGHMEM)).toBe(0);
    expect(highFree()).toBe(before - 4);
    expect(zynq.dmesg()).not.toContain(FIX);
    // A slab-sized request still meets new_slab's check.
    expect(mm.virt_addr_valid(zynq.kernel.kmalloc(64, GFP_KERNEL | __GFP_HIGHMEM))).toBe(true);
    expect(zynq.dmesg()).toMatch(/Unexpected gfp: 0x2 \(__GFP_HIGHMEM\)\. Fixing up to gfp: 0x24000c0 \(GFP_KERNEL\)\. Fix your code!/);
  });

  it("modern __kmalloc_large_node fixes the flags with the warning, and the pages come from lowmem", async () => {
    const zynq = await createSystem({ board: "zynq-7000", memory: "1G", kernel: "modern" });
    const va = zynq.kernel.kmalloc(16384, GFP_KERNEL | __GFP_HIGHMEM);
    expect(zynq.kernel.mm.virt_addr_valid(va)).toBe(true);
    expect(zynq.dmesg()).toMatch(/Unexpected gfp: 0x2 \(__GFP_HIGHMEM\)\. Fixing up to gfp: 0x24000c0 \(GFP_KERNEL\)\. Fix your code!/);
  });
});

describe("ksize of what kmalloc did not return", () => {
  it("slab objects give their cache's size anywhere inside; a large kmalloc's middle and a buddy page differ by kernel; vmalloc is an error", async () => {
    // kmalloc(100) → kmalloc-128 in both (4.9 arm64's smallest cache is 128; modern has 96 and 128).
    // kmalloc(20000) → order 3, 32768 bytes. 4.9 SLUB ksize: compound head, else WARN and
    // PAGE_SIZE << 0; modern __ksize: WARN and 0 unless at a large kmalloc's first byte.
    const want = {
      "v4.9": { mid: 32768, page: 4096, warns: ["WARNING: mm/slub.c: ksize: WARN_ON(!PageCompound(page))"] },
      modern: {
        mid: 0, page: 0,
        warns: [
          "WARNING: mm/slab_common.c: __ksize: WARN_ON(object != folio_address(folio))",
          "WARNING: mm/slab_common.c: __ksize: WARN_ON(!folio_test_large_kmalloc(folio))",
        ],
      },
    } as const;
    for (const kernel of ["v4.9", "modern"] as const) {
      const s = await createSystem({ board: "arm64-ref", kernel });
      const k = s.kernel;
      const small = k.kmalloc(100, GFP_KERNEL);
      expect([k.ksize(small), k.ksize(small + 50)]).toEqual([128, 128]);
      const large = k.kmalloc(20000, GFP_KERNEL);
      expect(k.ksize(large)).toBe(32768);
      expect(s.dmesg()).not.toContain("WARNING: mm/sl");
      expect(k.ksize(large + 5000)).toBe(want[kernel].mid);
      const page = k.mm.page_address(k.mm.alloc_pages(GFP_KERNEL, 0));
      expect(k.ksize(page + 100)).toBe(want[kernel].page);
      expect(s.dmesg().split("\n").filter((l) => l.includes("WARNING: mm/sl")).map((l) => l.replace(/^\[[ .0-9]+\] /, ""))).toEqual(want[kernel].warns);
      const v = k.vmalloc(4096);
      expect(() => k.ksize(v)).toThrow(/^-EINVAL: ksize: 0xffffff[0-9a-f]{10} is not a linear-map address of RAM/);
      k.kfree(large);
      expect(k.ksize(small)).toBe(128);
    }
  });
});

describe("kmalloc minimum alignment", () => {
  it("is ARCH_DMA_MINALIGN in 4.9 (arm64 128, arm 64) and 8 on modern arm64 with swiotlb", async () => {
    const gap = async (board: string, kernel: "v4.9" | "modern") => {
      const s = await createSystem({ board, kernel });
      const a = s.kernel.kmalloc(8, GFP_KERNEL);
      const b = s.kernel.kmalloc(8, GFP_KERNEL);
      return Math.abs(b - a);
    };
    expect(await gap("arm64-ref", "v4.9")).toBe(128);
    expect(await gap("zynq-7000", "v4.9")).toBe(64);
    expect(await gap("arm64-ref", "modern")).toBe(8);
  });

  it("has kmalloc-96 and kmalloc-192 only where their objects keep that alignment", async () => {
    // 150 bytes: kmalloc-192 where the minimum alignment is 64 or less (192 = 3 × 64), else
    // kmalloc-256; objects of one cache lie a whole object size apart in their slab page.
    const objects = async (board: string, kernel: "v4.9" | "modern", size: number) => {
      const s = await createSystem({ board, kernel });
      const a = s.kernel.kmalloc(size, GFP_KERNEL);
      const b = s.kernel.kmalloc(size, GFP_KERNEL);
      return { ksize: s.kernel.ksize(a), gap: Math.abs(b - a), aligned: a % 128 === 0 && b % 128 === 0 };
    };
    expect(await objects("arm64-ref", "v4.9", 150)).toEqual({ ksize: 256, gap: 256, aligned: true });
    expect(await objects("arm64-ref", "v4.9", 90)).toEqual({ ksize: 128, gap: 128, aligned: true });
    expect((await objects("zynq-7000", "v4.9", 150)).ksize).toBe(192);
    expect((await objects("zynq-7000", "v4.9", 90)).ksize).toBe(128);
    expect((await objects("arm64-ref", "modern", 90)).ksize).toBe(96);
  });
});

describe("/proc/iomem", () => {
  it("lists System RAM with the kernel inside and the AMBA device windows named after their nodes", async () => {
    const old = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    expect(old.kernel.iomemText().split("\n")).toEqual([
      "40000000-7fffffff : System RAM",
      "  40080000-4087ffff : Kernel code",
      "  40e80000-4147ffff : Kernel data",
      // The serial@ff1a0000 platform device claims nothing (of_device_add), and no driver
      // requests it; the PL330 primecell's window is amba_device_add's, named by its path on 4.9.
      "ff6e0000-ff6e3fff : /soc/dma-controller@ff6e0000",
      // The bound pl330's devm_ioremap_resource region: 4.9 names it after the resource alone.
      "  ff6e0000-ff6e3fff : /soc/dma-controller@ff6e0000",
    ]);
    const hi = await createSystem({ board: "arm64-highmem" });
    expect(hi.kernel.iomemText()).toMatch(/^880000000-88fffffff : System RAM$/m);
    expect(hi.kernel.iomemText()).toMatch(/^ff6e0000-ff6e3fff : dma-controller@ff6e0000$/m);
  });
});

describe("orders beyond the largest block", () => {
  it("warn once, in each kernel's terms (4.9 MAX_ORDER 11 exclusive, modern MAX_PAGE_ORDER 10 inclusive)", async () => {
    const cases = [
      ["v4.9", "__alloc_pages_nodemask: order 11 >= MAX_ORDER (11)"],
      ["modern", "__alloc_pages: order 11 > MAX_PAGE_ORDER (10)"],
    ] as const;
    for (const [kernel, text] of cases) {
      const s = await createSystem({ board: "zynq-7000", kernel });
      const before = s.dmesg().split("\n").length;
      expect(s.kernel.mm.alloc_pages(GFP_KERNEL, 11)).toBe(-1);
      // kmalloc of 4 MiB + 1 needs order 11 too: NULL, and WARN_ON_ONCE stays quiet.
      expect(s.kernel.kmalloc(4 * 2 ** 20 + 1, GFP_KERNEL)).toBe(0);
      const added = s.dmesg().split("\n").slice(before - 1).filter((l) => l.includes("page_alloc"));
      expect(added.length).toBe(1);
      expect(added[0]).toMatch(new RegExp(`WARNING: mm/page_alloc\\.c: ${text.replace(/[()]/g, "\\$&")}$`));
    }
  });
});

describe("vmalloc sizes refused before an area is reserved", () => {
  const lastLine = (s: { dmesg(): string }) => s.dmesg().trimEnd().split("\n").at(-1);

  it("4.9: vmalloc(0) and more than all of RAM go to warn_alloc with the byte count", async () => {
    const s = await createSystem({ board: "zynq-7000", kernel: "v4.9" });
    expect(s.kernel.vmalloc(0)).toBe(0);
    // vmalloc's gfp: GFP_KERNEL 0x24000c0 | __GFP_HIGHMEM 0x2.
    expect(lastLine(s)).toMatch(/\] dmasim: vmalloc: allocation failure: 0 bytes, mode:0x24000c2\(GFP_KERNEL\|__GFP_HIGHMEM\)$/);
    expect(s.kernel.vmalloc(2 ** 30)).toBe(0);
    expect(lastLine(s)).toMatch(/\] dmasim: vmalloc: allocation failure: 1073741824 bytes, mode:0x24000c2\(GFP_KERNEL\|__GFP_HIGHMEM\)$/);
  });

  it("modern: vmalloc(0) is WARN_ON_ONCE, more than all of RAM 'exceeds total pages'", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    expect(s.kernel.vmalloc(0)).toBe(0);
    expect(s.kernel.vmalloc(0)).toBe(0);
    expect(s.dmesg().match(/WARN_ON_ONCE\(!size\)/g)?.length).toBe(1);
    expect(s.kernel.vmalloc(2 ** 30)).toBe(0);
    expect(lastLine(s)).toMatch(/\] dmasim: vmalloc error: size 1073741824, exceeds total pages, mode:0x24000c2\(GFP_KERNEL\|__GFP_HIGHMEM\)$/);
  });

  it("modern: CMA pages count in totalram_pages, so a size between the page allocator's own pages and all managed pages passes the check and fails for want of pages", async () => {
    const s = await createSystem({ board: "arm64-ref", cma: "512M" });
    // "Memory: <available>K/…": the pages the page allocator got plus the CMA area's.
    const total = Number(/Memory: (\d+)K\//.exec(s.dmesg())![1]) / 4;
    const cma = (512 << 20) / PAGE;
    const free = s.kernel.mm.buddy.freePageCount;
    // One page more than the page allocator has outside the area: not more than all of RAM, so
    // vmalloc tries; its GFP_KERNEL pages cannot come from the area, so the page allocator fails.
    expect(s.kernel.vmalloc((total - cma + 1) * PAGE)).toBe(0);
    expect(s.dmesg()).not.toMatch(/exceeds total pages/);
    expect(lastLine(s)).toMatch(/\] dmasim: page allocation failure: order:0, mode:0x24000c2\(GFP_KERNEL\|__GFP_HIGHMEM\)$/);
    expect(s.kernel.mm.buddy.freePageCount).toBe(free);
    // One page more than every managed page: refused before anything is allocated.
    expect(s.kernel.vmalloc((total + 1) * PAGE)).toBe(0);
    expect(lastLine(s)).toMatch(new RegExp(`\\] dmasim: vmalloc error: size ${(total + 1) * PAGE}, exceeds total pages, mode:`));
  });
});

describe("kfree", () => {
  it("kmalloc(0) is ZERO_SIZE_PTR (16), not NULL: an access through it faults and kfree of it says nothing", async () => {
    const s = await createSystem({ board: "zynq-7000" });
    const p = s.kernel.kmalloc(0, GFP_KERNEL);
    expect(p).toBe(16);
    expect(s.kernel.mm.slab.ksize(p)).toBe(0);
    expect(() => s.cpu.read(p, 1)).toThrow(/virtual address 0x00000010/);
    const before = s.dmesg();
    s.kernel.kfree(p);
    expect(s.dmesg()).toBe(before);
  });

  it("a double free of a slab object warns, names the pointer in hex, and the object comes back only once", async () => {
    // SLUB's slab_free pushes the object on the freelist unchecked: Linux would list it twice.
    const s = await createSystem({ board: "arm64-ref" });
    const va = s.kernel.kmalloc(64, GFP_KERNEL);
    s.kernel.kfree(va);
    s.kernel.kfree(va);
    const hex = "0x" + BigInt.asUintN(64, BigInt(va)).toString(16);
    expect(hex).toMatch(/^0xffffff[0-9a-f]{10}$/);
    expect(s.dmesg().trimEnd().split("\n").at(-1)).toMatch(new RegExp(`\\] dmasim: WARNING: kfree: double free of ${hex} \\(kmalloc-64\\): Linux's freelist now holds it twice`));
    const again = [s.kernel.kmalloc(64, GFP_KERNEL), s.kernel.kmalloc(64, GFP_KERNEL)];
    expect(again.filter((p) => p === va).length).toBe(1);
  });
});

// kfree of what kmalloc did not return. 4.9 mm/slub.c kfree: a page that is not PageSlab goes
// to `BUG_ON(!PageCompound(page)); __free_pages(page, compound_order(page))` (page is
// virt_to_head_page); modern kfree: not a slab folio → free_large_kmalloc: `if
// (WARN_ON_ONCE(order == 0)) pr_warn_once("object pointer: 0x%p\n", object)` then folio_put.
describe("kfree misuse", () => {
  for (const kernel of ["v4.9", "modern"] as const) {
    it(`${kernel}: a pointer inside a slab object frees nothing, with dmasim's warning`, async () => {
      const s = await createSystem({ board: "arm64-ref", kernel });
      const k = s.kernel;
      const va = k.kmalloc(256, GFP_KERNEL);
      k.kfree(va + 8);
      expect(s.dmesg()).toMatch(/dmasim: WARNING: kfree: 0xffffff[0-9a-f]{10} is inside the kmalloc-256 object at 0xffffff[0-9a-f]{10}/);
      expect(k.mm.slab.isLive(va)).toBe(true);
      k.kfree(va);
      expect(k.mm.slab.isLive(va)).toBe(false);
    });

    it(`${kernel}: a pointer inside a large kmalloc frees all of it (the compound head)`, async () => {
      const s = await createSystem({ board: "arm64-ref", kernel });
      const k = s.kernel;
      const free = k.mm.buddy.freePageCount;
      const va = k.kmalloc(20000, GFP_KERNEL); // order 3: 8 pages
      expect(k.mm.buddy.freePageCount).toBe(free - 8);
      k.kfree(va + 5000);
      expect(k.mm.buddy.freePageCount).toBe(free);
      expect(s.dmesg()).toMatch(/dmasim: WARNING: kfree: 0xffffff[0-9a-f]{10} is inside the large kmalloc at/);
    });
  }

  it("v4.9: a page allocator page, a large kmalloc freed twice and a vmalloc address hit BUG_ON(!PageCompound(page))", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const k = s.kernel;
    const page = k.mm.__get_free_pages(GFP_KERNEL, 0);
    expect(() => k.kfree(page)).toThrow(/^kernel BUG at mm\/slub.c: kfree: BUG_ON\(!PageCompound\(page\)\)/);
    const large = k.kmalloc(20000, GFP_KERNEL);
    k.kfree(large);
    expect(() => k.kfree(large)).toThrow(KernelBug);
    expect(() => k.kfree(k.vmalloc(4096))).toThrow(KernelBug);
  });

  it("modern: a page allocator page WARNs once in free_large_kmalloc and its reference is dropped: freed", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const k = s.kernel;
    const a = k.mm.__get_free_pages(GFP_KERNEL, 0);
    const b = k.mm.__get_free_pages(GFP_KERNEL, 0);
    const free = k.mm.buddy.freePageCount;
    k.kfree(a);
    k.kfree(b);
    expect(k.mm.buddy.freePageCount).toBe(free + 2);
    const lines = s.dmesg().split("\n").map((l) => l.replace(/^\[[ .0-9]+\] /, ""));
    expect(lines.filter((l) => l.includes("free_large_kmalloc") || l.startsWith("object pointer"))).toEqual([
      "WARNING: mm/slub.c: free_large_kmalloc: WARN_ON_ONCE(order == 0)",
      `object pointer: 0x${BigInt.asUintN(64, BigInt(a)).toString(16)}`,
    ]);
    // A second kfree of a freed page: its count goes to -1 and nothing is freed.
    k.kfree(a);
    expect(k.mm.buddy.freePageCount).toBe(free + 2);
    expect(() => k.kfree(k.vmalloc(4096))).toThrow(/^-EINVAL: kfree: 0xffffff[0-9a-f]{10} is not a linear-map address/);
  });
});

// memblock after mem_init. 4.9 mm/memblock.c memblock_virt_alloc_internal and modern
// memblock_alloc_internal: `if (WARN_ON_ONCE(slab_is_available())) return kzalloc_node(size,
// GFP_NOWAIT, nid)`; modern memblock_alloc_range_nid has the same check; 4.9's
// memblock_alloc_range and memblock_reserve (both kernels) have none.
describe("memblock once slab is up", () => {
  for (const [kernel, fn] of [["v4.9", "memblock_virt_alloc_internal"], ["modern", "memblock_alloc_internal"]] as const) {
    it(`${kernel}: an allocation WARNs once in ${fn} and is a zeroed kmalloc object`, async () => {
      const s = await createSystem({ board: "arm64-ref", kernel });
      const mm = s.kernel.mm;
      const pa = mm.memblock.alloc(200);
      const pb = mm.memblock.alloc(200);
      const warns = s.dmesg().split("\n").filter((l) => l.includes("mm/memblock.c"));
      expect(warns.map((l) => l.replace(/^\[[ .0-9]+\] /, ""))).toEqual([`WARNING: mm/memblock.c: ${fn}: WARN_ON_ONCE(slab_is_available())`]);
      expect(mm.slab.isLive(mm.phys_to_virt(pa))).toBe(true);
      expect(mm.slab.isLive(mm.phys_to_virt(pb))).toBe(true);
      expect(s.cpu.read(mm.phys_to_virt(pa), 200)).toEqual(new Uint8Array(200));
    });
  }

  it("a reservation is recorded but protects nothing, with dmasim's warning; 4.9 refuses a range allocation", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const mm = s.kernel.mm;
    const n = mm.memblock.reserved.length;
    mm.memblock.reserve(0x80000000, 0x1000);
    expect(mm.memblock.reserved.length).toBe(n + 1);
    expect(s.dmesg()).toContain("dmasim: WARNING: memblock_reserve [0x80000000-0x80000fff] after mem_init");
    expect(mm.memblock.allocRange(0x1000, 0x1000, 0, 2 ** 40)).toBe(-1);
    expect(s.dmesg()).toContain("dmasim: WARNING: memblock_alloc_range of 4096 bytes after mem_init");
  });
});

// krealloc (mm/slab_common.c, 4.9 and modern): `if (!new_size) { kfree(p); return
// ZERO_SIZE_PTR; }`; __do_krealloc: ks = ksize(p) (0 for NULL); `if (ks >= new_size) return p`;
// else kmalloc, memcpy(ret, p, ks), and krealloc kfrees p.
describe("krealloc and vmalloc_to_page", () => {
  it("NULL is kmalloc, within ksize keeps the pointer, growing copies ksize bytes and frees the old, 0 frees", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const k = s.kernel;
    const p = k.krealloc(0, 100, GFP_KERNEL); // kmalloc-128 on modern arm64
    expect(k.mm.slab.isLive(p)).toBe(true);
    expect(k.ksize(p)).toBe(128);
    const bytes = Uint8Array.from({ length: 128 }, (_, i) => (i * 7 + 3) & 0xff);
    s.cpu.write(p, bytes);
    expect(k.krealloc(p, 128, GFP_KERNEL)).toBe(p);
    expect(k.krealloc(p, 50, GFP_KERNEL)).toBe(p);
    const q = k.krealloc(p, 129, GFP_KERNEL);
    expect(q).not.toBe(p);
    expect(k.ksize(q)).toBe(192);
    expect(s.cpu.read(q, 128)).toEqual(bytes);
    expect(k.mm.slab.isLive(p)).toBe(false);
    expect(k.krealloc(q, 0, GFP_KERNEL)).toBe(16);
    expect(k.mm.slab.isLive(q)).toBe(false);
  });

  it("vmalloc_to_page gives the pfn the page tables map each page of a vmalloc area to; -1 outside any area", async () => {
    const s = await createSystem({ board: "arm64-ref" });
    const k = s.kernel;
    const v = k.vmalloc(3 * 4096);
    for (let i = 0; i < 3; i++) {
      const t = s.machine.mmu.translate(v + i * 4096 + 100);
      expect("pa" in t && k.vmalloc_to_page(v + i * 4096 + 100)).toBe("pa" in t && Math.floor(t.pa / 4096));
    }
    expect(k.vmalloc_to_page(s.kernel.mm.layout.vmallocEnd - 4096)).toBe(-1);
  });
});
