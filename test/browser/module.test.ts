// A driver writer's own scenario module in the browser page: the Module view runs it once in a
// Web Worker and the Sweep view sweeps it over Web Workers, and both print what `dmasim run
// mydrv.mjs` / `dmasim sweep mydrv.mjs` print in Node for the same parameters. Its
// `import … from "dmasim"` resolves in the worker (examples/web/module-file.js says how); what
// it throws, a missing run and a misspelt parameter read as Node words them.

import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { useChromium } from "../helpers/chromium.js";
import { inPageWords } from "../helpers/page-words.js";
import type { Page } from "playwright-core";
import type { SweepResult } from "../../src/sim/sweep.js";

const rig = useChromium();

const cliPath = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const MYDRV = fileURLToPath(new URL("../../examples/debugging/mydrv.mjs", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** The built CLI's stdout and stderr, run in `cwd` so that a module is named as the page names it
 *  (by its file's name). */
function cli(args: string[], cwd: string): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [cliPath, ...args], { cwd }, (e, stdout, stderr) => resolve({ stdout, stderr, status: e ? Number(e.code) : 0 })),
  );
}

/** The CLI's error line (`dmasim: error: …`, a usage error's `dmasim: …`), as the page shows it after "error: ". */
const cliError = (stderr: string) => /^dmasim: (?:error: )?(.*)$/m.exec(stderr)?.[1];

