// The browser page's results table, rendered in Node: for streaming buffers it says how much of
// the DMA time is cache maintenance and how much the transfer, and what its DMA time measures.

import { describe, expect, it } from "vitest";
import { runSweep } from "../../src/sim/sweep.js";
// @ts-expect-error — the page's own script, plain JavaScript without declarations.
import { resultsTable } from "../../examples/web/sweep-results.js";

/** The table's cells, row by row, from its HTML. */
function cells(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]));
}

describe("browser page: results table", () => {
  it("splits a streaming row's DMA time into cache maintenance and transfer, and says what DMA time measures", async () => {
    const r = await runSweep({ scenario: "memcpy", grid: { size: ["64K"], burst: [16], buffers: ["coherent", "streaming"] }, workers: 0 });
    const html = resultsTable(r, { board: "zynq-7000", kernel: "modern" }) as string;
    const [head, coherent, streaming] = cells(html);
    expect(head).toEqual(["size", "burst", "buffers", "MB/s", "DMA time (µs)", "data", "cache maint. (µs)", "transfer (µs)", "transfer MB/s"]);
    expect(coherent.slice(6)).toEqual(["", "", ""]);
    // The two parts add up to the DMA time (to the table's rounding), and the transfer's MB/s is
    // the bytes over the transfer's time.
    const [dma, maint, transfer] = [4, 6, 7].map((i) => Number(streaming[i]));
    expect(maint + transfer).toBeCloseTo(dma, 2);
    expect(Number(streaming[8])).toBeCloseTo(65536 / transfer, -1);
    // Without the split, streaming's MB/s is several times below coherent's; its transfer is not.
    expect(Number(coherent[3]) / Number(streaming[3])).toBeGreaterThan(3);
    expect(Math.abs(Number(streaming[8]) - Number(coherent[3])) / Number(coherent[3])).toBeLessThan(0.05);
    expect(html).toContain("from the first dma_map_single");
  });

  it("leads with the System columns of a sweep comparing Systems, and its caption names the axes and what every job shared", async () => {
    const systems = { board: ["zynq-7000", "arm64-ref"], kernel: ["modern" as const, "v4.9" as const] };
    const both = await runSweep({ scenario: "memcpy", grid: { size: ["4K"], burst: [16] }, systems, workers: 0 });
    const table = cells(resultsTable(both, {}) as string);
    expect(table[0]).toEqual(["board", "kernel", "size", "burst", "MB/s", "DMA time (µs)", "data"]);
    expect(table.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ["zynq-7000", "modern", "4K", "16"], ["zynq-7000", "v4.9", "4K", "16"], ["arm64-ref", "modern", "4K", "16"], ["arm64-ref", "v4.9", "4K", "16"],
    ]);
    expect(resultsTable(both, {})).toContain("<caption>memcpy comparing board=zynq-7000,arm64-ref kernel=modern,v4.9</caption>");
    const kernels = await runSweep({ scenario: "memcpy", grid: { size: ["4K"], burst: [16] }, system: { board: "arm64-ref", swiotlb: "force" }, systems: { kernel: ["modern", "v4.9"] }, workers: 0 });
    expect(cells(resultsTable(kernels, { board: "arm64-ref", swiotlb: "force" }) as string)[0].slice(0, 2)).toEqual(["kernel", "size"]);
    expect(resultsTable(kernels, { board: "arm64-ref", swiotlb: "force" })).toContain("<caption>memcpy comparing kernel=modern,v4.9 on arm64-ref, swiotlb=force</caption>");
  });

  it("adds neither the columns nor the note when no row maps its buffers", async () => {
    const r = await runSweep({ scenario: "memcpy", grid: { size: ["4K"], burst: [16] }, workers: 0 });
    const html = resultsTable(r, { board: "zynq-7000", kernel: "modern" }) as string;
    expect(cells(html)[0]).toEqual(["size", "burst", "MB/s", "DMA time (µs)", "data"]);
    expect(html).not.toContain("dma_map_single");
  });
});
