// A sweep table's columns (src/sim/sweep-columns.ts) over rows that differ: a failed job's row
// (no result), a field holding null (a figure the job had none of), fields only later rows have.

import { describe, expect, it } from "vitest";
import { nestedFields, resultColumns } from "../../src/sim/sweep-columns.js";
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
