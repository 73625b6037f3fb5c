// A board's source run through cpp lands away from the .dtsi files its /include/s name: the
// commands that boot it take -i DIR (as dtc does), and createSystem takes dtsIncludeDirs.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSystem } from "../../src/create.js";
import { SystemError } from "../../src/system.js";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const shared = join(root, "../shared/devicetree");
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

/** cpp's output in a folder of its own, still naming the board's .dts by /include/. */
function preprocessed(): string {
  const f = tempFile("dmasim-inc-", "board.pp.dts");
  writeFileSync(f, `/include/ "zynq-7000-board.dts"\n/ { model = "cpp'd board"; };\n`);
  return f;
}

describe("-i DIR for a source's /include/s", () => {
  it("without it, the error names the directories searched and the option", () => {
    const r = run(["ls", "/sys/class/dma", "--dts", preprocessed()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/board\.pp\.dts:1:1: cannot find "zynq-7000-board\.dts" for \/include\/ \(looked in .*dmasim-inc-\w+; another directory: -i DIR, as dtc takes it\)/);
  });

  it("with it, ls, demo's options and probe boot the board", () => {
    const f = preprocessed();
    const r = run(["ls", "/sys/class/dma", "--dts", f, "-i", shared]);
    expect(r.stderr).toBe("");
    expect(r.stdout.split(/\s+/).filter(Boolean)).toEqual(["dma0chan0", "dma0chan1", "dma0chan2", "dma0chan3", "dma0chan4", "dma0chan5", "dma0chan6", "dma0chan7"]);
    const p = run(["probe", f, "--include", shared, "--iterations", "1"]);
    expect(p.stdout).toMatch(/^.*board\.pp\.dts: cpp'd board \(zynq-7000\)\n/);
    expect(p.stdout).toMatch(/\n8 passed, 0 failed\n$/);
  });

  it("is refused without a source file to search for", () => {
    const r = run(["ls", "/sys/class/dma", "-i", shared]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("dmasim: -i/--include names directories for a --dts or --dtb source file's /include/s: give one\n");
  });

  it("createSystem takes dtsIncludeDirs, and refuses one that is not a list of names", async () => {
    const f = preprocessed();
    const dts = `/include/ "zynq-7000-board.dts"\n`;
    const s = await createSystem({ dts, dtsName: f, dtsIncludeDirs: [shared] });
    expect(s.board.dmacs.map((d) => d.base)).toEqual([0xf8003000]);
    s.dispose();
    await expect(createSystem({ dts, dtsName: f, dtsIncludeDirs: shared as unknown as string[] })).rejects.toThrow(SystemError);
    await expect(createSystem({ dts, dtsName: f, dtsIncludeDirs: shared as unknown as string[] })).rejects.toThrow(/dtsIncludeDirs must be an array of directory names/);
  });
});
