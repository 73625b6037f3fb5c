// The browser demo end to end: Debian's Chromium (headless, driven by playwright-core) loads
// examples/web/ from a localhost server, runs a small sweep in Web Workers, and must produce the
// same numbers as the same sweep run in Node; its Demo and Bugs views must print what the CLI
// prints for the same run.

import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { useChromium } from "../helpers/chromium.js";
import { chromium, type Page } from "playwright-core";
import { runSweep, type SweepError, type SweepResult } from "../../src/sim/sweep.js";

const rig = useChromium();

const cliPath = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));

/** The built CLI's stdout, stderr and exit status, run beside the browser. */
function cli(args: string[]): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [cliPath, ...args], (e, stdout, stderr) => resolve({ stdout, stderr, status: e ? Number(e.code) : 0 })),
  );
}

/** Waits for the Demo or Bugs view's run to end, in a result's text or an error. */
const settled = (page: Page, timeout = 60_000) =>
  page.waitForFunction(() => (window as any).dmasimText !== undefined || (window as any).dmasimError !== undefined, null, { timeout });

/** A page that counts the Web Workers it makes (window.workersMade) and keeps its uncaught errors. */
async function pageCountingWorkers(): Promise<{ page: Page; errors: string[] }> {
  const page = await rig.browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.addInitScript(`{
    const Native = window.Worker;
    window.workersMade = 0;
    window.Worker = class extends Native { constructor(...a) { super(...a); window.workersMade++; } };
  }`);
  return { page, errors };
}

