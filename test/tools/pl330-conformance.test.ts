// The conformance corpus recorded from an independent model, run by the harness procedure of
// ../shared/conformance/pl330/README.md: every case without a quirk must match exactly; a quirk
// case passes or is one of the documented divergences (src/tools/pl330/divergences.ts).

import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { loadCases, runCases, runCase, type LoadedCase } from "../../src/tools/pl330/conformance.js";
import { divergenceFor } from "../../src/tools/pl330/divergences.js";

const corpus = fileURLToPath(new URL("../../../shared/conformance/pl330/", import.meta.url));

describe("PL330 conformance corpus", () => {
  it("passes every case without a quirk and documents every quirk case it does not match", async () => {
    const cases = loadCases([corpus]);
    expect(cases.length).toBeGreaterThan(150);
    const s = await runCases(cases);
    const failures = s.outcomes.filter((o) => o.status === "fail").map((o) => `${o.file}:${o.name}: ${o.detail[0]}`);
    expect(failures).toEqual([]);
    for (const o of s.outcomes.filter((o) => o.status === "divergence")) {
      expect(cases.find((c) => c.name === o.name)?.quirk).toBeDefined();
    }
    expect(s.passed + s.divergences).toBe(cases.length);
  });

  it("classifies only quirk texts it documents as divergences", () => {
    expect(divergenceFor("QEMU ignores DMA bus errors: unmapped reads return zeros")?.id).toBe("bus-errors");
    expect(divergenceFor("something nobody documented")).toBeUndefined();
    expect(divergenceFor(undefined)).toBeUndefined();
  });

  it("reports why a case's channel never stopped when a forever loop hits the time bound", async () => {
    const c: LoadedCase = {
      name: "forever", channel: 0, ns: 0, inten: 0, memory_init: [], program_addr: 0x400000,
      program_hex: "18280100", // DMALPFE { DMANOP } DMALPEND ; DMAEND
      dump: [],
      expect: { state: "Stopped", regs: {}, steps: [{ poll_timeout: 0 }], memory: [] },
    };
    const o = await runCase(c);
    expect(o.status).toBe("fail");
    expect(o.detail.join("\n")).toMatch(/still Executing after .* ms of simulated time \(time bound/);
  });
});
