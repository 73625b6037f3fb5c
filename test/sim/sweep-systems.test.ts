// runSweep's `systems`: System options compared as axes, a product with the scenario's grid.
import { describe, expect, it } from "vitest";
import { runSweep, type SweepResult } from "../../src/sim/sweep.js";
import { expandSystems } from "../../src/sim/sweep-systems.js";
import { formatSweepHeading } from "../../src/sim/run-heading.js";
import { formatSweep } from "../../src/cli/result-table.js";
import type { MemcpyResult } from "../../src/sim/scenarios/memcpy.js";

const grid = { size: ["4K", "64K"] };
const systems = { board: ["zynq-7000", "arm64-ref"], kernel: ["modern" as const, "v4.9" as const] };

describe("sweeps comparing Systems", () => {
  it("runs the whole grid on each System, the System axes varying slowest, each row naming its own", async () => {
    const r = await runSweep({ scenario: "memcpy", grid, systems, workers: 0 });
    expect(r.rows.map((row) => [row.system, row.params])).toEqual([
      [{ board: "zynq-7000", kernel: "modern" }, { size: "4K" }],
      [{ board: "zynq-7000", kernel: "modern" }, { size: "64K" }],
      [{ board: "zynq-7000", kernel: "v4.9" }, { size: "4K" }],
      [{ board: "zynq-7000", kernel: "v4.9" }, { size: "64K" }],
      [{ board: "arm64-ref", kernel: "modern" }, { size: "4K" }],
      [{ board: "arm64-ref", kernel: "modern" }, { size: "64K" }],
      [{ board: "arm64-ref", kernel: "v4.9" }, { size: "4K" }],
      [{ board: "arm64-ref", kernel: "v4.9" }, { size: "64K" }],
    ]);
    expect(r.systems).toEqual(systems);
    // What each job booted (its own System's provenance) is what its row says: the first System's
    // rows share the sweep's provenance, the others carry theirs. arm64-ref is an arm64 board
    // (boards.ts), Zynq-7000 a Cortex-A9 one.
    const ranOn = r.rows.map((row) => row.provenance ?? r.provenance);
    expect(ranOn.map((p) => [p?.board, p?.kernel, p?.profile])).toEqual([
      ["zynq-7000", "modern", "zynq-7000"], ["zynq-7000", "modern", "zynq-7000"],
      ["zynq-7000", "v4.9", "zynq-7000"], ["zynq-7000", "v4.9", "zynq-7000"],
      ["arm64-ref", "modern", "arm64"], ["arm64-ref", "modern", "arm64"],
      ["arm64-ref", "v4.9", "arm64"], ["arm64-ref", "v4.9", "arm64"],
    ]);
    expect(r.rows.slice(0, 2).every((row) => row.provenance === undefined)).toBe(true);
    // Each System's rows are those of a sweep run on that System alone.
    for (const board of systems.board) {
      for (const kernel of systems.kernel) {
        const alone = await runSweep({ scenario: "memcpy", grid, system: { board, kernel }, workers: 0 });
        const mine = r.rows.filter((row) => row.system?.board === board && row.system?.kernel === kernel);
        expect(mine.map((row) => row.result), `${board} ${kernel}`).toEqual(alone.rows.map((row) => row.result));
      }
    }
    expect(r.rows.every((row) => (row.result as MemcpyResult).ok)).toBe(true);
  }, 60_000);

  it("gives the same rows whatever the worker count", async () => {
    const runs: SweepResult[] = [];
    for (const workers of [0, 1, 3]) runs.push(await runSweep({ scenario: "memcpy", grid, systems, workers }));
    expect(runs[1].rows).toEqual(runs[0].rows);
    expect(runs[2].rows).toEqual(runs[0].rows);
    expect(runs[2].provenance).toEqual(runs[0].provenance);
  }, 60_000);

  it("names a failing job's System before its parameters", async () => {
    const e = await runSweep({ scenario: "memcpy", grid: { burst: [99] }, systems: { kernel: ["v4.9", "modern"] }, workers: 0 }).then(
      () => undefined,
      (x: Error & { partial?: SweepResult }) => x,
    );
    expect(e?.message).toMatch(/^kernel=v4\.9 burst=99: .*burst must be/);
    expect(e?.partial?.rows.map((row) => row.system)).toEqual([{ kernel: "v4.9" }, { kernel: "modern" }]);
  });

  it("refuses what cannot be an axis, or an axis no System takes, before any job runs", async () => {
    const refused = (opts: Partial<Parameters<typeof runSweep>[0]>) =>
      runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, workers: 0, ...opts }).then(() => "ran", (e: Error) => e.message);
    expect(await refused({ systems: { coherentPool: [65536] } as never })).toBe(
      'runSweep: systems cannot vary "coherentPool" (it varies board, kernel, profile, swiotlb, dmaDebug, dtb, dts, memory, cma); give it once, in system',
    );
    expect(await refused({ systems: { board: ["zynq-7000", "zynq-7001"] } })).toBe(
      'runSweep: systems: unknown board "zynq-7001" (built in: zynq-7000, arm64-ref, arm64-highmem, arm64-dma-offset); or give system a dtb',
    );
    expect(await refused({ systems: { kernel: ["modern", "v5.10" as never] } })).toBe('runSweep: systems: kernel must be "modern" or "v4.9", not "v5.10"');
    expect(await refused({ systems: { profile: ["arm65"] } })).toMatch(/^runSweep: systems: unknown profile "arm65" \(known: /);
    expect(await refused({ system: { kernel: "v4.9" }, systems: { kernel: ["modern"] } })).toBe(
      'runSweep: "kernel" is given both in system and in systems: give it in one',
    );
    expect(await refused({ system: { dts: "/dts-v1/; / { };" }, systems: { board: ["arm64-ref"] } })).toBe(
      "runSweep: systems varies the board, but system gives a tree (dts) that every job boots instead",
    );
    const variant = { board: "arm64-ref", name: "v.dtb", edits: [] };
    expect(await refused({ system: { variant }, systems: { board: ["arm64-ref"] } })).toBe(
      "runSweep: systems varies the board, but system gives a tree (variant) that every job boots instead",
    );
    expect(await refused({ systems: { board: "arm64-ref" } as never })).toBe('runSweep: systems "board" takes a list of values (["arm64-ref"]), not "arm64-ref"');
    expect(await refused({ systems: { kernel: [] } })).toBe('runSweep: systems "kernel" has no values');
    expect(await refused({ systems: [{ board: "arm64-ref" }] as never })).toMatch(/^runSweep: systems is an object of option value lists/);
    expect(() => expandSystems(undefined)).not.toThrow();
    expect(expandSystems(undefined)).toEqual([{}]);
    // The options every System shares are checked with each, before any job: not job by job.
    expect(await refused({ system: { printkLevel: 9 }, systems: { kernel: ["modern", "v4.9"] } })).toMatch(/^runSweep: systems: printkLevel must be /);
  });
});

describe("a sweep comparing swiotlb= values", () => {
  it("prints each as the kernel command line would, in its heading and its axis cells (its rows keep the objects)", async () => {
    // 256 KiB are 128 slabs of 2 KiB; { size: 0 } is no pool, swiotlb=0.
    const swiotlb = [{ size: 256 << 10, force: true }, { size: 0 }, { noforce: true }];
    const r = await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, system: { board: "arm64-ref" }, systems: { swiotlb }, workers: 0 });
    expect(r.rows.map((row) => row.system)).toEqual(swiotlb.map((v) => ({ swiotlb: v })));
    expect(formatSweepHeading("memcpy", { size: ["4K"] }, r)).toBe("dmasim sweep: memcpy (size=4K) comparing swiotlb=128,force|0|noforce with kernel=modern");
    const table = formatSweep(r).split("\n");
    expect(table[0]).toMatch(/^swiotlb +size /);
    expect(table.slice(2).map((line) => line.split(/ +/)[0])).toEqual(["128,force", "0", "noforce"]);
  });
});