describe("browser demo (Chromium)", () => {
  it("runs a sweep in Web Workers with the same results as Node", async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${rig.base}/examples/web/index.html?sizes=4K,64K&bursts=1,16&workers=2&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 60_000 });
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    const inNode = await runSweep({ scenario: "memcpy", grid: { size: ["4K", "64K"], burst: [1, 16] }, workers: 0 });
    expect(inBrowser.rows.map((r) => r.result)).toEqual(inNode.rows.map((r) => r.result));
    expect(await page.locator("#status").textContent()).toMatch(/^done: 4 jobs/);
    expect(await page.locator("#chart svg polyline").count()).toBe(2);
    // Accessibility basics: every control and the progress bar have a name, and so has the plot.
    const sweepView = page.getByRole("region", { name: "Sweep" });
    for (const name of ["sizes", "bursts", "workers"]) expect(await sweepView.getByLabel(name, { exact: true }).count()).toBe(1);
    expect(await page.getByRole("progressbar", { name: "sweep progress" }).count()).toBe(1);
    expect(await page.getByRole("status").textContent()).toMatch(/^done: 4 jobs/);
    expect(await page.getByRole("img", { name: "memcpy: throughput against size" }).count()).toBe(1);
  }, 90_000);

  it("sweeps buffer kinds on another board, one line per kind, with Node's numbers for the same grid and System", async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${rig.base}/examples/web/index.html?board=arm64-ref&sizes=4K,64K&bursts=16&buffers=coherent,pool&workers=2&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    const grid = { size: ["4K", "64K"], burst: [16], buffers: ["coherent", "pool"] };
    const inNode = await runSweep({ scenario: "memcpy", grid, system: { board: "arm64-ref", kernel: "modern" }, workers: 0 });
    expect(inBrowser.rows.map((r) => r.params)).toEqual(inNode.rows.map((r) => r.params));
    expect(inBrowser.rows.map((r) => r.result)).toEqual(inNode.rows.map((r) => r.result));
    expect(errors).toEqual([]);
    // One line per kind, named by what varies; the table's caption names what every job shared.
    expect(await page.locator("#chart svg polyline").count()).toBe(2);
    expect(await page.locator("#chart svg text").allTextContents()).toEqual(expect.arrayContaining(["burst=16 buffers=coherent", "burst=16 buffers=pool"]));
    expect(await page.locator("#table caption").textContent()).toBe("memcpy on arm64-ref, modern kernel");
    const table = await page.locator("#table tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(table[0]).toEqual(["size", "burst", "buffers", "MB/s", "DMA time (µs)", "data", "descriptors"]);
    // 4K and 64K in the pool's default 4 KiB blocks: 1 and 16 descriptors; coherent uses none.
    expect(table.slice(1).map((r) => [r[0], r[2], r[5], r[6]])).toEqual([
      ["4K", "coherent", "ok", ""], ["4K", "pool", "ok", "1"], ["64K", "coherent", "ok", ""], ["64K", "pool", "ok", "16"],
    ]);
    // Every new control has a name: a box per board and kernel, in groups named board and kernel.
    for (const name of ["zynq-7000", "arm64-ref", "arm64-highmem", "arm64-dma-offset", "modern", "v4.9", "swiotlb slabs", "swiotlb force", "channels", "block", "coherent", "streaming", "pool", "bounced"]) {
      expect([name, await page.getByRole("region", { name: "Sweep" }).getByLabel(name, { exact: true }).count()]).toEqual([name, 1]);
    }
    for (const name of ["board", "kernel", "buffers"]) expect([name, await page.getByRole("group", { name, exact: true }).count()]).toEqual([name, 1]);
    const boards = page.getByRole("group", { name: "board", exact: true }).getByRole("checkbox");
    expect(await boards.evaluateAll((boxes) => boxes.filter((b) => (b as HTMLInputElement).checked).map((b) => (b as HTMLInputElement).value))).toEqual(["arm64-ref"]);
  }, 90_000);

  it("compares two boards on both kernels: Node's numbers for each System, its columns in the table, a line per System, the choices kept in the address", async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const settle = () => page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 60_000 });
    const search = () => page.evaluate(() => location.search);
    await page.goto(`${rig.base}/examples/web/index.html?view=sweep&sizes=4K,64K&bursts=16&workers=2`);
    // Chosen in the form: arm64-ref beside the page's zynq-7000, v4.9 beside its modern kernel.
    await page.getByRole("group", { name: "board", exact: true }).getByLabel("arm64-ref", { exact: true }).check();
    await page.getByRole("group", { name: "kernel", exact: true }).getByLabel("v4.9", { exact: true }).check();
    expect(await search()).toBe("?view=sweep&board=zynq-7000,arm64-ref&kernel=modern,v4.9&sizes=4K,64K&bursts=16");
    // (workers=2 is the page's own count: not written.) A reload shows the choices without running them.
    await page.reload();
    const checked = (group: string) => page.locator(`#${group} input:checked`).evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    expect([await checked("board"), await checked("kernel")]).toEqual([["zynq-7000", "arm64-ref"], ["modern", "v4.9"]]);
    expect(await page.locator("#status").textContent()).toBe("idle");

    await page.click("#run");
    await settle();
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    // 2 boards × 2 kernels × 2 sizes.
    expect(await page.locator("#status").textContent()).toMatch(/^done: 8 jobs on 2 workers/);
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    const inNode = await runSweep({
      scenario: "memcpy", grid: { size: ["4K", "64K"], burst: [16] }, workers: 0,
      systems: { board: ["zynq-7000", "arm64-ref"], kernel: ["modern", "v4.9"] },
    });
    expect(inBrowser.systems).toEqual({ board: ["zynq-7000", "arm64-ref"], kernel: ["modern", "v4.9"] });
    expect(inBrowser.rows.map((r) => [r.system, r.params, r.result])).toEqual(inNode.rows.map((r) => [r.system, r.params, r.result]));
    expect(inBrowser.rows.map((r) => r.provenance ?? inBrowser.provenance)).toEqual(inNode.rows.map((r) => r.provenance ?? inNode.provenance));
    // The System axes lead the table, in runSweep's order: the board varies slowest.
    const table = await page.locator("#table tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(table[0]).toEqual(["board", "kernel", "size", "burst", "MB/s", "DMA time (µs)", "data"]);
    expect(table.slice(1).map((r) => r.slice(0, 3).join(" "))).toEqual([
      "zynq-7000 modern 4K", "zynq-7000 modern 64K", "zynq-7000 v4.9 4K", "zynq-7000 v4.9 64K",
      "arm64-ref modern 4K", "arm64-ref modern 64K", "arm64-ref v4.9 4K", "arm64-ref v4.9 64K",
    ]);
    expect(table.slice(1).map((r) => r[4])).toEqual(inNode.rows.map((r) => String((r.result as { mbPerSec: number }).mbPerSec)));
    expect(await page.locator("#table caption").textContent()).toBe("memcpy comparing board=zynq-7000,arm64-ref kernel=modern,v4.9");
    // One line per System (one burst), named by its board and kernel.
    expect(await page.locator("#chart svg polyline").count()).toBe(4);
    expect(await page.locator("#chart svg text").allTextContents()).toEqual(expect.arrayContaining([
      "board=zynq-7000 kernel=modern burst=16", "board=zynq-7000 kernel=v4.9 burst=16", "board=arm64-ref kernel=modern burst=16", "board=arm64-ref kernel=v4.9 burst=16",
    ]));

    // No kernel checked: refused in the form's words, and nothing runs.
    await page.evaluate(() => ((window as any).dmasimError = (window as any).dmasimResult = undefined));
    for (const k of ["modern", "v4.9"]) await page.uncheck(`#kernel input[value="${k}"]`);
    await page.click("#run");
    await settle();
    expect(await page.locator("#status").textContent()).toBe("error: kernel: none given");
    expect(await search()).toBe("?view=sweep&board=zynq-7000,arm64-ref&kernel=&sizes=4K,64K&bursts=16");
    expect(errors).toEqual([]);
  }, 90_000);

  it("refuses what dmasim sweep refuses, in the library's words with the form's names for the CLI's options", async () => {
    const page = await rig.browser.newPage();
    await page.goto(`${rig.base}/examples/web/index.html?kernel=v5&sizes=4K&bursts=16&workers=1&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 30_000 });
    expect(await page.locator("#status").textContent()).toBe('error: kernel must be "modern" or "v4.9", not "v5"');
    const run = async (setup: () => Promise<void>) => {
      await page.evaluate(() => ((window as any).dmasimError = (window as any).dmasimResult = undefined));
      await setup();
      await page.click("#run");
      await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 30_000 });
      return page.locator("#status").textContent();
    };
    // The CLI says --board arm64-highmem and --swiotlb force; the page names its board choice and its box.
    const zynqBounced = "buffers=bounced: this kernel has no swiotlb (arm without LPAE addresses all its RAM with 32 bits), so no mapping bounces; " +
      "run it on an arm64 board (board arm64-highmem bounces by itself, board arm64-ref with swiotlb force)";
    expect(await run(async () => {
      await page.check("#kernel input[value=modern]");
      await page.uncheck("#kernel input[value=v5]");
      await page.uncheck("input[value=coherent]");
      await page.check("input[value=bounced]");
    })).toBe(`error: size=4K burst=16 buffers=bounced: ${zynqBounced}`);
    expect(await run(() => page.check("#swiotlb"))).toBe(
      "error: size=4K burst=16 buffers=bounced: swiotlb: zynq-7000 is arm without LPAE, which has no swiotlb on either kernel (its RAM is all within 32 bits); " +
      "leave swiotlb slabs empty and swiotlb force unchecked");
    expect(await run(async () => {
      await page.uncheck("#swiotlb");
      await page.check("input[value=coherent]");
      await page.uncheck("input[value=bounced]");
      await page.fill("#block", "1K");
    })).toBe("error: size=4K burst=16 block=1K: block is the dma_pool block size: it applies to buffers=pool only, not buffers=coherent");
    expect(await run(async () => {
      await page.fill("#block", "");
      await page.uncheck("input[value=coherent]");
    })).toBe("error: buffers: none given");
    // arm64-ref bounces once swiotlb is forced: the table shows the bounce copies' time.
    expect(await run(async () => {
      await page.check("#board input[value=arm64-ref]");
      await page.uncheck("#board input[value=zynq-7000]");
      await page.check("#swiotlb");
      await page.check("input[value=bounced]");
    })).toMatch(/^done: 1 jobs/);
    expect(await page.locator("#table caption").textContent()).toBe("memcpy on arm64-ref, modern kernel, swiotlb=force; buffers=bounced");
    expect(await page.locator("#table th").allTextContents()).toContain("bounce copies (µs)");
  }, 90_000);

  it("takes swiotlb='s slab count as --swiotlb does: a pool too small fails the job Node fails, a larger one gives Node's numbers", async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const settle = () => page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 60_000 });
    const grid = { size: ["4K", "256K"], burst: [16], buffers: ["bounced"] };
    const node = (swiotlb: string) => runSweep({ scenario: "memcpy", grid, system: { board: "arm64-ref", kernel: "modern", swiotlb }, workers: 0 });

    // 128 slabs are one 256 KiB segment: a 256 KiB copy maps its source and its destination at once.
    await page.goto(`${rig.base}/examples/web/index.html?board=arm64-ref&swiotlb=128,force&sizes=4K,256K&bursts=16&buffers=bounced&workers=1&auto=1`);
    await settle();
    expect([await page.inputValue("#swiotlb-slabs"), await page.isChecked("#swiotlb")]).toEqual(["128", true]);
    const small = (await node("128,force").then(() => undefined, (e: unknown) => e as SweepError))!;
    expect(small.message).toBe("size=256K burst=16 buffers=bounced: -ENOMEM: dma_map_single(262144) failed: swiotlb (256 KiB) is full; " +
      "copying 256 KiB maps 512 KiB at once: a larger --swiotlb N (slabs of 2 KiB) may help");
    // The page names its swiotlb slabs field instead of the CLI's --swiotlb N, in the status and the row.
    const inForm = small.message.replace("a larger --swiotlb N (slabs of 2 KiB)", "more swiotlb slabs (2 KiB each)");
    expect(await page.evaluate(() => (window as any).dmasimError)).toBe(inForm);
    const rows = await page.locator("#table tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(rows.map((r) => [r[0], r[2]])).toEqual([
      ["size", "MB/s"], ["4K", String(small.partial.rows[0].result!.mbPerSec)], ["256K", inForm.replace("size=256K burst=16 buffers=bounced: ", "")],
    ]);

    const run = async (setup: () => Promise<void>) => {
      await page.evaluate(() => ((window as any).dmasimError = (window as any).dmasimResult = undefined));
      await setup();
      await page.click("#run");
      await settle();
      return page.locator("#status").textContent();
    };
    expect(await run(() => page.fill("#swiotlb-slabs", "1024"))).toMatch(/^done: 2 jobs/);
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    expect(inBrowser.rows).toEqual((await node("1024,force")).rows);
    expect(await page.locator("#table caption").textContent()).toBe("memcpy on arm64-ref, modern kernel, swiotlb=1024,force; buffers=bounced");

    // A slab count the kernel parameter cannot be is refused as createSystem refuses it, quoted as
    // typed in swiotlb slabs (the page adds ",force" for the box); unforced it goes alone ("N").
    expect(await run(() => page.fill("#swiotlb-slabs", "lots"))).toBe('error: swiotlb slabs: "lots" is not a slab count (try 32768)');
    expect(await run(async () => {
      await page.fill("#swiotlb-slabs", "99999999999999999999");
      await page.uncheck("#swiotlb");
    })).toBe('error: swiotlb slabs: "99999999999999999999": 99999999999999999999 slabs is beyond any memory (try 32768)');
    expect(errors).toEqual([]);
  }, 90_000);

  it("runs one sweep for a submit made while it runs, and a second grid gives Node's numbers", async () => {
    const { page, errors } = await pageCountingWorkers();
    await page.goto(`${rig.base}/examples/web/index.html?sizes=1K,256K,4K&bursts=auto,8&workers=3`);
    // Enter in a field while the button is disabled does nothing, but requestSubmit() does submit.
    await page.evaluate(() => {
      document.getElementById("run")!.click();
      (document.getElementById("form") as HTMLFormElement).requestSubmit();
    });
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    expect(await page.evaluate(() => (window as any).workersMade)).toBe(3);
    expect(await page.locator("#status").textContent()).toMatch(/^done: 6 jobs on 3 workers/);
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    const inNode = await runSweep({ scenario: "memcpy", grid: { size: ["1K", "256K", "4K"], burst: ["auto", 8] }, workers: 0 });
    expect(inBrowser.rows.map((r) => r.result)).toEqual(inNode.rows.map((r) => r.result));
    expect(errors).toEqual([]);
  }, 90_000);

  it("stops a sweep with the Stop button: the finished rows stay, the job under way ends with its worker, and the next sweep runs", async () => {
    const { page, errors } = await pageCountingWorkers();
    await page.goto(`${rig.base}/examples/web/index.html?sizes=4K,8K,16K,32K&bursts=1&workers=1`);
    const stop = page.getByRole("button", { name: "Stop sweep" });
    expect(await stop.isDisabled()).toBe(true);
    // Stop is clicked as the first job's progress is shown: the worker has its second job then.
    await page.evaluate(() => {
      const w = window as any;
      new MutationObserver(() => {
        if (document.getElementById("status")!.textContent !== "1/4") return;
        w.stopWasEnabled = !(document.getElementById("stop") as HTMLButtonElement).disabled;
        document.getElementById("stop")!.click();
      }).observe(document.getElementById("status")!, { childList: true, characterData: true, subtree: true });
      document.getElementById("run")!.click();
    });
    await page.waitForFunction(() => (window as any).dmasimStopped || (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as any).stopWasEnabled)).toBe(true);
    expect(await page.getByRole("status").textContent()).toBe("stopped: 1/4 jobs done");
    const cells = await page.locator("#table tr").evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    // The largest job runs first (runSweep orders by cost): only its row has a result.
    expect(cells.map((c) => c.length)).toEqual([3, 3, 3, 5]);
    expect(cells[3].slice(0, 2)).toEqual(["32K", "1"]);
    expect(cells[3][4]).toBe("ok");
    expect(cells.slice(0, 3).map((c) => c[2])).toEqual(["", "", ""]);
    expect(await stop.isDisabled()).toBe(true);
    expect(await page.locator("#run").isEnabled()).toBe(true);
    // The next sweep runs on the same pool, whose ended worker it replaces.
    await page.fill("#sizes", "4K,64K");
    await page.click("#run");
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    expect(await page.evaluate(() => (window as any).workersMade)).toBe(2);
    const inBrowser = (await page.evaluate(() => (window as any).dmasimResult)) as SweepResult;
    const inNode = await runSweep({ scenario: "memcpy", grid: { size: ["4K", "64K"], burst: [1] }, workers: 0 });
    expect(inBrowser.rows.map((r) => r.result)).toEqual(inNode.rows.map((r) => r.result));
    expect(errors).toEqual([]);
  }, 90_000);

  it("refuses a worker count it cannot use in words, and clears the last sweep's results", async () => {
    const page = await rig.browser.newPage();
    await page.goto(`${rig.base}/examples/web/index.html?sizes=4K&bursts=1&workers=1&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 30_000 });
    expect(await page.locator("#table tr").count()).toBe(2);
    // 0 ran on 2 workers, "abc" on 2 (a number input empties it), 1e9 hung the tab making workers.
    for (const typed of ["0", "abc", "1.5", "1e9", "17", ""]) {
      await page.fill("#workers", typed);
      await page.click("#run");
      await page.waitForFunction(() => (window as any).dmasimError, null, { timeout: 30_000 });
      expect(await page.locator("#status").textContent()).toBe(`error: workers must be a whole number from 1 to 16, not "${typed}"`);
      expect(await page.locator("#table").innerHTML()).toBe("");
      expect(await page.locator("#chart").innerHTML()).toBe("");
      expect(await page.locator("#run").isEnabled()).toBe(true);
    }
  }, 60_000);

  it("runs the mmap-cacheable bug (a user process's mappings) on the page and in a Web Worker, as Node does", async () => {
    const page = await rig.browser.newPage();
    await page.goto(`${rig.base}/examples/web/index.html`);
    // A string, not a function: vitest would rewrite a function's import() for Node.
    const got = (await page.evaluate(`(async () => {
      const { createSystem, runSweep } = await import("/dist/browser/dmasim.js");
      const system = await createSystem({ board: "zynq-7000" });
      const onPage = system.run("bug", { kind: "mmap-cacheable" });
      system.dispose();
      const inWorker = await runSweep({ scenario: "bug", grid: { kind: ["mmap-cacheable"] }, workers: 1 });
      return { onPage, inWorker: inWorker.rows[0].result };
    })()`)) as { onPage: unknown; inWorker: unknown };
    const inNode = await runSweep({ scenario: "bug", grid: { kind: ["mmap-cacheable"] }, workers: 0 });
    expect(got.onPage).toEqual(inNode.rows[0].result);
    expect(got.inWorker).toEqual(inNode.rows[0].result);
    expect(got.onPage).toMatchObject({ reproduced: true, details: { remapMemType: "Normal WB", dmaMmapMemType: "Normal NC" } });
  }, 60_000);

  it("takes the bursts as typed: auto runs, a word that is no burst is named in the error", async () => {
    const page = await rig.browser.newPage();
    await page.goto(`${rig.base}/examples/web/index.html?sizes=4K&bursts=auto,4&workers=1&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    expect(await page.locator("#chart svg polyline").count()).toBe(2);
    await page.fill("#bursts", "4,x");
    await page.click("#run");
    await page.waitForFunction(() => (window as any).dmasimError, null, { timeout: 30_000 });
    expect(await page.locator("#status").textContent()).toBe('error: size=4K burst=x: burst must be "auto" or 1…16, not "x"');
    // The job that ran keeps its row beside the one that failed.
    const cells = await page.locator("#table tr").evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(cells.map((c) => c.slice(0, 2))).toEqual([["4K", "4"], ["4K", "x"]]);
    expect(cells[0][4]).toBe("ok");
    expect(cells[1][2]).toBe('burst must be "auto" or 1…16, not "x"');
  }, 60_000);

  it("says which worker script failed to load instead of hanging or printing undefined", async () => {
    const page = await rig.browser.newPage();
    await page.route("**/dist/browser/worker.js", (r) => r.fulfill({ status: 404, body: "not found" }));
    await page.goto(`${rig.base}/examples/web/index.html?sizes=4K&bursts=1&workers=1&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 30_000 });
    const status = await page.locator("#status").textContent();
    expect(status).toMatch(/^error: job memcpy size=4K burst=1: dmasim worker failed: .*\/dist\/browser\/worker\.js/);
    expect(status).not.toMatch(/undefined/);
    expect(await page.locator("#run").isEnabled()).toBe(true);
  }, 60_000);

  it("fails a sweep whose worker closes itself, naming the job, instead of waiting for it forever", async () => {
    const page = await rig.browser.newPage();
    await page.goto(`${rig.base}/examples/web/index.html`);
    // One worker: job n=2 closes it, so job n=3 would be sent to a worker that is gone. A string,
    // not a function: vitest would rewrite a function's import() for Node.
    const error = await page.evaluate(`(async () => {
      const { runSweep } = await import("/dist/browser/dmasim.js");
      const source = "export function run(s, p) { if (p.n === 2) self.close(); return p.n; }";
      const scenario = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      return runSweep({ scenario, grid: { n: [1, 2, 3] }, workers: 1 }).then(() => "no error", (e) => e.message);
    })()`);
    expect(error).toMatch(/^job blob:\S+ n=2: dmasim worker closed itself \(close\(\) in the worker\)$/);
  }, 60_000);

  it("fails a sweep whose worker's answer is lost (messageerror) or that throws outside any call, naming the job, and ends that worker", async () => {
    const page = await rig.browser.newPage();
    // The page's Workers, kept where the test can reach them: Chromium gives a page no plain way
    // to make a worker's message undeserializable, so the test fires that messageerror itself.
    await page.addInitScript(`{
      const Native = window.Worker;
      window.testWorkers = [];
      window.Worker = class extends Native {
        constructor(...a) { super(...a); this.ended = false; window.testWorkers.push(this); }
        terminate() { this.ended = true; super.terminate(); }
      };
    }`);
    await page.goto(`${rig.base}/examples/web/index.html`);
    // Each sweep is bounded, so that a regression fails here instead of hanging the run.
    const outcome = await page.evaluate(`(async () => {
      const { runSweep, WorkerPool } = await import("/dist/browser/dmasim.js");
      const bounded = (p) => Promise.race([p.then(() => "no error", (e) => e.message),
        new Promise((r) => setTimeout(r, 10000, "still waiting after 10 s"))]);
      const module = (source) => URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      // Tells the page once its job runs, and never answers.
      const hangs = module("export function run() { self.postMessage('job started'); return new Promise(() => {}); }");
      const started = (w) => new Promise((r) => w.addEventListener("message", (e) => e.data === "job started" && r()));
      const throwsLater = module("export function run() { setTimeout(() => { throw new Error('boom'); }); return new Promise(() => {}); }");

      const pool = await WorkerPool.create(1);
      const worker = window.testWorkers.at(-1);
      const lost = bounded(runSweep({ scenario: hangs, grid: { n: [7] }, pool }));
      await bounded(started(worker));
      worker.dispatchEvent(new MessageEvent("messageerror"));
      const lostError = await lost;
      const again = await bounded(runSweep({ scenario: "memcpy", grid: { size: ["4K"] }, pool }));

      const pool2 = await WorkerPool.create(1);
      const worker2 = window.testWorkers.at(-1);
      const thrown = await bounded(runSweep({ scenario: throwsLater, grid: { n: [9] }, pool: pool2 }));
      const out = { lostError, again, lostEnded: worker.ended, thrown, thrownEnded: worker2.ended };
      await pool.close();
      await pool2.close();
      return out;
    })()`);
    const message = "a message from the dmasim worker could not be read \\(messageerror\\); the worker was ended";
    expect(outcome).toEqual({
      lostError: expect.stringMatching(new RegExp(`^job blob:\\S+ n=7: ${message}$`)),
      // The pool's worker is gone: the next sweep on it runs on a new one, as on Node.
      again: "no error",
      lostEnded: true,
      thrown: expect.stringMatching(/^job blob:\S+ n=9: dmasim worker failed: Uncaught Error: boom$/),
      thrownEnded: true,
    });
  }, 60_000);

  it("fails the job of a worker the browser ended without a word, keeps the other rows, and runs the next sweep", async () => {
    const page = await rig.browser.newPage();
    // Chromium fires no event on a Worker that is terminated: the test ends the page's first
    // worker itself (the native terminate(), past dmasim) as soon as it has been sent its second
    // job, as a browser that killed it would. The longest job runs first: 64K, then 4K, then 1K.
    // The page learns of that end only through the life lock the worker says it holds, and a
    // busy machine can grant the worker its lock late (after its first job): the test holds that
    // notice back for 300 ms, longer than the 64K job takes, and a worker ended meanwhile never
    // sends it. So the page must not send a job before the notice has reached it; the log says
    // in what order the first worker was told and sent things.
    await page.addInitScript(`{
      const Native = window.Worker;
      let first = true;
      window.firstWorker = [];
      window.Worker = class extends Native {
        constructor(...a) {
          super(...a);
          this.jobs = first ? 0 : -Infinity;
          if (first) this.addEventListener("message", (e) => {
            const name = e.data && e.data.dmasimWorkerLifeLock;
            if (!name || this.released) return;
            e.stopImmediatePropagation();
            window.firstWorker.push("life lock notice held back");
            setTimeout(() => {
              if (this.ended) return window.firstWorker.push("life lock notice lost: the worker was ended first");
              this.released = true;
              window.firstWorker.push("life lock notice delivered");
              this.dispatchEvent(new MessageEvent("message", { data: e.data }));
            }, 300);
          });
          first = false;
        }
        postMessage(m, ...rest) {
          super.postMessage(m, ...rest);
          if (!(m && m.path && m.path[0] === "runJob" && this.jobs >= 0)) return;
          window.firstWorker.push("job " + m.argumentList[0].value.params.size);
          if (++this.jobs === 2) {
            Native.prototype.terminate.call(this);
            this.ended = true;
            window.firstWorker.push("ended");
          }
        }
      };
    }`);
    /** Waits for the sweep's result or error; a page still waiting says where it stood. */
    const sweepEnded = async (what: string) => {
      try {
        await page.waitForFunction(() => (window as any).dmasimResult || (window as any).dmasimError, null, { timeout: 20_000 });
      } catch (e) {
        const status = await page.locator("#status").textContent();
        const log = await page.evaluate(() => (window as any).firstWorker);
        throw new Error(`${what}: no result or error after 20 s; status ${JSON.stringify(status)}; the first worker: ${JSON.stringify(log)}`, { cause: e });
      }
    };
    await page.goto(`${rig.base}/examples/web/index.html?sizes=1K,4K,64K&bursts=1&workers=1&auto=1`);
    await sweepEnded("the sweep whose worker is ended");
    expect(await page.evaluate(() => (window as any).firstWorker)).toEqual([
      "life lock notice held back", "life lock notice delivered", "job 64K", "job 4K", "ended",
    ]);
    const ended = "dmasim worker ended without a word (its life lock was released: the browser ended it, or terminate() was called on it)";
    expect(await page.locator("#status").textContent()).toBe(`error: job memcpy size=4K burst=1: ${ended}`);
    // A new worker took the ended one's place for the last job.
    const cells = await page.locator("#table tr").evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(cells.map((c) => c.slice(0, 2))).toEqual([["1K", "1"], ["4K", "1"], ["64K", "1"]]);
    expect([cells[0][4], cells[1][2], cells[2][4]]).toEqual(["ok", ended, "ok"]);
    expect(await page.locator("#run").isEnabled()).toBe(true);
    await page.evaluate(() => ((window as any).dmasimError = undefined));
    await page.click("#run");
    await sweepEnded("the next sweep");
    expect(await page.locator("#status").textContent()).toMatch(/^done: 3 jobs on 1 workers/);
  }, 60_000);

  it("says that the browser would not grow a job's wasm memory instead of an anonymous trap, and keeps the other rows", async () => {
    // The page offers no DRAM size, and Chromium grows a memory to 3.5 GiB here: a browser started
    // with wasm memories capped at 1 GiB stands in for one that cannot give more.
    const capped = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--js-flags=--wasm-max-mem-pages=16384"] });
    try {
      const page = await capped.newPage();
      await page.goto(`${rig.base}/examples/web/index.html`);
      const rows = await page.evaluate(`(async () => {
        const { runSweep } = await import("/dist/browser/dmasim.js");
        const sweep = (memory) => runSweep({ scenario: "memcpy", system: { memory }, grid: { size: ["4K"] }, workers: 1 });
        return Promise.all(["2G", "256M"].map((m) => sweep(m).then((r) => "ok", (e) => e.partial.rows[0].error)));
      })()`);
      expect(rows).toEqual([
        "2048 MiB of DRAM: the host would not grow the emulator's wasm memory for the bank at 0x0 (RangeError: WebAssembly.Memory.grow(): Unable to grow instance memory); use a smaller --memory",
        "ok",
      ]);
    } finally {
      await capped.close();
    }
  }, 60_000);
});

