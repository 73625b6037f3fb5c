// The managed-buffer helpers a scenario module takes from "dmasim": kmallocBuffers' shape as the
// README documents it (its example runs here as written), its order of frees, and -ENOMEM part way.

import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { zynq } from "../helpers/system.js";
import { kmallocBuffers } from "../../src/sim/managed-buffers.js";
import { withTeardown, type Defer } from "../../src/sim/teardown.js";
import type { System } from "../../src/system.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** Records each kfree with the first bytes its buffer held then. */
function watchFrees(s: System): [number, string][] {
  const freed: [number, string][] = [];
  const kfree = s.kernel.kfree.bind(s.kernel);
  vi.spyOn(s.kernel, "kfree").mockImplementation((va) => {
    freed.push([va, new TextDecoder().decode(s.cpu.read(va, 5))]);
    return kfree(va);
  });
  return freed;
}

describe("kmallocBuffers", () => {
  it("runs the README's example: a VA per length, written through, freed in allocation order", async () => {
    const block = /Inside `withTeardown\(\(defer\) => …\)`:\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toContain("kmallocBuffers(system, [64, 4096], defer)");
    expect(block!.trim().split("\n")).toHaveLength(3);
    const example = new Function("system", "defer", "kmallocBuffers", `${block}\nreturn vas;`) as (s: System, d: Defer, k: typeof kmallocBuffers) => number[];
    const s = await zynq();
    const freed = watchFrees(s);
    const vas = withTeardown((defer) => {
      const vas = example(s, defer, kmallocBuffers);
      expect(freed).toHaveLength(2); // free() ran in the example, before the run's end
      return vas;
    });
    expect(vas).toHaveLength(2);
    expect(vas[0]).not.toBe(vas[1]);
    expect(freed).toEqual([[vas[0], "hello"], [vas[1], expect.any(String)]]);
  });

  it("is public, with the other helpers the README lists", async () => {
    const dmasim = await import("../../src/index.js");
    expect([dmasim.kmallocBuffers, dmasim.coherentBuffer, dmasim.mapSingle, dmasim.withTeardown].map((f) => typeof f)).toEqual(["function", "function", "function", "function"]);
  });

  it("frees at the run's end what free() did not, and once only", async () => {
    const s = await zynq();
    const freed = watchFrees(s);
    let vas: number[] = [];
    withTeardown((defer) => {
      ({ vas } = kmallocBuffers(s, [128, 256, 512], defer));
      expect(freed).toEqual([]);
    });
    expect(freed.map(([va]) => va)).toEqual(vas);
  });

  it("throws -ENOMEM naming the length that failed, and the run's end frees those taken before it", async () => {
    const s = await zynq();
    const freed = watchFrees(s);
    let taken: number | undefined;
    const kmalloc = s.kernel.kmalloc.bind(s.kernel);
    // The third allocation fails, as kmalloc does when memory is gone: it returns 0.
    vi.spyOn(s.kernel, "kmalloc").mockImplementation((size, gfp) => (size === 999 ? 0 : (taken = kmalloc(size, gfp))));
    expect(() => withTeardown((defer) => kmallocBuffers(s, [64, 128, 999, 32], defer))).toThrow(/^-ENOMEM: kmalloc\(999\) failed$/);
    expect(freed).toHaveLength(2);
    expect(freed[1][0]).toBe(taken);
  });
});
