// The page's texts in its forms' words: the Sweep's errors, the Bugs view's advice, the Demo's
// refusal of a size; the library's texts, made here as the page meets them, and what the page
// shows for each, written out by hand from the form's labels (examples/web/index.html: board,
// swiotlb slabs, swiotlb force, buffers…; the Bugs view's "the kind's own"). The CLI keeps its own.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runSweep, type Grid } from "../../src/sim/sweep.js";
import { checkSystemOptions } from "../../src/system-options.js";
import { createSystem } from "../../src/create.js";
import { systemFor } from "../../src/worker/job.js";
import { BOARDS } from "../../src/boards.js";
import { BUG_KINDS } from "../../src/sim/scenarios/bug-kinds.js";
import { formatResult } from "../../src/sim/result-text.js";
import { formatRunHeading } from "../../src/sim/run-heading.js";
// @ts-expect-error — the page's own script, plain JavaScript without declarations.
import { inBugFormWords, inDemoFormWords, inFormWords, inModuleFormWords, inParamsFormWords } from "../../examples/web/form-words.js";

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
    expect(inFormWords(systemError({ swiotlb: "99999999999999999999" }))).toBe('swiotlb slabs: "99999999999999999999": 99999999999999999999 slabs is beyond any memory (try 32768)');
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

/** What the Bugs view shows for `kind` with the form's board and kernel choices (`given`; none:
 *  "the kind's own"), as bug-view.js makes it: the run's heading and fields, or its error. */
async function bugViewText(kind: string, given: { board?: string; kernel?: "modern" | "v4.9"; dmaDebug?: true } = {}): Promise<string> {
  const params = { kind };
  const system = await createSystem(systemFor("bug", params, given));
  try {
    return `${formatRunHeading("bug", params, system.provenance())}\n\n${formatResult(await system.run("bug", params))}`;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  } finally {
    system.dispose();
  }
}

/** A field's line in a result's text, its value after the key column. */
const field = (text: string, key: string) => new RegExp(`^${key} +(.*)$`, "m").exec(text)?.[1];

