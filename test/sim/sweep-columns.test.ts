// A sweep table's columns (src/sim/sweep-columns.ts) over rows that differ: a failed job's row
// (no result), a field holding null (a figure the job had none of), fields only later rows have.

import { describe, expect, it } from "vitest";
import { nestedFields, resultColumns, sweepColumnsProblem, sweepFieldPaths, sweepTableColumns } from "../../src/sim/sweep-columns.js";
import type { SweepResult } from "../../src/sim/sweep.js";

const sweep: SweepResult = {
  scenario: "memcpy",
  workers: 0,
  elapsedMs: 1,
  rows: [
    { params: { size: "4K" }, result: undefined, error: "-ENOMEM: out of memory" },
    { params: { size: "8K" }, result: { size: 8192, timePs: 10, residue: null, cached: { timePs: 1 } } },
    { params: { size: "16K" }, result: { timePs: 20, descriptors: 3, cached: { timePs: 2 } } },
  ],
};

describe("a sweep's result columns", () => {
  it("skip a failed job's row and go on to the rows after it", () => {
    // size is a parameter, cached an object; residue (null) is a scalar figure.
    expect(resultColumns(sweep)).toEqual(["timePs", "residue", "descriptors"]);
  });

  it("name only the fields holding objects as left out, each once", () => {
    expect(nestedFields(sweep)).toEqual(["cached"]);
  });
});

describe("the columns a caller names", () => {
  const names = (columns: string[]) => sweepTableColumns(sweep, columns).map((c) => c.name);

  it("read nested figures by their dotted paths, each once, leaving a swept parameter to its own column", () => {
    const columns = sweepTableColumns(sweep, ["cached.timePs", "size", "descriptors", "cached.timePs"]);
    expect(columns.map((c) => c.name)).toEqual(["cached.timePs", "descriptors"]);
    // Row by row: the failed job has no result, 8K no descriptors.
    expect(sweep.rows.map((r) => columns.map((c) => c.valueIn(r.result)))).toEqual([[undefined, undefined], [1, undefined], [2, 3]]);
    expect(names(["residue"])).toEqual(["residue"]);
  });

  it("refuse a field no finished job has, listing those they have: top-level ones, then each object's", () => {
    const listing = "their fields:\n  timePs, residue, descriptors\n  cached.timePs";
    expect(sweepColumnsProblem(sweep, ["timePs", "cached.timePS"])).toBe(`no job's result has cached.timePS; ${listing}`);
    // The caller's word on what it did instead goes before the listing.
    expect(sweepColumnsProblem(sweep, ["timePS"], "the table above has every field"))
      .toBe(`no job's result has timePS; the table above has every field; ${listing}`);
    expect(() => sweepTableColumns(sweep, ["descriptor"])).toThrow(new RangeError(`memcpy: no job's result has descriptor; ${listing}`));
  });

  it("take an object named whole as its figures, nested objects' too, in the order the rows hold them", () => {
    expect(names(["cached"])).toEqual(["cached.timePs"]);
    const phases: SweepResult = {
      scenario: "cpu-process", workers: 0, elapsedMs: 1,
      rows: [
        { params: { size: "4K" }, result: { size: 4096, dma: { timePs: 5, cache: { hits: 2, misses: 3 }, name: "receive" }, ok: true } },
        // A figure only a later row has comes after the first row's.
        { params: { size: "8K" }, result: { size: 8192, dma: { timePs: 9, cache: { hits: 4, misses: 1, evictions: 7 }, name: "receive" }, ok: true } },
      ],
    };
    const columns = sweepTableColumns(phases, ["dma"]);
    expect(columns.map((c) => c.name)).toEqual(["dma.timePs", "dma.cache.hits", "dma.cache.misses", "dma.name", "dma.cache.evictions"]);
    expect(phases.rows.map((r) => columns.map((c) => c.valueIn(r.result)))).toEqual([[5, 2, 3, "receive", undefined], [9, 4, 1, "receive", 7]]);
    // Named again, within an object or alone, a figure stays where it was first named.
    expect(sweepTableColumns(phases, ["dma.cache.misses", "ok", "dma.cache", "dma.cache.misses", "size"]).map((c) => c.name))
      .toEqual(["dma.cache.misses", "ok", "dma.cache.hits", "dma.cache.evictions"]);
  });

  it("refuse a list (a column cannot show one) and an object holding nothing but lists or nothing at all", () => {
    const lists: SweepResult = {
      scenario: "dma-mix", workers: 0, elapsedMs: 1,
      rows: [{ params: { size: "4K" }, result: { samples: [1, 2], trace: { events: [{ at: 0 }] }, none: {}, stats: { count: 2, widths: [8, 16] } } }],
    };
    expect(() => sweepTableColumns(lists, ["samples"])).toThrow(new RangeError("dma-mix: samples holds a list, not figures a column can show"));
    expect(sweepColumnsProblem(lists, ["trace"], "the table above has every field")).toBe("trace holds a list, not figures a column can show; the table above has every field");
    expect(sweepColumnsProblem(lists, ["stats.widths"])).toBe("stats.widths holds a list, not figures a column can show");
    expect(sweepColumnsProblem(lists, ["none"])).toBe("none holds no figure a column can show");
    // An object's lists are left out of its figures: --json has them.
    expect(sweepTableColumns(lists, ["stats"]).map((c) => c.name)).toEqual(["stats.count"]);
  });

  it("refuse what is not a list of field paths", () => {
    for (const bad of [["cached..timePs"], [""], ["a b"], "timePs", [3]]) {
      expect(() => sweepTableColumns(sweep, bad as string[]), JSON.stringify(bad)).toThrow(TypeError);
    }
  });

  it("are taken as named when no job finished: nothing says which fields a result has", () => {
    const failed: SweepResult = { ...sweep, rows: [sweep.rows[0]] };
    expect(sweepColumnsProblem(failed, ["anything"])).toBeUndefined();
    expect(sweepTableColumns(failed, ["anything"]).map((c) => c.name)).toEqual(["anything"]);
  });
});

describe("the figures a sweep's jobs have", () => {
  it("are every finished job's leaves, params left out, filtered by value when asked", () => {
    expect(sweepFieldPaths(sweep)).toEqual(["timePs", "residue", "cached.timePs", "descriptors"]);
    expect(sweepFieldPaths(sweep, (v) => typeof v === "number")).toEqual(["timePs", "cached.timePs", "descriptors"]);
  });
});
