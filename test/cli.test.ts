// The command line and the package entry point, as a user runs them (from dist/, which
// `npm test` builds first).

import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./helpers/temp-dir.js";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
}

describe("dmasim CLI", () => {
  it("prints the demo table and the stale-data line", () => {
    const r = run(["demo", "--size", "256K"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/DMA memcpy/);
    expect(r.stdout).toMatch(/stale bytes/);
  });

  it("runs the demo in a worker thread (--worker) with the same result and provenance as in its own thread", () => {
    const args = ["demo", "--size", "4K", "--board", "arm64-ref", "--kernel", "v4.9", "--json"];
    const local = run(args), remote = run([...args, "--worker"]);
    expect(remote.stderr).toBe("");
    expect(remote.status).toBe(0);
    expect(JSON.parse(remote.stdout).provenance).toEqual({
      board: "arm64-ref", model: "dmasim arm64 reference board", profile: "arm64", kernel: "v4.9",
      options: {}, dmasim: "0.1.0",
    });
    expect(remote.stdout).toBe(local.stdout);
  });

  it("gives one line, not a stack trace, for a file that is not a DTB", () => {
    const dir = tempDir("dmasim-");
    const f = join(dir, "board.dtb");
    // Binary (a NUL byte) without the blob magic: a damaged blob, named as one.
    writeFileSync(f, "not \0a device tree");
    const r = run(["demo", "--dtb", f]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/board\.dtb: bad magic 0x6e6f7420 .* not a device tree blob/);
  });

  it("reads any other text as .dts source, as dtc does, and says what it lacks in one line", () => {
    const dir = tempDir("dmasim-");
    const f = join(dir, "board.dtb");
    writeFileSync(f, "not a device tree");
    const r = run(["demo", "--dtb", f]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`dmasim: error: ${f}:1:1: missing /dts-v1/; at the start: dmasim reads version 1 .dts source (as dtc does)\n`);
  });

  it("gives one line for a tree without a memory node", () => {
    const r = run(["demo", "--dtb", join(root, "../shared/devicetree/rk3399-rockpro64.dtb")]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/memory/);
  });

  it("rejects unknown commands and options with usage errors", () => {
    expect(run(["frobnicate"]).stderr).toMatch(/unknown command "frobnicate"/);
    expect(run(["demo", "--kernel", "2.6"]).stderr).toMatch(/--kernel must be modern or v4.9/);
  });

  it("imports from a plain Node ESM script by package name", () => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
      import { createSystem, dma_alloc_coherent, dma_map_single, DMA_TO_DEVICE, GFP_KERNEL } from 'dmasim';
      const s = await createSystem({ board: 'zynq-7000' });
      const dev = s.device('f8003000.dma-controller');
      const buf = dma_alloc_coherent(dev, 4096, GFP_KERNEL);
      const va = s.kernel.kmalloc(4096, GFP_KERNEL);
      console.log(typeof buf.dmaAddr, dma_map_single(dev, va, 4096, DMA_TO_DEVICE) > 0, DMA_TO_DEVICE);
    `], { encoding: "utf8", cwd: root });
    expect(out.trim()).toBe("number true 1");
  });
});
