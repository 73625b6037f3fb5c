// The Sweep view sweeps every built-in scenario with parameters, not only memcpy, and compares
// Systems as `dmasim sweep --board A,B --profile C,D --memory E,F --cma G,H --dma-debug=off,on`
// does: its table is the one the CLI prints for the same arguments, its numbers Node's, its chart
// one line per System, its form kept in the address, and a bad value refused in the form's words;
// no text it shows names a command-line option.

import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { useChromium } from "../helpers/chromium.js";
import { inPageWords } from "../helpers/page-words.js";
import type { Page } from "playwright-core";
import { runSweep, type SweepError, type SweepResult } from "../../src/sim/sweep.js";
import { SCENARIO_PARAMS } from "../../src/sim/scenarios.js";
import { BUG_KINDS } from "../../src/sim/scenarios/bug-kinds.js";

const rig = useChromium();

const cliPath = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));

function cli(args: string[]): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [cliPath, ...args], (e, stdout, stderr) => resolve({ stdout, stderr, status: e ? Number(e.code) : 0 })),
  );
}

/** The CLI's error line, as the page shows it after "error: ". */
const cliError = (stderr: string) => /^dmasim: (?:error: )?(.*)$/m.exec(stderr)?.[1];

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await rig.browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, errors };
}

/** Waits for the sweep to end, in its result or its error. */
const settled = (page: Page) =>
  page.waitForFunction(() => (window as any).dmasimResult !== undefined || (window as any).dmasimError !== undefined, null, { timeout: 60_000 });

async function runSweepOnPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as any).dmasimResult = (window as any).dmasimError = undefined));
  await page.click("#run");
  await settled(page);
}

