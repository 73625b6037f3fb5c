// Determinism in the browser: Debian's Chromium (headless, driven by playwright-core, set up as
// test/browser/e2e.test.ts does) runs the same seeded scenario from the browser bundle, on the
// page's own thread and in a Web Worker, and both must give Node's fingerprint bit for bit:
// cycle counts, the silicon's statistics, the trace's digest.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Server } from "node:http";
import { chromium, type Browser } from "playwright-core";
import { serveStatic } from "../../src/tools/static-server.js";
import { createSystem } from "../../src/create.js";
import type { Fingerprint } from "../../src/sim/scenarios/fingerprint.js";

const CHROMIUM = "/usr/bin/chromium";
const root = fileURLToPath(new URL("../..", import.meta.url));
const PARAMS = { scenario: "dma-mix", transfers: 30, seed: 7 };

let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  ({ server, url: base } = await serveStatic(root));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe("determinism in the browser (Chromium)", () => {
  it("a seeded scenario's fingerprint on the page and in a Web Worker equals Node's", async () => {
    const node = await createSystem({ board: "zynq-7000" });
    const expected = node.run("fingerprint", PARAMS) as Fingerprint;
    node.dispose();

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/examples/web/index.html`);
    // A string, not a function: vitest would rewrite a function's import() for Node.
    const got = (await page.evaluate(`(async (params) => {
      const m = await import("/dist/browser/dmasim.js");
      const local = await m.createSystem({ board: "zynq-7000" });
      const onPage = local.run("fingerprint", params);
      local.dispose();
      const remote = await m.createSystem({ board: "zynq-7000", worker: true });
      const inWorker = await remote.run("fingerprint", params);
      await remote.dispose();
      return { onPage, inWorker };
    })(${JSON.stringify(PARAMS)})`)) as { onPage: Fingerprint; inWorker: Fingerprint };
    expect(errors).toEqual([]);
    expect(got.onPage).toEqual(expected);
    expect(got.inWorker).toEqual(expected);
  }, 90_000);
});
