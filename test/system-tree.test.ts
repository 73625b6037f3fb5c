// Which tree createSystem boots and what it calls it (src/system-tree.ts): a .dts source named by
// dtsName, and .dts text given as dtb (text that is no blob is source, as dtc takes it) whose
// /include/s are found in dtsIncludeDirs as a --dts file's are.

import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { createSystem } from "../src/create.js";

const boards = fileURLToPath(new URL("../examples/boards", import.meta.url));

describe("systemTree", () => {
  it("names a dts source by its dtsName in a refusal", async () => {
    const err = await createSystem({ dts: "/ { };\n", dtsName: "my-board.dts", worker: false }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^my-board\.dts:1:1: /);
  });

  it("reads .dts text given as dtb with its /include/s from dtsIncludeDirs", async () => {
    const dtb = new TextEncoder().encode('/include/ "zynq-7000.dts"\n');
    const s = await createSystem({ dtb, dtbName: "mine.dts", dtsIncludeDirs: [boards], worker: false });
    try {
      expect([s.kernel.tree.source, s.kernel.tree.model]).toEqual(["mine.dts", "Zynq-7000 test board"]);
    } finally {
      s.dispose();
    }
  });
});
