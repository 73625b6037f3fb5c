// Boot's (dmasim) notes on device registers the memory covers, as run and demo print them: run
// on stderr as `dmasim: note: …` (as it prints what it assumed about a board), demo as `note: …`
// lines under its heading, and in its --json result as `registersInRam`. probe's are in
// probe.test.ts. The tree and the notes are test/helpers/pl310-in-ram-board.ts.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PL310_IN_RAM, PL310_NOTE, SENSOR_NOTE } from "../helpers/pl310-in-ram-board.js";
import { tempFile } from "../helpers/temp-dir.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });

const NOTES = [PL310_NOTE, SENSOR_NOTE];

function boardFile(): string {
  const file = tempFile("notes-", "notes.dts");
  writeFileSync(file, PL310_IN_RAM);
  return file;
}

describe("boot's registers-in-RAM notes in run and demo", () => {
  const dts = boardFile();

  it("run prints them on stderr, as its other notes, and the result on stdout", () => {
    const r = run(["run", "memcpy", "--dts", dts, "--param", "size=4K"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(NOTES.map((n) => `dmasim: note: ${n}\n`).join(""));
    expect(r.stdout).toMatch(/^dmasim run: memcpy \(size=4K\) on PL310 over RAM/);
  });

  it("demo prints them under its heading, and --json carries them as registersInRam", () => {
    const r = run(["demo", "--dts", dts, "--size", "64K"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").slice(0, 4)).toEqual(["dmasim demo: 64 KiB PL330 memcpy on PL310 over RAM (modern kernel)", ...NOTES.map((n) => `note: ${n}`), ""]);
    const json = run(["demo", "--dts", dts, "--size", "64K", "--json"]);
    expect(JSON.parse(json.stdout).registersInRam).toEqual(NOTES);
  });
});
