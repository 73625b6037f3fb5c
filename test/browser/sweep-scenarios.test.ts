// The Sweep view sweeps every built-in scenario with parameters, not only memcpy, and compares
// Systems as `dmasim sweep --board A,B --profile C,D` does: its table is the one the CLI prints
// for the same arguments, its chart one line per System, its form kept in the address, and a
// bad value refused in the form's words.

import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { useChromium } from "../helpers/chromium.js";
import type { Page } from "playwright-core";
import type { SweepResult } from "../../src/sim/sweep.js";

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
    expect(shown + "\n").toBe((await text).stdout);
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
    expect(shown + "\n").toBe((await text).stdout);
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
    expect(shown + "\n").toBe((await text).stdout);
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
