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

  it("refuse a field no finished job has, listing those they have", () => {
    expect(sweepColumnsProblem(sweep, ["timePs", "cached.timePS"]))
      .toBe("no job's result has cached.timePS to show in a column (their fields: timePs, residue, cached.timePs, descriptors)");
    expect(() => sweepTableColumns(sweep, ["descriptor"]))
      .toThrow(new RangeError("memcpy: no job's result has descriptor to show in a column (their fields: timePs, residue, cached.timePs, descriptors)"));
  });

  it("refuse a field holding an object of figures, naming them", () => {
    expect(() => sweepTableColumns(sweep, ["cached"]))
      .toThrow(new RangeError("memcpy: cached is an object of figures, not one a column can show: name one of them (cached.timePs)"));
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
