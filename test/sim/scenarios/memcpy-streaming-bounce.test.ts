// memcpy buffers=streaming where swiotlb bounces the mappings (--swiotlb force, arm64-highmem, a
// small unaligned kmalloc buffer on modern arm64): the row reports the bounce copies with the
// fields buffers=bounced uses, in the sweep table, its HTML report and the browser's table; a row
// that did not bounce keeps its fields as they were.
//
// The byte counts follow the kernel's swiotlb rules (docs/dma-api.md, spec §3.3/§4.3). The copy
// maps its source DMA_TO_DEVICE and its destination DMA_FROM_DEVICE, then unmaps both:
//   map (swiotlb_tbl_map_single)     4.9: orig → slot for TO_DEVICE/BIDIRECTIONAL only;
//                                    modern: always (a FROM_DEVICE slot starts as the original,
//                                    so bytes the device does not write survive)
//   unmap (swiotlb_tbl_unmap_single) slot → orig for FROM_DEVICE/BIDIRECTIONAL, both kernels
// so a copy of N bytes whose two mappings bounce copies 3N on a modern kernel (source in,
// destination in, destination out) and 2N on 4.9 (source in, destination out).

import { describe, expect, it } from "vitest";
import { withSystem } from "../../helpers/system.js";
import type { System } from "../../../src/system.js";
import type { MemcpyResult } from "../../../src/sim/scenarios/memcpy.js";
import { runSweep } from "../../../src/sim/sweep.js";
import { formatSweep } from "../../../src/cli/result-table.js";
import { sweepReport } from "../../../src/report/sweep-report.js";
// @ts-expect-error — the page's own script, plain JavaScript without declarations.
import { resultsTable } from "../../../examples/web/sweep-results.js";

const KiB64 = 65536;

const streaming = (s: System, size: string | number) => s.run("memcpy", { size, buffers: "streaming" }) as MemcpyResult;

/** The fields a streaming row has always had, in order: what a row that did not bounce keeps. */
const STREAMING_FIELDS = [
  "size", "burst", "channels", "buffers", "dmaTimePs", "mbPerSec", "ok",
  "maintenancePs", "maintainedBytes", "transferPs", "transferMbPerSec",
];
/** A bounced row's fields, in order: what a streaming row that bounced now has too. */
const BOUNCED_FIELDS = [
  "size", "burst", "channels", "buffers", "dmaTimePs", "mbPerSec", "ok",
  "bouncePs", "bouncedBytes", "maintenancePs", "maintainedBytes", "transferPs", "transferMbPerSec",
];

