// `dmasim sweep … --board A,B --kernel modern,v4.9`: comparing Systems from the command line.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

/** A table's cells, row by row, split on the runs of spaces between columns. */
const cells = (lines: string[]) => lines.map((l) => l.trim().split(/\s{2,}/));

describe("dmasim sweep comparing Systems", () => {
  it("leads the table with a board and a kernel column, in that order, each System's rows those `run` gives on it", () => {
    const r = run(["sweep", "memcpy", "--param", "size=64K", "--board", "zynq-7000,arm64-ref", "--kernel", "modern,v4.9", "--workers", "2"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(["dmasim sweep: memcpy (size=64K) comparing board=zynq-7000,arm64-ref kernel=modern,v4.9", ""]);
    const [header, , ...rows] = cells(lines.slice(2));
    expect(header).toEqual(["board", "kernel", "size", "burst", "channels", "buffers", "dmaTimePs", "mbPerSec", "ok"]);
    expect(rows.map((c) => c.slice(0, 3))).toEqual([
      ["zynq-7000", "modern", "64K"], ["zynq-7000", "v4.9", "64K"], ["arm64-ref", "modern", "64K"], ["arm64-ref", "v4.9", "64K"],
    ]);
    // Every job counted: 2 boards × 2 kernels × 1 size.
    expect(r.stderr).toMatch(/^sweep memcpy: 4\/4 done in /m);
    // Each row's figures are what `dmasim run` prints for its board and kernel.
    for (const [board, kernel, , , , , dmaTimePs] of rows) {
      const one = JSON.parse(run(["run", "memcpy", "--param", "size=64K", "--board", board, "--kernel", kernel, "--json"]).stdout);
      expect(Number(dmaTimePs), `${board} ${kernel}`).toBe(one.dmaTimePs);
      expect(one.provenance).toMatchObject({ board, kernel });
    }
  }, 60_000);

  it("keeps a single value a System of its own, and says in the heading what every row shared", () => {
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--board", "arm64-ref,arm64-highmem", "--kernel", "v4.9", "--swiotlb", "force", "--workers", "0"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("dmasim sweep: memcpy (size=4K) comparing board=arm64-ref,arm64-highmem with kernel=v4.9, swiotlb=force");
    expect(cells(lines.slice(2)).map((c) => c[0])).toEqual(["board", "-".repeat("arm64-highmem".length), "arm64-ref", "arm64-highmem"]);
  });

  it("has each row's System in --json", () => {
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--kernel", "modern,v4.9", "--workers", "0", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.systems).toEqual({ kernel: ["modern", "v4.9"] });
    expect(out.rows.map((row: { system: unknown }) => row.system)).toEqual([{ kernel: "modern" }, { kernel: "v4.9" }]);
    expect(out.provenance.kernel).toBe("modern");
    expect(out.rows[1].provenance.kernel).toBe("v4.9");
  });

  it("draws one line per board in the report, named in the legend, and bars per board for x=board", () => {
    const dir = tempDir("dmasim-compare-");
    const report = join(dir, "r.html");
    const r = run(["sweep", "memcpy", "--param", "size=4K,64K", "--board", "zynq-7000,arm64-ref", "--workers", "0",
      "--chart", "y=mbPerSec", "--chart", "y=dmaTimePs,x=board", "--report", report]);
    expect(r.status).toBe(0);
    const html = readFileSync(report, "utf8");
    const [lines, bars] = html.split("<h2>dmaTimePs against board</h2>");
    // Two boards: two lines of two points each, not one line of four.
    expect(lines.match(/<polyline/g)).toHaveLength(2);
    expect(lines.match(/<circle /g)).toHaveLength(4);
    expect(lines).toContain(">board=zynq-7000</text>");
    expect(lines).toContain(">board=arm64-ref</text>");
    // Against the board: one group per board, one bar per size in each.
    expect([...bars.matchAll(/<rect [^>]*><title>([^:]*):/g)].map((m) => m[1])).toEqual(["zynq-7000", "zynq-7000", "arm64-ref", "arm64-ref"]);
    // No one board under the title: each System compared has a row of its own.
    expect(html).not.toContain('class="provenance"');
    expect(html).toMatch(/<h2>Systems compared<\/h2>\n\n\n<table><thead><tr><th>board<\/th><th>ran on<\/th><\/tr><\/thead><tbody><tr><td>zynq-7000<\/td><td>zynq-7000 \("Zynq-7000 test board"\), profile zynq-7000, modern kernel, dmasim [^<]*<\/td><\/tr><tr><td>arm64-ref<\/td><td>arm64-ref \("dmasim arm64 reference board"\), profile arm64, modern kernel, dmasim [^<]*<\/td><\/tr><\/tbody><\/table>/);
  });

  it("refuses a list it cannot compare, before any job runs", () => {
    const dir = tempDir("dmasim-compare-");
    const dts = join(dir, "b.dts");
    writeFileSync(dts, "/dts-v1/;\n/ { };\n");
    const cases: [string[], string][] = [
      [["--kernel", "modern,v5"], 'dmasim: --kernel must be modern or v4.9, not "v5"\n'],
      [["--board", "zynq-7000,zynq"], 'dmasim: unknown board "zynq" (built in: zynq-7000, arm64-ref, arm64-highmem, arm64-dma-offset); or pass --dtb FILE or --dts FILE\n'],
      [["--profile", "arm64,bogus"], 'dmasim: unknown profile "bogus" (known: zynq-7000, arm64, cortex-a7, cortex-a15, cortex-a17)\n'],
      [["--kernel", "v4.9,"], 'dmasim: --kernel "v4.9,": a comma list compares two or more values (--kernel A,B), one is given alone\n'],
      [["--board", "zynq-7000,arm64-ref", "--dts", dts], `dmasim: --board zynq-7000,arm64-ref compares built-in boards, but --dts boots that tree on every job instead: give one or the other\n`],
      [["--kernel", "modern,v4.9", "--chart", "y=mbPerSec,x=board", "--report", join(dir, "r.html")],
        'dmasim: --chart y=mbPerSec,x=board: a chart\'s x is a swept parameter (kernel, size), not "board"\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = run(["sweep", "memcpy", "--param", "size=4K", "--workers", "0", ...args]);
      expect({ args, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, status: 1, stdout: "", stderr });
    }
  });
});
