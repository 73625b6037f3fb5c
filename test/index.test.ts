// The package's entry point gives a caller every error class createSystem can reject with, so
// that `instanceof` works on what the README names: a tree that cannot be read (DtError), a
// board the emulator cannot build or peripheral settings no node takes or that make no sense
// (BoardError). They were thrown but not exported.

import { describe, expect, it } from "vitest";
import * as dmasim from "../src/index.js";

async function rejection(options: dmasim.SystemOptions): Promise<unknown> {
  return dmasim.createSystem({ ...options, worker: false }).then(() => undefined, (e: unknown) => e);
}

describe("dmasim's exported error classes", () => {
  it("a .dts with a syntax error rejects with the exported DtError", async () => {
    const err = await rejection({ dts: "/dts-v1/; / { x" });
    expect(err).toBeInstanceOf(dmasim.DtError);
    expect((err as Error).message).toMatch(/^<dts>:1:16: syntax error/);
  });

  it("a peripheral rate that is not positive rejects with the exported BoardError naming the node", async () => {
    const err = await rejection({ board: "zynq-7000", dmaPeripherals: { "serial@e0001000": { tx: { baud: -1 } } } });
    expect(err).toBeInstanceOf(dmasim.BoardError);
    expect((err as Error).message).toBe("/axi/serial@e0001000: TX FIFO at 0xe0001000: baud must be a positive number (a period of at least 1 ps), not -1");
  });
});

describe("dmasim's exported scenario tables", () => {
  it("SCENARIO_PARAMS, which the README names, lists the parameters memcpy reads", () => {
    // The README's memcpy parameters: size, burst, channels, buffers, block.
    expect([...dmasim.SCENARIO_PARAMS.memcpy].sort()).toEqual(["block", "buffers", "burst", "channels", "size"]);
    expect(Object.keys(dmasim.SCENARIO_PARAMS).sort()).toEqual(Object.keys(dmasim.SCENARIOS).sort());
  });
});
