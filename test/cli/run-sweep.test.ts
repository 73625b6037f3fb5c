import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

describe("dmasim run / sweep", () => {
  it("runs a built-in scenario with parameters, as JSON", () => {
    const r = run(["run", "memcpy", "--param", "size=64K", "--param", "burst=4", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ size: 65536, burst: 4, ok: true });
  });

  it("runs a scenario module given by path", () => {
    const dir = tempDir("dmasim-scn-");
    const f = join(dir, "mine.mjs");
    writeFileSync(f, "export function run(system, params) { return { devices: system.deviceNames().length, twice: params.n * 2 }; }\n");
    const r = run(["run", f, "--param", "n=21", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ twice: 42 });
  });

  it("prints and reports each figure of a nested result on its own line, by its dotted path", () => {
    const dir = tempDir("dmasim-scn-");
    const f = join(dir, "nested.mjs");
    const report = join(dir, "nested.html");
    writeFileSync(f, 'export function run() { return { kind: "coherent", fill: { timePs: 5, cache: { l1Hits: 7 } }, lines: [1, 2], none: {} }; }\n');
    const r = run(["run", f, "--report", report]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe([
      `dmasim run: ${f} on Zynq-7000 test board (modern kernel)`,
      "",
      "kind               coherent",
      "fill.timePs        5",
      "fill.cache.l1Hits  7",
      "lines              [1,2]",
      "none               {}",
    ].join("\n") + "\n");
    const html = readFileSync(report, "utf8");
    expect(html).toContain("<tr><td>kind</td><td>coherent</td></tr>");
    expect(html).toContain('<tr><td>fill.cache.l1Hits</td><td class="n">7</td></tr>');
  });

  it("writes the report of a scenario module that returns one value, or nothing", () => {
    const dir = tempDir("dmasim-scn-");
    for (const [body, cell] of [["return 42;", '<td class="n">42</td>'], ["", "<td>undefined</td>"]]) {
      const f = join(dir, "bare.mjs");
      const report = join(dir, "bare.html");
      writeFileSync(f, `export function run() { ${body} }\n`);
      const r = run(["run", f, "--report", report]);
      expect(r.stderr).toBe(`dmasim: wrote report to ${report}\n`);
      expect(r.status).toBe(0);
      expect(readFileSync(report, "utf8")).toContain(`<tr><td>result</td>${cell}</tr>`);
    }
  });

  it("says how many records a trace too small for the run lost, and the file counts them", () => {
    const dir = tempDir("dmasim-trace-");
    const trace = join(dir, "t.json");
    const r = run(["run", "memcpy", "--param", "size=4K", "--trace", trace, "--trace-records", "100"]);
    expect(r.status).toBe(0);
    const said = /^dmasim: wrote \d+ trace events to .*t\.json \((\d+) records dropped: raise --trace-records\)\n$/.exec(r.stderr);
    expect(said).not.toBeNull();
    const t = JSON.parse(readFileSync(trace, "utf8")) as { otherData: { records: number; dropped: number } };
    expect(t.otherData.records).toBe(100);
    expect(t.otherData.dropped).toBeGreaterThan(0);
    expect(Number(said![1])).toBe(t.otherData.dropped);
  });

  it("refuses --trace for fingerprint, whose own trace would leave the file empty", () => {
    const dir = tempDir("dmasim-trace-");
    const trace = join(dir, "t.json");
    const r = run(["run", "fingerprint", "--param", "scenario=memcpy", "--param", "size=4K", "--trace", trace]);
    expect(r.stderr).toBe("dmasim: error: fingerprint records its own trace, for its digest: run it without --trace\n");
    expect(r.status).toBe(1);
    expect(existsSync(trace)).toBe(false);
  });

  it("refuses --trace for a sweep instead of writing no trace", () => {
    const dir = tempDir("dmasim-trace-");
    const trace = join(dir, "t.json");
    const r = run(["sweep", "memcpy", "--param", "size=4K,64K", "--trace", trace]);
    expect(r.stderr).toBe("dmasim: --trace records one System: trace a point of the sweep with dmasim run SCENARIO --param k=v … --trace FILE\n");
    expect(r.status).toBe(1);
    expect(existsSync(trace)).toBe(false);
  });

  it("sweeps, prints a table and writes a report", () => {
    const dir = tempDir("dmasim-rep-");
    const report = join(dir, "out.html");
    const r = run(["sweep", "memcpy", "--param", "size=4K,64K", "--param", "burst=1,16", "--workers", "2", "--report", report]);
    expect(r.status).toBe(0);
    // A heading naming the grid and the System, a blank line, the table's head and rule, 4 rows.
    expect(r.stdout.split("\n").slice(0, 2)).toEqual(["dmasim sweep: memcpy (size=4K,64K burst=1,16) on Zynq-7000 test board (modern kernel)", ""]);
    expect(r.stdout.split("\n")[2]).toMatch(/^size\s+burst\s+channels\s+buffers\s+dmaTimePs\s+mbPerSec\s+ok/);
    expect(r.stdout.trim().split("\n")).toHaveLength(2 + 2 + 4);
    expect(r.stderr).toMatch(/sweep memcpy: 4\/4 done/);
    expect(readFileSync(report, "utf8")).toContain("<polyline");
  });

  it("prints the same table with worker processes (--processes) as with threads", () => {
    const args = ["sweep", "memcpy", "--param", "size=4K,16K", "--param", "burst=4", "--workers", "2"];
    const threads = run(args);
    const processes = run([...args, "--processes"]);
    expect(threads.status).toBe(0);
    expect(processes.status).toBe(0);
    expect(processes.stdout).toBe(threads.stdout);
    expect(processes.stdout.trim().split("\n")).toHaveLength(2 + 2 + 2);
  });

  it("takes --swiotlb as the kernel's swiotlb= (force, N slabs, N,force), refusing a bad one and a board without swiotlb", () => {
    const bounced = (extra: string[]) => run(["run", "memcpy", "--param", "size=64K", "--param", "buffers=bounced", "--json", ...extra]);
    const forced = bounced(["--board", "arm64-ref", "--swiotlb", "force"]);
    expect(forced.stderr).toBe("");
    expect(JSON.parse(forced.stdout)).toMatchObject({ buffers: "bounced", ok: true });
    expect(JSON.parse(forced.stdout).bouncePs).toBeGreaterThan(0);
    expect(JSON.parse(bounced(["--board", "arm64-ref", "--swiotlb", "32768,force"]).stdout)).toMatchObject({ ok: true });
    const unforced = bounced(["--board", "arm64-ref", "--swiotlb", "32768"]);
    expect(unforced.stderr).toMatch(/^dmasim: error: buffers=bounced: dma_map_single gave .* pass --swiotlb force/);
    expect(unforced.status).toBe(1);
    const cases: [string[], string][] = [
      [["--board", "arm64-ref", "--swiotlb", "forced"], 'dmasim: --swiotlb must be N (slabs), force, noforce or N,force: "forced" is not a slab count or "force" (try force, 32768 or 32768,force)\n'],
      [["--board", "zynq-7000", "--swiotlb", "force"], "dmasim: error: swiotlb: zynq-7000 is arm without LPAE, which has no swiotlb on either kernel (its RAM is all within 32 bits); leave the option out\n"],
    ];
    for (const [extra, message] of cases) {
      const r = bounced(extra);
      expect(r.stderr).toBe(message);
      expect(r.status).toBe(1);
    }
  });

  it("rejects a parameter the built-in scenario does not read, before running anything", () => {
    const cases: [string[], string][] = [
      [["run", "memcpy", "--param", "sise=4K"], 'dmasim: memcpy has no parameter "sise" (its parameters: size, burst, channels, buffers, block)\n'],
      [["sweep", "memcpy", "--param", "size=4K", "--param", "bursts=1,4"], 'dmasim: memcpy has no parameter "bursts" (its parameters: size, burst, channels, buffers, block)\n'],
      [["run", "calibration", "--param", "size=4K"], 'dmasim: calibration has no parameter "size" (it takes none)\n'],
      [["run", "fingerprint", "--param", "scenario=memcpy", "--param", "sise=4K"], 'dmasim: fingerprint has no parameter "sise" (its parameters: scenario, records, size, burst, channels, buffers, block)\n'],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.stderr).toBe(message);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("names the grid point that failed, with any worker count, threads or processes, and prints the other jobs' rows", () => {
    for (const workers of [["--workers", "0"], ["--workers", "1"], ["--workers", "2"], ["--workers", "2", "--processes"]]) {
      const bad = run(["sweep", "memcpy", "--param", "size=4K", "--param", "burst=4,99", ...workers]);
      expect(bad.stderr.split("\n").slice(-3, -1), workers.join(" ")).toEqual([
        "sweep memcpy: 1/2 done, 1 failed in " + /in (\S+)/.exec(bad.stderr)![1],
        'dmasim: error: size=4K burst=99: burst must be "auto" or 1…16, not "99"',
      ]);
      const [heading, blank, ...lines] = bad.stdout.trimEnd().split("\n");
      // The job that finished says what the sweep ran on.
      expect([heading, blank]).toEqual(["dmasim sweep: memcpy (size=4K burst=4,99) on Zynq-7000 test board (modern kernel)", ""]);
      expect(lines[0].split(/ +/)).toEqual(["size", "burst", "channels", "buffers", "dmaTimePs", "mbPerSec", "ok", "error"]);
      expect(lines[2]).toMatch(/^4K +4 +1 +coherent +\d+ +[\d.]+ +true$/);
      expect(lines[3]).toMatch(/^4K +99 +burst must be "auto" or 1…16, not "99"$/);
      expect(bad.status).toBe(1);
      const size = run(["sweep", "memcpy", "--param", "size=4K,abc", ...workers]);
      expect(size.stderr.split("\n").at(-2), workers.join(" ")).toBe('dmasim: error: size=abc: not a size: "abc" (try 64K, 512M, 1G or a byte count)');
      expect(size.status).toBe(1);
    }
  }, 60_000);

  it("keeps the other jobs' results of a sweep where one runs out of simulated memory, in the table and in --json", () => {
    // 64 MiB of DRAM cannot hold a 64 MiB source and its destination: the kernel's -ENOMEM.
    for (const workers of [["--workers", "0"], ["--workers", "2"]]) {
      const r = run(["sweep", "memcpy", "--memory", "64M", "--param", "size=4K,64M,8K", "--json", ...workers]);
      expect(r.status, workers.join(" ")).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out.rows.map((row: { params: { size: string } }) => row.params.size)).toEqual(["4K", "64M", "8K"]);
      expect(out.rows[0].result).toMatchObject({ size: 4096, ok: true });
      expect(out.rows[2].result).toMatchObject({ size: 8192, ok: true });
      expect(out.rows[1].result).toBeUndefined();
      expect(out.rows[1].error).toMatch(/^-ENOMEM: dma_alloc_coherent\(4194304\) failed/);
      expect(out.error).toBe(`size=64M: ${out.rows[1].error}`);
      expect(r.stderr.split("\n").at(-2)).toBe(`dmasim: error: ${out.error}`);
    }
  }, 30_000);

  it("refuses a memcpy of no bytes, as the demo does, instead of reporting it ok", () => {
    for (const args of [["run", "memcpy", "--param", "size=0"], ["demo", "--size", "0"]]) {
      const r = run(args);
      expect(r.stderr, args.join(" ")).toBe("dmasim: error: size must be at least one byte, not 0\n");
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("refuses a fingerprint trace capacity that is not a whole number ≥ 1", () => {
    for (const records of ["abc", "0", "2.5"]) {
      const r = run(["run", "fingerprint", "--param", "scenario=memcpy", "--param", "size=4K", "--param", `records=${records}`]);
      expect(r.stderr).toBe(`dmasim: error: records must be a whole number ≥ 1, not "${records}"\n`);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
    const ok = run(["run", "fingerprint", "--param", "scenario=memcpy", "--param", "size=4K", "--param", "records=1", "--json"]);
    expect(ok.status).toBe(0);
    // Room for one silicon record: the copy's others are dropped.
    expect(JSON.parse(ok.stdout).trace.dropped).toBeGreaterThan(0);
  });

  it("reports in --json the workers the sweep used, not the count asked for", () => {
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--workers", "1000", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scenario: "memcpy", workers: 1 });
  });

  it("refuses --processes with --workers 0, which starts no process", () => {
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--workers", "0", "--processes"]);
    expect(r.stderr).toBe("dmasim: --workers 0 runs the jobs in this process, so --processes has none to start: give one or the other\n");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });

  it("refuses a sweep key given twice instead of sweeping only the last one's values", () => {
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--param", "size=8K"]);
    expect(r.stderr).toBe("dmasim: --param size is given twice: give all its values in one (--param size=v1,v2,…)\n");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });

  it("rejects an unknown scenario and a malformed --param with one line", () => {
    expect(run(["run", "nosuch"]).stderr.trim()).toMatch(/^dmasim: unknown scenario "nosuch"/);
    expect(run(["sweep", "memcpy", "--param", "size"]).stderr.trim()).toMatch(/--param needs key=value/);
  });

  it("stops before running when --trace or --report names a place nothing can be written", () => {
    const dir = tempDir("dmasim-out-");
    const cases: [string[], string][] = [
      [["demo", "--trace", join(dir, "no", "t.json")], `dmasim: error: --trace ${join(dir, "no", "t.json")}: cannot write there: no such directory (ENOENT)\n`],
      [["run", "memcpy", "--report", dir], `dmasim: error: --report ${dir}: cannot write there: is a directory (EISDIR)\n`],
      [["sweep", "memcpy", "--param", "size=4K", "--report", join(dir, "no", "r.html")], `dmasim: error: --report ${join(dir, "no", "r.html")}: cannot write there: no such directory (ENOENT)\n`],
    ];
    for (const [args, stderr] of cases) {
      const r = run(args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stdout, args.join(" ")).toBe("");
      expect(r.stderr, args.join(" ")).toBe(stderr);
    }
  });

  it("prints a sweep's table before its report, so a report that fails to write loses no result", () => {
    // /proc takes no new files. Root passes the access check made before the run, so the write
    // itself fails, after the sweep; anyone else is stopped before it.
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--report", "/proc/dmasim-report.html"]);
    expect(r.status).toBe(1);
    if (process.getuid?.() === 0) {
      expect(r.stdout).toMatch(/^dmasim sweep: memcpy \(size=4K\) on Zynq-7000 test board \(modern kernel\)\n\nsize +burst +channels +buffers +dmaTimePs +mbPerSec +ok\n.*\n4K +auto +1 +coherent +4273034 +958\.6 +true\n$/);
      expect(r.stderr).toMatch(/dmasim: error: --report \/proc\/dmasim-report\.html: cannot write there: \/proc takes no new files \(ENOENT\)\n$/);
    } else {
      expect(r.stderr).toMatch(/^dmasim: error: --report \/proc\/dmasim-report\.html: cannot write there: /);
    }
  });
});
