// The CLI's argument parsing: numeric flags are whole numbers in range, or the command stops with
// a usage error naming the flag and what was typed; a bench selection that selects nothing is an
// error, not an empty result.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, wholeFlag, checkOptions, UsageError } from "../../src/cli/args.js";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });

describe("wholeFlag", () => {
  const parsed = (...argv: string[]) => parseArgs(argv);

  it("gives the fallback when the flag is absent, the value when it is repeated alike, and refuses two values", () => {
    expect(wholeFlag(parsed(), "count", 7)).toBe(7);
    expect(wholeFlag(parsed("--count", "12", "--count=12"), "count", 7)).toBe(12);
    expect(() => wholeFlag(parsed("--count", "3", "--count=12"), "count", 7)).toThrow('--count is given 2 times ("3", "12"): give it once');
    expect(wholeFlag(parsed("--port", "0"), "port", 8080, 0, 65535)).toBe(0);
    expect(wholeFlag(parsed("--seed", "-5"), "seed", 1, Number.MIN_SAFE_INTEGER)).toBe(-5);
  });

  it.each([
    [["--count", "abc"], 0, undefined, '--count must be a whole number ≥ 0, not "abc"'],
    [["--count", "2.5"], 0, undefined, '--count must be a whole number ≥ 0, not "2.5"'],
    [["--count", ""], 0, undefined, '--count must be a whole number ≥ 0, not ""'],
    [["--count", " "], 0, undefined, '--count must be a whole number ≥ 0, not " "'],
    [["--count", "0"], 1, undefined, '--count must be a whole number ≥ 1, not "0"'],
    [["--count", "1e300"], 0, undefined, '--count must be a whole number ≥ 0, not "1e300"'],
    [["--count", "65536"], 0, 65535, '--count must be a whole number from 0 to 65535, not "65536"'],
  ])("refuses %j (min %d, max %s)", (argv, min, max, message) => {
    const a = parseArgs(argv as string[]);
    expect(() => wholeFlag(a, "count", 1, min as number, (max as number | undefined) ?? Number.MAX_SAFE_INTEGER)).toThrow(UsageError);
    expect(() => wholeFlag(a, "count", 1, min as number, (max as number | undefined) ?? Number.MAX_SAFE_INTEGER)).toThrow(message);
  });
});

describe("numeric flags on the command line", () => {
  it("a trace's record count must be a whole number: nothing is run and no file is written", () => {
    const trace = tempFile("dmasim-args-", "t.json");
    const r = run(["demo", "--trace", trace, "--trace-records", "lots"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dmasim: --trace-records must be a whole number ≥ 1, not "lots"\n');
    expect(r.stdout).toBe("");
    expect(existsSync(trace)).toBe(false);
  });

  it("bench --time must be a whole number of milliseconds", () => {
    const r = run(["bench", "--time", "fast"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dmasim: --time must be a whole number ≥ 1, not "fast"\n');
  });

  it("bench --only with a prefix no task has names the tasks instead of printing nothing", () => {
    const r = run(["bench", "--json", "--only", "mmu.walker", "--only", "nothing"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^dmasim: error: --only nothing: no benchmark task starts so \(tasks: .*\bmmu\.walker\b.*\bsweep\.memcpy\b.*\)\n$/);
  });
});

describe("options a command does not take", () => {
  it("checkOptions names the first option outside the command's list", () => {
    const a = parseArgs(["--json", "--parm", "size=4K"], ["json"]);
    expect(() => checkOptions(a, "run", ["json", "param"])).toThrow(new UsageError("run has no option --parm (see dmasim help)"));
    expect(() => checkOptions(a, "run", ["json", "parm"])).not.toThrow();
  });

  it.each([
    [["run", "memcpy", "--parm", "size=4K"], "dmasim: run has no option --parm (see dmasim help)\n"],
    [["run", "memcpy", "size=4K"], 'dmasim: run takes one scenario, not also "size=4K" (parameters are --param key=value)\n'],
    [["run", "memcpy", "--worker"], "dmasim: run has no option --worker (see dmasim help)\n"],
    [["sweep", "memcpy", "--param", "size=4K", "--size", "4K"], "dmasim: sweep has no option --size (see dmasim help)\n"],
    [["demo", "--sise", "4K"], "dmasim: demo has no option --sise (see dmasim help)\n"],
    [["cat", "/proc/iomem", "--json"], "dmasim: cat has no option --json (see dmasim help)\n"],
    [["probe", "zynq-7000", "--worker"], "dmasim: probe has no option --worker (see dmasim help)\n"],
    [["soak", "--transfer", "10"], "dmasim: soak has no option --transfer (see dmasim help)\n"],
    [["pl330", "disasm", "00", "--verbose"], "dmasim: pl330 disasm has no option --verbose (see dmasim help)\n"],
    [["demo", "extra"], 'dmasim: demo takes options only, not "extra" (see dmasim help)\n'],
    [["soak", "extra", "--transfers", "1"], 'dmasim: soak takes options only, not "extra" (see dmasim help)\n'],
    [["bench", "mmu"], 'dmasim: bench takes options only, not "mmu" (see dmasim help)\n'],
    [["serve", "8080"], 'dmasim: serve takes options only, not "8080" (see dmasim help)\n'],
  ])("dmasim %j stops before running, with one line", (argv, message) => {
    const r = run(argv as string[]);
    expect(r.stderr).toBe(message);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });
});
