// `dmasim fuzz`: the seeded DT fuzzer from the command line, and the watchdog that turns a case
// that hangs or eats memory into a reported failure instead of a stuck or dead run.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

describe("dmasim fuzz", () => {
  it("runs the DT fuzzer: a summary by outcome, no failures, exit 0", () => {
    const r = run(["fuzz", "dt", "--count", "40", "--seed", "2", "--json"]);
    expect(r.stderr).toBe("fuzz dt: 40/40 done in " + r.stderr.split("done in ")[1]);
    expect(r.status).toBe(0);
    const [s] = JSON.parse(r.stdout);
    expect(s).toMatchObject({ target: "dt", seed: 2, start: 0, count: 40, failures: [] });
    expect(Object.values(s.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(40);
  });

  it("fuzzes the PL330 when no target is named", () => {
    const r = run(["fuzz", "--count", "30", "--seed", "3", "--json"]);
    expect(r.status).toBe(0);
    const [s] = JSON.parse(r.stdout);
    expect(s).toMatchObject({ target: "pl330", seed: 3, count: 30, failures: [] });
    expect(Object.values(s.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it("a case that hangs, exhausts the heap or kills its process is a failure, the run goes on, and the inputs are saved", () => {
    const dir = tempDir("dmasim-fuzz-");
    const target = join(dir, "target.mjs");
    writeFileSync(target, `export function createTarget() {
  return {
    name: "toy",
    describeCase: (r, i) => ({ label: "toy case " + i, input: Uint8Array.of(i) }),
    async runCase(r, i) {
      if (i === 3) for (;;) {}
      if (i === 5) { const hog = []; for (;;) hog.push(new Array(1e5).fill(i)); }
      if (i === 6) process.kill(process.pid, "SIGKILL");
      if (i === 7) { console.error("TypeError: the toy broke"); process.exit(1); }
      return { outcome: i % 2 ? "odd" : "even" };
    },
  };
}
`);
    const save = join(dir, "failures");
    const r = run(["fuzz", target, "--count", "9", "--timeout", "2", "--heap", "64", "--save", save]);
    expect(r.stderr).toMatch(/^fuzz \S+target\.mjs: 9\/9 done in/);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/cases 0…8: 9 cases in [\d.]+ s \(1 worker\), 4 failures/);
    expect(r.stdout).toMatch(/even +4\n/);
    expect(r.stdout).toMatch(/odd +1\n/);
    expect(r.stdout).toContain("FAILED toy case 3\n  hang: no result within 2 s\n");
    expect(r.stdout).toContain("FAILED toy case 5\n  out of memory: the worker's heap limit was reached\n");
    expect(r.stdout).toContain("FAILED toy case 6\n  worker exited (SIGKILL)\n");
    expect(r.stdout).toContain("FAILED toy case 7\n  worker exited (code 1): TypeError: the toy broke\n");
    expect(r.stdout).toContain(`replay: dmasim fuzz ${target} --seed 1 --start 5 --count 1`);
    expect(readdirSync(save).sort()).toEqual(["toy-seed1-case3.bin", "toy-seed1-case5.bin", "toy-seed1-case6.bin", "toy-seed1-case7.bin"]);
  }, 60_000);

  it("a target that cannot be made is one error line, before any case runs", () => {
    const dir = tempDir("dmasim-fuzz-");
    const garbage = join(dir, "garbage.dtb");
    writeFileSync(garbage, "not \0a tree"); // binary without the blob magic: a damaged blob
    const module = join(dir, "empty.mjs");
    writeFileSync(module, "export const nothing = 0;\n");
    const cases: [string[], string][] = [
      [["fuzz", "dt", "--corpus", join(dir, "missing.dtb")], `dmasim: error: cannot read ${join(dir, "missing.dtb")}: no such file or directory (ENOENT)\n`],
      [["fuzz", "dt", "--corpus", garbage], `dmasim: error: garbage.dtb: bad magic 0x6e6f7420 (expected 0xd00dfeed): not a device tree blob (at byte offset 0)\n`],
      [["fuzz", module], `dmasim: error: ${module} does not export createTarget(options)\n`],
      [["fuzz", join(dir, "missing.mjs")], `dmasim: error: cannot read ${join(dir, "missing.mjs")}: no such file or directory (ENOENT)\n`],
    ];
    for (const [args, message] of cases) {
      const r = run([...args, "--count", "3"]);
      expect(r.stderr).toBe(message);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("pl330, which generates its cases and reads no files, refuses --corpus and --boot-share instead of ignoring them", () => {
    const why = "it generates each case from the seed alone (a random configuration, programs and register sequence) and reads no seed files or trees";
    const cases: [string[], string][] = [
      [["fuzz", "pl330", "--corpus", "seed.dtb"], `dmasim: fuzz pl330 takes no --corpus: ${why} (--corpus is for dt or a module)\n`],
      [["fuzz", "--corpus", "seed.dtb"], `dmasim: fuzz pl330 (the default target) takes no --corpus: ${why} (--corpus is for dt or a module)\n`],
      // With dt beside it the corpus would still be lost on pl330: refused all the same.
      [["fuzz", "dt", "pl330", "--corpus", "seed.dtb"], `dmasim: fuzz pl330 takes no --corpus: ${why} (--corpus is for dt or a module)\n`],
      [["fuzz", "pl330", "--boot-share", "0.5"], `dmasim: fuzz pl330 takes no --boot-share: ${why} (--boot-share is for dt or a module)\n`],
    ];
    for (const [args, message] of cases) {
      const r = run([...args, "--count", "1"]);
      expect(r.stderr).toBe(message);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("an unknown target is a usage error", () => {
    const r = run(["fuzz", "pl331"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dmasim: unknown fuzz target "pl331" (known: pl330, dt, or a module exporting createTarget)\n');
  });

  it("a --save directory that cannot be made is refused before any case runs", () => {
    const dir = tempDir("dmasim-fuzz-");
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const r = run(["fuzz", "dt", "--count", "5", "--save", join(file, "sub")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`dmasim: error: --save ${join(file, "sub")}: cannot write there: not a directory (ENOTDIR)\n`);
    // The file itself as --save: mkdir -p would say EEXIST ("file already exists").
    const onFile = run(["fuzz", "dt", "--count", "5", "--save", file]);
    expect(onFile.status).toBe(1);
    expect(onFile.stderr).toBe(`dmasim: error: --save ${file}: cannot write there: not a directory (ENOTDIR)\n`);
    // A directory that refuses new ones: procfs answers mkdir with ENOENT, whoever asks (Node's
    // own mkdir -p looped for ever here).
    const inProc = run(["fuzz", "dt", "--count", "5", "--save", "/proc/dmasim-fuzz-save/sub"]);
    expect(inProc.status).toBe(1);
    expect(inProc.stderr).toBe("dmasim: error: --save /proc/dmasim-fuzz-save/sub: cannot write there: /proc takes no new files (ENOENT)\n");
    // A missing parent is made, as mkdir -p makes it.
    const nested = join(dir, "a", "b");
    expect(run(["fuzz", "dt", "--count", "1", "--save", nested]).status).toBe(0);
    expect(readdirSync(join(dir, "a"))).toEqual(["b"]);
  });
});
