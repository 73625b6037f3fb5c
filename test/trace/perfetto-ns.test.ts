// The trace as Perfetto's JSON importer turns it into integer nanoseconds: ts and dur (µs)
// each become ns on their own, by llround(v * 1000), by truncating v * 1000, or by shifting the
// decimal point of the number's text. Whatever the rule, slices must nest on their thread.

import { describe, expect, it } from "vitest";
import { createLocalSystem } from "../../src/system.js";
import { runScenarioOn, systemFor } from "../../src/worker/job.js";
import type { ScenarioParams } from "../../src/sim/scenarios.js";
import { toChromeTrace, type ChromeTrace } from "../../src/trace/chrome.js";
import { PERFETTO_NS, validateChromeTrace } from "../../src/trace/validate.js";

/** What the file holds, as the importer reads it back. */
const written = (t: ChromeTrace): ChromeTrace => JSON.parse(JSON.stringify(t));

describe("Perfetto's ns conversions", () => {
  it("truncation loses a ns where rounding does not (1.001 µs * 1000 = 1000.9999999999999)", () => {
    expect(PERFETTO_NS.truncate(1.001)).toBe(1000);
    expect(PERFETTO_NS.llround(1.001)).toBe(1001);
    expect(PERFETTO_NS.text(1.001)).toBe(1001);
    expect(PERFETTO_NS.text(15181.4119)).toBe(15181411);
  });

  it("writes ts and dur that read back as the same whole ns under every rule", () => {
    // start 1 000 600 ps and end 2 001 400 ps round half up to 1001 and 2001 ns.
    const t = written(toChromeTrace([{ start: 1_000_600, end: 2_001_400, track: 0x100, kind: "slice", name: "a", value: 0 }]));
    const x = t.traceEvents.find((e) => e.ph === "X")!;
    for (const ns of Object.values(PERFETTO_NS)) expect([ns(x.ts!), ns(x.dur!)]).toEqual([1001, 1000]);
  });

  it("keeps a child that ends with its parent inside it, where separate rounding would not", () => {
    // The demo's case: parent [14558962.4, 15181590.4] ns, child [15181410.6, 15181590.4] ns.
    // Rounded as ts and dur the child would end at 15181411 + 180 = 15181591, after its parent.
    const t = written(toChromeTrace([
      { start: 14_558_962_400, end: 15_181_590_400, track: 0x100, kind: "slice", name: "DMA memcpy", value: 0 },
      { start: 15_181_410_600, end: 15_181_590_400, track: 0x100, kind: "slice", name: "tasklets", value: 0 },
    ]));
    expect(validateChromeTrace(t)).toEqual([]);
    const child = t.traceEvents.find((e) => e.name === "tasklets")!;
    expect(PERFETTO_NS.llround(child.ts!) + PERFETTO_NS.llround(child.dur!)).toBe(15_181_590);
  });

  it("finds overlap that only appears in ns", () => {
    // In µs the child [2.6, 4.2] ns ends with its parent [0, 4.2]; rounding ts and dur apart
    // puts it at 3 + 2 = 5 ns, past the parent's 4. Truncation gives 2 + 1 = 3 and nests.
    const t: ChromeTrace = { otherData: {}, traceEvents: [
      { name: "parent", ph: "X", ts: 0, dur: 0.0042, pid: 1, tid: 1 },
      { name: "load", ph: "X", ts: 0.0026, dur: 0.0016, pid: 1, tid: 1 },
    ] };
    const problems = validateChromeTrace(t);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/ns by llround.*"load" \[3, 5\] overlaps "parent" \[0, 4\]/);
  });
});

const CASES: [string, ScenarioParams, { board?: string; kernel?: "v4.9" }][] = [
  ["demo", {}, { board: "zynq-7000" }],
  ["demo", {}, { board: "arm64-ref", kernel: "v4.9" }],
  ["memcpy", {}, {}],
  ["uart-tx", {}, {}],
];

describe("traces of the demo and scenarios, in Perfetto's ns", () => {
  it.each(CASES)("%s %o %o", async (name, params, given) => {
    const system = await createLocalSystem(systemFor(name, params, given));
    try {
      system.kernel.tracer.start(4 << 20);
      await runScenarioOn(system, name, params);
      const t = written(system.kernel.tracer.stopChrome());
      expect(t.otherData.dropped).toBe(0);
      expect(validateChromeTrace(t)).toEqual([]);
    } finally {
      system.dispose();
    }
  });
});

describe("the order Perfetto reads slices in", () => {
  const slice = (name: string, ts: number, dur: number) => ({ name, ph: "X" as const, ts, dur, pid: 1, tid: 1 });

  it("finds a longer slice written after a shorter one at the same ns, which Perfetto drops", () => {
    // The sorter keeps file order at one timestamp: [1000, 1002] opens first, and [1000, 1005]
    // then starts inside it and ends after it.
    const problems = validateChromeTrace({ otherData: {}, traceEvents: [slice("short", 1, 0.002), slice("long", 1, 0.005)] });
    expect(problems).toHaveLength(3); // once under each ns conversion
    expect(problems[0]).toMatch(/"long" \[1000, 1005\] overlaps "short" \[1000, 1002\]/);
  });

  it("takes them parent first, and a slice of no time at its parent's end as the next sibling", () => {
    const t: ChromeTrace = { otherData: {}, traceEvents: [
      slice("parent", 1, 0.005), slice("child", 1, 0.002), slice("mark", 1.005, 0), slice("next", 1.005, 0.001),
    ] };
    expect(validateChromeTrace(t)).toEqual([]);
  });
});
