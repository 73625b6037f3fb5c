// Debian's Chromium, headless, driven by playwright-core (browser downloads are blocked here;
// .ci/run installs the package), and the repository served on localhost for it: what the
// browser tests share. `useChromium()` sets both up around a test file.

import { afterAll, beforeAll } from "vitest";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Server } from "node:http";
import { chromium, type Browser } from "playwright-core";
import { serveStatic } from "../../src/tools/static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ChromiumRig {
  /** The repository root's URL on localhost. */
  base: string;
  browser: Browser;
}

export function useChromium(): ChromiumRig {
  const rig = {} as ChromiumRig;
  let server: Server | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
    let url: string;
    ({ server, url } = await serveStatic(root));
    rig.base = url;
    rig.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);
  afterAll(async () => {
    await rig.browser?.close();
    await new Promise((r) => server?.close(r));
  });
  return rig;
}
