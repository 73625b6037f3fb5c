// A bug kind that cannot show on the System it got advises leaving the System to the kind, in
// the words of how the user chose it: the CLI's --board, --dtb or --dts as typed; the library's
// createSystem option (board, dtb, dts, variant); the kind's own System spoilt by another option.
// mask-overflow on a board whose RAM is all below 4 GiB (arm64-ref: 1 GiB at 0x40000000, up to
// PA 0x7fffffff) cannot overflow a 32-bit mask; its own System is arm64-highmem without swiotlb.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSystem } from "../../src/create.js";
import type { SystemOptions } from "../../src/system.js";
import type { BugResult } from "../../src/sim/scenarios/bug-kinds.js";
import { wrongRequestLineVariant } from "../../src/sim/scenarios/wrong-request-line.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = (args: string[]) => spawnSync(process.execPath, [join(root, "dist/src/cli.js"), ...args], { encoding: "utf8", cwd: root });
const symptom = (stdout: string) => /^symptom +(.*)$/m.exec(stdout)?.[1];

const HEAD = "this board cannot show the bug: all of its RAM (up to PA 0x7fffffff) is within the device's mask 0xffffffff; ";
const OWN = " (arm64-highmem, RAM above 4 GiB, no swiotlb)";

async function maskOverflow(options: SystemOptions): Promise<string> {
  const s = await createSystem({ ...options, worker: false });
  try {
    return (s.run("bug", { kind: "mask-overflow" }) as BugResult).symptom;
  } finally {
    s.dispose();
  }
}

describe("advice to leave the System to the bug kind names what the user chose", () => {
  it("names the CLI option typed: --board, --dtb, --dts", () => {
    const runs: [string[], string][] = [
      [["--board", "arm64-ref"], "--board"],
      [["--dtb", "examples/boards/arm64-ref.dtb"], "--dtb"],
      [["--dts", "examples/boards/arm64-ref.dts"], "--dts"],
    ];
    for (const [tree, option] of runs) {
      const r = cli(["run", "bug", "--param", "kind=mask-overflow", ...tree]);
      expect(r.status).toBe(0);
      expect(symptom(r.stdout)).toBe(`${HEAD}run it without ${option}${OWN}`);
    }
  });

  it("names createSystem's option for a library caller: board, dtb, dts, variant", async () => {
    const dtb = readFileSync(join(root, "examples/boards/arm64-ref.dtb"));
    const dts = readFileSync(join(root, "examples/boards/arm64-ref.dts"), "utf8");
    expect(await maskOverflow({ board: "arm64-ref" })).toBe(`${HEAD}run it without the board option${OWN}`);
    expect(await maskOverflow({ dtb })).toBe(`${HEAD}run it without the dtb option${OWN}`);
    expect(await maskOverflow({ dts, dtsName: "arm64-ref.dts" })).toBe(`${HEAD}run it without the dts option${OWN}`);
    // wrong-request-line's board: Zynq-7000's tree, its RAM all below the mask too.
    expect(await maskOverflow({ variant: wrongRequestLineVariant("none") })).toMatch(/; run it without the variant option \(arm64-highmem, RAM above 4 GiB, no swiotlb\)$/);
  });

  it("on the kind's own board, names the other options; with no board at all, systemFor", async () => {
    // arm64-highmem given a pool of 1024 slabs: the high buffer bounces, the bug hides.
    const r = cli(["run", "bug", "--param", "kind=mask-overflow", "--swiotlb", "1024"]);
    expect(symptom(r.stdout)).toMatch(/: this System's swiotlb hides the bug; run it without other System options \(arm64-highmem, RAM above 4 GiB, no swiotlb\)$/);
    // createSystem() boots zynq-7000, whose RAM is below the mask.
    expect(await maskOverflow({})).toMatch(/; run it on the System systemFor gives it \(arm64-highmem, RAM above 4 GiB, no swiotlb\)$/);
  });

  it("names the CLI option of a sweep's compared boards", () => {
    const r = cli(["sweep", "bug", "--param", "kind=mask-overflow", "--board", "arm64-ref,arm64-dma-offset", "--workers", "0", "--json"]);
    expect(r.status).toBe(0);
    const symptoms = (JSON.parse(r.stdout).rows as { result: BugResult }[]).map((row) => row.result.symptom);
    expect(symptoms).toHaveLength(2);
    for (const text of symptoms) expect(text).toMatch(/; run it without --board \(arm64-highmem, RAM above 4 GiB, no swiotlb\)$/);
  });

  it("refuses a treeChosenBy it does not know", async () => {
    await expect(createSystem({ treeChosenBy: "--bord" as never, worker: false })).rejects.toThrow(
      'treeChosenBy must be "--board", "--dtb", "--dts", "scenario", not "--bord"');
  });
});
