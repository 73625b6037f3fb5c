// The Sweep page's errors in its form's words: the library's refusals, made here as the page
// meets them, and what the page shows for each, written out by hand from the form's labels
// (examples/web/index.html: board, swiotlb slabs, swiotlb force, buffers…). The CLI keeps its own.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runSweep, type Grid } from "../../src/sim/sweep.js";
import { checkSystemOptions } from "../../src/system-options.js";
// @ts-expect-error — the page's own script, plain JavaScript without declarations.
import { inFormWords } from "../../examples/web/form-words.js";

/** The message a memcpy sweep on `system` fails with. */
async function sweepError(grid: Grid, system: Record<string, string> = {}): Promise<string> {
  try {
    await runSweep({ scenario: "memcpy", grid, system, workers: 0 });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the sweep did not fail");
}

function systemError(system: Record<string, string>): string {
  try {
    checkSystemOptions(system, (m) => new Error(m));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the options were taken");
}

const root = new URL("../..", import.meta.url).pathname;

describe("browser page: sweep errors in the form's words", () => {
  it("names the board and the swiotlb force box, not --board and --swiotlb, for bounced buffers on a board without swiotlb", async () => {
    const message = await sweepError({ size: ["4K"], burst: [16], buffers: ["bounced"] });
    expect(inFormWords(message)).toBe(
      "size=4K burst=16 buffers=bounced: buffers=bounced: this kernel has no swiotlb (arm without LPAE addresses all its RAM with 32 bits), so no mapping bounces; " +
      "run it on an arm64 board (board arm64-highmem bounces by itself, board arm64-ref with swiotlb force)");
  });

  it("says to check swiotlb force, and to give more swiotlb slabs", async () => {
    const unforced = await sweepError({ size: ["4K"], burst: [16], buffers: ["bounced"] }, { board: "arm64-ref" });
    expect(inFormWords(unforced)).toMatch(/^size=4K burst=16 buffers=bounced: buffers=bounced: dma_map_single gave \S+ 0x[0-9a-f]+, outside swiotlb: .*; check swiotlb force$/);
    // 128 slabs are 256 KiB: a 256 KiB copy maps twice that at once.
    const full = await sweepError({ size: ["256K"], burst: [16], buffers: ["bounced"] }, { board: "arm64-ref", swiotlb: "128,force" });
    expect(inFormWords(full)).toBe("size=256K burst=16 buffers=bounced: -ENOMEM: dma_map_single(262144) failed: swiotlb (256 KiB) is full; " +
      "copying 256 KiB maps 512 KiB at once: more swiotlb slabs (2 KiB each) may help");
  });

  it("quotes the swiotlb slabs field as typed (the page adds ',force' for the box), with an example of a count", async () => {
    expect(inFormWords(systemError({ swiotlb: "lots,force" }))).toBe('swiotlb slabs: "lots" is not a slab count (try 32768)');
    expect(inFormWords(systemError({ swiotlb: "0" }))).toBe('swiotlb slabs: "0": 0 slabs is no bounce pool (give at least 1; try 32768)');
    // Typed "xforce", box unchecked: "force" is the box's only when the page added it (",force").
    expect(inFormWords(systemError({ swiotlb: "xforce" }))).toBe('swiotlb slabs: "xforce" is not a slab count (try 32768)');
    const zynq = await sweepError({ size: ["4K"], burst: [16] }, { swiotlb: "force" });
    expect(inFormWords(zynq)).toBe("size=4K burst=16: swiotlb: zynq-7000 is arm without LPAE, which has no swiotlb on either kernel (its RAM is all within 32 bits); " +
      "leave swiotlb slabs empty and swiotlb force unchecked");
  });

  it("names an empty field by its label, and leaves a message without the CLI's words as it is", async () => {
    expect(inFormWords(await sweepError({ size: ["4K"], burst: [16], buffers: [] }))).toBe("buffers: none given");
    expect(inFormWords(await sweepError({ size: [], burst: [16] }))).toBe("sizes: none given");
    const burst = await sweepError({ size: ["4K"], burst: ["x"] });
    expect(inFormWords(burst)).toBe('size=4K burst=x: burst must be "auto" or 1…16, not "x"');
  });

  it("names the board and kernel boxes for a comparison's refusals, without the API's systems", async () => {
    const compare = async (system: Record<string, string>, systems: Record<string, string[]>) => {
      try {
        await runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, system, systems, workers: 0 });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error("the sweep did not fail");
    };
    // No box checked in a group.
    expect(inFormWords(await compare({ kernel: "modern" }, { board: [] }))).toBe("board: none given");
    expect(inFormWords(await compare({ board: "zynq-7000" }, { kernel: [] }))).toBe("kernel: none given");
    // A value from the address that the library does not know, in a comparison: as it is refused
    // alone, and with no tree to give instead (the page has none).
    expect(inFormWords(await compare({ board: "zynq-7000" }, { kernel: ["modern", "v5"] }))).toBe('kernel must be "modern" or "v4.9", not "v5"');
    expect(inFormWords(await compare({ kernel: "modern" }, { board: ["zynq-7000", "nope"] }))).toBe(
      'unknown board "nope" (built in: zynq-7000, arm64-ref, arm64-highmem, arm64-dma-offset)');
    expect(inFormWords(await sweepError({ size: ["4K"] }, { board: "nope" }))).toBe(
      'size=4K: unknown board "nope" (built in: zynq-7000, arm64-ref, arm64-highmem, arm64-dma-offset)');
  });

  it("leaves dmasim sweep's message in the CLI's words", () => {
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "sweep", "memcpy", "--param", "size=4K", "--param", "buffers=bounced", "--workers", "0"], { encoding: "utf8", cwd: root });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("run it on an arm64 board (--board arm64-highmem bounces by itself, --board arm64-ref with --swiotlb force)");
  });
});