describe("memcpy buffers=streaming: the bounce copies of mappings that went through swiotlb", () => {
  const cases = [
    { why: "--swiotlb force", options: { board: "arm64-ref", swiotlb: { force: true } } },
    { why: "arm64-highmem (kmalloc above the PL330's 32-bit mask)", options: { board: "arm64-highmem" } },
  ] as const;
  for (const { why, options } of cases) {
    for (const [kernel, copies] of [["modern", 3], ["v4.9", 2]] as const) {
      it(`${why}, ${kernel} kernel: ${copies} × 64 KiB bounced, as buffers=bounced reports`, async () => {
        await withSystem({ ...options, kernel }, (s) => {
          const r = streaming(s, "64K");
          expect(Object.keys(r)).toEqual(BOUNCED_FIELDS);
          expect(r).toMatchObject({ buffers: "streaming", ok: true, bouncedBytes: copies * KiB64 });
          expect(r.bouncePs).toBeGreaterThan(0);
          // The bounce copies are now one of the three parts of the DMA time.
          expect(r.bouncePs! + r.maintenancePs! + r.transferPs!).toBe(r.dmaTimePs);
          // The same mappings as buffers=bounced, so the same bytes bounced (the time differs:
          // this second copy finds the caches warm).
          const b = s.run("memcpy", { size: "64K", buffers: "bounced" }) as MemcpyResult;
          expect(b.bouncedBytes).toBe(r.bouncedBytes);
        });
      });
    }
  }

  it("a small unaligned kmalloc destination bounces on modern arm64 by itself; not on 4.9", async () => {
    // kmalloc(96) comes from kmalloc-96; 96 bytes (< 2 × ARCH_DMA_MINALIGN = 256) that are not a
    // whole number of 64-byte lines may share a line with another object, so modern arm64
    // bounces the DMA_FROM_DEVICE destination (dma_kmalloc_needs_bounce), never the
    // DMA_TO_DEVICE source: 96 bytes in at the map, 96 out at the unmap.
    await withSystem({ board: "arm64-ref" }, (s) => {
      const r = streaming(s, 96);
      expect(r).toMatchObject({ ok: true, bouncedBytes: 2 * 96 });
      expect(r.bouncePs! + r.maintenancePs! + r.transferPs!).toBe(r.dmaTimePs);
      // 256 bytes is large enough to own its lines: nothing bounces, the row is as before.
      expect(Object.keys(streaming(s, 256))).toEqual(STREAMING_FIELDS);
    });
    await withSystem({ board: "arm64-ref", kernel: "v4.9" }, (s) => {
      expect(Object.keys(streaming(s, 96))).toEqual(STREAMING_FIELDS);
    });
  });

  it("keeps the fields of rows that did not bounce exactly as they were", async () => {
    for (const board of ["zynq-7000", "arm64-ref"] as const) {
      await withSystem({ board }, (s) => {
        expect(Object.keys(streaming(s, "64K")), board).toEqual(STREAMING_FIELDS);
        expect(Object.keys(s.run("memcpy", { size: "64K" }) as MemcpyResult), board).toEqual(["size", "burst", "channels", "buffers", "dmaTimePs", "mbPerSec", "ok"]);
      });
    }
  });

  it("cuts a copy past one swiotlb segment (256 KiB) into mappings that fit, as a driver must", async () => {
    // 1 MiB: four 256 KiB segments, each bouncing 3 × 256 KiB on a modern kernel.
    await withSystem({ board: "arm64-ref", swiotlb: { force: true } }, (s) => {
      expect(streaming(s, "1M")).toMatchObject({ size: 1 << 20, ok: true, bouncedBytes: 3 << 20 });
    });
    await withSystem({ board: "arm64-highmem", kernel: "v4.9" }, (s) => {
      expect(streaming(s, "1M")).toMatchObject({ size: 1 << 20, ok: true, bouncedBytes: 2 << 20 });
    });
    // 128 slabs of 2 KiB hold the source's 256 KiB and no more: the destination's map fails.
    await withSystem({ board: "arm64-ref", swiotlb: { size: 128 * 2048, force: true } }, (s) => {
      expect(() => streaming(s, "256K")).toThrow(
        "-ENOMEM: dma_map_single(262144) failed: swiotlb (256 KiB) is full; copying 256 KiB maps 512 KiB at once: a larger --swiotlb N (slabs of 2 KiB) may help",
      );
      expect(s.kernel.dma.swiotlb!.usage().used).toBe(0);
    });
  });
});

describe("a sweep of streaming rows that bounced", () => {
  /** coherent and streaming at 64K with --swiotlb force on arm64-ref. */
  const sweep = () => runSweep({
    scenario: "memcpy", grid: { buffers: ["coherent", "streaming"], size: ["64K"] },
    system: { board: "arm64-ref", swiotlb: { force: true } }, workers: 0,
  });

  it("has the bounce columns in its table, filled for the streaming row only", async () => {
    const lines = formatSweep(await sweep()).split("\n");
    const head = lines[0].split(/\s+/);
    expect(head).toEqual(["buffers", "size", ...BOUNCED_FIELDS.filter((k) => k !== "size" && k !== "buffers")]);
    const cell = (line: string, key: string) => line.split(/\s+/)[head.indexOf(key)];
    expect(lines[3].startsWith("streaming")).toBe(true);
    expect(cell(lines[3], "bouncedBytes")).toBe(String(3 * KiB64));
    // The coherent row ends after its ok column: no bounce, maintenance or transfer figures.
    expect(lines[2].trimEnd().split(/\s+/)).toHaveLength(head.indexOf("ok") + 1);
  });

  it("has them in the HTML report's table and in the browser's table", async () => {
    const r = await sweep();
    const html = sweepReport(r);
    expect(html).toContain("<th>bouncePs</th><th>bouncedBytes</th>");
    expect(html).toContain(`<td class="n">${3 * KiB64}</td>`);
    const page = resultsTable(r, { board: "arm64-ref", kernel: "modern", swiotlb: "force" }) as string;
    const rows = [...page.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]));
    const col = rows[0].indexOf("bounce copies (µs)");
    expect(col).toBeGreaterThan(0);
    const row = r.rows[1].result as MemcpyResult;
    expect(rows[2][col]).toBe((row.bouncePs! / 1e6).toFixed(3));
    expect(rows[1][col]).toBe("");
  });
});
