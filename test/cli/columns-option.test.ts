// `dmasim sweep … --columns FIELD[,FIELD…]`: the table shows the swept parameters, then the
// fields asked for, nested ones by their dotted path.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
const cpuProcess = ["sweep", "cpu-process", "--param", "size=4K,64K,1M", "--workers", "0"];
/** stderr's lines after the progress bar's (which redraws itself with carriage returns). */
const stderrAfterBar = (stderr: string) => stderr.split("\n").filter((l) => l !== "" && !l.includes("\r") && !l.startsWith("sweep "));
/** Every leaf of a result by its dotted path, in JSON's order: what a column can name. */
const leafPaths = (o: Record<string, unknown>, prefix = ""): string[] => Object.entries(o).flatMap(([k, v]) =>
  typeof v === "object" && v !== null ? leafPaths(v as Record<string, unknown>, `${prefix}${k}.`) : [prefix + k]);
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
      "4K          15032829          26490042",
      "64K        207651797         396100205",
      "1M        3330153238        6309837385",
      "",
    ].join("\n"));
    type Phase = { timePs: number };
    type Path = { totalPs: number; receive: Phase; sync?: Phase; process: Phase };
    const json = JSON.parse(run([...cpuProcess, "--json"]).stdout) as { rows: { result: { cached: Path; uncached: Path } }[] };
    // Each total is its phases' sum: receive, sync for the CPU (cached only), process.
    const sum = (p: Path) => p.receive.timePs + (p.sync?.timePs ?? 0) + p.process.timePs;
    expect(json.rows.map((row) => [row.result.cached.totalPs, row.result.uncached.totalPs])).toEqual([
      [15032829, 26490042], [207651797, 396100205], [3330153238, 6309837385],
    ]);
    expect(json.rows.map((row) => [sum(row.result.cached), sum(row.result.uncached)])).toEqual([
      [15032829, 26490042], [207651797, 396100205], [3330153238, 6309837385],
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
    const report = tempFile("dmasim-columns-", "r.html");
    const r = run(["sweep", "cpu-process", "--param", "size=4K", "--workers", "0", "--columns", "cached.totalPs", "--report", report]);
    expect(r.status).toBe(0);
    const html = readFileSync(report, "utf8");
    expect([...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(["size", "cached.totalPs"]);
    expect(html).toContain('<td class="n">15032829</td>');
  });

  it("takes --json with --report: the JSON has every field, the report's table the columns asked for", () => {
    const report = tempFile("dmasim-columns-", "r.html");
    const r = run(["sweep", "cpu-process", "--param", "size=4K", "--workers", "0", "--columns", "cached.totalPs", "--json", "--report", report]);
    expect({ status: r.status, stderr: r.stderr.split("\n").filter((l) => l.startsWith("dmasim:") && !l.includes("wrote report")) }).toEqual({ status: 0, stderr: [] });
    const json = JSON.parse(r.stdout) as { rows: { result: { cached: { totalPs: number }; uncached: unknown } }[] };
    expect(json.rows[0].result.cached.totalPs).toBe(15032829);
    expect(json.rows[0].result.uncached).toBeDefined();
    const html = readFileSync(report, "utf8");
    expect([...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(["size", "cached.totalPs"]);
  });

  it("refuses a field no job has after the sweep, listing the fields the rows have, once the results are printed and reported with every field", () => {
    const report = tempFile("dmasim-columns-", "r.html");
    const r = run(["sweep", "memcpy", "--param", "size=4K,64K", "--workers", "0", "--columns", "mbPerSec,dmaTimePS", "--report", report]);
    expect(r.status).toBe(1);
    // Nothing the sweep found is lost to the misspelt name: the default table, every field.
    expect(r.stdout).toBe(run(["sweep", "memcpy", "--param", "size=4K,64K", "--workers", "0"]).stdout);
    // size is swept, so memcpy's echo of it is no field of its own.
    expect(stderrAfterBar(r.stderr).filter((l) => !l.includes("wrote report"))).toEqual([
      "dmasim: error: --columns: memcpy: no job's result has dmaTimePS; the table above has every field; their fields:",
      "  burst, channels, buffers, dmaTimePs, mbPerSec, ok",
    ]);
    expect(existsSync(report)).toBe(true);
  });

  it("lists cpu-process's hundred-odd fields by their top-level name, a line (wrapped under 100 characters) each", () => {
    const r = run(["sweep", "cpu-process", "--param", "size=4K", "--workers", "0", "--columns", "cachd"]);
    expect(r.status).toBe(1);
    const lines = stderrAfterBar(r.stderr);
    expect(lines.slice(0, 4)).toEqual([
      "dmasim: error: --columns: cpu-process: no job's result has cachd; the table above has every field; their fields:",
      // The top-level figures first, then each object's.
      "  processSlowdown, faster, noncoherentProcessSpeedup, fastest",
      // 92 characters; the next path would make it 117.
      "  cached.receive.name, cached.receive.bytes, cached.receive.timePs, cached.receive.cpuCycles,",
      "    cached.receive.mbPerSec, cached.receive.maintenancePs, cached.receive.bouncePs,",
    ]);
    const listed = lines.slice(1);
    expect(Math.max(...listed.map((l) => l.length))).toBeLessThanOrEqual(100);
    // A group starts at two spaces, its continuation at four.
    expect(listed.filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/[.,]/)[0]))
      .toEqual(["processSlowdown", "cached", "uncached", "noncoherent"]);
    // Every figure --json has, each once: the listing read back, in order, against the JSON's leaves.
    const result = (JSON.parse(run([...cpuProcess.slice(0, 3), "size=4K", "--workers", "0", "--json"]).stdout) as { rows: { result: Record<string, unknown> }[] }).rows[0].result;
    const paths = leafPaths(result).filter((p) => p !== "size");
    const topLevel = paths.filter((p) => !p.includes("."));
    expect(listed.join(",").split(",").map((p) => p.trim()).filter((p) => p)).toEqual([...topLevel, ...paths.filter((p) => p.includes("."))]);
    expect(paths).toHaveLength(4 + 3 * 38 - 12 + 1); // uncached has no sync phase; noncoherent a memType
  });

  it("shows every figure of an object named whole, nested objects' too, in the order --json has them", () => {
    const r = run([...cpuProcess.slice(0, 3), "size=4K,64K", "--workers", "0", "--columns", "cached.receive"]);
    expect(r.status).toBe(0);
    // The cells as --json has them: 4K's receive took 8227034 ps, 4096 B / 8.227034 µs = 497.9 MB/s,
    // 5485 cycles of 1.5 ns; 64K's 100469077 ps, 65536 B / 100.469077 µs = 652.3 MB/s.
    expect(r.stdout.split("\n").slice(2)).toEqual([
      "size  cached.receive.name  cached.receive.bytes  cached.receive.timePs  cached.receive.cpuCycles  cached.receive.mbPerSec  cached.receive.maintenancePs  cached.receive.bouncePs  cached.receive.bouncedBytes  cached.receive.cache.l1Hits  cached.receive.cache.l1Misses  cached.receive.cache.l2Hits  cached.receive.cache.l2Misses",
      "----  -------------------  --------------------  ---------------------  ------------------------  -----------------------  ----------------------------  -----------------------  ---------------------------  ---------------------------  -----------------------------  ---------------------------  -----------------------------",
      "4K    map + device writes                  4096                8227034                      5485                    497.9                       3864000                        0                            0                            0                              0                            0                              0",
      "64K   map + device writes                 65536              100469077                     66979                    652.3                      61464000                        0                            0                            0                              0                            2                              0",
      "",
    ]);
  });

  it("shows cached as its 38 figures, each cell what --json has, a figure named again once", () => {
    const sweep = [...cpuProcess.slice(0, 3), "size=4K,64K", "--workers", "0"];
    const r = run([...sweep, "--columns", "cached"]);
    expect(r.status).toBe(0);
    const rows = (JSON.parse(run([...sweep, "--json"]).stdout) as { rows: { result: { cached: Record<string, unknown> } }[] }).rows;
    const fields = leafPaths(rows[0].result.cached, "cached.");
    // Three phases of ten figures (the cache's four counted), totalPs and ok.
    expect(fields).toHaveLength(3 * 12 + 2);
    const [, , header, dashes, ...cells] = r.stdout.split("\n");
    // The dashes under each heading give its column's span.
    const spans = [...dashes.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length]);
    const cut = (line: string) => spans.map(([from, to]) => line.slice(from, to).trim());
    expect(cut(header)).toEqual(["size", ...fields]);
    expect(cells.filter((l) => l).map(cut)).toEqual(rows.map((row, i) => [
      ["4K", "64K"][i], ...fields.map((f) => String(f.split(".").slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], row.result.cached))),
    ]));
    expect(cut(cells[0]).slice(-2)).toEqual(["15032829", "true"]);
    // Named again, alone or within its object, a figure keeps the first place it was named at.
    expect(run([...sweep, "--columns", "cached,cached.totalPs"]).stdout).toBe(r.stdout);
    const totalFirst = run([...sweep, "--columns", "cached.totalPs,cached.process.cache,cached.totalPs"]).stdout.split("\n")[2];
    expect(totalFirst.split(/ +/)).toEqual(["size", "cached.totalPs", "cached.process.cache.l1Hits", "cached.process.cache.l1Misses", "cached.process.cache.l2Hits", "cached.process.cache.l2Misses"]);
  }, 30_000);

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
    expect(stderrAfterBar(r.stderr)).toEqual([
      "dmasim: --columns: memcpy: no job's result has mbPerSc; its rows are printed with every field; their fields:",
      "  channels, buffers, dmaTimePs, mbPerSec, ok",
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
      // 1M: noncoherent's 3329.8 µs against cached's 3330.0 µs in all (the same maintenance to
      // 66 ns; the cached way's receive takes 0.14 µs more besides).
      "1M               7.69  cached                       7.68  noncoherent",
      "(not in the table: cached, uncached, noncoherent, each an object of figures; --json has them)",
      "",
    ].join("\n"));
  });
});
