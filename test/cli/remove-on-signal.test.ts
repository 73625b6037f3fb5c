// A --trace or --report file being written when Ctrl-C (SIGINT), SIGTERM or a closed terminal
// (SIGHUP) ends the CLI: its FILE.PID.part is removed, and the process still ends by the signal
// (a shell's 130 for Ctrl-C), unless the command listens for the signal itself.

import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { removeOnSignal } from "../../src/cli/remove-on-signal.js";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const module = join(root, "dist/src/cli/remove-on-signal.js");

/** A command's own SIGTERM handler that exits 5. */
const EXIT_5 = `process.on("SIGTERM", () => process.exit(5));`;
/** A command's own SIGINT handler as a sweep's: the first signal starts a stop that ends with
 *  status 3 a little later, a second one exits at once with 9. */
const STOP_THEN_EXIT = `let seen = 0; process.on("SIGINT", () => { if (++seen > 1) process.exit(9); setTimeout(() => process.exit(3), 300); });`;

/** A process writing `path` under removeOnSignal, which then waits; `ownListener` is the
 *  command's own signal handling, if any. Resolves once the file is there. */
async function writer(path: string, ownListener = "") {
  const script = `
    import { writeFileSync } from "node:fs";
    import { removeOnSignal } from ${JSON.stringify(module)};
    ${ownListener}
    await removeOnSignal(${JSON.stringify(path)}, async () => {
      writeFileSync(${JSON.stringify(path)}, "half a trace");
      console.log("writing");
      await new Promise(() => setInterval(() => {}, 1000));
    });`;
  const p = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.once("exit", (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    p.stdout.on("data", (d: Buffer) => d.toString().includes("writing") && resolve());
    p.once("exit", () => reject(new Error("the writer ended before it wrote")));
  });
  return { p, ended };
}

describe("a file being written when a signal ends the CLI", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`is removed on ${signal}, and the process ends by ${signal}`, async () => {
      const part = tempFile("dmasim-signal-", "t.json.123.part");
      const { p, ended } = await writer(part);
      expect(readFileSync(part, "utf8")).toBe("half a trace");
      p.kill(signal);
      expect(await ended).toEqual({ code: null, signal });
      expect(existsSync(part)).toBe(false);
    }, 20_000);
  }

  it("is removed, and the command's own listener decides how the process ends", async () => {
    const part = tempFile("dmasim-signal-", "r.html.123.part");
    const { p, ended } = await writer(part, EXIT_5);
    p.kill("SIGTERM");
    expect(await ended).toEqual({ code: 5, signal: null });
    expect(existsSync(part)).toBe(false);
  }, 20_000);

  it("is removed without raising the signal again: one Ctrl-C is one to a command that stops on the first and exits at once on the second", async () => {
    const part = tempFile("dmasim-signal-", "s.json.123.part");
    const { p, ended } = await writer(part, STOP_THEN_EXIT);
    p.kill("SIGINT");
    expect(await ended).toEqual({ code: 3, signal: null });
    expect(existsSync(part)).toBe(false);
  }, 20_000);

  it("is kept once written, and the signals are Node's to handle again", async () => {
    const file = tempFile("dmasim-signal-", "done");
    const before = ["SIGINT", "SIGTERM", "SIGHUP"].map((s) => process.listenerCount(s));
    const result = await removeOnSignal(file, async () => {
      const { writeFile } = await import("node:fs/promises");
      await writeFile(file, "whole");
      return 7;
    });
    expect(result).toBe(7);
    expect(readFileSync(file, "utf8")).toBe("whole");
    expect(["SIGINT", "SIGTERM", "SIGHUP"].map((s) => process.listenerCount(s))).toEqual(before);
  });
});
