// The soak, bounded for CI (the 10^6-transfer run is `npm run soak -- --transfers 1000000`,
// recorded in docs/reliability.md): transfers on one System, then nothing grown and nothing
// leaked — JavaScript heap, wasm memory, pages, DMA-API debug entries — and every copy intact.

import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { HEAP_GROWTH_LIMIT, runSoak, soakProblems } from "../../src/tools/soak/soak.js";

v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;
const gc = () => {
  collect();
  collect();
};

describe("soak", () => {
  for (const [board, transfers] of [["arm64-ref", 12000], ["zynq-7000", 6000]] as const) {
    it(`${transfers} transfers on ${board}: nothing grows, nothing leaks`, async () => {
      const r = await runSoak({ board, transfers, gc, seed: 3 });
      expect(r.transfers).toBe(transfers);
      expect(r.badCopies).toBe(0);
      expect(r.after.wasmBytes).toBe(r.before.wasmBytes);
      expect(r.after.heapUsed - r.before.heapUsed).toBeLessThan(HEAP_GROWTH_LIMIT);
      expect(r.after.freePages + r.after.pageTablePages + r.after.slabPages).toBe(r.before.freePages + r.before.pageTablePages + r.before.slabPages);
      expect(r.debugEntries.after).toBe(r.debugEntries.before);
      expect(r.debugReports).toEqual([]);
      expect(r.kernelWarnings).toEqual([]);
      expect(soakProblems(r)).toEqual([]);
    }, 60_000);
  }

  it("soakProblems names a leak when there is one", () => {
    const m = { heapUsed: 1e6, wasmBytes: 2 ** 30, freePages: 1000, pageTablePages: 2, slabPages: 3 };
    const r = {
      board: "x", transfers: 10, bytesCopied: 0, simulatedPs: 0, before: m,
      after: { ...m, freePages: 990, wasmBytes: 2 ** 30 + 65536 }, debugEntries: { before: 1, after: 2 },
      debugReports: [], kernelWarnings: [], badCopies: 0,
    };
    expect(soakProblems(r)).toEqual([
      "wasm memory grew from 1073741824 to 1073807360 bytes",
      "page allocator: 10 pages neither free nor in page tables or kmalloc caches",
      "DMA-API debug: 1 entries before, 2 after",
    ]);
  });
});
