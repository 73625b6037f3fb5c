// runSweep's tree axes: device trees compared as boards are (`systems: { dts: [{ name, dts }] }`),
// each built in the calling thread and sent to the workers as data, its rows named by its name.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runSweep, type SweepResult } from "../../src/sim/sweep.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";

const root = new URL("../..", import.meta.url).pathname;
const plain = readFileSync(join(root, "examples/boards/arm64-ref.dts"), "utf8");
// The same board with its PL330 dma-coherent: Linux then skips every cache operation for it
// (dev_is_dma_coherent), so a streaming copy maintains nothing.
const coherent = plain.replace("arm,pl330-periph-burst;", "arm,pl330-periph-burst;\n\t\t\tdma-coherent;");
const trees = [{ name: "plain.dts", dts: plain }, { name: "coherent.dts", dts: coherent }];
const grid = { size: ["64K"], buffers: ["streaming"] };

const refusal = (opts: Partial<Parameters<typeof runSweep>[0]>) => {
  let jobs = 0;
  return runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, workers: 0, onProgress: () => jobs++, ...opts }).then(
    () => "ran",
    (e: Error) => `${e.message}${jobs ? ` (after ${jobs} jobs)` : ""}`,
  );
};

describe("sweeps comparing device trees", () => {
  it("runs the grid on each tree, naming its rows by the tree's name, each row what that tree alone gives", async () => {
    expect(coherent).not.toBe(plain);
    const r = await runSweep({ scenario: "memcpy", grid, systems: { dts: trees }, workers: 0 });
    expect(r.systems).toEqual({ dts: ["plain.dts", "coherent.dts"] });
    expect(r.rows.map((row) => row.system)).toEqual([{ dts: "plain.dts" }, { dts: "coherent.dts" }]);
    const [a, b] = r.rows.map((row) => row.result as MemcpyResult);
    // A streaming copy of 64 KiB on the non-coherent tree: the source cleaned at map, the
    // destination invalidated at map and at unmap, 3 × 65536 bytes; none on the coherent one.
    expect([a.maintainedBytes, b.maintainedBytes]).toEqual([3 * 65536, 0]);
    expect(b.maintenancePs).toBe(0);
    expect(a.maintenancePs).toBeGreaterThan(0);
    expect(a.dmaTimePs).toBeGreaterThan(b.dmaTimePs);
    expect([a.ok, b.ok]).toEqual([true, true]);
    // What each row ran on is its tree, by the name given.
    expect(r.provenance?.file).toBe("plain.dts");
    expect(r.rows[1].provenance?.file).toBe("coherent.dts");
    expect(r.rows[1].provenance?.model).toBe("dmasim arm64 reference board");
    for (const [i, t] of trees.entries()) {
      const alone = await runSweep({ scenario: "memcpy", grid, system: { dts: t.dts, dtsName: t.name }, workers: 0 });
      expect(r.rows[i].result, t.name).toEqual(alone.rows[0].result);
    }
  }, 60_000);

  it("sends each tree to the workers as data: the same rows on worker threads, beside a kernel axis", async () => {
    const systems = { dts: trees, kernel: ["modern" as const, "v4.9" as const] };
    const here = await runSweep({ scenario: "memcpy", grid, systems, workers: 0 });
    const there = await runSweep({ scenario: "memcpy", grid, systems, workers: 2 });
    expect(there.rows).toEqual(here.rows);
    expect(there.rows.map((row) => row.system)).toEqual([
      { dts: "plain.dts", kernel: "modern" }, { dts: "plain.dts", kernel: "v4.9" },
      { dts: "coherent.dts", kernel: "modern" }, { dts: "coherent.dts", kernel: "v4.9" },
    ]);
    expect(there.rows.map((row) => (row.result as MemcpyResult).maintainedBytes)).toEqual([3 * 65536, 3 * 65536, 0, 0]);
  }, 60_000);

  it("takes trees as bytes under dtb, a blob or source alike", async () => {
    const blob = new Uint8Array(readFileSync(join(root, "examples/boards/arm64-ref.dtb")));
    const r = await runSweep({
      scenario: "memcpy", grid, workers: 0,
      systems: { dtb: [{ name: "arm64-ref.dtb", dtb: blob }, { name: "coherent.dts", dtb: new TextEncoder().encode(coherent) }] },
    });
    expect(r.systems).toEqual({ dtb: ["arm64-ref.dtb", "coherent.dts"] });
    expect(r.rows.map((row) => [row.system, (row.result as MemcpyResult).maintainedBytes])).toEqual([
      [{ dtb: "arm64-ref.dtb" }, 3 * 65536], [{ dtb: "coherent.dts" }, 0],
    ]);
    // The built-in board's blob is the board: the same figures as booting it by name.
    const byName = await runSweep({ scenario: "memcpy", grid, system: { board: "arm64-ref" }, workers: 0 });
    expect(r.rows[0].result).toEqual(byName.rows[0].result);
  }, 60_000);

  it("names the tree of a job that fails, before its parameters", async () => {
    const noMemory = plain.replace(/memory@40000000 \{[^}]*\};/, "");
    const e = await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, systems: { dts: [{ name: "no-memory.dts", dts: noMemory }] }, workers: 0 }).then(
      () => undefined,
      (x: Error & { partial?: SweepResult }) => x,
    );
    expect(e?.message).toMatch(/^dts=no-memory\.dts size=4K: no-memory\.dts: no memory node/);
    expect(e?.partial?.rows.map((row) => row.system)).toEqual([{ dts: "no-memory.dts" }]);
  });

  it("refuses a tree that does not build, or trees it cannot tell apart, before any job runs", async () => {
    const broken = "/dts-v1/;\n/ { foo = <1 ;\n};\n";
    expect(await refusal({ systems: { dts: [trees[0], { name: "broken.dts", dts: broken }] } })).toBe(
      "runSweep: systems: broken.dts:2:14: syntax error: expected a number, '(' expression ')', &reference or '>' in a cell list, found ';'",
    );
    expect(await refusal({ systems: { dtb: [{ name: "short.dtb", dtb: new Uint8Array([0xd0, 0x0d, 0xfe, 0xed]) }] } })).toMatch(/^runSweep: systems: short\.dtb: /);
    expect(await refusal({ systems: { dts: [trees[0], { name: "plain.dts", dts: coherent }] } })).toBe(
      'runSweep: systems: systems "dts" has two trees named "plain.dts": the name tells their rows apart',
    );
    expect(await refusal({ systems: { dts: [plain] as never } })).toBe(
      'runSweep: systems: systems "dts": a tree is { name, dts: text } or { name, dtb: bytes }, not a string (name it: { name: "board.dts", dts: text })',
    );
    expect(await refusal({ systems: { dts: [{ dts: plain }] as never } })).toBe(
      'runSweep: systems: systems "dts": a tree is { name, dts: text } or { name, dtb: bytes }; its name (a file name the rows show) is missing',
    );
    expect(await refusal({ systems: { dts: [{ name: "", dts: plain }] } })).toBe(
      'runSweep: systems: systems "dts": a tree is { name, dts: text } or { name, dtb: bytes }; its name (a file name the rows show) is missing',
    );
    // A key a tree does not take (a misspelt or guessed one) is refused, not ignored.
    expect(await refusal({ systems: { dts: [{ name: "a.dts", dts: plain, dtsName: "b.dts" }] as never } })).toBe(
      'runSweep: systems: systems "dts": a tree is { name, dts: text } or { name, dtb: bytes }, not one with "dtsName"',
    );
    expect(await refusal({ systems: { dts: [{ name: "both.dts", dts: plain, dtb: new Uint8Array(4) }] as never } })).toBe(
      'runSweep: systems: systems "dts": "both.dts": a tree is { name, dts: text } or { name, dtb: bytes }: give one of dts (a string) or dtb (a Uint8Array)',
    );
  });

  it("refuses a board or a second tree beside the trees compared", async () => {
    const why = "every job boots the tree it compares, so give one or the other";
    expect(await refusal({ systems: { board: ["arm64-ref", "zynq-7000"], dts: trees } })).toBe(`runSweep: systems compares trees (dts), but systems varies the board: ${why}`);
    expect(await refusal({ system: { board: "arm64-ref" }, systems: { dts: trees } })).toBe(`runSweep: systems compares trees (dts), but system names a board (arm64-ref): ${why}`);
    expect(await refusal({ system: { dts: plain }, systems: { dtb: [{ name: "b.dtb", dtb: new Uint8Array(4) }] } })).toBe(
      `runSweep: systems compares trees (dtb), but system gives a tree (dts): ${why}`,
    );
    expect(await refusal({ systems: { dtb: [{ name: "b.dtb", dtb: new Uint8Array(4) }], dts: trees } })).toBe(
      `runSweep: systems compares trees (dtb), but systems compares trees by dts too: ${why}`,
    );
    expect(await refusal({ system: { dts: plain }, systems: { dts: trees } })).toBe('runSweep: "dts" is given both in system and in systems: give it in one');
  });
});
