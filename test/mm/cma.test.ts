// CMA areas (mm/cma.c): an area's base and size must be aligned to the CMA minimum; cma_alloc
// takes the lowest free run whose first pfn is aligned to 2^align pages; cma_release gives pages
// back and refuses pages outside the area. Expected pfns worked out by hand.

import { describe, expect, it } from "vitest";
import { CmaAreas } from "../../src/mm/cma.js";
import { Printk } from "../../src/kernel/printk.js";
import { Memblock } from "../../src/mm/memblock.js";

const BASE = 0x10000000; // pfn 0x10000
const MiB = 2 ** 20;

function areas(version: "modern" | "v4.9" = "v4.9", arch: "arm" | "arm64" = "arm") {
  const printk = new Printk(() => 0, -1);
  return { cma: new CmaAreas(arch, version, printk), printk };
}

describe("cma_alloc / cma_release", () => {
  it("takes the first aligned free run from the bottom and fills holes first fit", () => {
    const { cma: a } = areas();
    const c = a.cma_init_reserved_mem(BASE, 4 * MiB, "test");
    if (typeof c === "number") throw new Error(`area refused: ${c}`);
    expect(a.cma_alloc(c, 1, 0)).toBe(0x10000); // page 0
    expect(a.cma_alloc(c, 3, 2)).toBe(0x10004); // pages 1..3 free but a 4-aligned start is page 4
    expect(a.cma_alloc(c, 2, 0)).toBe(0x10001); // the hole below it
    expect(a.cma_alloc(c, 1, 0)).toBe(0x10003);
    expect(a.cma_alloc(c, 1, 0)).toBe(0x10007); // pages 4..6 taken
    expect(a.cma_alloc(c, 256, 8)).toBe(0x10100); // 1 MiB aligned: the second MiB
    expect(a.freePages).toBe(1024 - 8 - 256);
  });

  it("gives pages back, refuses pages outside the area, and fails when no run fits", () => {
    const { cma: a, printk } = areas("modern");
    const c = a.cma_init_reserved_mem(BASE, 4 * MiB, "test") as Exclude<ReturnType<CmaAreas["cma_init_reserved_mem"]>, number>;
    const p = a.cma_alloc(c, 1000, 0);
    expect(p).toBe(0x10000);
    expect(a.cma_alloc(c, 100, 0)).toBe(-1); // 24 pages left
    // 6.9+ follows with cma_debug_show_areas: the one free run, 24 pages from bit 1000.
    expect(printk.grep("cma:")).toEqual([
      "cma: cma_alloc: test: alloc failed, req-size: 100 pages, ret: -12",
      "cma: number of available pages: 24@1000=> 24 free of 1024 total pages",
    ]);
    expect(a.cma_release(c, 0x20000, 1)).toBe(false);
    expect(a.cma_release(c, p, 1000)).toBe(true);
    expect(a.cma_alloc(c, 100, 0)).toBe(0x10000);
  });

  it("lists every free run when an allocation fails, and says nothing when asked not to or on 4.9", () => {
    const { cma: a, printk } = areas("modern");
    const c = a.cma_init_reserved_mem(BASE, 4 * MiB, "area") as Exclude<ReturnType<CmaAreas["cma_init_reserved_mem"]>, number>;
    expect(a.cma_alloc(c, 10, 0)).toBe(0x10000); // bits 0..9
    expect(a.cma_alloc(c, 4, 4)).toBe(0x10010); // bits 16..19
    expect(a.cma_alloc(c, 1000, 0)).toBe(0x10014); // bits 20..1019: free are 10..15 and 1020..1023
    expect(a.cma_alloc(c, 8, 0, true)).toBe(-1);
    expect(printk.grep("cma:")).toEqual([]);
    expect(a.cma_alloc(c, 8, 0)).toBe(-1);
    expect(printk.grep("cma:")).toEqual([
      "cma: cma_alloc: area: alloc failed, req-size: 8 pages, ret: -12",
      "cma: number of available pages: 6@10+4@1020=> 10 free of 1024 total pages",
    ]);
    const old = areas("v4.9");
    const d = old.cma.cma_init_reserved_mem(BASE, 4 * MiB, "area") as Exclude<ReturnType<CmaAreas["cma_init_reserved_mem"]>, number>;
    expect(old.cma.cma_alloc(d, 2000, 0)).toBe(-1);
    expect(old.printk.grep("cma:")).toEqual([]);
  });

  it("refuses an area not aligned to the CMA minimum: 4 MiB, or 2 MiB on modern arm64", () => {
    expect(areas("v4.9", "arm64").cma.cma_init_reserved_mem(BASE + 2 * MiB, 4 * MiB, "x")).toBe(-22);
    expect(areas("modern", "arm").cma.cma_init_reserved_mem(BASE, 6 * MiB, "x")).toBe(-22);
    expect(typeof areas("modern", "arm64").cma.cma_init_reserved_mem(BASE + 2 * MiB, 6 * MiB, "x")).toBe("object");
  });
});

