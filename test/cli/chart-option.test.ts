import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

describe("dmasim sweep --chart", () => {
  it("draws each chart asked for in the report, in order, instead of the throughput chart", () => {
    const report = tempFile("dmasim-chart-", "r.html");
    const r = run(["sweep", "memcpy", "--param", "size=4K,64K", "--param", "buffers=coherent,streaming", "--workers", "0",
      "--chart", "y=maintenancePs", "--chart", "y=transferMbPerSec,x=buffers", "--report", report]);
    expect(r.status).toBe(0);
    const html = readFileSync(report, "utf8");
    expect([...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1])).toEqual(["maintenancePs against size", "transferMbPerSec against buffers", "Results"]);
    // Coherent copies have no maintenance: two jobs out of each chart, one streaming line of
    // two points, and two streaming bars.
    expect(html).toContain("<title>memcpy: maintenancePs against size (left out: 2 jobs without maintenancePs)</title>");
    expect(html.match(/<circle /g)).toHaveLength(2);
    expect(html.match(/<rect [^>]*><title>streaming: size=/g)).toHaveLength(2);
  });

  it("refuses a chart it cannot draw before the sweep runs, in one line", () => {
    const report = tempFile("dmasim-chart-", "r.html");
    const cases: [string[], string][] = [
      [["--chart", "y=mbPerSec"], "dmasim: --chart draws in the report --report FILE writes: give --report FILE too\n"],
      [["--chart", "y=mbPerSec,x=burst", "--report", report], 'dmasim: --chart y=mbPerSec,x=burst: a chart\'s x is a swept parameter (size, buffers), not "burst"\n'],
      [["--chart", "z=1", "--report", report], 'dmasim: --chart takes y=FIELD[,x=PARAM], not "z=1"\n'],
      [["--chart", "y=mbPerSec,y=dmaTimePs", "--report", report], 'dmasim: --chart "y=mbPerSec,y=dmaTimePs" gives y twice: one chart has one y\n'],
      [["--chart", "x=size", "--report", report], 'dmasim: --chart "x=size" needs y=FIELD, the result field to draw (mbPerSec, maintenancePs, …)\n'],
      [["--chart", "y=", "--report", report], 'dmasim: --chart y=: a chart\'s y is a result field (mbPerSec, or cached.process.timePs for a nested one), not ""\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = run(["sweep", "memcpy", "--param", "size=4K,64K", "--param", "buffers=coherent", "--workers", "0", ...args]);
      expect({ args, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, status: 1, stdout: "", stderr });
    }
    expect(existsSync(report)).toBe(false);
  }, 30_000);

  it("prints the table, then refuses a y no job has, writing no report", () => {
    const report = tempFile("dmasim-chart-", "r.html");
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--workers", "0", "--chart", "y=maintenancPs", "--report", report]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^dmasim sweep: memcpy \(size=4K\) on Zynq-7000 test board \(modern kernel\)\n\nsize +burst +channels +buffers +dmaTimePs +mbPerSec +ok\n/);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("dmasim:"))).toEqual([
      "dmasim: error: memcpy: no job's result has maintenancPs to chart (its numeric fields: channels, dmaTimePs, mbPerSec)",
    ]);
    expect(existsSync(report)).toBe(false);
  });
});
