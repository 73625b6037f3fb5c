import { describe, expect, it } from "vitest";
import { instantiateSilicon } from "../../src/hw/wasm.js";
import { SILICON_FUNCTIONS } from "../../src/hw/exports.js";

describe("silicon exports", () => {
  it("match the pin list the TypeScript side declares", async () => {
    const x = await instantiateSilicon();
    const exported = Object.keys(x).filter((k) => typeof (x as unknown as Record<string, unknown>)[k] === "function").sort();
    expect(exported).toEqual([...SILICON_FUNCTIONS].sort());
    expect(x.memory).toBeInstanceOf(WebAssembly.Memory);
  });
  it("debug build has the same pins", async () => {
    const x = await instantiateSilicon({ debug: true });
    for (const f of SILICON_FUNCTIONS) expect(typeof (x as unknown as Record<string, unknown>)[f]).toBe("function");
  });
});
