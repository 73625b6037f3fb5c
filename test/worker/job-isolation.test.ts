// Jobs that follow one another on a worker share its compiled silicon (silicon-handover.ts) and
// its handed-on wasm memory (memory-reuse.ts), never a System: each job's result and provenance
// must be what the same job gives as the only job of a fresh worker process, which compiles its
// own silicon and boots on a fresh memory.

import { describe, expect, it } from "vitest";
import { WorkerPool } from "../../src/worker/pool.js";
import type { JobSpec } from "../../src/worker/job.js";

// Different boards (a Zynq's 32-bit arm, an arm64 reference), buffers and sizes, so that what one
// job leaves behind (cache contents, page tables, allocator state, bytes in RAM) would show in the
// next one's cycles or checked bytes. The first job comes again last, after the others.
const A: JobSpec = { system: {}, scenario: "memcpy", params: { size: "256K", burst: 1 } };
const B: JobSpec = { system: { board: "arm64-ref" }, scenario: "memcpy", params: { size: "64K", burst: 16, buffers: "streaming" } };
const C: JobSpec = { system: {}, scenario: "memcpy", params: { size: "8K", burst: 4, buffers: "pool", block: "1K" } };
// A driver's module that reads a kmalloc'd buffer (kmalloc does not zero it) before filling it:
// run again on the same worker it gets the same address, where a leak would show its own bytes.
const index = new URL("../../dist/src/index.js", import.meta.url).href;
const D: JobSpec = {
  system: {}, params: {},
  scenario: "data:text/javascript," + encodeURIComponent(
    `import { GFP_KERNEL } from ${JSON.stringify(index)};
     export function run(system) {
       const va = system.kernel.kmalloc(8192, GFP_KERNEL);
       const seen = system.cpu.read(va, 8192);
       system.cpu.fill(va, 0xa5, 8192);
       return { va, nonZero: seen.filter((b) => b !== 0).length, cycles: system.now() };
     }`),
};

async function inTurn(specs: JobSpec[], options: { bundled?: boolean }): Promise<unknown[]> {
  const pool = await WorkerPool.create(1, options);
  const provenances: unknown[] = [];
  try {
    const results = await pool.runAll(specs, (i, _r, p) => (provenances[i] = p));
    return results.map((r, i) => [r, provenances[i]]);
  } finally {
    await pool.close();
  }
}

describe("jobs in turn on one worker", () => {
  it("give each job the result and provenance it has alone in a fresh worker process", async () => {
    const fresh = new Map<JobSpec, unknown>();
    for (const spec of [A, B, C, D]) {
      const pool = await WorkerPool.create(1, { process: true, bundled: spec !== D });
      let provenance: unknown;
      try {
        const [result] = await pool.runAll([spec], (_i, _r, p) => (provenance = p));
        fresh.set(spec, [result, provenance]);
      } finally {
        await pool.close();
      }
    }
    // Every memcpy checked its bytes, so a leak that corrupted data would show in `ok` too.
    for (const spec of [A, B, C]) expect((fresh.get(spec) as [{ ok: boolean }])[0].ok, JSON.stringify(spec.params)).toBe(true);
    const order = [A, B, C, A];
    // A thread of the one-file worker (as runSweep's pool runs built-in scenarios)…
    expect(await inTurn(order, { bundled: true })).toEqual(order.map((s) => fresh.get(s)));
    // …and of the modules' entry, which also runs a driver's module.
    const withModule = [D, A, D, B, D];
    expect(await inTurn(withModule, {})).toEqual(withModule.map((s) => fresh.get(s)));
  }, 60_000);
});
