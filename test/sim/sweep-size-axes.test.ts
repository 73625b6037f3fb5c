// runSweep's `memory` and `cma` System axes: sizes compared as the board's RAM and the default
// CMA area, checked as createSystem checks them, shown as given.
import { describe, expect, it } from "vitest";
import { runSweep, type SweepResult } from "../../src/sim/sweep.js";
import { createSystem } from "../../src/index.js";
import { formatSweep } from "../../src/cli/result-table.js";
import { formatSweepHeading } from "../../src/sim/run-heading.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";
import { bootloaderMemoryBoard } from "../helpers/bootloader-memory-board.js";

const dts = bootloaderMemoryBoard();
const streaming = { size: ["64K"], buffers: ["streaming"] };
const KiB64 = 65536;

describe("a sweep comparing memory sizes", () => {
  it("bounces streaming mappings only once RAM runs past the PL330's 32-bit mask", async () => {
    // RAM starts at 0xf0000000. 128M ends at 0xf8000000 and 256M at 0x100000000: every page is
    // below 4 GiB, which the mask reaches, so nothing bounces. 512M ends at 0x110000000: its
    // 256 MiB past 4 GiB are ZONE_NORMAL, which kmalloc's GFP_KERNEL pages come from first, so
    // both buffers lie beyond the mask and both mappings bounce: a modern kernel copies the
    // source in, the destination in and out (3 × 64 KiB); 4.9 the source in, the destination out
    // (2 × 64 KiB) (swiotlb_tbl_map_single / _unmap_single, as memcpy-streaming-bounce tests).
    const r = await runSweep({
      scenario: "memcpy", grid: streaming, system: { dts },
      systems: { kernel: ["modern", "v4.9"], memory: ["128M", "256M", "512M"] }, workers: 0,
    });
    expect(r.rows.map((row) => [row.system, (row.result as MemcpyResult).bouncedBytes ?? 0])).toEqual([
      [{ kernel: "modern", memory: "128M" }, 0],
      [{ kernel: "modern", memory: "256M" }, 0],
      [{ kernel: "modern", memory: "512M" }, 3 * KiB64],
      [{ kernel: "v4.9", memory: "128M" }, 0],
      [{ kernel: "v4.9", memory: "256M" }, 0],
      [{ kernel: "v4.9", memory: "512M" }, 2 * KiB64],
    ]);
    expect(r.rows.every((row) => (row.result as MemcpyResult).ok)).toBe(true);
    // The sizes as given, in the heading, the leading columns and each row's provenance.
    expect(formatSweepHeading("memcpy", streaming, r)).toBe("dmasim sweep: memcpy (size=64K buffers=streaming) comparing kernel=modern,v4.9 memory=128M,256M,512M");
    const table = formatSweep(r).split("\n");
    expect(table[0]).toMatch(/^kernel +memory +size /);
    expect(table.slice(2).map((line) => line.split(/ +/).slice(0, 2))).toEqual([
      ["modern", "128M"], ["modern", "256M"], ["modern", "512M"], ["v4.9", "128M"], ["v4.9", "256M"], ["v4.9", "512M"],
    ]);
    expect(r.rows.map((row) => (row.provenance ?? r.provenance)?.options.memory)).toEqual(["128M", "256M", "512M", "128M", "256M", "512M"]);
  }, 60_000);

  it("gives the same rows whatever the worker count, with memory, cma, swiotlb and dmaDebug compared", async () => {
    const systems = { memory: ["256M", 512 << 20], cma: ["0", "16M"], swiotlb: [{ size: 256 << 10 }, { size: 256 << 10, force: true }], dmaDebug: [false, true] };
    const runs: SweepResult[] = [];
    for (const workers of [0, 1, 3]) runs.push(await runSweep({ scenario: "memcpy", grid: { size: ["64K"], buffers: ["streaming", "coherent"] }, system: { dts }, systems, workers }));
    expect(runs[0].rows).toHaveLength(2 * 2 * 2 * 2 * 2);
    expect(runs[1].rows).toEqual(runs[0].rows);
    expect(runs[2].rows).toEqual(runs[0].rows);
    expect(runs[2].provenance).toEqual(runs[0].provenance);
    // A size given in bytes stays a number: its cell is the byte count.
    expect(formatSweep(runs[0]).split("\n")[2 + 16].split(/ +/)[0]).toBe(String(512 << 20));
  }, 120_000);
});

describe("memory and cma values a System cannot take", () => {
  const refused = (systems: object) =>
    runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, system: { board: "arm64-ref" }, systems, workers: 0 }).then(() => "ran", (e: Error) => e.message);
  const bootRefused = (options: object) => createSystem(options).then(() => "booted", (e: Error) => e.message);

  it("are refused before any job runs, in createSystem's words", async () => {
    const cases: [object, string][] = [
      [{ memory: "1X" }, 'memory: not a size: "1X" (try 64K, 512M, 1G or a byte count)'],
      // RAM of no bytes is no RAM; a CMA area of none is the default (no area).
      [{ memory: 0 }, "memory: 0 is not a size in bytes (try 64M, 1G)"],
      [{ cma: "1.5" }, 'cma: not a whole number of bytes: "1.5" (try 64K, 512M, 1G or a byte count)'],
      [{ cma: "64M@zz" }, 'cma: not a size: "64M@zz" (its start "zz"; try 64M, 64M@0x50000000 or 64M@0-0x60000000)'],
    ];
    for (const [bad, message] of cases) {
      const [axis, value] = Object.entries(bad)[0];
      expect(await bootRefused({ board: "arm64-ref", ...bad }), axis).toBe(message);
      // The good value first: it would have run before the bad one failed, had the bad one not
      // been refused up front.
      expect(await refused({ [axis]: ["64M", value] }), axis).toBe(`runSweep: systems: ${message}`);
    }
    expect(await refused({ memory: "1G" })).toBe('runSweep: systems "memory" takes a list of values (["1G"]), not "1G"');
  });

  it("in `system`, shared by every System compared, are refused up front too", async () => {
    const e = await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, system: { board: "arm64-ref", memory: "lots" }, systems: { kernel: ["modern", "v4.9"] }, workers: 0 })
      .then(() => "ran", (x: Error) => x.message);
    expect(e).toBe('runSweep: systems: memory: not a size: "lots" (try 64K, 512M, 1G or a byte count)');
  });
});
