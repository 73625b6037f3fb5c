// `dmasim sweep … --dts a.dts,b.dts` (and --dtb): comparing device trees from the command line.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { treeNames } from "../../src/cli/tree-names.js";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd });

/** A table's cells, row by row, split on the runs of spaces between columns. */
const cells = (lines: string[]) => lines.map((l) => l.trim().split(/\s{2,}/));

/** arm64-ref's tree as plain.dts and, its PL330 dma-coherent, coherent.dts; and the same two as
 *  v1/board.dts and v2/board.dts, whose basenames collide. */
function trees(): string {
  const dir = tempDir("dmasim-trees-");
  const plain = readFileSync(join(root, "examples/boards/arm64-ref.dts"), "utf8");
  const coherent = plain.replace("arm,pl330-periph-burst;", "arm,pl330-periph-burst;\n\t\t\tdma-coherent;");
  expect(coherent).not.toBe(plain);
  writeFileSync(join(dir, "plain.dts"), plain);
  writeFileSync(join(dir, "coherent.dts"), coherent);
  for (const [sub, text] of [["v1", plain], ["v2", coherent]]) {
    mkdirSync(join(dir, sub));
    writeFileSync(join(dir, sub, "board.dts"), text);
  }
  return dir;
}

const grid = ["--param", "size=64K,1M", "--param", "buffers=streaming"];

