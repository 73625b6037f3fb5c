// cma_init_reserved_areas (core_initcall) with an area that spans two zones, followed by a
// second area: modern refuses the first (its pages go to the page allocator) and activates the
// second; 4.9 activates the first up to the zone boundary, empties it without a message, and
// stops — the second is never activated. Figures worked out by hand in the comments.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { acrossBoard } from "../helpers/across-4g-board.js";
import type { System } from "../../src/system.js";

const MiB = 2 ** 20;

const pool = (name: string, reg: string) => `\t\t${name} {\n\t\t\tcompatible = "shared-dma-pool";\n\t\t\treusable;\n\t\t\treg = <${reg}>;\n\t\t};\n`;
/** Two reusable pools, in this order: 64 MiB at 0xfe000000 (across 4 GiB), 16 MiB at 0xf8000000. */
const twoPools = `\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n${pool("across@fe000000", "0x0 0xfe000000 0x0 0x4000000")}${pool("inside@f8000000", "0x0 0xf8000000 0x0 0x1000000")}\t};\n\n`;

const totalram = (s: System) => s.kernel.mm.totalram_pages();

describe("an area across two zones, then another area", () => {
  it("v4.9: activated up to the boundary, emptied silently, and the next area is never activated", async () => {
    const s = await createSystem({ dts: acrossBoard(twoPools), kernel: "v4.9" });
    const none = await createSystem({ dts: acrossBoard(), kernel: "v4.9" });
    const [across, inside] = s.kernel.mm.cma.areas;
    expect(s.kernel.printk.grep("Reserved memory: created CMA")).toEqual([
      "Reserved memory: created CMA memory pool at 0x00000000fe000000, size 64 MiB",
      "Reserved memory: created CMA memory pool at 0x00000000f8000000, size 16 MiB",
    ]);
    // 4.9 has no "could not be activated" message (nor area names): the log says nothing more.
    expect(s.kernel.printk.grep("activated")).toEqual([]);
    expect(s.kernel.printk.grep("cma")).toEqual([]);
    expect(across.count).toBe(0);
    expect(inside).toMatchObject({ basePfn: 0xf8000, count: 4096, neverActivated: true });
    // Its bitmap was never allocated: cma_alloc dereferences NULL.
    expect(() => s.kernel.mm.cma.cma_alloc(inside, 1, 0)).toThrow(/NULL pointer/);
    // 4.9 ZONE_DMA ends at min(4 GiB, end of RAM) = pfn 0x100000. The first area starts at pfn
    // 0xfe000: 0x2000 = 8192 pages = 16 pageblocks of 512 pages before the boundary, activated
    // and managed by ZONE_DMA; the other 8192 pages stay reserved, as do the second area's 4096.
    // Without the pools all 80 MiB would be the page allocator's: 8192 + 4096 pages fewer.
    expect(s.kernel.mm.cma.orphanedBlocks).toEqual([{ startPfn: 0xfe000, endPfn: 0x100000 }]);
    expect(totalram(s)).toBe(totalram(none) - 8192 - 4096);
  });

  it("modern: the first is refused with its message and given to the page allocator; the second is activated", async () => {
    const s = await createSystem({ dts: acrossBoard(twoPools) });
    const none = await createSystem({ dts: acrossBoard() });
    const [across, inside] = s.kernel.mm.cma.areas;
    expect(s.kernel.printk.grep("could not be activated")).toEqual(["cma: CMA area across@fe000000 could not be activated"]);
    expect(across.count).toBe(0);
    expect(inside.neverActivated).toBeUndefined();
    expect(s.kernel.mm.cma.cma_alloc(inside, 16, 0)).toBe(0xf8000);
    // The refused 64 MiB went to the page allocator and the activated 16 MiB count as managed:
    // as many pages as with no pools.
    expect(totalram(s)).toBe(totalram(none));
    expect(s.kernel.mm.cma.freePages).toBe(16 * MiB / 4096 - 16);
  });
});
