// `dmasim sweep … --memory A,B --cma A,B --swiotlb A,B --dma-debug=off,on`: the System options
// the library compares, as comma lists on the command line.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bootloaderMemoryBoard } from "../helpers/bootloader-memory-board.js";
import { swiotlbValues } from "../../src/cli/sweep-systems.js";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

/** A table's cells, row by row, split on the runs of spaces between columns (an empty cell
 *  leaves a run too long to tell, so the tests read the leading cells). */
const cells = (lines: string[]) => lines.map((l) => l.trim().split(/\s{2,}/));

describe("dmasim sweep comparing memory, swiotlb and DMA-API debug", () => {
  it("leads the table with a memory and a dmaDebug column; bouncing starts once RAM passes 4 GiB", () => {
    const dts = tempFile("dmasim-lists-", "bootloader-memory.dts");
    writeFileSync(dts, bootloaderMemoryBoard());
    const r = run(["sweep", "memcpy", "--dts", dts, "--memory", "256M,512M", "--dma-debug=off,on", "--param", "size=64K",
      "--param", "buffers=streaming", "--columns", "bouncedBytes,ok", "--workers", "2"]);
    expect(r.stderr).toMatch(/^sweep memcpy: 4\/4 done in /m);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("dmasim sweep: memcpy (size=64K buffers=streaming) comparing memory=256M,512M dmaDebug=false,true with kernel=modern");
    const [header, , ...rows] = cells(lines.slice(2));
    expect(header).toEqual(["memory", "dmaDebug", "size", "buffers", "bouncedBytes", "ok"]);
    // RAM from 0xf0000000: 256M ends at 4 GiB, within the PL330's 32-bit mask; 512M puts
    // kmalloc's ZONE_NORMAL pages past it, and a modern kernel bounces 3 × 64 KiB.
    expect(rows).toEqual([
      ["256M", "false", "64K", "streaming", "true"],
      ["256M", "true", "64K", "streaming", "true"],
      ["512M", "false", "64K", "streaming", "196608", "true"],
      ["512M", "true", "64K", "streaming", "196608", "true"],
    ]);
  }, 60_000);

  it("reads a --swiotlb list as the kernel reads swiotlb=: a word after a count is that count's", () => {
    expect(swiotlbValues("1024,force,0")).toEqual(["1024,force", "0"]);
    expect(swiotlbValues("noforce,0,force")).toEqual(["noforce", "0,force"]);
    expect(swiotlbValues("force,noforce,0x80")).toEqual(["force", "noforce", "0x80"]);
    expect(swiotlbValues("0x80,force,force")).toEqual(["0x80,force", "force"]);
    expect(swiotlbValues("128,force|0|noforce")).toEqual(["128,force", "0", "noforce"]);
    // arm64-ref's RAM (0x40000000-0x7fffffff) is within the mask: only force bounces, 4K in and
    // out of the destination and into the source's slot on a modern kernel.
    const r = run(["sweep", "memcpy", "--board", "arm64-ref", "--swiotlb", "1024,force,noforce,0", "--param", "size=4K",
      "--param", "buffers=streaming", "--columns", "bouncedBytes", "--workers", "0"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("dmasim sweep: memcpy (size=4K buffers=streaming) comparing swiotlb=1024,force|noforce|0 with kernel=modern");
    expect(cells(lines.slice(4))).toEqual([["1024,force", "4K", "streaming", String(3 * 4096)], ["noforce", "4K", "streaming"], ["0", "4K", "streaming"]]);
    // One swiotlb= value with its comma is one System, as for `run`.
    const one = run(["sweep", "memcpy", "--board", "arm64-ref", "--swiotlb", "1024,force", "--param", "size=4K", "--workers", "0"]);
    expect(one.status).toBe(0);
    expect(one.stdout.split("\n")[0]).toBe("dmasim sweep: memcpy (size=4K) on dmasim arm64 reference board (modern kernel, swiotlb=1024,force)");
  }, 60_000);

  it("refuses a bad value in a list as `run` refuses it alone, before any job", () => {
    const cases: [string[], string][] = [
      [["--memory", "256M,1X"], '--memory must be a size in bytes (try 64M, 1G), not "1X"'],
      [["--cma", "16M,lots"], '--cma must be a size in bytes (try 64M), not "lots"'],
      [["--cma", "16M,16M@zz"], '--cma must be SIZE, SIZE@BASE or SIZE@BASE-LIMIT: not a size: "16M@zz" (its start "zz"; try 64M, 64M@0x50000000 or 64M@0-0x60000000)'],
      [["--swiotlb", "force,frce"], '--swiotlb must be N (slabs), force, noforce or N,force: "frce" is not a slab count or "force" (try force, 32768 or 32768,force)'],
      [["--dma-debug=off,maybe"], '--dma-debug is a switch (--dma-debug, or --dma-debug=on or =off), not "maybe"'],
      [["--memory", "256M,"], '--memory "256M,": a comma list compares two or more values (--memory A,B), one is given alone'],
      [["--dma-debug", "off,on"], '--dma-debug is a switch, so "off,on" after it is read as a second scenario: compare with --dma-debug=off,on'],
    ];
    for (const [options, message] of cases) {
      const r = run(["sweep", "memcpy", "--board", "arm64-ref", "--param", "size=4K", "--workers", "0", ...options]);
      expect(r.stderr, options.join(" ")).toBe(`dmasim: ${message}\n`);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
    }
    // The same words `run` uses for the value alone.
    expect(run(["run", "memcpy", "--memory", "1X"]).stderr).toBe('dmasim: --memory must be a size in bytes (try 64M, 1G), not "1X"\n');
    expect(run(["run", "memcpy", "--dma-debug=maybe"]).stderr).toBe('dmasim: --dma-debug is a switch (--dma-debug, or --dma-debug=on or =off), not "maybe"\n');
  }, 60_000);
});
