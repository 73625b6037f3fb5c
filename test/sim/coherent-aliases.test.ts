// The seed's observation as a scenario: both mappings of one coherent buffer.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { formatCoherentAliases, type CoherentAliasesResult } from "../../src/sim/coherent-aliases.js";

describe("coherent-aliases", () => {
  it("4.9 arm64: the cacheable 2 MB block at 0xffffffc0… and the non-cacheable pages at 0xffffff80…", async () => {
    const s = await createSystem({ board: "arm64-ref", kernel: "v4.9" });
    const r = s.run("coherent-aliases") as CoherentAliasesResult;
    expect(r.linearAlias).toMatch(/^0xffffffc0/);
    expect(r.cpuAddr).toMatch(/^0xffffff80/);
    expect(r.linearDump).toMatch(/^0xffffffc0[0-9a-f]{8}-0xffffffc0[0-9a-f]{8}           2M PMD     RW NX SHD AF        BLK UXN MEM\/NORMAL$/m);
    expect(r.remapDump).toMatch(new RegExp(`^${r.cpuAddr}-0xffffff80[0-9a-f]{8}           8K PTE     RW NX SHD AF            UXN MEM/NORMAL-NC$`, "m"));
    expect(formatCoherentAliases(r)).toContain("The coherent remap (non-cacheable, 4 KB pages):");
  });

  it("takes a size with a unit, and gives the buffer back once the tables are dumped", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: false });
    const free = s.kernel.mm.buddy.freePageCount;
    s.run("coherent-aliases"); // the vmalloc area's page table for the remap stays, as in Linux
    const settled = s.kernel.mm.buddy.freePageCount;
    expect(free - settled).toBeLessThan(4);
    const r = s.run("coherent-aliases", { size: "16K" }) as CoherentAliasesResult;
    expect(r.size).toBe(16384);
    expect(r.remapDump).toMatch(/^0xe0[0-9a-f]{6}-0xe0[0-9a-f]{6} +16K +RW NX SHD MEM\/BUFFERABLE\/WC$/m);
    expect(s.kernel.mm.buddy.freePageCount).toBe(settled);
    expect(() => s.run("coherent-aliases", { size: "lots" })).toThrow('not a size: "lots"');
    s.dispose();
  });

  it("runs in a worker too (plain data)", async () => {
    const s = await createSystem({ board: "zynq-7000", worker: true });
    try {
      const r = (await s.run("coherent-aliases", { size: 4096 })) as CoherentAliasesResult;
      expect(r.linearDump).toMatch(/1M     RW x  SHD$/m);
      expect(r.remapDump).toMatch(/4K     RW NX SHD MEM\/BUFFERABLE\/WC$/m);
    } finally {
      await s.close();
    }
  });
});