async function newPage(view: string): Promise<{ page: Page; errors: string[] }> {
  const page = await rig.browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${rig.base}/examples/web/index.html?view=${view}`);
  return { page, errors };
}

/** Runs the Module view on `file` with `params`, and waits for its text or its error. */
async function runModule(page: Page, file: string, params: string): Promise<void> {
  await page.setInputFiles("#module-file", file);
  await page.fill("#module-params", params);
  await page.evaluate(() => ((window as any).dmasimText = (window as any).dmasimError = undefined));
  await page.click("#module-run");
  await page.waitForFunction(() => (window as any).dmasimText !== undefined || (window as any).dmasimError !== undefined, null, { timeout: 60_000 });
}

describe("a scenario module in the browser page (Chromium)", () => {
  it("runs mydrv.mjs once in a Web Worker and prints what dmasim run prints for it", async () => {
    const dir = fileURLToPath(new URL("../../examples/debugging/", import.meta.url));
    const node = cli(["run", "mydrv.mjs", "--param", "sync=none", "--param", "frames=2"], dir);
    const { page, errors } = await newPage("module");
    await runModule(page, MYDRV, "sync=none frames=2");
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const shown = (await page.locator("#module-output").textContent())!;
    // The bug, figured by hand: frame 0 lands in a buffer invalidated by its mapping; the CPU's
    // read of it caches all 4096 bytes, which frame 1 (no sync) then reads back: 4096 stale bytes.
    expect(shown).toMatch(/^dmasim run: mydrv\.mjs \(sync=none frames=2\) on /);
    expect(shown).toMatch(/^wrongBytes +4096$/m);
    expect(shown).toMatch(/^staleBytes +4096$/m);
    expect(shown).toMatch(/^badFrames +1$/m);
    expect(shown + "\n").toBe((await node).stdout);
    expect(await page.locator("#module-status").textContent()).toMatch(/^done: mydrv\.mjs on zynq-7000 \(modern kernel\) in /);
    // The form's choices are kept in the address (a file cannot be).
    expect(await page.evaluate(() => location.search)).toBe("?view=module&params=sync%3Dnone+frames%3D2");

    // DMA-API debug checked: the run is `dmasim run … --dma-debug`'s (its heading says
    // dmaDebug=true), and the box is kept in the address and on reload.
    const debugged = cli(["run", "mydrv.mjs", "--param", "sync=none", "--param", "frames=2", "--dma-debug"], dir);
    await page.getByRole("region", { name: "Module" }).getByLabel("DMA-API debug").check();
    await runModule(page, MYDRV, "sync=none frames=2");
    const shownDebugged = (await page.locator("#module-output").textContent())!;
    expect(shownDebugged).toMatch(/^dmasim run: mydrv\.mjs \(sync=none frames=2\) on .*\(modern kernel, dmaDebug=true\)$/m);
    expect(shownDebugged + "\n").toBe((await debugged).stdout);
    expect(await page.locator("#module-status").textContent()).toMatch(/^done: mydrv\.mjs on zynq-7000 \(modern kernel, DMA-API debug\) in /);
    expect(await page.evaluate(() => location.search)).toBe("?view=module&params=sync%3Dnone+frames%3D2&dma-debug=1");
    await page.reload();
    expect(await page.isChecked("#module-dma-debug")).toBe(true);
    expect(errors).toEqual([]);
  }, 90_000);

  it("words a misspelt parameter, a module without run and a module's own throw as Node does", async () => {
    const dir = fileURLToPath(new URL("../../examples/debugging/", import.meta.url));
    const typo = cli(["run", "mydrv.mjs", "--param", "synk=for-cpu"], dir);
    const noRun = cli(["run", "no-run.mjs"], FIXTURES);
    const thrown = cli(["run", "broken-run.mjs", "--param", "at=probe"], FIXTURES);
    const { page, errors } = await newPage("module");
    const status = () => page.locator("#module-status").textContent();

    await runModule(page, MYDRV, "synk=for-cpu");
    expect(await status()).toBe('error: mydrv.mjs has no parameter "synk" (its parameters: sync, frames, len, dmesg)');
    expect(await status()).toBe(`error: ${cliError((await typo).stderr)}`);

    // Node names the module by its file: URL, the page by its file's name.
    await runModule(page, `${FIXTURES}no-run.mjs`, "");
    expect(await status()).toBe("error: no-run.mjs does not export run(system, params)");
    expect(await status()).toBe(`error: ${cliError((await noRun).stderr)!.replace(pathToFileURL(`${FIXTURES}no-run.mjs`).href, "no-run.mjs")}`);

    await runModule(page, `${FIXTURES}broken-run.mjs`, "at=probe");
    expect(await status()).toBe("error: my driver is broken at probe (DMA_MEMCPY is 0)");
    expect(await status()).toBe(`error: ${cliError((await thrown).stderr)}`);
    expect(await page.locator("#module-output").textContent()).toBe("");

    // A parameter that is not key=value is refused naming the field.
    await runModule(page, MYDRV, "sync=none frames");
    expect(await status()).toBe('error: params: "frames" is not key=value');

    // No file chosen: said, not run.
    await page.goto(`${rig.base}/examples/web/index.html?view=module&params=sync=none&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimError !== undefined, null, { timeout: 30_000 });
    expect(await status()).toBe("error: choose a module file: a JavaScript module exporting run(system, params)");
    expect(errors).toEqual([]);
  }, 90_000);

  it("sweeps mydrv.mjs over Web Workers with the rows and table of dmasim sweep", async () => {
    const dir = fileURLToPath(new URL("../../examples/debugging/", import.meta.url));
    const args = ["sweep", "mydrv.mjs", "--param", "sync=none,for-cpu", "--param", "frames=2", "--workers", "1"];
    const [json, text] = [cli([...args, "--json"], dir), cli(args, dir)];
    const { page, errors } = await newPage("sweep&scenario=module&params=sync=none,for-cpu%20frames=2&workers=2");
    // The memcpy controls are not what this sweep reads.
    expect(await page.isDisabled("#sizes")).toBe(true);
    await page.setInputFiles("#sweep-module", MYDRV);
    await page.click("#run");
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 90_000 });
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    const inNode = JSON.parse((await json).stdout) as SweepResult;
    expect(inBrowser.rows.map((r) => r.params)).toEqual([{ sync: "none", frames: 2 }, { sync: "for-cpu", frames: 2 }]);
    expect(inBrowser.rows.map((r) => r.result)).toEqual(inNode.rows.map((r) => r.result));
    // The fix reads every byte right; the bug 4096 stale ones (as the run above).
    expect(inBrowser.rows.map((r) => (r.result as { staleBytes: number }).staleBytes)).toEqual([4096, 0]);
    expect(await page.locator("#status").textContent()).toMatch(/^done: 2 jobs on 2 workers/);
    // The CLI's text, but for the line under the table: the page has no --json, its chart field draws those figures.
    expect((await page.locator("#table pre").textContent()) + "\n").toBe(inPageWords((await text).stdout));
    expect(await page.locator("#chart").innerHTML()).toBe("");

    // A misspelt parameter fails the sweep before any job, as dmasim sweep's does.
    const typo = cli(["sweep", "mydrv.mjs", "--param", "synk=none"], dir);
    await page.fill("#sweep-params", "synk=none");
    await page.click("#run");
    await page.waitForFunction(() => (window as any).dmasimError !== undefined, null, { timeout: 30_000 });
    expect(await page.locator("#status").textContent()).toBe(`error: ${cliError((await typo).stderr)}`);
    expect(errors).toEqual([]);
  }, 120_000);
});
