// What `dmasim help` tells of options a user meets in examples and answers (the long forms of
// dt's -o and -i, -j for --json, the fuzz command's defaults, as src/cli/fuzz.ts and
// src/tools/fuzz/dt-target.ts take them), and `dmasim run DIR`: a folder is refused in dmasim's
// words (Node's loader imports no folder), not Node's "Directory import … is not supported".

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [join(root, "dist/src/cli.js"), ...args], { encoding: "utf8", cwd: root });

describe("dmasim help", () => {
  // Lines joined and columns closed up: the words, not the layout.
  const help = cli(["help"]).stdout.replace(/\s+/g, " ");

  it("gives dt's short options with their long forms, and -j", () => {
    expect(help).toContain('-o, --out OUT output file (default stdout); IN "-" reads stdin');
    expect(help).toContain("-i, --include DIR another directory to search for /include/ and /incbin/ files");
    expect(help).toContain("-O, --out-format dts|dtb|json output format");
    expect(help).toContain("-j, --json print the result as JSON");
    expect(help).toContain("help this text (also -h, --help; -j is --json wherever it is taken)");
  });

  it("says cat's dma-api files need --dma-debug, and gives a --write PATH=VALUE to copy", () => {
    expect(help).toContain("or, with --dma-debug, a /sys/kernel/debug/dma-api file");
    expect(help).toContain("a driver's bind or unbind (/sys/bus/amba/drivers/dma-pl330/unbind=f8003000.dma-controller)");
  });

  it("states the fuzz command's defaults", () => {
    for (const d of ["--count N (default 1000)", "--seed S (default 1)", "--start I (default 0)", "--workers N (default 1)",
      "--timeout SEC per case (default 30)", "--heap MB per worker (default 1024)", "also boot, default 0.25)"]) {
      expect(help).toContain(d);
    }
  });

  it("takes the long forms it lists: dt --out, --include", () => {
    const dir = tempDir("dmasim-help-");
    const r = cli(["dt", "examples/boards/zynq-7000.dts", "--include", "examples/boards", "--out", join(dir, "z.dtb")]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(cli(["dt", join(dir, "z.dtb"), "-O", "dts"]).stdout).toBe(cli(["dt", "examples/boards/zynq-7000.dtb", "-O", "dts"]).stdout);
  });
});

describe("a directory given as a scenario module", () => {
  it("is refused in dmasim's words by run and by sweep", () => {
    const dir = tempDir("dmasim-dir-");
    const said = `dmasim: ${dir} is a directory: a scenario module is one JavaScript file exporting run(system, params) (as examples/debugging/mydrv.mjs): give its path\n`;
    for (const args of [["run", dir], ["sweep", dir, "--param", "a=1,2"]]) {
      const r = cli(args);
      expect([r.status, r.stdout, r.stderr]).toEqual([1, "", said]);
    }
  });
});
