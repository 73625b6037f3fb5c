// The table, heading, charts and report of a sweep comparing Systems (runSweep's `systems`), from
// hand-made results: one series per System, leading System columns, and a `ran on` column only
// where the System columns do not tell the rows apart.

import { describe, expect, it } from "vitest";
import { formatSweep } from "../../src/cli/result-table.js";
import { formatSweepHeading } from "../../src/sim/run-heading.js";
import { sweepChart } from "../../src/report/sweep-chart.js";
import { sweepReport, sweepSections } from "../../src/report/sweep-report.js";
import type { SweepResult } from "../../src/sim/sweep.js";
import type { Provenance } from "../../src/provenance.js";

const on = (board: string, model: string, profile: string, kernel: "modern" | "v4.9"): Provenance =>
  ({ board, model, profile, kernel, options: {}, dmasim: "0.1.0" });
const zynq = on("zynq-7000", "Zynq-7000 test board", "zynq-7000", "modern");
const arm64 = on("arm64-ref", "dmasim arm64 reference board", "arm64", "modern");

/** Two boards × two sizes × two bursts. */
const compared: SweepResult = {
  scenario: "memcpy", workers: 2, elapsedMs: 10, provenance: zynq,
  systems: { board: ["zynq-7000", "arm64-ref"] },
  rows: [
    ...[1, 16].flatMap((burst) => ["4K", "64K"].map((size) => ({
      system: { board: "zynq-7000" }, params: { size, burst }, result: { mbPerSec: size === "4K" ? 400 + burst : 1600 + burst },
    }))),
    ...[1, 16].flatMap((burst) => ["4K", "64K"].map((size) => ({
      system: { board: "arm64-ref" }, params: { size, burst }, result: { mbPerSec: size === "4K" ? 300 + burst : 1500 + burst }, provenance: arm64,
    }))),
  ],
};

/** bug's kinds choose their boards: kernel is the axis, and kind=dma-ranges runs on arm64-ref. */
const v49 = { ...zynq, kernel: "v4.9" as const };
const byKind: SweepResult = {
  scenario: "bug", workers: 0, elapsedMs: 1, provenance: zynq, systems: { kernel: ["modern", "v4.9"] },
  rows: [
    { system: { kernel: "modern" }, params: { kind: "missing-sync" }, result: { detected: true } },
    { system: { kernel: "modern" }, params: { kind: "dma-ranges" }, result: { detected: true }, provenance: arm64 },
    { system: { kernel: "v4.9" }, params: { kind: "missing-sync" }, result: { detected: true }, provenance: v49 },
  ],
};

const legend = (svg: string) => [...svg.matchAll(/<text x="\d+" y="\d+" font-size="12">([^<]*)<\/text>/g)].map((m) => m[1]);

