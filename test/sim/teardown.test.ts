// withTeardown (src/sim/teardown.ts): what a scenario took is given back last-first when it ends
// or fails, a release run early is not run again, and the error a caller sees is the one that
// made the run fail.

import { describe, expect, it } from "vitest";
import { withTeardown } from "../../src/sim/teardown.js";
import { tempFile } from "../helpers/temp-dir.js";

describe("withTeardown", () => {
  it("releases in reverse order after the body returns, and returns its result", () => {
    const log: string[] = [];
    const r = withTeardown((defer) => {
      defer(() => log.push("channel"));
      defer(() => log.push("buffer"));
      log.push("body");
      return 42;
    });
    expect(r).toBe(42);
    expect(log).toEqual(["body", "buffer", "channel"]);
  });

  it("runs a release called early once, where it was called, and not again at the end", () => {
    const log: string[] = [];
    withTeardown((defer) => {
      defer(() => log.push("channel"));
      const free = defer(() => log.push("buffer"));
      free();
      log.push("after free");
      free();
    });
    expect(log).toEqual(["buffer", "after free", "channel"]);
  });

  it("when the body throws: releases what was taken so far, and the body's error is the one seen", () => {
    const log: string[] = [];
    expect(() =>
      withTeardown((defer) => {
        defer(() => log.push("channel"));
        defer(() => {
          throw new Error("release failed");
        });
        defer(() => log.push("mapping"));
        throw new RangeError("no memory");
      }),
    ).toThrow(new RangeError("no memory"));
    expect(log).toEqual(["mapping", "channel"]);
  });

  it("when a release throws after a body that succeeded: every other release still runs, then the error", () => {
    const log: string[] = [];
    expect(() =>
      withTeardown((defer) => {
        defer(() => log.push("channel"));
        defer(() => {
          throw new Error("kfree: bad pointer");
        });
        defer(() => log.push("mapping"));
        return 1;
      }),
    ).toThrow("kfree: bad pointer");
    expect(log).toEqual(["mapping", "channel"]);
  });
});

describe("the README's scenario module with withTeardown", () => {
  it("runs as `dmasim run FILE` and returns the buffer's DMA address; on a board too small for it, -ENOMEM and the channel is free", async () => {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { spawnSync } = await import("node:child_process");
    const root = new URL("../..", import.meta.url).pathname;
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const block = /A scenario that fails part way[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toContain("withTeardown");
    const file = tempFile("dmasim-", "scenario.mjs");
    writeFileSync(file, block!.replace(`from "dmasim"`, `from ${JSON.stringify(join(root, "dist/src/index.js"))}`));
    const r = spawnSync(process.execPath, [join(root, "dist/src/cli.js"), "run", file, "--json"], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).dmaAddr).toBeGreaterThan(0);

    // The module imports the built package: the System it runs on must come from there too.
    const { createSystem, dma_request_chan_by_mask, dma_release_channel } = await import(join(root, "dist/src/index.js"));
    const mod = await import(file);
    const s = await createSystem({ board: "zynq-7000", memory: "96M", worker: false });
    // Take every page the buffer could come from, then run it.
    const held: number[] = [];
    for (let va = s.kernel.mm.__get_free_pages(0xcc0, 0); va; va = s.kernel.mm.__get_free_pages(0xcc0, 0)) held.push(va);
    expect(() => mod.run(s, {})).toThrow(/^-ENOMEM: dma_alloc_coherent\(65536\) failed$/);
    const chans = Array.from({ length: 8 }, () => dma_request_chan_by_mask(s, 0));
    expect(chans).toHaveLength(8); // the scenario's channel was released
    chans.forEach((c) => dma_release_channel(c));
    s.dispose();
  });
});
