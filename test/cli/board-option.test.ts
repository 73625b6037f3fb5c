// An unknown --board: the command line names its own way to a tree of one's own (--dtb FILE,
// --dts FILE), where createSystem's message names its `dtb` option; soak, which takes no tree,
// names none.

import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createSystem } from "../../src/index.js";

const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "dist/src/cli.js");
const dmasim = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
const BUILT_IN = "zynq-7000, arm64-ref, arm64-highmem, arm64-dma-offset";

describe("an unknown --board", () => {
  it("names --dtb FILE and --dts FILE on the command line, for every command that boots one", () => {
    for (const args of [
      ["run", "bug", "--param", "kind=missing-sync", "--board", "nosuch"],
      ["demo", "--board", "nosuch"],
      ["sweep", "memcpy", "--param", "size=4K", "--board", "nosuch", "--workers", "0"],
      ["cat", "/proc/interrupts", "--board", "nosuch"],
      // Not a board though every object has one by that name.
      ["run", "memcpy", "--board", "constructor"],
    ]) {
      const r = dmasim(args);
      const board = args.at(-1) === "constructor" ? "constructor" : "nosuch";
      expect(r.stderr, args.join(" ")).toBe(`dmasim: unknown board "${board}" (built in: ${BUILT_IN}); or pass --dtb FILE or --dts FILE\n`);
      expect(r.stdout).toBe("");
      expect(r.status).toBe(1);
    }
  });

  it("is refused beside --dtb, which gives the tree instead (the board would go unused)", () => {
    const r = dmasim(["cat", "/proc/interrupts", "--board", "nosuch", "--dtb", "examples/boards/zynq-7000.dtb"]);
    expect(r.stderr).toBe("dmasim: give --board or --dtb, not both: --dtb examples/boards/zynq-7000.dtb boots that tree, and --board nosuch would go unused\n");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });

  it("names no tree under soak, which takes none", () => {
    const r = dmasim(["soak", "--board", "nosuch", "--transfers", "1"]);
    expect(r.stderr).toBe(`dmasim: unknown board "nosuch" (built in: ${BUILT_IN})\n`);
    expect(r.status).toBe(1);
  });

  it("keeps the library's words for createSystem's own option", async () => {
    for (const board of ["nosuch", "toString"]) {
      await expect(createSystem({ board })).rejects.toThrow(`unknown board "${board}" (built in: ${BUILT_IN}); or pass a dtb`);
    }
  });
});
