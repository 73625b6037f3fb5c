// Determinism in the browser: Debian's Chromium (headless, driven by playwright-core;
// test/helpers/chromium.ts) runs the same seeded scenario from the browser bundle, on the
// page's own thread and in a Web Worker, and both must give Node's fingerprint bit for bit:
// cycle counts, the silicon's statistics, the trace's digest.

import { describe, expect, it } from "vitest";
import { useChromium } from "../helpers/chromium.js";
import { createSystem } from "../../src/create.js";
import type { Fingerprint } from "../../src/sim/scenarios/fingerprint.js";

const PARAMS = { scenario: "dma-mix", transfers: 30, seed: 7 };
const rig = useChromium();

describe("determinism in the browser (Chromium)", () => {
  it("a seeded scenario's fingerprint on the page and in a Web Worker equals Node's", async () => {
    const node = await createSystem({ board: "zynq-7000" });
    const expected = node.run("fingerprint", PARAMS) as Fingerprint;
    node.dispose();

    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${rig.base}/examples/web/index.html`);
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
