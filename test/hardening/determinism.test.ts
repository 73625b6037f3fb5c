// Determinism: the same scenario with the same seed gives bit-identical results — cycle counts,
// the silicon's statistics, the trace — on a fresh System every time, and in a worker thread as
// in this one. (The browser: determinism-browser.test.ts.)

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { traceDigest, type Fingerprint } from "../../src/sim/scenarios/fingerprint.js";
import type { TraceRecord } from "../../src/trace/chrome.js";

const MIX = { scenario: "fingerprint", params: { scenario: "dma-mix", transfers: 30, seed: 7 } } as const;

async function inThread(board: string, params: Record<string, string | number>): Promise<Fingerprint> {
  const s = await createSystem({ board });
  const f = s.run("fingerprint", params) as Fingerprint;
  s.dispose();
  return f;
}

/** FNV-1a 64 as the textbook writes it, in BigInt. */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i) & 0xff)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

describe("determinism", () => {
  it("the trace digest is FNV-1a 64 over the records as text", () => {
    const records: TraceRecord[] = [
      { start: 0, end: 1500, track: 256, kind: "slice", name: "cpu.read", value: 4096 },
      { start: 2 ** 40, end: 2 ** 40 + 7, track: 3, kind: "counter", name: "dram", value: 0.25 },
    ];
    expect(traceDigest([])).toBe("cbf29ce484222325");
    expect(traceDigest(records)).toBe(fnv1a64("0,1500,256,slice,cpu.read,4096\n1099511627776,1099511627783,3,counter,dram,0.25\n"));
  });

  for (const board of ["zynq-7000", "arm64-ref"]) {
    it(`${board}: the same seed gives the same cycles, statistics and trace, run after run and in a worker`, async () => {
      const a = await inThread(board, MIX.params);
      const b = await inThread(board, MIX.params);
      expect(b).toEqual(a);
      expect(a.result).toMatchObject({ transfers: 30, badCopies: 0 });
      expect(a.trace.records).toBeGreaterThan(1000);
      expect(a.trace.dropped).toBe(0);
      const w = await createSystem({ board, worker: true });
      try {
        expect(await w.run("fingerprint", MIX.params)).toEqual(a);
      } finally {
        await w.dispose();
      }
      // The seed is what decides: another one gives other work, and another fingerprint.
      const c = await inThread(board, { ...MIX.params, seed: 8 });
      expect(c.trace.digest).not.toBe(a.trace.digest);
      expect(c.simulatedPs).not.toBe(a.simulatedPs);
    }, 30_000);
  }

  it("the demo scenario too, whole", async () => {
    const p = { scenario: "demo", size: "64K" };
    const a = await inThread("zynq-7000", p);
    expect(await inThread("zynq-7000", p)).toEqual(a);
  });
});