describe("browser page: the Demo and Bugs views (Chromium)", () => {
  it("prints the demo as `dmasim demo` prints it for the same board, one run for two clicks, with an indeterminate progress bar meanwhile", async () => {
    const node = cli(["demo", "--board", "arm64-ref"]);
    const { page, errors } = await pageCountingWorkers();
    await page.goto(`${rig.base}/examples/web/index.html?view=demo&board=arm64-ref`);
    expect(await page.getByRole("region", { name: "Demo" }).isVisible()).toBe(true);
    expect(await page.getByRole("region", { name: "Sweep" }).isVisible()).toBe(false);
    // Both submits at once: the second is dropped, not run over the first.
    const during = await page.evaluate(() => {
      document.getElementById("demo-run")!.click();
      (document.getElementById("demo-form") as HTMLFormElement).requestSubmit();
      return {
        status: document.getElementById("demo-status")!.textContent,
        value: document.getElementById("demo-progress")!.getAttribute("value"),
        disabled: (document.getElementById("demo-run") as HTMLButtonElement).disabled,
      };
    });
    expect(during).toEqual({ status: "running the demo on arm64-ref (modern kernel)…", value: null, disabled: true });
    await settled(page);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const { stdout, status } = await node;
    expect(status).toBe(0);
    expect(stdout).toMatch(/^dmasim demo: 1 MiB PL330 memcpy on /);
    // console.log ends the CLI's text with a newline; the page's <pre> holds the text itself.
    expect((await page.locator("#demo-output").textContent()) + "\n").toBe(stdout);
    expect(await page.getByRole("status").textContent()).toMatch(/^done: the demo on arm64-ref \(modern kernel\) in \d+\.\d s$/);
    expect(await page.locator("#demo-run").isEnabled()).toBe(true);
    expect(await page.evaluate(() => (window as any).workersMade)).toBe(1);
    expect(errors).toEqual([]);
  }, 90_000);

  it("runs a bug kind on its own System as `dmasim run bug` does, chosen from the nav and the form", async () => {
    const node = cli(["run", "bug", "--param", "kind=dma-ranges"]);
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${rig.base}/examples/web/index.html`);
    // A bare address opens the Demo; the nav switches views and names the one shown in the address.
    expect(await page.getByRole("region", { name: "Demo" }).isVisible()).toBe(true);
    await page.getByRole("navigation", { name: "views" }).getByRole("link", { name: "Bugs" }).click();
    expect(new URL(page.url()).search).toBe("?view=bugs");
    expect(await page.getByRole("region", { name: "Demo" }).isVisible()).toBe(false);
    const bugs = page.getByRole("region", { name: "Bugs" });
    await bugs.getByLabel("kind", { exact: true }).selectOption("dma-ranges");
    // dma-ranges needs a bus that offsets DMA addresses: bugSystem's arm64-dma-offset.
    expect(await bugs.getByLabel("board", { exact: true }).locator("option:checked").textContent()).toBe("the kind's own (arm64-dma-offset)");
    await bugs.getByRole("button", { name: "Run bug" }).click();
    await settled(page);
    expect(await page.evaluate(() => (window as any).dmasimError ?? null)).toBeNull();
    const { stdout, status } = await node;
    expect(status).toBe(0);
    // The heading names the board the kind chose (arm64-dma-offset.dts's model), as the page does.
    expect(stdout).toMatch(/^dmasim run: bug \(kind=dma-ranges\) on dmasim arm64 board with a DMA bus offset \(modern kernel\)\n\nkind +dma-ranges\nsymptom /);
    expect((await page.locator("#bug-output").textContent()) + "\n").toBe(stdout);
    expect(await bugs.getByRole("status").textContent()).toMatch(/^done: bug dma-ranges on arm64-dma-offset in /);
    expect(errors).toEqual([]);
  }, 60_000);

  it("shows the kernel's refusal in the CLI's words and keeps no stale text: the demo too large to allocate, an unknown bug kind from the address", async () => {
    const node = cli(["demo", "--size", "100M"]);
    const page = await rig.browser.newPage();
    await page.goto(`${rig.base}/examples/web/index.html?view=demo&size=4K&auto=1`);
    await settled(page);
    expect(await page.locator("#demo-output").textContent()).toMatch(/^dmasim demo: 4 KiB /);
    await page.fill("#demo-size", "100M");
    await page.click("#demo-run");
    await page.waitForFunction(() => (window as any).dmasimError !== undefined, null, { timeout: 30_000 });
    const { stderr, status } = await node;
    expect([status, stderr]).toEqual([1, "dmasim: error: -ENOMEM: dma_alloc_coherent(104857600) failed\n"]);
    expect(await page.locator("#demo-status").textContent()).toBe("error: -ENOMEM: dma_alloc_coherent(104857600) failed");
    expect(await page.locator("#demo-output").textContent()).toBe("");
    expect(await page.locator("#demo-run").isEnabled()).toBe(true);

    const kinds = (await cli(["run", "bug", "--param", "kind=nope"])).stderr;
    await page.goto(`${rig.base}/examples/web/index.html?view=bugs&kind=nope&auto=1`);
    await settled(page, 30_000);
    expect(`dmasim: ${await page.locator("#bug-status").textContent()}\n`).toBe(kinds);
    expect(kinds).toMatch(/^dmasim: error: unknown bug kind "nope" \(known: missing-sync, /);
  }, 60_000);
  it("keeps every view's form edits across a reload, in the address, without running them", async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // The page's own location: page.url() learns of a replaceState only a moment later.
    const search = () => page.evaluate(() => location.search);
    await page.goto(`${rig.base}/examples/web/index.html?view=demo`);
    const demo = page.getByRole("region", { name: "Demo" });
    await demo.getByLabel("board", { exact: true }).selectOption("arm64-ref");
    await demo.getByLabel("kernel", { exact: true }).selectOption("v4.9");
    await demo.getByLabel("size", { exact: true }).fill("64K");
    // Only what differs from the page's own choices, in applyQuery's words.
    expect(await search()).toBe("?view=demo&board=arm64-ref&kernel=v4.9&size=64K");
    await page.reload();
    expect(await demo.isVisible()).toBe(true);
    const demoValues = () => Promise.all(["#demo-board", "#demo-kernel", "#demo-size"].map((id) => page.inputValue(id)));
    expect(await demoValues()).toEqual(["arm64-ref", "v4.9", "64K"]);
    expect(await page.locator("#demo-status").textContent()).toBe("idle");

    // The Bugs view: a kind and a kernel chosen, the board left at the kind's own. The Demo's
    // choices stay in the address under its name (its board and kernel are not the Bugs view's).
    await page.getByRole("link", { name: "Bugs" }).click();
    expect(await search()).toBe("?view=bugs&demo.board=arm64-ref&demo.kernel=v4.9&demo.size=64K");
    const bugs = page.getByRole("region", { name: "Bugs" });
    await bugs.getByLabel("kind", { exact: true }).selectOption("dma-ranges");
    await bugs.getByLabel("kernel", { exact: true }).selectOption("v4.9");
    await page.waitForFunction(() => location.search.includes("&kernel=v4.9&"));
    await page.reload();
    expect(await search()).toBe("?view=bugs&kind=dma-ranges&kernel=v4.9&demo.board=arm64-ref&demo.kernel=v4.9&demo.size=64K");
    expect(await bugs.isVisible()).toBe(true);
    expect(await bugs.getByLabel("kind", { exact: true }).inputValue()).toBe("dma-ranges");
    expect(await bugs.getByLabel("kernel", { exact: true }).inputValue()).toBe("v4.9");
    expect(await bugs.getByLabel("board", { exact: true }).locator("option:checked").textContent()).toBe("the kind's own (arm64-dma-offset)");
    expect(await page.locator("#bug-status").textContent()).toBe("idle");
    // The reload kept the hidden Demo's choices too.
    expect(await demoValues()).toEqual(["arm64-ref", "v4.9", "64K"]);

    // The Sweep view the same way: lists keep their commas, swiotlb its kernel-parameter text.
    await page.getByRole("link", { name: "Sweep" }).click();
    await page.fill("#sizes", "8K,16K");
    await page.check("input[value=pool]");
    await page.fill("#swiotlb-slabs", "64");
    // The address is written on each input event; wait for the last one before reloading (a
    // reload racing it once lost the swiotlb field on a loaded machine).
    await page.waitForFunction(() => location.search.includes("swiotlb=64"));
    await page.reload();
    expect(await search()).toBe("?view=sweep&swiotlb=64&sizes=8K,16K&buffers=coherent,pool" +
      "&demo.board=arm64-ref&demo.kernel=v4.9&demo.size=64K&bugs.kind=dma-ranges&bugs.kernel=v4.9");
    expect([await page.inputValue("#sizes"), await page.inputValue("#swiotlb-slabs"), await page.isChecked("input[value=pool]")]).toEqual(["8K,16K", "64", true]);
    expect(await page.locator("#status").textContent()).toBe("idle");
    expect(await page.getByRole("alert").isVisible()).toBe(false);

    // Back to the Demo: its choices, and the other two views' under their names.
    await page.getByRole("link", { name: "Demo" }).click();
    expect(await demoValues()).toEqual(["arm64-ref", "v4.9", "64K"]);
    expect(await search()).toBe("?view=demo&board=arm64-ref&kernel=v4.9&size=64K" +
      "&bugs.kind=dma-ranges&bugs.kernel=v4.9&sweep.swiotlb=64&sweep.sizes=8K,16K&sweep.buffers=coherent,pool");
    expect([await page.inputValue("#bug-kind"), await page.inputValue("#bug-kernel"), await page.inputValue("#sizes")]).toEqual(["dma-ranges", "v4.9", "8K,16K"]);
    // The Demo's DMA-API debug box, as the Bugs view's: dma-debug=1 in the address, kept on reload.
    await demo.getByLabel("DMA-API debug").check();
    await page.waitForFunction(() => location.search.startsWith("?view=demo&board=arm64-ref&kernel=v4.9&size=64K&dma-debug=1&"));
    await page.reload();
    expect(await demo.getByLabel("DMA-API debug").isChecked()).toBe(true);
    expect(await page.locator("#demo-status").textContent()).toBe("idle");
    expect(errors).toEqual([]);
  }, 60_000);

  it("gives the CLI's advice in the form's words: the kind's own board, not --board; the Demo's size field, not --size", async () => {
    const node = cli(["run", "bug", "--param", "kind=mask-overflow", "--board", "arm64-ref"]);
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${rig.base}/examples/web/index.html?view=bugs&kind=mask-overflow&board=arm64-ref&auto=1`);
    await settled(page);
    const { stdout } = await node;
    // The CLI's advice, and the page's for the same run: the rest of the text is the CLI's.
    const cliAdvice = "; run it without --board (arm64-highmem, RAM above 4 GiB, no swiotlb)\n";
    const pageAdvice = "; choose the kind's own board (arm64-highmem, RAM above 4 GiB, no swiotlb)\n";
    expect(stdout).toContain(cliAdvice);
    const shown = await page.locator("#bug-output").textContent();
    expect(shown + "\n").toBe(stdout.replace(cliAdvice, pageAdvice));
    expect(shown).not.toMatch(/--\w/);

    // unchecked-map-error on a board chosen: the CLI's --dma-debug is the form's box, which a
    // reload keeps, and which turns DMA-API debug on as --dma-debug does.
    const debugged = cli(["run", "bug", "--param", "kind=unchecked-map-error", "--board", "zynq-7000", "--dma-debug"]);
    await page.goto(`${rig.base}/examples/web/index.html?view=bugs&kind=unchecked-map-error&board=zynq-7000&auto=1`);
    await settled(page);
    expect((await page.locator("#bug-output .field", { hasText: /^symptom / }).textContent())?.trimEnd()).toMatch(/^symptom +no report: DMA-API debug is off on this System, and only it reports an unchecked mapping; check DMA-API debug, or choose the kind's own board$/);
    await page.getByRole("region", { name: "Bugs" }).getByLabel("DMA-API debug").check();
    await page.waitForFunction(() => location.search.includes("dma-debug=1"));
    await page.reload();
    expect(await page.isChecked("#bug-dma-debug")).toBe(true);
    await page.click("#bug-run");
    await settled(page);
    expect((await page.locator("#bug-output").textContent()) + "\n").toBe((await debugged).stdout);
    // The Demo's 1 MiB on arm64-highmem is more than its swiotlb slots map (128 × 2 KiB).
    await page.goto(`${rig.base}/examples/web/index.html?view=demo&board=arm64-highmem&auto=1`);
    await page.waitForFunction(() => (window as any).dmasimError !== undefined, null, { timeout: 30_000 });
    expect(await page.locator("#demo-status").textContent()).toBe(
      "error: 1 MiB is more than ff6e0000.dma-controller can map on this board (dma_max_mapping_size 256 KiB: buffers bounce through swiotlb); give size 256K");
    expect(errors).toEqual([]);
  }, 60_000);

  it("takes a lecturer's link as dmasim run bug takes its options: the kernel, a kind on a tree of its own, parameters it ignores named, long lines wrapped", async () => {
    const node = cli(["run", "bug", "--param", "kind=missing-sync", "--kernel", "v4.9"]);
    const page = await rig.browser.newPage({ viewport: { width: 1000, height: 800 } });
    // kernel= was dropped without a word (the run was the modern kernel's); kinds= is a typo.
    await page.goto(`${rig.base}/examples/web/index.html?view=bugs&kind=missing-sync&kernel=v4.9&kinds=coherent-read&auto=1`);
    await settled(page);
    expect(await page.getByRole("alert").textContent()).toBe('the Bugs view ignores "kinds" in the address (it reads kind, board, kernel, dma-debug and auto)');
    expect(await page.locator("#bug-status").textContent()).toMatch(/^done: bug missing-sync on zynq-7000, v4.9 kernel in /);
    expect((await page.locator("#bug-output").textContent()) + "\n").toBe((await node).stdout);
    // The kernel choice names what "the kind's own" is, and what a chosen board leaves.
    const kernelChoice = page.getByRole("region", { name: "Bugs" }).getByLabel("kernel", { exact: true });
    await page.selectOption("#bug-kind", "invalidate-only-before");
    expect(await kernelChoice.locator("option").first().textContent()).toBe("the kind's own (v4.9)");
    await page.selectOption("#bug-board", "arm64-ref");
    expect(await kernelChoice.locator("option").first().textContent()).toBe("the board's default (modern)");

    // wrong-request-line boots a tree of its own: the page named no System ("the kind's own ()", "on  in").
    const tree = cli(["run", "bug", "--param", "kind=wrong-request-line"]);
    await page.goto(`${rig.base}/examples/web/index.html?view=bugs&kind=wrong-request-line&auto=1`);
    await settled(page);
    expect(await page.locator("#bug-board option:checked").textContent()).toBe("the kind's own (zynq-7000-wrong-request-line.dtb)");
    expect(await page.locator("#bug-status").textContent()).toMatch(/^done: bug wrong-request-line on zynq-7000-wrong-request-line\.dtb in /);
    expect(await page.getByRole("alert").isVisible()).toBe(false);
    // The symptom (several hundred characters) wraps inside the page under its value column
    // instead of running past the right edge, and the text is still the CLI's.
    expect((await page.locator("#bug-output").textContent()) + "\n").toBe((await tree).stdout);
    const box = await page.locator("#bug-output").evaluate((pre) => ({ scroll: pre.scrollWidth, client: pre.clientWidth }));
    expect(box.scroll).toBe(box.client);
    const symptom = page.locator("#bug-output .field", { hasText: /^symptom / });
    expect((await symptom.boundingBox())!.height).toBeGreaterThan(3 * 15);

    // A Demo link with the Sweep's parameters: the run is the demo's, and the page says what it left out.
    await page.goto(`${rig.base}/examples/web/index.html?view=demo&size=4K&buffers=coherent`);
    expect(await page.getByRole("alert").textContent()).toBe('the Demo view ignores "buffers" in the address (it reads board, kernel, size, dma-debug and auto)');
    // Another view's field under its name, misspelt: named with that view's fields.
    await page.goto(`${rig.base}/examples/web/index.html?view=demo&bugs.kinds=coherent-read&bugs.kernel=v4.9`);
    expect(await page.getByRole("alert").textContent()).toBe('the Bugs view ignores "bugs.kinds" in the address (it reads bugs.kind, bugs.board, bugs.kernel and bugs.dma-debug)');
    expect(await page.inputValue("#bug-kernel")).toBe("v4.9");
    await page.getByRole("link", { name: "Bugs" }).click();
    expect(await page.getByRole("alert").isVisible()).toBe(false);
    expect(await page.getByRole("group").count()).toBe(0);
    expect(await page.getByText("How to read it").count()).toBe(1);
  }, 60_000);
});
