// The conformance corpus recorded from an independent model, run by the harness procedure of
// ../shared/conformance/pl330/README.md: every case without a quirk must match exactly; a quirk
// case passes or is one of the documented divergences (src/tools/pl330/divergences.ts).

import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCases, runCases, runCase, type LoadedCase } from "../../src/tools/pl330/conformance.js";
import { divergenceFor } from "../../src/tools/pl330/divergences.js";
import { tempDir } from "../helpers/temp-dir.js";

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
  }, 30_000); // the whole corpus: seconds on a busy machine

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

  it("refuses a hand-written case that does not follow the schema, naming the file, case and field", async () => {
    const good = {
      name: "mine", channel: 0, ns: 0, inten: 0, memory_init: [], program_addr: 0x400000, program_hex: "00",
      dump: [], expect: { state: "Stopped", regs: { CPC: 0x400001 }, steps: [{ CSR: 0 }], memory: [] },
    };
    const dir = tempDir("dmasim-pl330-");
    const file = (name: string, c: object) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify({ cases: [good, c] }));
      return f;
    };
    expect(loadCases([file("ok.json", good)]).length).toBe(2);
    const bad: [object, string][] = [
      [{ ...good, memory_init: undefined }, `"memory_init" must be an array`],
      [{ ...good, channel: 9 }, `"channel" must be 0..7`], // read as a Stopped channel 9, it passed
      [{ ...good, program_hex: "0" }, `"program_hex" must be bytes as hex digit pairs`],
      [{ ...good, expect: undefined }, `"expect" must be an object`],
      [{ ...good, expect: { ...good.expect, regs: { CPU: 1 } } }, `"expect.regs" has no register "CPU"`],
      [{ ...good, post_ops: [{ op: "write", offset: 0x21, value: 1 }] }, `"post_ops"[0] must be`],
    ];
    for (const [c, why] of bad) {
      const f = file("bad.json", c);
      expect(() => loadCases([f])).toThrow(`${f}: case 2 "mine": ${why}`);
    }
    const outside = { ...good, name: "high", program_addr: 0xfffffff0 };
    await expect(runCases([{ ...outside, file: "x.json" }])).rejects.toThrow(/^x\.json: case "high": backdoor write of 1 bytes at PA 0xfffffff0: not RAM$/);
  });
});