describe("a sweep comparing Systems", () => {
  it("draws one line per System and other parameter, named in the legend", () => {
    const svg = sweepChart(compared, { y: "mbPerSec", x: "size" });
    // 2 boards × 2 bursts: four lines of two points.
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg.match(/<circle /g)).toHaveLength(8);
    expect(legend(svg).filter((t) => t.startsWith("board="))).toEqual([
      "board=zynq-7000 burst=1", "board=zynq-7000 burst=16", "board=arm64-ref burst=1", "board=arm64-ref burst=16",
    ]);
    // sweepReport draws the same chart when asked for it.
    const html = sweepReport(compared, { charts: [{ y: "mbPerSec", x: "size" }] });
    expect(html.match(/<polyline/g)).toHaveLength(4);
    expect([...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1])).toEqual(["mbPerSec against size", "Systems compared", "Results"]);
  });

  it("leads the table with the System axes and needs no ran on column when they tell the rows apart", () => {
    expect(formatSweep(compared).split("\n").slice(0, 3)).toEqual([
      "board      size  burst  mbPerSec",
      "---------  ----  -----  --------",
      "zynq-7000  4K        1       401",
    ]);
    const table = sweepSections(compared).find((s) => s.heading === "Results")!.table!;
    expect(table.header).toEqual(["board", "size", "burst", "mbPerSec"]);
    expect(table.rows[4]).toEqual(["arm64-ref", "4K", 1, 301]);
    expect(formatSweepHeading("memcpy", { size: ["4K", "64K"], burst: [1, 16] }, compared)).toBe(
      "dmasim sweep: memcpy (size=4K,64K burst=1,16) comparing board=zynq-7000,arm64-ref with kernel=modern",
    );
  });

  it("names a System axis holding an object as its kernel parameter in the legend where it is one (JSON otherwise), and a System in a chart's error", () => {
    const forced = (force: boolean, mbPerSec: number | string) => ({ system: { swiotlb: { force } }, params: { size: "4K" }, result: { mbPerSec } });
    const s: SweepResult = {
      scenario: "memcpy", workers: 0, elapsedMs: 1, provenance: arm64, systems: { swiotlb: [{ force: false }, { force: true }] },
      rows: [forced(false, 900), forced(true, 600)],
    };
    expect(legend(sweepChart(s, { y: "mbPerSec", x: "size" })).filter((t) => t.startsWith("swiotlb="))).toEqual([
      // { force: true } is swiotlb=force on the kernel's command line; { force: false } asks for
      // nothing a kernel parameter says, and stays as given.
      'swiotlb={"force":false}', "swiotlb=force",
    ]);
    const worded: SweepResult = { ...s, rows: [forced(false, 900), forced(true, "fast")] };
    expect(() => sweepChart(worded, { y: "mbPerSec", x: "size" })).toThrow(
      new TypeError('memcpy: a chart\'s y is a number, and mbPerSec is "fast" in job swiotlb=force size=4K'),
    );
  });

  it("lists under Systems compared only the Systems that ran a job: one whose jobs all failed has nothing to show", () => {
    // A failed job reports no provenance, and the sweep's (zynq-7000's) is not that System's.
    const s: SweepResult = {
      ...compared,
      rows: [
        { system: { board: "zynq-7000" }, params: { size: "4K" }, result: { mbPerSec: 400 } },
        { system: { board: "arm64-ref" }, params: { size: "4K" }, result: undefined, error: "burst must be 1…16" },
      ],
    };
    const table = sweepSections(s).find((x) => x.heading === "Systems compared")!.table!;
    expect(table.rows.map((r) => r[0])).toEqual(["zynq-7000"]);
  });

  it("keeps the ran on column for rows of one System that ran on different boards (a scenario choosing its own)", () => {
    const s = byKind;
    const lines = formatSweep(s).split("\n");
    expect(lines[0]).toMatch(/^kernel +kind +detected +ran on$/);
    expect(lines[3]).toMatch(/^modern +dma-ranges +true +dmasim arm64 reference board \(modern kernel\)$/);
    expect(formatSweepHeading("bug", { kind: ["missing-sync", "dma-ranges"] }, s)).toBe(
      "dmasim sweep: bug (kind=missing-sync,dma-ranges) comparing kernel=modern,v4.9 on the Systems in the ran on column",
    );
  });

  it("lists under Systems compared each board a System's rows ran on, once each", () => {
    // kernel=modern ran missing-sync and use-after-unmap on zynq-7000 (the sweep's own, so no
    // provenance of their own) and dma-ranges on arm64-ref: two lines; v4.9 ran on zynq-7000 only.
    const s: SweepResult = {
      ...byKind,
      rows: [
        ...byKind.rows,
        { system: { kernel: "modern" }, params: { kind: "use-after-unmap" }, result: { detected: true } },
        { system: { kernel: "v4.9" }, params: { kind: "use-after-unmap" }, result: { detected: true }, provenance: v49 },
      ],
    };
    const table = sweepSections(s).find((x) => x.heading === "Systems compared")!.table!;
    expect(table.header).toEqual(["kernel", "ran on"]);
    expect(table.rows).toEqual([
      ["modern", 'zynq-7000 ("Zynq-7000 test board"), profile zynq-7000, modern kernel, dmasim 0.1.0'],
      ["modern", 'arm64-ref ("dmasim arm64 reference board"), profile arm64, modern kernel, dmasim 0.1.0'],
      ["v4.9", 'zynq-7000 ("Zynq-7000 test board"), profile zynq-7000, v4.9 kernel, dmasim 0.1.0'],
    ]);
  });
});
