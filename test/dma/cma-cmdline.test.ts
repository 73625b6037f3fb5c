// cma=nn[MG]@[start[MG][-end[MG]]] (kernel-parameters.txt; early_cma and dma_contiguous_reserve
// in kernel/dma/contiguous.c, cma_declare_contiguous in mm/cma.c): the default area at a fixed
// base or between a base and a limit, and Linux's refusals when it cannot be placed.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { acrossBoard } from "../helpers/across-4g-board.js";
import { cmaFixed, early_cma } from "../../src/dma/cma-cmdline.js";
import { dma_alloc_coherent } from "../../src/dma/mapping.js";
import { GFP_ATOMIC } from "../../src/mm/gfp.js";
import type { System } from "../../src/system.js";

const MiB = 2 ** 20;

function area(s: System) {
  const c = s.kernel.mm.cma.defaultArea;
  return c && { base: c.basePfn * 4096, size: c.count * 4096 };
}

describe("early_cma", () => {
  it("reads a size, a base after '@' and a limit after '-'; a base alone fixes the area there", () => {
    expect(early_cma("64M")).toEqual({ size: 64 * MiB, base: 0, limit: 0 });
    expect(early_cma("64M@0x50000000")).toEqual({ size: 64 * MiB, base: 0x50000000, limit: 0x54000000 });
    expect(early_cma("64M@1G-1536M")).toEqual({ size: 64 * MiB, base: 2 ** 30, limit: 1536 * MiB });
    expect(cmaFixed(early_cma("64M@0x50000000"))).toBe(true);
    expect(cmaFixed(early_cma("64M@0x50000000-0x54000000"))).toBe(true); // limit = base + size
    expect(cmaFixed(early_cma("64M@0x50000000-0x60000000"))).toBe(false);
    expect(() => early_cma("64M@lots")).toThrow(/not a size: "64M@lots" \(its start "lots"/);
  });
});

describe("cma=SIZE@BASE[-LIMIT] places the default area", () => {
  for (const kernel of ["modern", "v4.9"] as const) {
    const node = kernel === "modern" ? " on node -1" : "";
    it(`arm64-ref ${kernel}: exactly at the base, and the atomic pool comes from its bottom`, async () => {
      const s = await createSystem({ board: "arm64-ref", kernel, cma: "64M@0x50000000" });
      expect(area(s)).toEqual({ base: 0x50000000, size: 64 * MiB });
      expect(s.kernel.printk.grep("cma:")).toEqual([`cma: Reserved 64 MiB at 0x0000000050000000${node}`]);
      const buf = dma_alloc_coherent(s.device("ff6e0000.dma-controller")!, 8192, GFP_ATOMIC)!;
      expect(buf.dmaAddr).toBe(0x50000000);
    });

    it(`arm64-ref ${kernel}: between base and limit, top down from the limit`, async () => {
      const s = await createSystem({ board: "arm64-ref", kernel, cma: "64M@0x50000000-0x60000000" });
      expect(area(s)).toEqual({ base: 0x5c000000, size: 64 * MiB });
    });
  }

  it("zynq-7000: a 32-bit %pa", async () => {
    const s = await createSystem({ board: "zynq-7000", cma: "16M@0x10000000" });
    expect(area(s)).toEqual({ base: 0x10000000, size: 16 * MiB });
    expect(s.kernel.printk.grep("cma:")).toEqual(["cma: Reserved 16 MiB at 0x10000000 on node -1"]);
  });

  it("refuses a placement Linux cannot make, in each kernel's words, and boots without an area", async () => {
    const cases: [string, "modern" | "v4.9", string][] = [
      // The base must be aligned already: 2 MiB on modern arm64 (pageblock), 4 MiB on 4.9.
      ["64M@0x50100000", "modern", "cma: Region at 0x0000000050100000 must be aligned to 0x0000000000200000 bytes"],
      ["64M@0x50200000", "v4.9", "cma: Region at 0x0000000050200000 must be aligned to 0x0000000000400000 bytes"],
      // RAM (all of it linear-mapped) ends at 0x80000000.
      ["64M@0x7e000000", "modern", "cma: Region at 0x000000007e000000 defined on low/high memory boundary (0x0000000080000000)"],
      ["64M@0x50000000-0x52000000", "modern", "cma: Size (0x0000000004000000) of region at 0x0000000050000000 exceeds limit (0x0000000052000000)"],
    ];
    for (const [cma, kernel, why] of cases) {
      const s = await createSystem({ board: "arm64-ref", kernel, cma });
      const node = kernel === "modern" ? " on node -1" : "";
      expect(s.kernel.printk.grep("cma:")).toEqual([why, `cma: Failed to reserve 64 MiB${node}`]);
      expect(area(s)).toBeNull();
    }
    // The kernel image is reserved at the bottom of RAM: memblock_reserve refuses (-EBUSY).
    const busy = await createSystem({ board: "arm64-ref", cma: "64M@0x40000000" });
    expect(busy.kernel.printk.grep("cma:")).toEqual(["cma: Failed to reserve 64 MiB on node -1"]);
  });

  it("an area placed outside RAM is reserved but never activated, so it gives nothing", async () => {
    const s = await createSystem({ board: "arm64-ref", cma: "64M@0x10000000" });
    expect(s.kernel.printk.grep("cma:")).toEqual([
      "cma: Reserved 64 MiB at 0x0000000010000000 on node -1",
      "cma: CMA area reserved could not be activated",
    ]);
    expect(area(s)).toEqual({ base: 0x10000000, size: 0 });
    const buf = dma_alloc_coherent(s.device("ff6e0000.dma-controller")!, 8192, GFP_ATOMIC)!;
    expect(buf.dmaAddr).toBeGreaterThanOrEqual(0x40000000); // the pool's pages came from the buddy allocator
  });

  it("rejects a base or limit that is not a size", async () => {
    await expect(createSystem({ board: "arm64-ref", cma: "64M@0x5000000g" })).rejects.toThrow(/cma: not a size: "64M@0x5000000g"/);
  });
});

describe("an area that spans two zones is not activated (modern cma_activate_area)", () => {
  const freeWithArea = (s: System) => s.kernel.mm.buddy.freePageCount + s.kernel.mm.cma.freePages;

  it("cma=64M@0xfe000000 across 4 GiB: reserved, then refused, its pages given to the page allocator", async () => {
    const s = await createSystem({ dts: acrossBoard(), cma: "64M@0xfe000000" });
    // The command line's limit (base + size) is honoured although it is past arm64_dma_phys_limit.
    expect(s.kernel.printk.grep("cma:")).toEqual([
      "cma: Reserved 64 MiB at 0x00000000fe000000 on node -1",
      "cma: CMA area reserved could not be activated",
    ]);
    expect(area(s)).toEqual({ base: 0xfe000000, size: 0 });
    // Every page of the area is free for the page allocator: as many free pages as with no area.
    const none = await createSystem({ dts: acrossBoard() });
    expect(freeWithArea(s)).toBe(freeWithArea(none));
    // The atomic pools had nothing from it (both from the buddy allocator, as without an area).
    expect(s.kernel.printk.grep("DMA: preallocated")).toEqual(none.kernel.printk.grep("DMA: preallocated"));
  });

  it("a reg-placed reusable shared-dma-pool across 4 GiB, likewise; one inside a zone is activated", async () => {
    const node = (at: string, reg: string) =>
      `\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n\t\tlinux,cma@${at} {\n\t\t\tcompatible = "shared-dma-pool";\n\t\t\treusable;\n\t\t\treg = <${reg}>;\n\t\t\tlinux,cma-default;\n\t\t};\n\t};\n\n`;
    const across = await createSystem({ dts: acrossBoard(node("fe000000", "0x0 0xfe000000 0x0 0x4000000")) });
    expect(across.kernel.printk.grep("could not be activated")).toEqual(["cma: CMA area linux,cma@fe000000 could not be activated"]);
    expect(area(across)).toEqual({ base: 0xfe000000, size: 0 });
    const below = await createSystem({ dts: acrossBoard(node("fa000000", "0x0 0xfa000000 0x0 0x4000000")) });
    expect(below.kernel.printk.grep("could not be activated")).toEqual([]);
    expect(area(below)).toEqual({ base: 0xfa000000, size: 64 * MiB });
  });
});
