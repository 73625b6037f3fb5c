// A newcomer's first scenario module outside this repository fails to load in one of three ways
// Node names without saying what to do; `dmasim run` adds the fix to the one line it prints.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const SCENARIO = 'import { DMA_MEMCPY } from "dmasim";\nexport function run() { return { mask: DMA_MEMCPY }; }\n';

function runModule(files: Record<string, string>, name: string): { stderr: string; status: number | null } {
  const dir = tempDir("dmasim-module-");
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const r = spawnSync(process.execPath, [cli, "run", join(dir, name)], { encoding: "utf8", cwd: dir });
  return { stderr: r.stderr.split("\n").filter((l) => l.startsWith("dmasim")).join("\n"), status: r.status };
}

describe("dmasim run of a scenario module that does not load", () => {
  it("says where to install dmasim when the module's folder cannot find it", () => {
    const r = runModule({ "rx.mjs": SCENARIO }, "rx.mjs");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dmasim: error: Cannot find package 'dmasim' .*; a scenario module finds "dmasim" from its own folder: run `npm install /);
    expect(r.stderr).toContain(`npm install ${root}`);
  });

  it("says to use .mjs or type: module when Node reads the module as CommonJS", () => {
    const r = runModule({ "package.json": '{ "type": "commonjs" }', "rx.js": SCENARIO }, "rx.js");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dmasim: error: Cannot use import statement outside a module; Node read the module as CommonJS: name it .mjs, or set "type": "module" in its package.json');
  });

  it("says to compile a TypeScript module", () => {
    const r = runModule({ "rx.ts": SCENARIO }, "rx.ts");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Unknown file extension "\.ts" .*; a scenario module is JavaScript: compile it \(tsc\) and pass the \.js file$/);
  });

  it("leaves a module's own error as it is", () => {
    const r = runModule({ "bad.mjs": 'throw new RangeError("my driver is broken");\nexport function run() {}\n' }, "bad.mjs");
    expect(r.stderr).toBe("dmasim: error: my driver is broken");
  });
});