describe("cma_declare_contiguous (the default area of cma=)", () => {
  it("rounds the size up and takes the highest aligned free range below the limit", () => {
    const { cma: a, printk } = areas("v4.9", "arm");
    const mb = new Memblock([{ base: 0, size: 512 * MiB }]);
    mb.reserve(508 * MiB, 4 * MiB); // the top 4 MiB are taken
    const c = a.cma_declare_contiguous(mb, 10 * MiB, 2 ** 32 - 1, 512 * MiB, "reserved");
    if (typeof c === "number") throw new Error(`refused: ${c}`);
    // 12 MiB (three 4 MiB blocks) ending at 508 MiB.
    expect([c.basePfn * 4096, c.count * 4096]).toEqual([496 * MiB, 12 * MiB]);
    expect(printk.grep("cma:")).toEqual(["cma: Reserved 12 MiB at 0x1f000000"]);
  });

  it("tries highmem first when the limit lies above it", () => {
    const { cma: a } = areas("v4.9", "arm");
    const mb = new Memblock([{ base: 0, size: 1024 * MiB }]);
    const c = a.cma_declare_contiguous(mb, 16 * MiB, 2 ** 32 - 1, 768 * MiB, "reserved");
    expect(typeof c !== "number" && c.basePfn * 4096).toBe(1008 * MiB);
  });

  it("reports a size that does not fit", () => {
    const { cma: a, printk } = areas("v4.9", "arm");
    const mb = new Memblock([{ base: 0, size: 64 * MiB }]);
    // The limit falls to the end of RAM, which 0 + 128 MiB passes (mm/cma.c since 5.3, and 4.9.y).
    expect(a.cma_declare_contiguous(mb, 128 * MiB, 2 ** 32 - 1, 64 * MiB, "reserved")).toBe(-22);
    expect(printk.grep("cma:")).toEqual(["cma: Size (0x08000000) of region at 0x00000000 exceeds limit (0x04000000)", "cma: Failed to reserve 128 MiB"]);
    expect(a.areas).toEqual([]);
  });

  it("names the node on modern kernels (NUMA_NO_NODE for the default area)", () => {
    const { cma: a, printk } = areas("modern", "arm64");
    const mb = new Memblock([{ base: 0x40000000, size: 256 * MiB }]);
    expect(typeof a.cma_declare_contiguous(mb, 32 * MiB, 2 ** 32, Infinity, "reserved")).toBe("object");
    expect(a.cma_declare_contiguous(mb, 512 * MiB, 2 ** 32, Infinity, "reserved")).toBe(-12);
    // 32 MiB ending at the top of RAM (0x50000000), then a size RAM cannot hold.
    expect(printk.grep("cma:")).toEqual(["cma: Reserved 32 MiB at 0x000000004e000000 on node -1", "cma: Failed to reserve 512 MiB on node -1"]);
  });

  it("modern arm64 tries bottom-up above 4 GiB first, which a limit at 4 GiB leaves empty", () => {
    const high = areas("modern", "arm64");
    const above = new Memblock([{ base: 2 ** 33, size: 1024 * MiB }]); // RAM only above 4 GiB
    const c = high.cma.cma_declare_contiguous(above, 64 * MiB, 0, Infinity, "reserved");
    expect(typeof c !== "number" && c.basePfn * 4096).toBe(2 ** 33); // the lowest fit, not the top
    const across = new Memblock([{ base: 0x40000000, size: 4096 * MiB }]); // 1 GiB .. 5 GiB
    const d = areas("modern", "arm64").cma.cma_declare_contiguous(across, 64 * MiB, 2 ** 32, Infinity, "reserved");
    expect(typeof d !== "number" && d.basePfn * 4096).toBe(2 ** 32 - 64 * MiB); // top-down below the limit
    const old = areas("v4.9", "arm64").cma.cma_declare_contiguous(new Memblock([{ base: 2 ** 33, size: 1024 * MiB }]), 64 * MiB, 0, Infinity, "reserved");
    expect(typeof old !== "number" && old.basePfn * 4096).toBe(2 ** 33 + 960 * MiB); // 4.9: top-down
  });

  it("fails a negative count as the huge unsigned long it is, and refuses fractions", () => {
    const { cma: a, printk } = areas("modern", "arm64");
    const c = a.cma_init_reserved_mem(BASE, 4 * MiB, "test") as Exclude<ReturnType<CmaAreas["cma_init_reserved_mem"]>, number>;
    expect(a.cma_alloc(c, -1, 0)).toBe(-1);
    // (unsigned long)-1 on arm64: 2^64 - 1.
    expect(printk.grep("alloc failed")).toEqual(["cma: cma_alloc: test: alloc failed, req-size: 18446744073709551615 pages, ret: -12"]);
    expect(() => a.cma_alloc(c, 1.5, 0)).toThrow(/-EINVAL: cma_alloc: count 1.5/);
    expect(() => a.cma_alloc(c, 1, 1.5)).toThrow(/-EINVAL/);
    expect(() => a.cma_alloc(c, 1, -1)).toThrow(/-EINVAL/);
    expect(a.freePages).toBe(1024);
    expect(a.cma_alloc(c, 1, 0)).toBe(0x10000);
  });
});
