// A worker thread is handed the silicon its pool's thread compiled (silicon-handover.ts), so that
// it neither reads nor compiles the wasm file again and shares the sender's machine code. What a
// user would see of a lost handover is only CPU time (45-60 ms a worker), too noisy to test, so
// these tests check the two ends of it: what the pool's side sends, and what the worker's side
// does with it.

import { describe, expect, it } from "vitest";
import type * as Comlink from "comlink";
import { adoptSilicon, handSiliconTo } from "../../src/worker/silicon-handover.js";
import { compiledSilicon } from "../../src/hw/wasm.js";

/** The release build, found from this file as the repository lays it out. */
const RELEASE = new URL("../../build/release/dmasim.wasm", import.meta.url).href;

describe("handSiliconTo", () => {
  it("sends the release build, compiled once in this thread, to each worker", async () => {
    const sent: [string, unknown][] = [];
    const fakeWorker = { adoptSilicon: async (href: string, module: unknown) => void sent.push([href, module]) };
    await handSiliconTo(fakeWorker as unknown as Comlink.Remote<unknown>);
    await handSiliconTo(fakeWorker as unknown as Comlink.Remote<unknown>);
    expect(sent.map(([href]) => href)).toEqual([RELEASE, RELEASE]);
    expect(sent[0][1]).toBeInstanceOf(WebAssembly.Module);
    expect(sent[1][1]).toBe(sent[0][1]);
    // The module of the build: the exports the silicon's TypeScript side calls.
    expect(WebAssembly.Module.exports(sent[0][1] as WebAssembly.Module).map((e) => e.name)).toContain("cpuRead");
  });
});

describe("adoptSilicon", () => {
  it("makes the module this thread's compilation of the build named: the file is not read again", async () => {
    const module = await compiledSilicon(new URL(RELEASE));
    // A build at a path with no file: only the adopted module can answer for it.
    const elsewhere = new URL("../../nowhere/build/release/dmasim.wasm", import.meta.url);
    await expect(compiledSilicon(new URL("../../nowhere-else/dmasim.wasm", import.meta.url))).rejects.toThrow(/cannot load/);
    adoptSilicon(elsewhere.href, module);
    expect(await compiledSilicon(elsewhere)).toBe(module);
  });
});