describe("dmasim sweep comparing device trees", () => {
  it("leads the table with a dts column naming each file, each row what `dmasim run` gives on that tree", () => {
    const dir = trees();
    const r = run(["sweep", "memcpy", ...grid, "--dts", "plain.dts,coherent.dts", "--workers", "2"], dir);
    expect(r.stderr).toMatch(/^sweep memcpy: 4\/4 done in /m);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual(["dmasim sweep: memcpy (size=64K,1M buffers=streaming) comparing dts=plain.dts,coherent.dts with kernel=modern", ""]);
    const [header, , ...rows] = cells(lines.slice(2));
    expect(header.slice(0, 3)).toEqual(["dts", "size", "buffers"]);
    const col = (name: string) => header.indexOf(name);
    expect(rows.map((c) => [c[0], c[1], c[col("maintainedBytes")]])).toEqual([
      // Streaming: source cleaned, destination invalidated at map and unmap, 3 × the size; a
      // dma-coherent DMAC's mappings maintain nothing.
      ["plain.dts", "64K", String(3 * 65536)], ["plain.dts", "1M", String(3 * 1048576)],
      ["coherent.dts", "64K", "0"], ["coherent.dts", "1M", "0"],
    ]);
    for (const c of rows) {
      const one = JSON.parse(run(["run", "memcpy", "--param", `size=${c[1]}`, "--param", "buffers=streaming", "--dts", c[0], "--json"], dir).stdout);
      expect(Number(c[col("dmaTimePs")]), `${c[0]} ${c[1]}`).toBe(one.dmaTimePs);
      expect(Number(c[col("maintenancePs")]), `${c[0]} ${c[1]}`).toBe(one.maintenancePs);
      expect(one.provenance.file).toBe(c[0]);
    }
  }, 60_000);

  it("names trees whose basenames collide by their directories too, in the table, --json and the report", () => {
    const dir = trees();
    const report = join(dir, "r.html");
    const r = run(["sweep", "memcpy", "--param", "size=64K", "--param", "buffers=streaming", "--dts", "./v1/board.dts,v2/board.dts",
      "--kernel", "modern,v4.9", "--workers", "0", "--json", "--report", report], dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.systems).toEqual({ dts: ["v1/board.dts", "v2/board.dts"], kernel: ["modern", "v4.9"] });
    expect(out.rows.map((row: { system: unknown }) => row.system)).toEqual([
      { dts: "v1/board.dts", kernel: "modern" }, { dts: "v1/board.dts", kernel: "v4.9" },
      { dts: "v2/board.dts", kernel: "modern" }, { dts: "v2/board.dts", kernel: "v4.9" },
    ]);
    expect(out.rows.map((row: { result: { maintainedBytes: number } }) => row.result.maintainedBytes)).toEqual([196608, 196608, 0, 0]);
    expect(out.provenance.file).toBe("v1/board.dts");
    expect(out.rows[2].provenance.file).toBe("v2/board.dts");
    // The report lists each tree compared with what it ran on, as it lists boards.
    const html = readFileSync(report, "utf8");
    expect(html).toMatch(/<table><thead><tr><th>dts<\/th><th>kernel<\/th><th>ran on<\/th><\/tr><\/thead><tbody><tr><td>v1\/board.dts<\/td><td>modern<\/td><td>v1\/board.dts \("dmasim arm64 reference board"\), profile arm64, modern kernel, dmasim [^<]*<\/td><\/tr>/);
    expect(html).toContain('<tr><td>v2/board.dts</td><td>v4.9</td><td>v2/board.dts ("dmasim arm64 reference board"), profile arm64, v4.9 kernel, dmasim ');
  }, 60_000);

  it("compares blobs with --dtb", () => {
    const dir = trees();
    const dtc = run(["dt", "coherent.dts", "-O", "dtb", "-o", "coherent.dtb"], dir);
    expect(dtc.status).toBe(0);
    const r = run(["sweep", "memcpy", "--param", "size=64K", "--param", "buffers=streaming",
      "--dtb", `${join(root, "examples/boards/arm64-ref.dtb")},coherent.dtb`, "--workers", "0", "--json"], dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((row: { system: unknown; result: { maintainedBytes: number } }) => [row.system, row.result.maintainedBytes])).toEqual([
      [{ dtb: "arm64-ref.dtb" }, 196608], [{ dtb: "coherent.dtb" }, 0],
    ]);
  }, 60_000);

  it("reads each source's /include/s from -i directories too, and takes a file whose name has a comma as one tree", () => {
    const dir = trees();
    mkdirSync(join(dir, "inc"));
    writeFileSync(join(dir, "inc", "base.dtsi"), readFileSync(join(dir, "plain.dts")));
    writeFileSync(join(dir, "top.dts"), '/include/ "base.dtsi"\n');
    const r = run(["sweep", "memcpy", "--param", "size=4K", "--dts", "top.dts,coherent.dts", "-i", "inc", "--workers", "0", "--json"], dir);
    expect(r.stderr).toMatch(/^sweep memcpy: 2\/2 done in [0-9.]+s\n$/);
    expect(JSON.parse(r.stdout).systems).toEqual({ dts: ["top.dts", "coherent.dts"] });
    writeFileSync(join(dir, "my,board.dts"), readFileSync(join(dir, "plain.dts")));
    const one = run(["sweep", "memcpy", "--param", "size=4K", "--dts", "my,board.dts", "--workers", "0"], dir);
    expect(one.status).toBe(0);
    expect(one.stdout.split("\n")[0]).toBe("dmasim sweep: memcpy (size=4K) on dmasim arm64 reference board (my,board.dts, profile arm64, modern kernel)");
  }, 60_000);

  it("refuses a tree it cannot read or build, a file given twice, or a board beside the trees, before any job runs", () => {
    const dir = trees();
    writeFileSync(join(dir, "broken.dts"), "/dts-v1/;\n/ { foo = <1 ;\n};\n");
    const cases: [string[], string][] = [
      [["--dts", "plain.dts,missing.dts"], "dmasim: error: cannot read missing.dts: no such file or directory (ENOENT)\n"],
      [["--dts", "plain.dts,broken.dts"], "dmasim: error: broken.dts:2:14: syntax error: expected a number, '(' expression ')', &reference or '>' in a cell list, found ';'\n"],
      [["--dts", "plain.dts,v1/../plain.dts"], "dmasim: --dts plain.dts,v1/../plain.dts: v1/../plain.dts is plain.dts again: give each tree once\n"],
      [["--dts", "plain.dts,coherent.dts", "--board", "arm64-ref"],
        "dmasim: --dts plain.dts,coherent.dts compares trees, which every job boots instead of --board arm64-ref: give one or the other\n"],
      [["--board", "zynq-7000,arm64-ref", "--dts", "plain.dts,coherent.dts"],
        "dmasim: --board zynq-7000,arm64-ref compares built-in boards, but --dts boots that tree on every job instead: give one or the other\n"],
      [["--dts", "plain.dts,coherent.dts", "--dtb", "x.dtb"], "dmasim: give --dtb or --dts, not both\n"],
      [["--dts", "plain.dts,"], 'dmasim: --dts "plain.dts,": a comma list compares two or more values (--dts A,B), one is given alone\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = run(["sweep", "memcpy", "--param", "size=4K", "--workers", "0", ...args], dir);
      expect({ args, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, status: 1, stdout: "", stderr });
    }
  });

  it("refuses one tree beside one --board in run, demo and sweep, as the usage gives them as alternatives", () => {
    const dir = trees();
    const want = "dmasim: give --board or --dts, not both: --dts plain.dts boots that tree, and --board zynq-7000 would go unused\n";
    for (const args of [["run", "memcpy"], ["demo"], ["sweep", "memcpy", "--param", "size=4K", "--workers", "0"]]) {
      const r = run([...args, "--dts", "plain.dts", "--board", "zynq-7000"], dir);
      expect({ args, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, status: 1, stdout: "", stderr: want });
    }
  });

  it("shortens each path to the fewest trailing parts no other path ends with", () => {
    expect(treeNames(["a.dts", "b/c.dts"], "--dts")).toEqual(["a.dts", "c.dts"]);
    expect(treeNames(["/tmp/x/v1/board.dts", "/tmp/x/v2/board.dts"], "--dts")).toEqual(["v1/board.dts", "v2/board.dts"]);
    expect(treeNames(["a/v1/board.dts", "b/v1/board.dts", "b/v2/board.dts"], "--dts")).toEqual(["a/v1/board.dts", "b/v1/board.dts", "v2/board.dts"]);
    // No suffix shorter than the whole is its own: the path as given.
    expect(treeNames(["board.dts", "a/board.dts"], "--dts")).toEqual(["board.dts", "a/board.dts"]);
  });
});
