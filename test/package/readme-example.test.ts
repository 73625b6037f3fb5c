// The README's API example is the first code a newcomer runs: it is run here as they would run
// it, a module of its own importing "dmasim" (the built package, dist/), and what it prints is
// checked against what the README's comments promise.

import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { formatWithOptions } from "node:util";

const root = new URL("../../", import.meta.url);

/** The first ```js block under "## API". */
function apiExample(): string {
  const readme = readFileSync(new URL("README.md", root), "utf8");
  const api = readme.slice(readme.indexOf("\n## API\n"));
  const m = /```js\n([\s\S]*?)```/.exec(api);
  if (!m) throw new Error("README: no ```js block under ## API");
  return m[1];
}

describe("the README's API example", () => {
  it("imports only from \"dmasim\" and prints a completed copy of 0x5a bytes", async () => {
    const code = apiExample();
    const imports = [...code.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    expect(imports).toEqual(["dmasim"]);

    const dir = mkdtempSync(join(tmpdir(), "dmasim-readme-"));
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(formatWithOptions({ colors: false }, ...args));
    try {
      const file = join(dir, "example.mjs");
      const index = pathToFileURL(new URL("dist/src/index.js", root).pathname).href;
      writeFileSync(file, code.replace('from "dmasim"', `from ${JSON.stringify(index)}`));
      await import(pathToFileURL(file).href);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }

    // console.log(done === DMA_COMPLETE, system.now(), "ps"), then the first four bytes copied.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^true [1-9]\d* ps$/);
    expect(lines[1]).toBe("Uint8Array(4) [ 90, 90, 90, 90 ]");
    // The README quotes the second line as a comment beside the call that prints it.
    expect(code).toContain("// Uint8Array(4) [ 90, 90, 90, 90 ]");
  });
});
