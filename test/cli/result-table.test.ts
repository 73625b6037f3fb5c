// A sweep's table, in the terminal and in the HTML report, when its jobs' results differ in their
// fields (memcpy's streaming rows carry the cache maintenance split, pool rows their descriptors).

import { describe, expect, it } from "vitest";
import { formatSweep } from "../../src/cli/result-table.js";
import { sweepSections } from "../../src/report/sweep-report.js";
import type { SweepResult } from "../../src/sim/sweep.js";

const sweep: SweepResult = {
  scenario: "memcpy",
  workers: 0,
  elapsedMs: 1,
  rows: [
    { params: { size: "64K", buffers: "coherent" }, result: { size: 65536, mbPerSec: 1629.1, ok: true } },
    { params: { size: "64K", buffers: "streaming" }, result: { size: 65536, mbPerSec: 290, ok: true, maintenancePs: 185256000 } },
    { params: { size: "64K", buffers: "pool" }, result: { size: 65536, mbPerSec: 1093.3, ok: true, descriptors: 16 } },
  ],
};

describe("sweep table", () => {
  it("has a column for every field any row's result has, empty where a row lacks it, numbers to the right", () => {
    expect(formatSweep(sweep).split("\n")).toEqual([
      "size  buffers    mbPerSec  ok    maintenancePs  descriptors",
      "----  ---------  --------  ----  -------------  -----------",
      "64K   coherent     1629.1  true",
      "64K   streaming       290  true      185256000",
      "64K   pool         1093.3  true                          16",
    ]);
  });

  it("the HTML report's table has the same columns", () => {
    const table = sweepSections(sweep).find((s) => s.heading === "Results")!.table!;
    expect(table.header).toEqual(["size", "buffers", "mbPerSec", "ok", "maintenancePs", "descriptors"]);
    expect(table.rows).toEqual([
      ["64K", "coherent", 1629.1, "true", "", ""],
      ["64K", "streaming", 290, "true", 185256000, ""],
      ["64K", "pool", 1093.3, "true", "", 16],
    ]);
  });
});

describe("a sweep whose results hold objects", () => {
  it("names the fields the table leaves out under it", () => {
    const nested: SweepResult = {
      scenario: "cpu-process",
      workers: 0,
      elapsedMs: 1,
      rows: [{ params: { size: "4K" }, result: { processSlowdown: 7.83, cached: { timePs: 1 }, uncached: { timePs: 8 } } }],
    };
    expect(formatSweep(nested).split("\n")).toEqual([
      "size  processSlowdown",
      "----  ---------------",
      "4K               7.83",
      "(not in the table: cached, uncached, each an object of figures; --json has them)",
    ]);
    expect(formatSweep(sweep)).not.toContain("not in the table");
  });
});

describe("a sweep table with the columns asked for", () => {
  const nested: SweepResult = {
    scenario: "cpu-process",
    workers: 0,
    elapsedMs: 1,
    rows: [
      { params: { size: "4K" }, result: { size: 4096, processSlowdown: 7.83, cached: { totalPs: 14885795 }, uncached: { totalPs: 26343008, process: { timePs: 22336008 } } } },
      { params: { size: "64K" }, result: { size: 65536, processSlowdown: 7.83, cached: { totalPs: 209080192 }, uncached: { totalPs: 397377048, process: { timePs: 1 } } } },
    ],
  };

  it("shows the parameters, then those fields in the order named, and nothing under the table", () => {
    expect(formatSweep(nested, ["uncached.totalPs", "cached.totalPs"]).split("\n")).toEqual([
      "size  uncached.totalPs  cached.totalPs",
      "----  ----------------  --------------",
      "4K            26343008        14885795",
      "64K          397377048       209080192",
    ]);
  });

  it("the HTML report's table has the same columns", () => {
    const table = sweepSections(nested, { columns: ["uncached.process.timePs", "processSlowdown"] }).find((s) => s.heading === "Results")!.table!;
    expect(table.header).toEqual(["size", "uncached.process.timePs", "processSlowdown"]);
    expect(table.rows).toEqual([["4K", 22336008, 7.83], ["64K", 1, 7.83]]);
  });

  it("refuses a field no row has, in the terminal and in the report", () => {
    // Listed by top-level name: the top-level figures, then each object's on a line of its own.
    const why = "cpu-process: no job's result has cached.total; their fields:\n  processSlowdown\n  cached.totalPs\n  uncached.totalPs, uncached.process.timePs";
    expect(() => formatSweep(nested, ["cached.total"])).toThrow(why);
    expect(() => sweepSections(nested, { columns: ["cached.total"] })).toThrow(why);
  });

  it("without columns, is the table every field makes", () => {
    expect(formatSweep(nested, undefined)).toBe(formatSweep(nested));
    expect(formatSweep(nested).split("\n")).toEqual([
      "size  processSlowdown",
      "----  ---------------",
      "4K               7.83",
      "64K              7.83",
      "(not in the table: cached, uncached, each an object of figures; --json has them)",
    ]);
  });
});