describe("the Sweep view's built-in scenarios and System axes (Chromium)", () => {
  it("sweeps cpu-process over two sizes on two boards with the table dmasim sweep prints, and a line per board", async () => {
    const text = cli(["sweep", "cpu-process", "--param", "size=4K,64K", "--board", "zynq-7000,arm64-ref", "--workers", "1"]);
    const { page, errors } = await newPage();
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&scenario=cpu-process&params=size=4K,64K&chart=processSlowdown&board=zynq-7000,arm64-ref&auto=1`);
    await settled(page);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    // 2 boards × 2 sizes; memcpy's own controls are not what this sweep reads.
    expect(await page.locator("#status").textContent()).toMatch(/^done: 4 jobs on 2 workers/);
    expect(await page.isDisabled("#sizes")).toBe(true);
    const shown = (await page.locator("#table pre").textContent())!;
    expect(shown + "\n").toBe(inPageWords((await text).stdout));
    // The board axis leads, varying slowest, as runSweep orders a comparison's rows.
    const lines = shown.split("\n");
    expect(lines[0]).toBe("dmasim sweep: cpu-process (size=4K,64K) comparing board=zynq-7000,arm64-ref with kernel=modern");
    expect(lines[2]).toMatch(/^board +size +processSlowdown /);
    expect(lines.slice(4, 8).map((l) => l.split(/ +/).slice(0, 2))).toEqual([
      ["zynq-7000", "4K"], ["zynq-7000", "64K"], ["arm64-ref", "4K"], ["arm64-ref", "64K"],
    ]);
    const result = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    expect(result.systems).toEqual({ board: ["zynq-7000", "arm64-ref"] });
    // The chart field's figure against size: one line per board, named by it.
    expect(await page.locator("#chart svg polyline").count()).toBe(2);
    expect(await page.locator("#chart svg text").allTextContents()).toEqual(expect.arrayContaining(["board=zynq-7000", "board=arm64-ref"]));
    expect(await page.getByRole("img", { name: "cpu-process: processSlowdown against size" }).count()).toBe(1);
    expect(errors).toEqual([]);
  }, 90_000);

  it("offers every built-in scenario with parameters, compares profiles, and keeps the form in the address", async () => {
    const { page, errors } = await newPage();
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep`);
    const sweep = page.getByRole("region", { name: "Sweep" });
    // The scenarios `dmasim sweep` takes by name, but calibration (it reads no parameter).
    expect(await sweep.getByLabel("scenario", { exact: true }).locator("option").allTextContents()).toEqual([
      "memcpy", "demo", "coherent-aliases", "cpu-process", "bug", "dma-mix", "fingerprint", "uart-tx", "adc-rx", "a module file",
    ]);
    await sweep.getByLabel("scenario", { exact: true }).selectOption("cpu-process");
    expect(await page.locator("#params-hint").textContent()).toBe("cpu-process's parameters: size");
    await sweep.getByLabel("params", { exact: true }).fill("size=4K");
    await sweep.getByLabel("profile", { exact: true }).fill("zynq-7000,cortex-a7");
    const search = () => page.evaluate(() => location.search);
    expect(await search()).toBe("?view=sweep&scenario=cpu-process&params=size%3D4K&profile=zynq-7000,cortex-a7");
    await page.reload();
    expect(await sweep.getByLabel("scenario", { exact: true }).inputValue()).toBe("cpu-process");
    expect(await sweep.getByLabel("params", { exact: true }).inputValue()).toBe("size=4K");
    expect(await sweep.getByLabel("profile", { exact: true }).inputValue()).toBe("zynq-7000,cortex-a7");
    expect(await page.isDisabled("#sweep-module")).toBe(true);
    expect(await page.locator("#status").textContent()).toBe("idle");

    const text = cli(["sweep", "cpu-process", "--param", "size=4K", "--board", "zynq-7000", "--profile", "zynq-7000,cortex-a7", "--workers", "1"]);
    await runSweepOnPage(page);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const shown = (await page.locator("#table pre").textContent())!;
    expect(shown + "\n").toBe(inPageWords((await text).stdout));
    expect(shown.split("\n")[2]).toMatch(/^profile +size /);
    // No chart field, and no mbPerSec in cpu-process's results: no chart, as a report has none.
    expect(await page.locator("#chart").innerHTML()).toBe("");
    expect(errors).toEqual([]);
  }, 90_000);

  it("runs each bug kind on its own System when no board is checked, as dmasim sweep without --board does, and says to uncheck the boards when one cannot show it", async () => {
    // The page's kernel box (modern) is dmasim's --kernel modern.
    const text = cli(["sweep", "bug", "--param", "kind=mask-overflow,dma-ranges", "--kernel", "modern", "--workers", "1"]);
    const { page, errors } = await newPage();
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&scenario=bug&params=kind=mask-overflow,dma-ranges&board=&auto=1`);
    await settled(page);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const shown = (await page.locator("#table pre").textContent())!;
    expect(shown + "\n").toBe(inPageWords((await text).stdout));
    // mask-overflow needs RAM above 4 GiB (arm64-highmem), dma-ranges a bus offset (arm64-dma-offset).
    expect(shown.split("\n")[0]).toBe("dmasim sweep: bug (kind=mask-overflow,dma-ranges) on the Systems in the ran on column");
    const result = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    expect(result.rows.map((r) => (r.result as { reproduced: boolean }).reproduced)).toEqual([true, true]);

    // zynq-7000's RAM is all below 4 GiB: the symptom's advice names the boxes, its row aligned.
    await page.getByRole("group", { name: "board", exact: true }).getByLabel("zynq-7000", { exact: true }).check();
    await page.fill("#sweep-params", "kind=mask-overflow");
    await runSweepOnPage(page);
    const table = (await page.locator("#table pre").textContent())!.split("\n");
    expect(table[4]).toMatch(/^mask-overflow  this board cannot show the bug: .*; uncheck every board \(the kind's own then runs\) \(arm64-highmem, RAM above 4 GiB, no swiotlb\)  /);
    expect(table[4].indexOf("dma_alloc_coherent")).toBe(table[2].indexOf("fixed"));
    expect(table.join("\n")).not.toMatch(/--board|the board option/);
    expect(errors).toEqual([]);
  }, 90_000);

  it("refuses a bad value in the form's words, as dmasim sweep refuses it", async () => {
    const { page, errors } = await newPage();
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&scenario=cpu-process&params=sise=4K`);
    const status = () => page.locator("#status").textContent();
    const typo = cli(["sweep", "cpu-process", "--param", "sise=4K"]);
    await runSweepOnPage(page);
    expect(await status()).toBe('error: cpu-process has no parameter "sise" (its parameters: size)');
    expect(await status()).toBe(`error: ${cliError((await typo).stderr)}`);

    await page.fill("#sweep-params", "size=4K 64K");
    await runSweepOnPage(page);
    expect(await status()).toBe('error: params: "64K" is not key=value');

    // "size=" gives no value: named by the field that holds it, not memcpy's sizes.
    await page.fill("#sweep-params", "size=");
    await runSweepOnPage(page);
    expect(await status()).toBe("error: params: size= has no values");

    await page.fill("#sweep-params", "");
    await runSweepOnPage(page);
    expect(await status()).toBe("error: params: none given: a sweep needs at least one key=v1,v2,… (cpu-process's parameters: size)");

    const badProfile = cli(["sweep", "cpu-process", "--param", "size=4K", "--profile", "zynq-7000,a9"]);
    await page.fill("#sweep-params", "size=4K");
    await page.fill("#profile", "zynq-7000,a9");
    await runSweepOnPage(page);
    expect(await status()).toBe('error: unknown profile "a9" (known: zynq-7000, arm64, cortex-a7, cortex-a15, cortex-a17)');
    expect(await status()).toBe(`error: ${cliError((await badProfile).stderr)}`);

    // baud shapes only the UART model uart-tx boots when no board is named; zynq-7000 is checked.
    await page.fill("#profile", "");
    await page.selectOption("#scenario", "uart-tx");
    await page.fill("#sweep-params", "baud=115200,921600");
    await runSweepOnPage(page);
    expect(await status()).toMatch(/^error: uart-tx: baud=115200,921600 cannot apply on a board checked: baud, depth and burst shape only the UART model of the board uart-tx boots when given none .*\. Leave baud out of params, or uncheck every board \(the scenario's own then runs\)$/);

    await page.selectOption("#scenario", "cpu-process");
    await page.fill("#sweep-params", "size=4K");
    await page.fill("#sweep-chart", "noSuchField");
    await runSweepOnPage(page);
    // The sweep ran: its table stands, and the chart says why it cannot be drawn.
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    expect(await page.locator("#table pre").textContent()).toMatch(/^dmasim sweep: cpu-process \(size=4K\) on /);
    expect(await page.locator("#chart").textContent()).toMatch(/^chart: cpu-process: no job's result has noSuchField to chart \(its numeric fields: .*, processSlowdown, /);

    // A scenario from the address that the view does not sweep.
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&scenario=calibration&params=size=4K&auto=1`);
    await settled(page);
    expect(await status()).toMatch(/^error: scenario "calibration": the Sweep view sweeps a built-in scenario with parameters \(demo, coherent-aliases, memcpy, cpu-process, /);
    expect(errors).toEqual([]);
  }, 90_000);
});

describe("the Sweep view's memory, cma and DMA-API debug axes (Chromium)", () => {
  it("compares memory sizes with DMA-API debug off and on: Node's runSweep numbers for the same Systems, a column for each axis", async () => {
    const { page, errors } = await newPage();
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&memory=256M,512M&dma-debug=off,on&sizes=4K,64K&bursts=16&buffers=streaming&auto=1`);
    await settled(page);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    // 2 memory sizes × DMA-API debug off and on × 2 sizes.
    expect(await page.locator("#status").textContent()).toMatch(/^done: 8 jobs on 2 workers/);
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    // The page's board and kernel boxes (zynq-7000, modern) are every job's.
    const inNode = await runSweep({
      scenario: "memcpy", grid: { size: ["4K", "64K"], burst: [16], buffers: ["streaming"] }, workers: 0,
      system: { board: "zynq-7000", kernel: "modern" }, systems: { memory: ["256M", "512M"], dmaDebug: [false, true] },
    });
    expect(inBrowser.systems).toEqual({ memory: ["256M", "512M"], dmaDebug: [false, true] });
    const ran = (s: SweepResult) => s.rows.map((r) => [r.system, r.params, r.result, r.provenance ?? s.provenance]);
    expect(ran(inBrowser)).toEqual(ran(inNode));
    // Each row ran on its own memory size: a System's provenance names the options that change results.
    expect(inBrowser.rows.map((r) => (r.provenance ?? inBrowser.provenance)!.options)).toEqual([
      { memory: "256M", dmaDebug: false }, { memory: "256M", dmaDebug: false }, { memory: "256M", dmaDebug: true }, { memory: "256M", dmaDebug: true },
      { memory: "512M", dmaDebug: false }, { memory: "512M", dmaDebug: false }, { memory: "512M", dmaDebug: true }, { memory: "512M", dmaDebug: true },
    ]);
    const table = await page.locator("#table tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    // buffers, one value, is in the caption.
    expect(table[0].slice(0, 5)).toEqual(["memory", "dmaDebug", "size", "burst", "MB/s"]);
    expect(table.slice(1).map((r) => r.slice(0, 3).join(" "))).toEqual([
      "256M false 4K", "256M false 64K", "256M true 4K", "256M true 64K", "512M false 4K", "512M false 64K", "512M true 4K", "512M true 64K",
    ]);
    expect(table.slice(1).map((r) => r[4])).toEqual(inNode.rows.map((r) => String((r.result as { mbPerSec: number }).mbPerSec)));
    expect(await page.locator("#table caption").textContent()).toBe("memcpy comparing memory=256M,512M dmaDebug=false,true on zynq-7000, modern kernel; buffers=streaming");

    // arm64-dma-offset's PL330 sees RAM from bus 0xc0000000: 1 GiB from 0x0 fits its 32-bit
    // window, 2 GiB runs past it, and with no swiotlb to bounce through its mapping fails, as in Node.
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&board=arm64-dma-offset&memory=1G,2G&sizes=64K&bursts=16&buffers=streaming&workers=1&auto=1`);
    await settled(page);
    const failed = (await runSweep({
      scenario: "memcpy", grid: { size: ["64K"], burst: [16], buffers: ["streaming"] }, workers: 0,
      system: { board: "arm64-dma-offset", kernel: "modern" }, systems: { memory: ["1G", "2G"] },
    }).then(() => undefined, (e: unknown) => e as SweepError))!;
    expect(failed.message).toBe("memory=2G size=64K burst=16 buffers=streaming: -ENOMEM: dma_map_single of 65536 bytes for ff6e0000.dma-controller failed (DMA_MAPPING_ERROR)");
    expect(await page.locator("#status").textContent()).toBe(`error: ${failed.message}`);
    const rows = await page.locator("#table tr").evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => [r[0], r[1], r[3]])).toEqual([
      ["1G", "64K", String((failed.partial.rows[0].result as { mbPerSec: number }).mbPerSec)],
      ["2G", "64K", "-ENOMEM: dma_map_single of 65536 bytes for ff6e0000.dma-controller failed (DMA_MAPPING_ERROR)"],
    ]);
    expect(errors).toEqual([]);
  }, 120_000);

  it("prints a built-in scenario's cma and DMA-API debug comparison as dmasim sweep --cma A,B --dma-debug=off,on prints it, and keeps the fields in the address", async () => {
    const text = cli(["sweep", "cpu-process", "--param", "size=4K", "--board", "zynq-7000", "--cma", "1M,16M", "--dma-debug=off,on", "--workers", "1"]);
    const { page, errors } = await newPage();
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&scenario=cpu-process&params=size=4K`);
    const sweep = page.getByRole("region", { name: "Sweep" });
    await sweep.getByLabel("cma", { exact: true }).fill("1M, 16M");
    await page.getByRole("group", { name: "DMA-API debug", exact: true }).getByLabel("on", { exact: true }).check();
    expect(await page.evaluate(() => location.search)).toBe("?view=sweep&scenario=cpu-process&params=size%3D4K&cma=1M,+16M&dma-debug=off,on");
    await page.reload();
    expect(await sweep.getByLabel("cma", { exact: true }).inputValue()).toBe("1M, 16M");
    expect(await page.locator("#dma-debug input:checked").evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual(["off", "on"]);
    await runSweepOnPage(page);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const shown = (await page.locator("#table pre").textContent())!;
    // The table and heading as the CLI prints them; the line under it in the page's words.
    const [cliTable, cliUnder] = (await text).stdout.trimEnd().split("\n(not in the table: ");
    expect(shown.startsWith(`${cliTable}\n(not in the table: `)).toBe(true);
    const lines = cliTable.split("\n");
    expect(lines[0]).toBe("dmasim sweep: cpu-process (size=4K) comparing cma=1M,16M dmaDebug=false,true with kernel=modern");
    expect(lines.slice(4).map((l) => l.split(/ +/).slice(0, 3))).toEqual([
      ["1M", "false", "4K"], ["1M", "true", "4K"], ["16M", "false", "4K"], ["16M", "true", "4K"],
    ]);
    expect(cliUnder).toBe("cached, uncached, noncoherent, each an object of figures; --json has them)");
    expect(shown.slice(cliTable.length + 1)).toBe("(not in the table: cached, uncached, noncoherent, each an object of figures; chart draws any figure in them, by its path: cached.…)");

    // An empty memory field is the board's own DRAM; a value the library cannot read is refused
    // in its words, and a DMA-API debug box from the address that is no switch's word in the form's.
    await page.fill("#memory", "lots");
    await runSweepOnPage(page);
    expect(await page.locator("#status").textContent()).toMatch(/^error: memory: /);
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&scenario=cpu-process&params=size=4K&dma-debug=1&auto=1`);
    await settled(page);
    expect(await page.locator("#status").textContent()).toBe('error: DMA-API debug: "1" is not off or on');
    // No box checked: an axis of no values, named by its group.
    await page.uncheck("#dma-debug input[value='1']");
    await runSweepOnPage(page);
    expect(await page.locator("#status").textContent()).toBe("error: DMA-API debug: none given");
    expect(errors).toEqual([]);
  }, 90_000);
});

/** A sweep of each built-in scenario the view offers, over its own parameters, on the page's
 *  System (zynq-7000, modern kernel) unless `query` says otherwise: one whose texts hold advice
 *  where there is any (bug's kinds on a board that cannot show them, adc-rx's burst past its
 *  UART's request, demo's size past arm64-highmem's mapping). */
const DEFAULT_SWEEPS: [scenario: string, query: string][] = [
  ["memcpy", ""],
  ["memcpy", "&sizes=4K&bursts=16&buffers=bounced"],
  ["demo", "&params=size=64K,1M&board=zynq-7000,arm64-highmem"],
  ["coherent-aliases", "&params=size=4K,64K"],
  ["cpu-process", "&params=size=4K,64K"],
  ["bug", `&params=kind=${BUG_KINDS.join(",")}`],
  ["bug", `&params=kind=${BUG_KINDS.join(",")}&board=`],
  ["bug", `&params=kind=${BUG_KINDS.join(",")}&kernel=v4.9`],
  ["dma-mix", "&params=transfers=2,4"],
  ["fingerprint", "&params=scenario=demo,memcpy"],
  ["uart-tx", "&params=size=64,256"],
  ["adc-rx", "&params=burst=1,2"],
];

describe("the Sweep view in its own words (Chromium)", () => {
  it("shows no command-line option in any built-in scenario's table, chart or message", async () => {
    // Every scenario the view offers has a sweep here.
    const swept = Object.keys(SCENARIO_PARAMS).filter((name) => SCENARIO_PARAMS[name].length > 0);
    expect([...new Set(DEFAULT_SWEEPS.map(([s]) => s))].sort()).toEqual(swept.sort());
    const { page, errors } = await newPage();
    const flagged: string[] = [];
    const seen: string[] = [];
    for (const [scenario, query] of DEFAULT_SWEEPS) {
      await page.goto(`${rig.base}/examples/web/index.html?view=sweep&scenario=${scenario}${query}&auto=1`);
      await settled(page);
      const text = [await page.locator("#status").textContent(), await page.locator("#table").textContent(), await page.locator("#chart").textContent()].join("\n");
      seen.push(text);
      for (const flag of text.match(/.{0,40}--\w[\w-]*/g) ?? []) flagged.push(`${scenario}${query.slice(0, 60)}: ${flag}`);
    }
    expect(flagged).toEqual([]);
    // The advice is there, in the form's words (the sweeps above reach it).
    const all = seen.join("\n");
    for (const advice of [
      "uncheck every board (the kind's own then runs)", "check DMA-API debug on", "(kernel modern)", "give size=256K in params",
      "the Bugs view's kind burst-on-single-requests", "chart draws any figure in them", "board arm64-highmem bounces by itself",
    ]) expect([advice, all.includes(advice)]).toEqual([advice, true]);
    expect(errors).toEqual([]);
  }, 240_000);
});
