import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { sweepChart } from "../../src/report/sweep-chart.js";
import { sweepReport } from "../../src/report/sweep-report.js";
import type { SweepResult } from "../../src/sim/sweep.js";
import { acceptanceSweep } from "./fixtures/acceptance-sweep.js";

// The plot area of svg.ts's charts: x from 70 to 640 - 150 = 490, y from 360 - 52 = 308 (zero)
// up to 36 (the axis's top value), 272 px.
const circles = (svg: string) => [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
const rects = (svg: string) =>
  [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="[^"]+"><title>([^<]*)<\/title>/g)]
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]), title: m[5] }));
const yLabel = (svg: string) => /rotate\(-90\)" text-anchor="middle" font-size="12">([^<]*)</.exec(svg)?.[1];
const title = (svg: string) => /<title>([^<]*)<\/title>/.exec(svg)?.[1];

/** memcpy over buffers × size: coherent rows have no maintenancePs; streaming at 16M failed. */
const maintenance: SweepResult = {
  scenario: "memcpy", workers: 1, elapsedMs: 10,
  rows: [
    ...["4K", "64K", "1M", "16M"].map((size) => ({ params: { buffers: "coherent", size }, result: { mbPerSec: 1000, ok: true } })),
    { params: { buffers: "streaming", size: "4K" }, result: { mbPerSec: 100, maintenancePs: 2_000_000, ok: true } },
    { params: { buffers: "streaming", size: "64K" }, result: { mbPerSec: 290, maintenancePs: 20_000_000, ok: true } },
    { params: { buffers: "streaming", size: "1M" }, result: { mbPerSec: 300, maintenancePs: 185_000_000, ok: true } },
    { params: { buffers: "streaming", size: "16M" }, result: undefined, error: "-ENOMEM: kmalloc(16777216) failed" },
  ],
};

