// dmasim finds its wasm, boards and worker by its own module's URL (src/resources.ts). A
// consumer's bundler that copies it into their own file moves that URL away from the package's
// folder: the first file it then loads fails, and the error has to say why and what to do.

import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundledAwayAdvice } from "../../src/resources.js";

const root = new URL("../../", import.meta.url);

describe("bundledAwayAdvice", () => {
  it("is empty where the module sits in the package: src/, dist/src/, dmasim's own bundles", () => {
    for (const url of [
      "file:///repo/src/resources.ts",
      "file:///app/node_modules/dmasim/dist/src/resources.js",
      "http://localhost:5173/node_modules/dmasim/dist/browser/chunk-YT4XLLC5.js",
      "http://localhost:5173/node_modules/dmasim/dist/browser/dmasim.js?v=1",
      "file:///app/node_modules/dmasim/dist/node/worker.js",
    ]) expect(bundledAwayAdvice(url), url).toBe("");
  });

  it("names the bundle and says to keep dmasim out of it, anywhere else", () => {
    const url = "http://localhost:5173/node_modules/.vite/deps/dmasim.js?v=4a622778";
    const advice = bundledAwayAdvice(url);
    expect(advice).toContain(`dmasim was bundled into ${url}, away from its package's folder`);
    expect(advice).toContain("esbuild --external:dmasim");
    expect(advice).toContain("Vite optimizeDeps.exclude");
    expect(advice).toContain('mapping "dmasim" to node_modules/dmasim/dist/browser/dmasim.js');
    expect(bundledAwayAdvice("file:///app/out/page.js")).toContain("dmasim was bundled into file:///app/out/page.js");
  });
});

describe("dmasim bundled into a consumer's file", () => {
  it("fails createSystem with the advice, not a bare ENOENT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dmasim-bundled-"));
    try {
      const entry = join(dir, "entry.mjs"), out = join(dir, "app.mjs");
      const index = new URL("dist/src/index.js", root).pathname;
      writeFileSync(entry, `export { createSystem } from ${JSON.stringify(index)};\n`);
      execFileSync(join(new URL("node_modules/.bin/esbuild", root).pathname),
        [entry, "--bundle", "--platform=node", "--format=esm", `--outfile=${out}`, "--log-level=error"]);
      const { createSystem } = await import(pathToFileURL(out).href);
      const error = await createSystem({ board: "zynq-7000" }).then(() => undefined, (e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(/^ENOENT: no such file or directory, open '.*examples\/boards\/zynq-7000\.dtb': /);
      expect(error.message).toContain(`dmasim was bundled into ${pathToFileURL(out).href}, away from its package's folder`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
