// `dmasim run` and `sweep` of a scenario module that exports `params` refuse a --param name it
// does not read, in the words they use for a built-in scenario; one without `params` runs on
// whatever it is given, and `run` says its names go unchecked.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const RUN = "export function run(system, p) { return { len: p.len ?? 1000 }; }\n";

/** dmasim in a folder holding mydrv.mjs (declares len, period, burst) and bare.mjs (declares none). */
function dmasim(args: string[]) {
  const dir = tempDir("dmasim-params-");
  writeFileSync(join(dir, "mydrv.mjs"), `export const params = ["len", "period", "burst"];\n${RUN}`);
  writeFileSync(join(dir, "bare.mjs"), RUN);
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir });
}

describe("dmasim run / sweep of a scenario module's --param names", () => {
  it("refuses a name a module's params do not list, naming the module as given, before running anything", () => {
    const refused = 'dmasim: ./mydrv.mjs has no parameter "lenn" (its parameters: len, period, burst)\n';
    for (const args of [
      ["run", "./mydrv.mjs", "--param", "lenn=5"],
      ["sweep", "./mydrv.mjs", "--param", "lenn=5,6", "--workers", "0"],
      ["sweep", "./mydrv.mjs", "--param", "len=5,6", "--param", "lenn=1", "--workers", "1"],
    ]) {
      const r = dmasim(args);
      expect(r.stderr, args.join(" ")).toBe(refused);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("runs a module on the names its params list", () => {
    const r = dmasim(["run", "./mydrv.mjs", "--param", "len=5", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).len).toBe(5);
  });

  it("runs a module without params on any name, and run notes that the names go unchecked", () => {
    const one = dmasim(["run", "./bare.mjs", "--param", "lenn=5", "--json"]);
    expect(one.status).toBe(0);
    expect(JSON.parse(one.stdout).len).toBe(1000); // lenn is not len: the default
    expect(one.stderr).toBe("dmasim: note: ./bare.mjs does not export params (the names its run reads), so a misspelt --param goes unnoticed\n");
    // Without --param there is nothing to check, and nothing to say.
    expect(dmasim(["run", "./bare.mjs"]).stderr).toBe("");
    for (const workers of ["0", "1"]) {
      const sweep = dmasim(["sweep", "./bare.mjs", "--param", "lenn=5", "--workers", workers, "--json"]);
      expect(sweep.status).toBe(0);
      expect(JSON.parse(sweep.stdout).rows.map((r: { result: { len: number } }) => r.result.len)).toEqual([1000]);
      expect(sweep.stderr, `sweep --workers ${workers}`).not.toContain("note");
    }
  }, 30_000);

  it("refuses a misspelt name for each of the repository's example modules, listing the names each reads", () => {
    // The names each module's header comment documents.
    const cases: [string, string][] = [
      ["examples/spi-board/spi-dma.js", "len, period, periods, laps, burst, ring"],
      ["examples/rx-ring/rx-ring.js", "variant, len, packets"],
      ["examples/frame-buffer/frame-buffer.mjs", "kind, width, height, frames, cycles, threshold"],
    ];
    for (const [path, names] of cases) {
      const r = spawnSync(process.execPath, [cli, "run", path, "--param", "lenn=5"], { encoding: "utf8", cwd: root });
      expect(r.stderr).toBe(`dmasim: ${path} has no parameter "lenn" (its parameters: ${names})\n`);
      expect(r.status).toBe(1);
    }
  });
});
