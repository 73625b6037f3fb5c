// The files a command writes besides its table (--trace, --report) are named after the result,
// in one order for every command: result, trace, report. The stdout and stderr of each run go to
// one file here, so that the test sees them in the order a terminal shows them.

import { describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { zynq } from "../helpers/system.js";
import { parseArgs } from "../../src/cli/args.js";
import { withTrace } from "../../src/cli/outputs.js";
import { tempDir } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const dir = tempDir("dmasim-order-");

/** stdout and stderr interleaved as written, and the exit status. */
function runMerged(args: string[]): { lines: string[]; status: number | null } {
  const out = join(dir, "merged.txt");
  const fd = openSync(out, "w");
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  return { lines: readFileSync(out, "utf8").trimEnd().split("\n"), status: r.status };
}

/** The events the trace file holds, counted from the file itself. */
const eventsIn = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { traceEvents: unknown[] }).traceEvents.length;

describe("what a command wrote is said after its result", () => {
  it("run: the result's heading and fields, then the trace, then the report", () => {
    const trace = join(dir, "run.json");
    const report = join(dir, "run.html");
    const { lines, status } = runMerged(["run", "memcpy", "--param", "size=4K", "--trace", trace, "--report", report]);
    expect(status).toBe(0);
    expect(lines[0]).toBe("dmasim run: memcpy (size=4K) on Zynq-7000 test board (modern kernel)");
    expect(lines).toContain("ok         true");
    expect(lines.slice(-2)).toEqual([`dmasim: wrote ${eventsIn(trace)} trace events to ${trace}`, `dmasim: wrote report to ${report}`]);
  });

  it("demo: the table and the bug line, then the trace", () => {
    const trace = join(dir, "demo.json");
    const { lines, status } = runMerged(["demo", "--size", "4K", "--trace", trace]);
    expect(status).toBe(0);
    expect(lines[0]).toBe("dmasim demo: 4 KiB PL330 memcpy on Zynq-7000 test board (modern kernel)");
    expect(lines.at(-2)).toMatch(/^ {5}of 4,096 \(.*; with the sync: 0\.$/);
    expect(lines.at(-1)).toBe(`dmasim: wrote ${eventsIn(trace)} trace events to ${trace}`);
  });

  it("a report that cannot be written after the trace was: the trace is still named, before the error", () => {
    const trace = join(dir, "fail.json");
    // /proc exists (the check before the run passes) but takes no new file.
    const { lines, status } = runMerged(["run", "memcpy", "--param", "size=4K", "--trace", trace, "--report", "/proc/dmasim-report.html"]);
    expect(status).toBe(1);
    expect(lines).toContain("ok         true");
    expect(lines.slice(-2)).toEqual([
      `dmasim: wrote ${eventsIn(trace)} trace events to ${trace}`,
      "dmasim: error: --report /proc/dmasim-report.html: cannot write there: /proc takes no new files (ENOENT)",
    ]);
  });

  it("withTrace: printing the result fails, and the written trace is still named", async () => {
    const s = await zynq();
    const trace = join(dir, "show-fails.json");
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => said.push(String(chunk)) > 0);
    try {
      const show = () => {
        throw new Error("stdout is gone");
      };
      await expect(withTrace(parseArgs(["--trace", trace]), s, () => s.now(), show)).rejects.toThrow("stdout is gone");
    } finally {
      spy.mockRestore();
    }
    expect(existsSync(trace)).toBe(true);
    expect(said).toEqual([`dmasim: wrote ${eventsIn(trace)} trace events to ${trace}\n`]);
  });
});
