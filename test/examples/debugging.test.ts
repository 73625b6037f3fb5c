// examples/debugging/mydrv.mjs, the driver docs/debugging-a-driver.md walks through, run as a user
// runs it: the stale bytes of its missing syncs, what DMA-API debug says about each variant, and
// the guide's quote of its loop.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docBlocks } from "../helpers/doc-blocks.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const MODULE = "examples/debugging/mydrv.mjs";
const FRAMES = 3, LEN = 4096; // the module's defaults

function dmasim(args: string[], cwd = root): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd });
}

interface MydrvResult {
  wrongBytes: number; staleBytes: number; badFrames: number;
  cacheBeforeRead: { lines: number; l1Valid: number; l1Dirty: number; l2Valid: number; l2Dirty: number; differFromDram: number };
}

function mydrv(sync: string, ...system: string[]): { result: MydrvResult; stderr: string } {
  const r = dmasim(["run", MODULE, "--json", "--param", `sync=${sync}`, "--param", "dmesg=1", ...system]);
  expect(r.status, r.stderr).toBe(0);
  return { result: JSON.parse(r.stdout) as MydrvResult, stderr: r.stderr };
}

/** The direction report DMA-API debug prints (kernel/dma/debug.c check_sync, modern format:
 *  "DMA-API: " first, then the driver and device names). */
const DIRECTION_REPORT = new RegExp(
  "^\\[ *\\d+\\.\\d{6}\\] DMA-API: dma-pl330 f8003000\\.dma-controller: device driver syncs DMA memory with different direction " +
  `\\[device address=0x[0-9a-f]{16}\\] \\[size=${LEN} bytes\\] \\[mapped with DMA_FROM_DEVICE\\] \\[synced with DMA_TO_DEVICE\\]$`);

describe("examples/debugging/mydrv.mjs: one reused receive buffer, mapped once", () => {
  it("reads every frame after the first stale on Zynq without syncs: the first read's lines stay cached", () => {
    // The map invalidates the buffer, so frame 0 comes from DRAM; its 4 KiB then sit in the
    // 32 KiB L1 and the PL310 (nothing evicts them) and frames 1 and 2 read frame 0's bytes.
    const { result } = mydrv("none");
    expect(result).toMatchObject({ wrongBytes: (FRAMES - 1) * LEN, staleBytes: (FRAMES - 1) * LEN, badFrames: FRAMES - 1 });
    const lines = LEN / 32; // the A9's and the PL310's 32-byte lines
    expect(result.cacheBeforeRead).toEqual({ lines, l1Valid: lines, l1Dirty: 0, l2Valid: lines, l2Dirty: 0, differFromDram: lines, unmapped: 0 });
  });

  it("shows the same on arm64-ref, in 64-byte lines", () => {
    const { result } = mydrv("none", "--board", "arm64-ref");
    expect(result.staleBytes).toBe((FRAMES - 1) * LEN);
    expect(result.cacheBeforeRead.differFromDram).toBe(LEN / 64);
  });

  it("reads every frame right with dma_sync_single_for_cpu, which leaves no line of the buffer cached", () => {
    for (const board of ["zynq-7000", "arm64-ref"]) {
      const { result, stderr } = mydrv("for-cpu", "--board", board, "--dma-debug");
      expect(result, board).toMatchObject({ wrongBytes: 0, staleBytes: 0, badFrames: 0 });
      expect(result.cacheBeforeRead, board).toMatchObject({ l1Valid: 0, l2Valid: 0, differFromDram: 0 });
      expect(stderr, board).toBe(""); // nothing for DMA-API debug to report
    }
  }, 20_000);

  it("gets no word from DMA-API debug for the missing syncs: it never sees the CPU's loads", () => {
    const { result, stderr } = mydrv("none", "--dma-debug");
    expect(result.staleBytes).toBe((FRAMES - 1) * LEN);
    expect(stderr).toBe("");
  });

  it("gets one DMA-API report for the syncs made with DMA_TO_DEVICE, which leave the bytes stale", () => {
    // num_errors defaults to 1: the first of the 5 bad syncs (3 for the CPU, 2 for the device) is printed
    const { result, stderr } = mydrv("to-device", "--dma-debug");
    expect(result.staleBytes).toBe((FRAMES - 1) * LEN);
    expect(stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(DIRECTION_REPORT)]);
    expect(mydrv("to-device").stderr).toBe(""); // without --dma-debug nobody says anything
  }, 20_000);

  it("refuses a sync it does not know, and a parameter it does not read, naming those it does", () => {
    const r = dmasim(["run", MODULE, "--param", "sync=both"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('sync "both": one of none, for-cpu, to-device');
    const typo = dmasim(["run", MODULE, "--param", "sinc=for-cpu"]);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('has no parameter "sinc" (its parameters: sync, frames, len, dmesg)');
  }, 20_000);

  it("marks each frame's DMA and read on the trace's CPU track: a stale read is all cache hits", () => {
    const dir = mkdtempSync(join(tmpdir(), "dmasim-debugging-"));
    try {
      const file = join(dir, "t.json");
      expect(dmasim(["run", MODULE, "--trace", file]).status).toBe(0);
      const events = (JSON.parse(readFileSync(file, "utf8")) as { traceEvents: { name: string; dur?: number }[] }).traceEvents;
      const read = (f: number) => events.find((e) => e.name === `frame ${f}: read`)?.dur ?? NaN;
      for (const f of [0, 1, 2]) expect(events.some((e) => e.name === `frame ${f}: DMA`), `frame ${f}`).toBe(true);
      // 128 lines from DRAM against 128 L1 hits
      expect(read(1)).toBeLessThan(read(0) / 4);
      expect(read(2)).toBe(read(1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("docs/debugging-a-driver.md", () => {
  // Each command it quotes is run, and its output compared, by test/docs/debugging-guide-output.test.ts.
  it("quotes mydrv.mjs's loop as the module has it", () => {
    const source = readFileSync(join(root, MODULE), "utf8");
    const js = docBlocks("docs/debugging-a-driver.md").filter((b) => b.lines.some((l) => l.includes("cacheLineSummary(buf, len)")));
    expect(js).toHaveLength(1);
    expect(source).toContain(js[0].lines.join("\n"));
  });
});
