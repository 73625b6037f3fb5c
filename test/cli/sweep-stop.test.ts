// Ctrl-C on `dmasim sweep`: the sweep is aborted, its worker threads or processes end, the rows
// that finished are printed (a table, or with --json an object with them and `aborted`), no report
// is written, and the CLI exits 130; a second Ctrl-C exits at once. The jobs under way loop
// forever (test/sim/fixtures/endless-job.mjs), so a CLI that did not end them would not exit.

import { afterEach, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir, tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const endless = join(root, "test/sim/fixtures/endless-job.mjs");

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

const running = (pid: number) => {
  const r = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" });
  return r.stdout.trim() !== "" && !r.stdout.trim().startsWith("Z");
};
const childrenOf = (pid: number) =>
  spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
const until = async (what: () => boolean) => {
  for (let i = 0; i < 800 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
};

/** The CLI, started; `exited` is its exit status. */
function sweep(args: string[]) {
  const p = spawn(process.execPath, [cli, "sweep", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  started.push(p.pid!);
  const out = { stdout: "", stderr: "" };
  p.stdout.on("data", (d) => (out.stdout += d));
  p.stderr.on("data", (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => p.once("exit", (code) => resolve(code)));
  return { p, out, exited };
}

/** A sweep of the endless fixture on two workers whose jobs n=3 and n=4 loop; resolves once both
 *  have started (jobs 1 and 2 have then finished). */
async function twoLooping(extra: string[]) {
  const marker = tempFile("dmasim-stop-", "job");
  const s = sweep([endless, "--param", "n=1,2,3,4", "--param", "loopFrom=3", "--param", `marker=${marker}`, "--workers", "2", ...extra]);
  await until(() => existsSync(`${marker}.3`) && existsSync(`${marker}.4`));
  expect([existsSync(`${marker}.3`), existsSync(`${marker}.4`)]).toEqual([true, true]);
  return { ...s, marker };
}

describe("Ctrl-C on a sweep", () => {
  it("prints the finished rows as JSON with an `aborted` field, and exits 130 (worker threads)", async () => {
    const { p, out, exited, marker } = await twoLooping(["--json"]);
    p.kill("SIGINT");
    expect(await exited).toBe(130);
    const json = JSON.parse(out.stdout);
    expect(json.aborted).toBe("SIGINT");
    expect(json.rows).toEqual([1, 2, 3, 4].map((n) => ({
      params: { n, loopFrom: 3, marker },
      ...(n < 3 ? { result: { tenfold: n * 10 } } : {}),
    })));
    expect(out.stderr).toContain(`sweep ${endless}: 2/4 done, stopped in `);
    expect(out.stderr).toContain(`dmasim: sweep ${endless} stopped (SIGINT); no report written\n`);
  }, 30_000);

  it("prints the finished rows as a table and leaves no worker process running", async () => {
    const { p, out, exited } = await twoLooping(["--processes"]);
    const workers = childrenOf(p.pid!);
    started.push(...workers);
    expect(workers).toHaveLength(2);
    p.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(workers.filter(running)).toEqual([]);
    const [heading, , ...lines] = out.stdout.trimEnd().split("\n").map((l) => l.trimEnd().split(/ +/));
    expect(heading.slice(0, 3)).toEqual(["dmasim", "sweep:", endless]);
    expect(lines[0]).toEqual(["n", "loopFrom", "marker", "tenfold"]);
    expect(lines.slice(2).map((l) => [l[0], l[3]])).toEqual([["1", "10"], ["2", "20"], ["3", undefined], ["4", undefined]]);
  }, 30_000);

  it("exits at once on a second Ctrl-C, while the first still waits for a worker to end, and kills that worker", async () => {
    // The looping job's process ignores SIGTERM, so the first Ctrl-C's abort ends it only by the
    // SIGKILL that follows after a grace of seconds (src/worker/spawn.ts, KILL_GRACE_MS).
    const marker = tempFile("dmasim-stop-", "job");
    const { p, out, exited } = sweep([endless, "--param", "n=1", "--param", "loopFrom=1", "--param", "stubborn=1",
      "--param", `marker=${marker}`, "--workers", "1", "--processes"]);
    await until(() => existsSync(`${marker}.1`));
    const workers = childrenOf(p.pid!);
    started.push(...workers);
    p.kill("SIGINT");
    await until(() => out.stderr.includes("again to exit at once"));
    expect(out.stderr).toContain(`dmasim: stopping sweep ${endless} (SIGINT; again to exit at once)\n`);
    p.kill("SIGINT");
    expect(await exited).toBe(130);
    // The first Ctrl-C's abort sent the worker SIGTERM, which it ignored: no rows came. The CLI's
    // exit killed it.
    expect(out.stdout).toBe("");
    expect(workers).toHaveLength(1);
    await until(() => !workers.some(running));
    expect(workers.filter(running)).toEqual([]);
  }, 30_000);

  it("ends the worker processes of a long built-in sweep at once and writes no report", async () => {
    const dir = tempDir("dmasim-sigint-");
    const report = join(dir, "sweep.html");
    // Each job runs far longer than the test waits: a worker that outlived the CLI would still run.
    const { p, out, exited } = sweep(["dma-mix", "--param", "transfers=10000000", "--param", "seed=1,2",
      "--workers", "2", "--processes", "--report", report]);
    let workers: number[] = [];
    await until(() => (workers = childrenOf(p.pid!)).length === 2);
    started.push(...workers);
    expect(workers).toHaveLength(2);
    p.kill("SIGINT");
    expect(await exited).toBe(130);
    await until(() => !workers.some(running));
    expect(workers.filter(running)).toEqual([]);
    expect(out.stderr).toContain("dmasim: sweep dma-mix stopped (SIGINT); no report written");
    // No job finished: no System to name, and the rows are the grid's points alone.
    expect(out.stdout.trim().split("\n").map((l) => l.trim().split(/ +/))).toEqual([["dmasim", "sweep:", "dma-mix", "(transfers=10000000", "seed=1,2)"], [""], ["transfers", "seed"], ["---------", "----"], ["10000000", "1"], ["10000000", "2"]]);
    expect(existsSync(report)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);
});
