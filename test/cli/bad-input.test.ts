// What a user mistypes ends in one line naming the option or value and exit status 1, never in a
// value picked for them.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

function refused(args: string[], line: string): void {
  const r = run(args);
  expect(r.stderr).toBe(`${line}\n`);
  expect(r.stdout).toBe("");
  expect(r.status).toBe(1);
}

describe("bad options", () => {
  it("names a mistyped option given last, rather than asking for its value", () => {
    refused(["run", "memcpy", "--jsn"], "dmasim: run has no option --jsn (see dmasim help)");
    refused(["demo", "--bogus", "--json"], "dmasim: demo has no option --bogus (see dmasim help)");
    refused(["run", "memcpy", "--param"], "dmasim: --param needs a value");
  });

  it("refuses an option given twice with different values", () => {
    refused(["demo", "--board", "zynq-7000", "--board", "arm64-ref"], 'dmasim: --board is given 2 times ("zynq-7000", "arm64-ref"): give it once');
    refused(["run", "memcpy", "--param", "size=4K", "--param", "size=8K"], "dmasim: --param size is given twice: give it once");
  });

  it("refuses a size that is no whole number of bytes", () => {
    refused(["demo", "--size", "1.5"], 'dmasim: error: not a whole number of bytes: "1.5" (try 64K, 512M, 1G or a byte count)');
    refused(["run", "memcpy", "--param", "size=0.3K"], 'dmasim: error: not a whole number of bytes: "0.3K" (try 64K, 512M, 1G or a byte count)');
  });

  it("checks --trace-records before the run, and wants --trace with it", () => {
    refused(["run", "memcpy", "--trace-records", "abc"], 'dmasim: --trace-records must be a whole number ≥ 1, not "abc"');
    refused(["run", "memcpy", "--trace-records", "5"], "dmasim: --trace-records sizes the trace --trace FILE records: give --trace FILE too");
  });

  it("names --report when the report cannot be written after the run, and leaves no file", () => {
    // A directory that passes the check before the run (it exists) but goes before the write is
    // hard to arrange; /proc takes no new files, even for root.
    const r = run(["run", "memcpy", "--param", "size=4K", "--report", "/proc/dmasim-report.html"]);
    expect(r.stderr).toBe("dmasim: error: --report /proc/dmasim-report.html: cannot write there: /proc takes no new files (ENOENT)\n");
    expect(r.stdout).toContain("ok         true");
    expect(r.status).toBe(1);
  });
});

describe("bad device trees", () => {
  const dir = tempDir("dmasim-bad-dt-");
  const zynqDts = readFileSync(join(root, "examples/boards/zynq-7000.dts"), "utf8");
  const board = (name: string, bytes: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  // Every command that boots a board: the same one line each time.
  const everyBoot = (path: string, line: string) => {
    for (const args of [["demo", "--dtb", path], ["run", "memcpy", "--dtb", path], ["probe", path]]) refused(args, line);
  };

  it("says in words that a tree file is missing, with the error: prefix of a failed run, the same from dt, --dtb and --dts", () => {
    const path = join(dir, "missing.dtb");
    const line = `dmasim: error: cannot read ${path}: no such file or directory (ENOENT)`;
    refused(["dt", path], line);
    for (const option of ["--dtb", "--dts"]) {
      refused(["demo", option, path], line);
      refused(["run", "memcpy", option, path], line);
    }
  });

  it("refuses a blob whose last_comp_version is corrupted, as fdt_check_header does", () => {
    const blob = readFileSync(join(root, "examples/boards/zynq-7000.dtb"));
    blob.writeUInt32BE(0xff000010, 24);
    const path = board("lastcomp.dtb", blob);
    const line = `dmasim: error: ${path}: -FDT_ERR_BADVERSION: last_comp_version 4278190096 (0xff000010) is newer than 17, the newest version dmasim (and libfdt) reads (at byte offset 24)`;
    everyBoot(path, line);
    refused(["dt", path, "-O", "dts"], line);
  });

  it("refuses a dma-ranges of 2 cells where an entry has 3, naming the bus", () => {
    const text = zynqDts.replace(/(amba: axi \{[^}]*?ranges;)/, "$1\n\t\tdma-ranges = <0x0 0x0>;");
    expect(text).not.toBe(zynqDts);
    everyBoot(board("dma-ranges.dts", text),
      'dmasim: error: /axi: "dma-ranges" has 2 cells, not a multiple of #address-cells + parent #address-cells + #size-cells = 1 + 1 + 1 = 3');
  });

  it("says why no DMA controller registered when the PL330 has no reg", () => {
    const text = zynqDts.replace(/(dma-controller@f8003000 \{[^}]*?)\n\s*reg = <[^>]*>;/, "$1");
    expect(text).not.toBe(zynqDts);
    const path = board("noreg.dts", text);
    const why = 'dma-pl330 axi:dma-controller@f8003000: probe failed with -ENXIO: no register window: the node has no usable "reg"';
    for (const args of [["demo", "--dtb", path], ["run", "memcpy", "--dtb", path]]) {
      refused(args, `dmasim: error: -EPROBE_DEFER: no DMA controller registered yet for capability DMA_MEMCPY (${why})`);
    }
    const r = run(["probe", path]);
    expect(r.stdout).toContain('dma-pl330 axi:dma-controller@f8003000: error -ENXIO: no register window: the node has no usable "reg"\n');
    expect(r.status).toBe(1);
  });
});
