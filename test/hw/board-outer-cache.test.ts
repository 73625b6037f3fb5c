// The board's outer cache: Linux turns a PL310 on only from its device-tree node
// (l2x0_of_init), so a Zynq-class board whose tree has none runs with the L2 off, and DMA
// through it stays correct without outer maintenance.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createSystem } from "../../src/create.js";
import { dmatest } from "../../src/dmaengine/dmatest.js";

const ZYNQ = fileURLToPath(new URL("../../examples/boards/zynq-7000.dts", import.meta.url));
const source = readFileSync(ZYNQ, "utf8");

describe("board outer cache", () => {
  it("leaves the L2 off when the tree has no arm,pl310-cache node, and memcpy DMA copies right", async () => {
    const s = await createSystem({ dts: source + "\n/delete-node/ &L2;\n", dtsName: ZYNQ });
    expect(s.board.outerCache).toBeUndefined();
    expect(s.kernel.printk.grep("L2C-310")).toEqual([]);
    const r = dmatest(s, { iterations: 3, channels: ["dma0chan0", "dma0chan1"] });
    expect(r.threads.map((t) => [t.channel, t.tests, t.failures])).toEqual([["dma0chan0", 3, 0], ["dma0chan1", 3, 0]]);
  });

  it("leaves it off for a disabled node too, and on for the board's own", async () => {
    const off = await createSystem({ dts: source + "\n&L2 { status = \"disabled\"; };\n", dtsName: ZYNQ });
    expect(off.board.outerCache).toBeUndefined();
    expect(dmatest(off, { iterations: 3, channels: ["dma0chan0"] }).threads[0].failures).toBe(0);
    const on = await createSystem({ dts: source, dtsName: ZYNQ });
    expect(on.board.outerCache).toEqual({ start: 0xf8f02000, size: 0x1000, name: "cache-controller@f8f02000" });
  });
});
