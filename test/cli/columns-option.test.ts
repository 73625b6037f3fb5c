// `dmasim sweep … --columns FIELD[,FIELD…]`: the table shows the swept parameters, then the
// fields asked for, nested ones by their dotted path.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
const cpuProcess = ["sweep", "cpu-process", "--param", "size=4K,64K,1M", "--workers", "0"];
const HEADING = "dmasim sweep: cpu-process (size=4K,64K,1M) on Zynq-7000 test board (modern kernel)";

describe("dmasim sweep --columns", () => {
  it("shows nested figures of cpu-process, the same as --json has, after the size", () => {
    const r = run([...cpuProcess, "--columns", "cached.totalPs,uncached.totalPs"]);
    expect(r.status).toBe(0);
    // The figures of `dmasim run cpu-process --param size=…`; --json's below must agree.
    expect(r.stdout).toBe([
      HEADING,
      "",
      "size  cached.totalPs  uncached.totalPs",
      "----  --------------  ----------------",
      "4K          14885795          26343008",
      "64K        209080192         397377048",
      "1M        3352495931        6341035565",
      "",
    ].join("\n"));
    type Phase = { timePs: number };
    type Path = { totalPs: number; receive: Phase; sync?: Phase; process: Phase };
    const json = JSON.parse(run([...cpuProcess, "--json"]).stdout) as { rows: { result: { cached: Path; uncached: Path } }[] };
    // Each total is its phases' sum: receive, sync for the CPU (cached only), process.
    const sum = (p: Path) => p.receive.timePs + (p.sync?.timePs ?? 0) + p.process.timePs;
    expect(json.rows.map((row) => [row.result.cached.totalPs, row.result.uncached.totalPs])).toEqual([
      [14885795, 26343008], [209080192, 397377048], [3352495931, 6341035565],
    ]);
    expect(json.rows.map((row) => [sum(row.result.cached), sum(row.result.uncached)])).toEqual([
      [14885795, 26343008], [209080192, 397377048], [3352495931, 6341035565],
    ]);
  }, 30_000);

  it("takes the option repeated, the fields in the order given, a swept parameter once", () => {
    const r = run(["sweep", "cpu-process", "--param", "size=4K", "--workers", "0", "--columns", "processSlowdown", "--columns", "size,uncached.process.timePs"]);
    expect(r.stdout.split("\n").slice(2, 5)).toEqual([
      "size  processSlowdown  uncached.process.timePs",
      "----  ---------------  -----------------------",
      "4K               7.83                 22336008",
    ]);
  });

  it("puts the same columns in the report's table", () => {
    const report = join(mkdtempSync(join(tmpdir(), "dmasim-columns-")), "r.html");
    const r = run(["sweep", "cpu-process", "--param", "size=4K", "--workers", "0", "--columns", "cached.totalPs", "--report", report]);
    expect(r.status).toBe(0);
    const html = readFileSync(report, "utf8");
    expect([...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(["size", "cached.totalPs"]);
    expect(html).toContain('<td class="n">14885795</td>');
  });

  it("takes --json with --report: the JSON has every field, the report's table the columns asked for", () => {
    const report = join(mkdtempSync(join(tmpdir(), "dmasim-columns-")), "r.html");
    const r = run(["sweep", "cpu-process", "--param", "size=4K", "--workers", "0", "--columns", "cached.totalPs", "--json", "--report", report]);
    expect({ status: r.status, stderr: r.stderr.split("\n").filter((l) => l.startsWith("dmasim:") && !l.includes("wrote report")) }).toEqual({ status: 0, stderr: [] });
    const json = JSON.parse(r.stdout) as { rows: { result: { cached: { totalPs: number }; uncached: unknown } }[] };
    expect(json.rows[0].result.cached.totalPs).toBe(14885795);
    expect(json.rows[0].result.uncached).toBeDefined();
    const html = readFileSync(report, "utf8");
    expect([...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(["size", "cached.totalPs"]);
  });

  it("refuses a field no job has after the sweep, naming the fields the rows have, once the results are printed and reported with every field", () => {
    const report = join(mkdtempSync(join(tmpdir(), "dmasim-columns-")), "r.html");
    const r = run(["sweep", "memcpy", "--param", "size=4K,64K", "--workers", "0", "--columns", "mbPerSec,dmaTimePS", "--report", report]);
    expect(r.status).toBe(1);
    // Nothing the sweep found is lost to the misspelt name: the default table, every field.
    expect(r.stdout).toBe(run(["sweep", "memcpy", "--param", "size=4K,64K", "--workers", "0"]).stdout);
    // size is swept, so memcpy's echo of it is no field of its own.
    expect(r.stderr.split("\n").filter((l) => l.startsWith("dmasim:") && !l.includes("wrote report"))).toEqual([
      "dmasim: error: --columns: memcpy: no job's result has dmaTimePS to show in a column (their fields: burst, channels, buffers, dmaTimePs, mbPerSec, ok); the table above has every field",
    ]);
    expect(existsSync(report)).toBe(true);
    const object = run(["sweep", "cpu-process", "--param", "size=4K", "--workers", "0", "--columns", "uncached.receive.cache"]);
    expect(object.stderr.split("\n").filter((l) => l.startsWith("dmasim:"))).toEqual([
      "dmasim: error: --columns: cpu-process: uncached.receive.cache is an object of figures, not one a column can show: name one of them " +
        "(uncached.receive.cache.l1Hits, uncached.receive.cache.l1Misses, uncached.receive.cache.l2Hits, uncached.receive.cache.l2Misses); the table above has every field",
    ]);
  });

  it("refuses a malformed field, or --json without a table, before the sweep runs", () => {
    const cases: [string[], string][] = [
      [["--columns", "cached..totalPs"], 'dmasim: --columns takes result fields, FIELD[,FIELD…] (mbPerSec, or cached.totalPs for a nested one), not "cached..totalPs"\n'],
      [["--columns", "mbPerSec,"], 'dmasim: --columns takes result fields, FIELD[,FIELD…] (mbPerSec, or cached.totalPs for a nested one), not "mbPerSec,"\n'],
      [["--columns"], "dmasim: --columns needs a value\n"],
      [["--columns", "mbPerSec", "--json"], "dmasim: --columns picks the table's columns, and --json prints no table (it has every field): give one or the other\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = run(["sweep", "memcpy", "--param", "size=4K", "--workers", "0", ...args]);
      expect({ args, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, status: 1, stdout: "", stderr });
    }
  }, 30_000);

  it("prints a failed sweep's rows with every field when the finished jobs lack one asked for, then the sweep's error", () => {
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--param", "burst=4,99", "--workers", "0", "--columns", "mbPerSc"]);
    expect(r.status).toBe(1);
    expect(r.stdout.split("\n")[2].split(/ +/)).toEqual(["size", "burst", "channels", "buffers", "dmaTimePs", "mbPerSec", "ok", "error"]);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("dmasim:"))).toEqual([
      "dmasim: --columns: memcpy: no job's result has mbPerSc to show in a column (their fields: channels, buffers, dmaTimePs, mbPerSec, ok); its rows are printed with every field",
      'dmasim: error: size=4K burst=99: burst must be "auto" or 1…16, not "99"',
    ]);
    const asked = run(["sweep", "memcpy", "--param", "size=4K", "--param", "burst=4,99", "--workers", "0", "--columns", "ok"]);
    expect(asked.stdout.split("\n").slice(2)).toEqual([
      "size  burst  ok    error",
      "----  -----  ----  --------------------------------------",
      "4K        4  true",
      '4K       99        burst must be "auto" or 1…16, not "99"',
      "",
    ]);
  });

  it("leaves the table as it was without --columns", () => {
    const r = run(cpuProcess);
    expect(r.stdout).toBe([
      HEADING,
      "",
      "size  processSlowdown  faster  noncoherentProcessSpeedup  fastest",
      "----  ---------------  ------  -------------------------  -----------",
      "4K               7.83  cached                       7.83  noncoherent",
      "64K              7.83  cached                       7.83  noncoherent",
      "1M               7.69  cached                       7.68  cached",
      "(not in the table: cached, uncached, noncoherent, each an object of figures; --json has them)",
      "",
    ].join("\n"));
  });
});