describe("sweep charts", () => {
  it("draws a result field against a size, in µs, leaving out and counting the jobs without a figure", () => {
    const svg = sweepChart(maintenance, { y: "maintenancePs", x: "size" });
    expect(title(svg)).toBe("memcpy: maintenancePs against size (left out: 1 failed job, 4 jobs without maintenancePs)");
    expect(yLabel(svg)).toBe("maintenancePs (µs, simulated)");
    // 2, 20 and 185 µs on an axis up to 200 µs; 4K, 64K and 1M at the left, middle and right
    // of a logarithmic axis (64K is 16× 4K, 1M 16× 64K).
    expect(circles(svg)).toEqual([[70, 305.3], [280, 280.8], [490, 56.4]]);
    expect(svg).toContain('points="70.0,305.3 280.0,280.8 490.0,56.4"');
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).toContain(">buffers=streaming</text>");
    expect(svg).not.toContain("buffers=coherent");
    expect(svg).toContain(">64 KiB</text>");
  });

  it("chooses size as x when none is given, and the table of a failed sweep names each job's error", () => {
    expect(sweepChart(maintenance, { y: "maintenancePs" })).toBe(sweepChart(maintenance, { y: "maintenancePs", x: "size" }));
    const html = sweepReport(maintenance, { charts: [{ y: "maintenancePs" }, { y: "mbPerSec", x: "buffers" }] });
    expect([...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1])).toEqual(["maintenancePs against size", "mbPerSec against buffers", "Results"]);
    expect(html).toContain("<th>error</th>");
    expect(html).toContain("<td>-ENOMEM: kmalloc(16777216) failed</td>");
  });

  it("draws grouped bars against a parameter whose values are words, with no bar for a job that did not finish", () => {
    const s: SweepResult = {
      scenario: "memcpy", workers: 1, elapsedMs: 10,
      rows: [
        { params: { buffers: "coherent", size: "4K" }, result: { mbPerSec: 400 } },
        { params: { buffers: "coherent", size: "64K" }, result: { mbPerSec: 1600 } },
        { params: { buffers: "streaming", size: "4K" }, result: { mbPerSec: 100 } },
        { params: { buffers: "streaming", size: "64K" }, result: undefined },
      ],
    };
    const svg = sweepChart(s, { y: "mbPerSec", x: "buffers" });
    expect(title(svg)).toBe("memcpy: throughput against buffers (left out: 1 unfinished job)");
    expect(yLabel(svg)).toBe("MB/s (simulated)");
    // Two categories of 210 px, each with two bars of 210 × 0.8 / 2 = 84 px after a 21 px gap;
    // heights of 272 px × value / 2000 (the axis's top above 1600).
    expect(rects(svg)).toEqual([
      { x: 91, y: 253.6, width: 84, height: 54.4, title: "coherent: size=4K 400" },
      { x: 175, y: 90.4, width: 84, height: 217.6, title: "coherent: size=64K 1600" },
      { x: 301, y: 294.4, width: 84, height: 13.6, title: "streaming: size=4K 100" },
    ]);
    expect(svg).toContain('font-size="12">buffers</text>');
    expect(svg).toContain('text-anchor="middle" font-size="11">streaming</text>');
  });

  it("puts the first numeric parameter on x when the sweep has no size, and labels bytes and rates by their unit", () => {
    const rows = [64, 256, 1500].flatMap((len) => ["sync", "copybreak"].map((variant) => ({
      params: { variant, len },
      result: { driverNsPerPacket: len, staleBytes: len * 4096, copyMbPerSec: len / 2 },
    })));
    const s: SweepResult = { scenario: "rx-ring.js", workers: 1, elapsedMs: 1, rows };
    const ns = sweepChart(s, { y: "driverNsPerPacket" });
    expect(title(ns)).toBe("rx-ring.js: driverNsPerPacket against len");
    expect(yLabel(ns)).toBe("driverNsPerPacket");
    expect(ns).toContain(">variant=copybreak</text>");
    // len is a byte count by its name: 1500 B at the right.
    expect(ns).toContain('<text x="490" y="324" text-anchor="middle" font-size="11">1500 B</text>');
    // The largest, 1500 × 4096 bytes, is 5.859375 MiB, on an axis up to 10: 308 - 159.375.
    const bytes = sweepChart(s, { y: "staleBytes" });
    expect(yLabel(bytes)).toBe("staleBytes (MiB)");
    expect(circles(bytes).map(([, y]) => y)).toContain(148.6);
    expect(yLabel(sweepChart(s, { y: "copyMbPerSec" }))).toBe("copyMbPerSec (MB/s, simulated)");
  });

  it("reads a nested field by its dotted path", () => {
    const s: SweepResult = {
      scenario: "cpu-process", workers: 1, elapsedMs: 1,
      rows: [["4K", 45_600_000], ["64K", 357_400_000]].map(([size, timePs]) => ({ params: { size }, result: { cached: { process: { timePs } } } })),
    };
    const svg = sweepChart(s, { y: "cached.process.timePs" });
    expect(yLabel(svg)).toBe("cached.process.timePs (µs, simulated)");
    // 45.6 and 357.4 µs on an axis up to 500.
    expect(circles(svg)).toEqual([[70, 283.2], [490, 113.6]]);
  });

  it("refuses a y no job has, a y that is not a number and an x that is not swept, naming what is there", () => {
    expect(() => sweepChart(maintenance, { y: "maintenancPs" })).toThrow(
      new TypeError("memcpy: no job's result has maintenancPs to chart (its numeric fields: mbPerSec, maintenancePs)"),
    );
    expect(() => sweepChart(maintenance, { y: "ok" })).toThrow(new TypeError("memcpy: a chart's y is a number, and ok is true in job buffers=coherent size=4K"));
    const nested: SweepResult = { scenario: "cpu-process", workers: 1, elapsedMs: 1, rows: [{ params: { size: "4K" }, result: { cached: { timePs: 1 } } }] };
    expect(() => sweepChart(nested, { y: "cached" })).toThrow(
      new TypeError("cpu-process: a chart's y is a number, and cached is an object of figures (chart one of them: cached.timePs) in job size=4K"),
    );
    expect(() => sweepChart(maintenance, { y: "mbPerSec", x: "burst" })).toThrow(new RangeError('memcpy: a chart\'s x is a swept parameter (buffers, size), not "burst"'));
    expect(() => sweepChart(maintenance, { y: "" })).toThrow(/a chart's y is a result field/);
  });

  it("draws the default report byte for byte as before charts could be chosen", () => {
    // The fixture is what sweepReport wrote for acceptanceSweep at 807dea1, before this option.
    const before = readFileSync(new URL("./fixtures/acceptance-sweep-report.html", import.meta.url), "utf8");
    expect(sweepReport(acceptanceSweep)).toBe(before);
    expect(sweepReport(acceptanceSweep, {})).toBe(before);
  });
  it("says why a report asked for no charts has none, and names a field to chart, instead of leaving it out without a word", () => {
    // cpu-process has no mbPerSec; a memcpy sweep over bursts alone does not vary size.
    const cpu: SweepResult = {
      scenario: "cpu-process", workers: 1, elapsedMs: 1,
      rows: [{ params: { size: "64" }, result: { size: 64, cached: { receive: { timePs: 1 }, totalPs: 3 }, uncached: { totalPs: 2 } } }],
    };
    const cpuHtml = sweepReport(cpu);
    expect(cpuHtml).not.toContain("<svg");
    expect(cpuHtml).toContain("<h2>Charts</h2>");
    expect(cpuHtml).toContain("No chart: by itself a report draws throughput (mbPerSec) against size, and this sweep cannot have one (its results have no mbPerSec).");
    expect(cpuHtml).toContain("with --chart y=FIELD (sweepReport's charts: [{ y: FIELD }]), e.g. y=cached.totalPs.");
    const bursts: SweepResult = { scenario: "memcpy", workers: 1, elapsedMs: 1, rows: [4, 16].map((burst) => ({ params: { burst }, result: { dmaTimePs: burst, mbPerSec: burst } })) };
    expect(sweepReport(bursts)).toContain("this sweep cannot have one (it does not vary size). Ask for a chart of any numeric field with --chart y=FIELD (sweepReport's charts: [{ y: FIELD }]), e.g. y=dmaTimePs.");
    // Charts asked for, or the throughput chart drawn: no such note.
    expect(sweepReport(cpu, { charts: [{ y: "cached.totalPs" }] })).not.toContain("No chart");
    expect(sweepReport(maintenance)).not.toContain("No chart");
  });

  it("chooses size as x when none is given even when a numeric parameter comes before it", () => {
    const s: SweepResult = {
      scenario: "memcpy", workers: 1, elapsedMs: 10,
      rows: [4, 8].flatMap((burst) => ["4K", "64K"].map((size) => ({ params: { burst, size }, result: { mbPerSec: burst * 100 } }))),
    };
    expect(title(sweepChart(s, { y: "mbPerSec" }))).toBe("memcpy: throughput against size");
  });

  it("a parameter with a value 0 has no place on a logarithmic axis: drawn as bars, one group per value", () => {
    const s: SweepResult = {
      scenario: "memcpy", workers: 1, elapsedMs: 10,
      rows: [0, 1, 2].map((depth) => ({ params: { depth }, result: { mbPerSec: 100 + depth } })),
    };
    const svg = sweepChart(s, { y: "mbPerSec", x: "depth" });
    expect(circles(svg)).toEqual([]);
    expect(rects(svg)).toHaveLength(3);
  });
});
