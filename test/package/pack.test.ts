// What a consumer gets from `npm pack` (a CI's tarball, or a git dependency): the files the
// package loads at run time, and the packages its shipped code imports.
import { describe, it, expect, beforeAll } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";

const root = new URL("../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
let files: Set<string>;

beforeAll(() => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000,
  });
  files = new Set((JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path));
}, 60_000);

describe("npm pack", () => {
  it("holds the wasm builds, the board blobs, the worker bundle, the CLI and the types", () => {
    const needed = [
      "build/release/dmasim.wasm", "build/debug/dmasim.wasm",
      "examples/boards/zynq-7000.dtb", "examples/boards/arm64-ref.dtb",
      "examples/boards/arm64-highmem.dtb", "examples/boards/arm64-dma-offset.dtb",
      "dist/node/worker.js", "dist/src/cli.js", "dist/src/index.js", "dist/src/index.d.ts",
      "package.json", "README.md",
    ];
    expect(needed.filter((f) => !files.has(f))).toEqual([]);
  });

  it("holds the browser build a page loads unbundled, its worker beside it", () => {
    const browser = [...files].filter((f) => f.startsWith("dist/browser/"));
    expect(browser).toContain("dist/browser/dmasim.js");
    expect(browser).toContain("dist/browser/worker.js");
    // The shared code of the two (esbuild --splitting): without it neither loads.
    expect(browser.some((f) => /^dist\/browser\/chunk-[A-Z0-9]+\.js$/.test(f))).toBe(true);
  });

  it("every file the exports map names is in the tarball: the Node and browser entries, the types", () => {
    const targets: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string") targets.push(v.replace(/^\.\//, ""));
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(pkg.exports);
    expect(targets).toEqual(expect.arrayContaining(["dist/src/index.d.ts", "dist/src/index.js", "dist/browser/dmasim.js"]));
    expect(targets.filter((t) => !files.has(t))).toEqual([]);
    // A bundler building for a browser (Vite, esbuild --platform=browser) picks the browser build.
    expect(pkg.exports["."].browser).toBe("./dist/browser/dmasim.js");
    // "types" first: TypeScript takes the first condition it matches.
    expect(Object.keys(pkg.exports["."])[0]).toBe("types");
    // TypeScript 5's moduleResolution "node" (node10) reads no exports map, only these.
    expect([pkg.types, pkg.main]).toEqual([pkg.exports["."].types, pkg.exports["."].default]);
    expect([pkg.types, pkg.main].map((f: string) => f.replace(/^\.\//, "")).filter((f) => !files.has(f))).toEqual([]);
  });

  it("leaves out the sources, tests and wasm text a consumer does not run", () => {
    const dev = [...files].filter((f) => /^(test|assembly|src|bench)\//.test(f) || f.endsWith(".wat"));
    expect(dev).toEqual([]);
  });

  it("every package the shipped JavaScript imports is a dependency", () => {
    const deps = new Set(Object.keys(pkg.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    for (const f of files) {
      if (!f.startsWith("dist/") || !f.endsWith(".js") || f.startsWith("dist/browser/")) continue;
      const text = readFileSync(new URL(f, root), "utf8");
      for (const m of text.matchAll(/(?:^|[;\s])(?:import|export)\s[^"';]*?from\s*"([^"]+)"|import\("([^"]+)"\)/gm)) {
        const spec = m[1] ?? m[2]!;
        if (spec.startsWith(".") || spec.startsWith("node:") || spec === "dmasim") continue;
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
        if (!deps.has(name) && !builtins.has(name)) missing.add(`${name} (${f})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
