// The conformance cases recorded from an independent model, run by the harness procedure of
// ../shared/conformance/pl330/README.md.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { runCases, type ConformanceCase } from "../../src/tools/pl330/conformance.js";

const corpus = new URL("../../../shared/conformance/pl330/", import.meta.url);
const load = (f: string) => (JSON.parse(readFileSync(new URL(f, corpus), "utf8")) as { cases: ConformanceCase[] }).cases;

describe("PL330 conformance: a_memcpy", () => {
  it("passes every case", async () => {
    const s = await runCases(load("a_memcpy.json"));
    const failures = s.outcomes.filter((o) => o.status === "fail").map((o) => `${o.name}: ${o.detail[0]}`);
    expect(failures).toEqual([]);
    expect(s.passed).toBe(57);
  });
});