describe("browser page: the Bugs and Demo views' advice in their forms' words", () => {
  it("names the board choice 'the kind's own' where the CLI says to run without --board", async () => {
    // arm64-ref's RAM is 1 GiB at 0x40000000 (its tree's memory node): all below a 32-bit mask.
    const text = await bugViewText("mask-overflow", { board: "arm64-ref" });
    expect(field(inBugFormWords(text), "symptom")).toBe("this board cannot show the bug: all of its RAM (up to PA 0x7fffffff) is within the device's mask 0xffffffff; " +
      "choose the kind's own board (arm64-highmem, RAM above 4 GiB, no swiotlb)");
    // arm64-dma-offset's tree has no UART (no serial node): the run fails, and its error advises the same.
    expect(inBugFormWords(await bugViewText("wrong-request-line", { board: "arm64-dma-offset" }))).toBe(
      'error: this board has no node with a "tx" DMA peripheral (dmas/dma-names naming a PL330 request); choose the kind\'s own board');
  });

  it("names the DMA-API debug box where the CLI says --dma-debug, and the box turns it on", async () => {
    const off = await bugViewText("unchecked-map-error", { board: "zynq-7000" });
    expect(field(inBugFormWords(off), "symptom")).toBe(
      "no report: DMA-API debug is off on this System, and only it reports an unchecked mapping; check DMA-API debug, or choose the kind's own board");
    // The box checked adds dmaDebug to the board chosen: the driver's unchecked mapping is reported.
    const on = inBugFormWords(await bugViewText("unchecked-map-error", { board: "zynq-7000", dmaDebug: true }));
    expect(field(on, "reproduced")).toBe("true");
    // Modern dma-debug's pr_fmt "DMA-API: ", then err_printk's driver and device names.
    expect(field(on, "symptom")).toMatch(/^DMA-API debug: "DMA-API: dma-pl330 f8003000\.dma-controller: device driver failed to check map error\[/);
  });

  it("names the board choice for every way the library or the CLI words the tree the user chose", () => {
    for (const chosen of ["--board", "--dtb", "--dts", "the board option", "the dtb option", "the dts option", "the variant option"]) {
      expect(inBugFormWords(`this board cannot show the bug; run it without ${chosen} (arm64-highmem)`)).toBe(
        "this board cannot show the bug; choose the kind's own board (arm64-highmem)");
    }
    // On the kind's own board, the page's other System choice is the kernel.
    expect(inBugFormWords("this System's swiotlb hides the bug; run it without other System options")).toBe(
      "this System's swiotlb hides the bug; choose the kind's own kernel");
  });

  it("names the kernel choice where the CLI says --kernel modern", async () => {
    // 4.9's pl330 moves slave transfers in single beats: the burst never waits for a burst request.
    const text = inBugFormWords(await bugViewText("burst-on-single-requests", { kernel: "v4.9" }));
    expect(field(text, "symptom")).toMatch(/; Linux 4\.9's pl330 moves slave transfers in 1-beat bursts whatever the maxburst, so the bug needs a 4\.18 or later kernel \(kernel modern\)$/);
    expect(field(text, "reproduced")).toBe("false");
  });

  it("shows no command-line option for any kind on any board the form offers, nor on the v4.9 kernel", async () => {
    const runs = [
      ...BUG_KINDS.flatMap((kind) => ["", ...Object.keys(BOARDS)].map((board) => ({ kind, given: board ? { board } : {} }))),
      ...BUG_KINDS.map((kind) => ({ kind, given: { kernel: "v4.9" as const } })),
    ];
    const flagged: string[] = [];
    for (const { kind, given } of runs) {
      const text = inBugFormWords(await bugViewText(kind, given));
      for (const flag of text.match(/--\w[\w-]*/g) ?? []) flagged.push(`${kind} ${JSON.stringify(given)}: ${flag}`);
    }
    expect(flagged).toEqual([]);
  }, 60_000);

  it("leaves a run with no advice as the CLI prints it", async () => {
    const cli = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", "bug", "--param", "kind=dma-ranges"], { encoding: "utf8", cwd: root });
    expect(cli.status).toBe(0);
    expect(inBugFormWords(await bugViewText("dma-ranges")) + "\n").toBe(cli.stdout);
  });

  it("names the Demo's size field for a size the board cannot map, where the CLI says --size", async () => {
    const cli = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "demo", "--board", "arm64-highmem"], { encoding: "utf8", cwd: root });
    // arm64-highmem's DMA reaches its RAM through swiotlb, whose slots map at most 128 × 2 KiB.
    expect(cli.stderr).toBe("dmasim: error: 1 MiB is more than ff6e0000.dma-controller can map on this board (dma_max_mapping_size 256 KiB: buffers bounce through swiotlb); use --size 256K\n");
    expect(inDemoFormWords(cli.stderr.slice("dmasim: error: ".length, -1))).toBe(
      "1 MiB is more than ff6e0000.dma-controller can map on this board (dma_max_mapping_size 256 KiB: buffers bounce through swiotlb); give size 256K");
  });

  it("names a smaller board (or the Sweep's memory field), not --memory, where the browser would not back a board's DRAM, in every view", async () => {
    // What Chromium with wasm memories capped at 1 GiB gave for 2 GiB (test/browser/e2e.test.ts).
    const grow =
      "2048 MiB of DRAM: the host would not grow the emulator's wasm memory for the bank at 0x0 " +
      "(RangeError: WebAssembly.Memory.grow(): Unable to grow instance memory)";
    expect(inDemoFormWords(`${grow}; use a smaller --memory`)).toBe(`${grow}; choose a board with less DRAM (each board's description says how much)`);
    expect(inBugFormWords(`${grow}; use a smaller --memory`)).toBe(`${grow}; choose a board with less DRAM (each board's description says how much)`);
    // The Sweep view has a memory field: a smaller one is its first way to less DRAM.
    expect(inFormWords(`${grow}; use a smaller --memory`)).toBe(`${grow}; give a smaller memory, or check boards with less DRAM (each board's description says how much)`);
    // The library's other refusal with the same advice, made here: 4 GiB is more than wasm32 holds.
    let fits = "";
    await createSystem({ board: "zynq-7000", memory: "4G", worker: false }).then(
      (s) => s.dispose(),
      (e: Error) => (fits = e.message),
    );
    expect(fits).toMatch(/^4096 MiB of DRAM does not fit in the emulator's wasm32 memory \(4 GiB, of which about \d+ MiB are left for the bank at 0x0\); use a smaller --memory$/);
    const head = fits.slice(0, fits.indexOf("; use"));
    expect(inDemoFormWords(fits)).toBe(`${head}; choose a board with less DRAM (each board's description says how much)`);
    expect(inFormWords(fits)).not.toContain("--memory");
  });
});

describe("browser page: a built-in scenario's sweep (its params field) and the Module view in their forms' words", () => {
  it("names the DMA-API debug boxes and the board boxes in a bug kind's symptom", async () => {
    const r = await runSweep({ scenario: "bug", grid: { kind: ["unchecked-map-error"] }, system: { board: "zynq-7000" }, workers: 0 });
    const symptom = (r.rows[0].result as { symptom: string }).symptom;
    expect(inParamsFormWords(symptom)).toBe(
      "no report: DMA-API debug is off on this System, and only it reports an unchecked mapping; check DMA-API debug on, or uncheck every board (the kind's own then runs)");
    // The Module view has one box, and no "own" board to go back to.
    expect(inModuleFormWords(symptom)).toBe(
      "no report: DMA-API debug is off on this System, and only it reports an unchecked mapping; check DMA-API debug, or run it without the board option");
  });

  it("names the Bugs view's kind where adc-rx names dmasim run bug, and the params field where demo names --size", async () => {
    const adc = await runSweep({ scenario: "adc-rx", grid: { burst: [2] }, system: { board: "zynq-7000" }, workers: 0 }).catch((e: Error) => e.message);
    // zynq-7000's UART raises a request per sample: a 2-sample burst waits for one that never comes.
    expect(inParamsFormWords(adc)).toMatch(/; give burst ≤ 1 \(the Bugs view's kind burst-on-single-requests shows what that mistake does, for TX: /);
    const demo = await runSweep({ scenario: "demo", grid: { size: ["1M"] }, system: { board: "arm64-highmem" }, workers: 0 }).catch((e: Error) => e.message);
    expect(inParamsFormWords(demo)).toMatch(/^size=1M: 1 MiB is more than .* \(dma_max_mapping_size 256 KiB: buffers bounce through swiotlb\); give size=256K in params$/);
  });
});
