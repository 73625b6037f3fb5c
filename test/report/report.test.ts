import { describe, expect, it } from "vitest";
import { lineChart, stackedBars } from "../../src/report/svg.js";
import { renderReport } from "../../src/report/html.js";
import { sweepReport } from "../../src/report/sweep-report.js";
import type { SweepResult } from "../../src/sim/sweep.js";
import { demoReport } from "../../src/report/demo-report.js";
import type { DemoResult } from "../../src/sim/demo.js";
import type { PhaseResult } from "../../src/sim/phase.js";

describe("reports", () => {
  it("draws one polyline per series with points placed on a log axis", () => {
    const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [
      { name: "a", points: [[1, 10], [100, 20]] },
      { name: "b", points: [[10, 5]] },
    ] });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    // x = 10 sits half way (log scale) between the plot's left (70) and right (640 - 150) edges.
    expect(svg).toContain('cx="280.0"');
  });

  it("makes room for a long legend instead of cutting it off at the picture's edge", () => {
    const names = ["burst=16", "channels=2 buffers=streaming burst=auto"];
    const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: names.map((name) => ({ name, points: [[1, 1]] })) });
    const width = Number(svg.match(/<svg [^>]*width="(\d+)"/)![1]);
    expect(svg).toContain(`viewBox="0 0 ${width} `);
    for (const name of names) {
      const x = Number(svg.match(new RegExp(`<text x="([\\d.]+)"[^>]*>${name}</text>`))![1]);
      // 12 px sans-serif: at least half an em per character.
      expect(x + name.length * 6).toBeLessThanOrEqual(width);
    }
  });

  it("leaves out a size label that would print over the one before it", () => {
    // 2^0 … 2^20 over 420 px of log axis: 21 px apart. Each label is 5 characters, 41 px wide
    // (3.5 px per half character + 3 on each side): every other one fits.
    const xs = Array.from({ length: 21 }, (_, i) => 2 ** i);
    const name = (x: number) => `n${String(Math.log2(x)).padStart(4, "0")}`;
    const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points: xs.map((x) => [x, 1]) }], xFormat: name });
    const xLabels = (chart: string) => [...chart.matchAll(/<text x="[\d.]+" y="\d+" text-anchor="middle" font-size="11">([^<]*)<\/text>/g)].map((m) => m[1]);
    const labels = xLabels(svg);
    expect(labels).toEqual(["n0000", "n0002", "n0004", "n0006", "n0008", "n0010", "n0012", "n0014", "n0016", "n0018", "n0020"]);
    const wide = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [[1, 1], [1000, 1]] }] });
    expect(xLabels(wide)).toEqual(["1", "1000"]);
  });

  it("draws sixteen series (every burst length) in sixteen colours", () => {
    const series = Array.from({ length: 16 }, (_, i) => ({ name: `burst=${i + 1}`, points: [[1, i] as [number, number], [2, i] as [number, number]] }));
    const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", series });
    const strokes = [...svg.matchAll(/<polyline fill="none" stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(strokes).toHaveLength(16);
    expect(new Set(strokes).size).toBe(16);
  });

  it("names each picture by its title for a screen reader", () => {
    const svg = stackedBars({ title: 'a "b" <c>', yLabel: "ms", categories: ["c1"], segments: [{ name: "dma", values: [2] }] });
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="a &quot;b&quot; &lt;c&gt;"><title>a "b" &lt;c&gt;<\/title>/);
    const line = lineChart({ title: "memcpy: throughput", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [[1, 1]] }] });
    expect(line).toMatch(/^<svg [^>]*aria-label="memcpy: throughput"><title>memcpy: throughput<\/title>/);
  });

  it("stacks segments and escapes text", () => {
    const svg = stackedBars({ title: "<t>", yLabel: "ms", categories: ["c1"], segments: [{ name: "dma", values: [2] }, { name: "cpu", values: [3] }] });
    expect(svg).toContain("&lt;t&gt;");
    expect(svg.match(/<rect [^>]*height="[\d.]+"[^>]*><title>/g)).toHaveLength(2);
  });

  it("writes a self-contained page with the sweep's table and chart", () => {
    const s: SweepResult = {
      scenario: "memcpy", workers: 2, elapsedMs: 1000,
      rows: [
        { params: { size: "4K", burst: 1 }, result: { mbPerSec: 400, ok: true } },
        { params: { size: "1M", burst: 1 }, result: { mbPerSec: 560, ok: true } },
      ],
    };
    const html = sweepReport(s);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|src="http/);
    expect(html).toContain("<polyline");
    expect(html).toContain("<td class=\"n\">560</td>");
    expect(renderReport("x", [{ heading: "h", text: "a < b" }])).toContain("a &lt; b");
  });

  it("shows an object named among the columns as its figures, as dmasim sweep --columns does", () => {
    const s: SweepResult = {
      scenario: "cpu-process", workers: 0, elapsedMs: 1,
      rows: [{ params: { size: "4K" }, result: { cached: { totalPs: 14885795, process: { timePs: 2851795 } }, faster: "cached" } }],
    };
    const html = sweepReport(s, { columns: ["faster", "cached", "cached.totalPs"] });
    expect([...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(["size", "faster", "cached.totalPs", "cached.process.timePs"]);
    expect(html).toContain('<td class="n">2851795</td>');
    expect(() => sweepReport(s, { columns: ["cachd"] })).toThrow(new RangeError("cpu-process: no job's result has cachd; their fields:\n  faster\n  cached.totalPs, cached.process.timePs"));
  });

  it("prints a table's numbers as dmasim run and dmasim sweep print them: whole, one decimal, three significant digits below 10", () => {
    const html = renderReport("x", [{ heading: "h", table: { header: ["v"], rows: [[1683.0236], [0.59142], [4.3219], [415362], ["1683.0236"]] } }]);
    expect(html).toContain('<td class="n">1683.0</td>');
    expect(html).toContain('<td class="n">0.591</td>');
    expect(html).toContain('<td class="n">4.32</td>');
    expect(html).toContain('<td class="n">415362</td>');
    // A string is the caller's own text, left as it is.
    expect(html).toContain("<td>1683.0236</td>");
  });

  it("states the demo's verify result, a failed check included, and the missing-sync bug's outcome", () => {
    const phase = (name: string): PhaseResult => ({
      name, bytes: 4096, timePs: 1e6, cpuCycles: 100, mbPerSec: 4096, maintenancePs: 0, bouncePs: 0, bouncedBytes: 0,
      cache: { l1Hits: 1, l1Misses: 1, l2Hits: 1, l2Misses: 1 },
    });
    const demo = (coherentOk: boolean, streamingOk: boolean): DemoResult => ({
      board: "Test board", kernel: "4.9", bytes: 4096, coherentOk, streamingOk,
      coherent: [phase("DMA memcpy")], streaming: [phase("DMA memcpy")],
      bug: { staleBytes: 4000, bytes: 4096, withSyncStaleBytes: 0 },
    });
    const verify = (html: string) => html.match(/<h2>Verify<\/h2>\n<p>([^<]*)<\/p>/)?.[1];
    expect(verify(demoReport(demo(true, true)))).toBe("coherent OK, streaming OK: every destination read back by the CPU matched its source.");
    expect(verify(demoReport(demo(true, false)))).toBe(
      "coherent OK, streaming MISMATCH: a destination read back by the CPU differed from its source (the demo exits 1).",
    );
    expect(demoReport(demo(true, true))).toContain("4000 of 4096 bytes were stale; with the sync, 0.");
  });
});
