// A Web Worker whose script fails while it loads, in Chromium: the pool's job and a worker
// System's creation reject saying so (the worker script's URL and what happened) instead of
// waiting for ever, and once the script is right again the same pool runs jobs on a new worker.
// The page is the package's browser bundle on a blank page (window.dmasim); the worker script is replaced by
// the test (Playwright's routing) or the worker ended at its birth (a wrapped Worker).

import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { useChromium } from "../helpers/chromium.js";

const rig = useChromium();

const BLANK = "/worker-start-test.html";
const WORKER_JS = "/dist/browser/worker.js";

/** A blank page of the served package that keeps its uncaught errors (an unhandled rejection
 *  among them) and console errors; `window.killWorkersAtBirth` makes each new Worker end at once,
 *  as a browser may end one while its script loads. */
async function blankPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await rig.browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // The 404 of the failing script is the test's own doing.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource: the server responded with a status of 404")) errors.push(m.text());
  });
  await page.route(rig.base + BLANK, (r) =>
    r.fulfill({
      contentType: "text/html",
      body: '<!doctype html><title>worker start</title><script type="module">window.dmasim = await import("/dist/browser/dmasim.js");</script>',
    }),
  );
  await page.addInitScript(`{
    const Native = window.Worker;
    window.Worker = class extends Native { constructor(...a) { super(...a); if (window.killWorkersAtBirth) this.terminate(); } };
  }`);
  await page.goto(rig.base + BLANK);
  await page.waitForFunction(() => (window as any).dmasim);
  return { page, errors };
}

/** The worker script as `body` (a 404 if null) until the test routes it back. */
function breakWorkerScript(page: Page, body: string | null): Promise<void> {
  return page.route(rig.base + WORKER_JS, (r) =>
    body === null ? r.fulfill({ status: 404, body: "not found" }) : r.fulfill({ contentType: "text/javascript", body }),
  );
}

interface Outcome {
  /** How the pool's one job ended: its result's `ok`, or its error's message. */
  job: unknown;
  /** How createSystem({ worker: true }) ended: "created" or its error's message. */
  system: string;
  ms: number;
}

/** In the page: a pool of one (with `startTimeoutMs`) made and kept as window.pool, one memcpy
 *  job run on it, and a worker System created. */
function runBroken(page: Page, startTimeoutMs?: number): Promise<Outcome> {
  return page.evaluate(async (startTimeoutMs) => {
    const dmasim = (window as any).dmasim;
    const t0 = performance.now();
    const pool = await dmasim.WorkerPool.create(1, startTimeoutMs ? { startTimeoutMs } : {});
    (window as any).pool = pool;
    const job = await pool.runAll([{ system: {}, scenario: "memcpy", params: { size: "4K" } }]).then(
      ([r]: any[]) => r.ok,
      (e: Error) => e.message,
    );
    const system = await dmasim.createSystem({ worker: true }).then(
      async (s: any) => (await s.close(), "created"),
      (e: Error) => e.message,
    );
    return { job, system, ms: performance.now() - t0 };
  }, startTimeoutMs);
}

/** In the page: the same pool's next run, once the script is right again. */
function runAgain(page: Page): Promise<{ ok: unknown; alive: number }> {
  return page.evaluate(async () => {
    const pool = (window as any).pool;
    const [r] = await pool.runAll([{ system: {}, scenario: "memcpy", params: { size: "4K" } }]);
    const alive = pool.alive;
    await pool.close();
    return { ok: r.ok, alive };
  });
}

describe("a Web Worker that fails while it loads (Chromium)", () => {
  const reported: [string, string | null, string][] = [
    ["a worker script that 404s", null, "cannot load URL"],
    ["a worker script that throws at its top level", 'throw new Error("a broken worker build");', "Uncaught Error: a broken worker build"],
    ["a worker script whose import fails", 'import "./no-such-chunk.js";', "cannot load URL"],
  ];
  for (const [what, body, why] of reported) {
    it(`${what}: the job and the worker System fail at once naming it, and the pool then runs on a new worker`, async () => {
      const { page, errors } = await blankPage();
      await breakWorkerScript(page, body);
      const url = rig.base + WORKER_JS;
      const said = `dmasim worker failed: ${why.replace("URL", url)}`;
      const broken = await runBroken(page);
      expect(broken.job).toBe(`job memcpy size=4K: ${said}`);
      expect(broken.system).toBe(said);
      expect(broken.ms).toBeLessThan(5_000);
      await page.unroute(rig.base + WORKER_JS);
      expect(await runAgain(page)).toEqual({ ok: true, alive: 1 });
      expect(errors).toEqual([]);
      await page.close();
    }, 30_000);
  }

  it("a worker that closes itself, or is ended, while its script loads (no event at all): the job fails at the start deadline, and the pool goes on", async () => {
    const url = rig.base + WORKER_JS;
    const said = `dmasim worker did not start: no word from ${url} within 400 ms (it ended or closed itself while its script loaded, ` +
      "or the script is not dmasim's worker); the worker was ended (startTimeoutMs sets the wait)";
    for (const end of ["close() at the top level", "terminate() at birth"]) {
      const { page, errors } = await blankPage();
      if (end === "close() at the top level") await breakWorkerScript(page, "close();");
      else await page.evaluate(() => ((window as any).killWorkersAtBirth = true));
      const broken = await page.evaluate(async () => {
        const dmasim = (window as any).dmasim;
        const pool = await dmasim.WorkerPool.create(1, { startTimeoutMs: 400 });
        (window as any).pool = pool;
        return pool.runAll([{ system: {}, scenario: "memcpy", params: { size: "4K" } }]).then(() => "ran", (e: Error) => e.message);
      });
      expect([end, broken]).toEqual([end, `job memcpy size=4K: ${said}`]);
      await page.unroute(rig.base + WORKER_JS);
      await page.evaluate(() => ((window as any).killWorkersAtBirth = false));
      expect(await runAgain(page)).toEqual({ ok: true, alive: 1 });
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 30_000);
});
