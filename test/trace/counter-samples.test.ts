// Counter samples as Perfetto draws them: one value per counter per timestamp. Two samples at
// one timestamp draw a value the counter held for no time at all, and which of them Perfetto
// shows afterwards depends on their order in the file.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { run as memcpy } from "../../src/sim/scenarios/memcpy.js";
import { sumDeltas } from "../../src/trace/recorder.js";
import { toChromeTrace, type ChromeTrace, type TraceRecord } from "../../src/trace/chrome.js";
import { PERFETTO_NS } from "../../src/trace/validate.js";
import { perfettoCounters } from "../helpers/perfetto-counter.js";

const delta = (start: number, value: number, track = 0x100b): TraceRecord => ({ start, end: start, track, kind: "counter", name: "MFIFO bytes", value });

/** Counter samples by Perfetto's key (process, track name) in file order: [ns, value]. */
function samples(t: ChromeTrace): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const e of t.traceEvents) {
    if (e.ph !== "C") continue;
    for (const { track, value } of perfettoCounters(e)) {
      const key = `${e.pid}/${track}`;
      out.set(key, [...(out.get(key) ?? []), [PERFETTO_NS.llround(e.ts!), value]]);
    }
  }
  return out;
}

describe("counter samples", () => {
  it("sums the changes of one picosecond into one sample", () => {
    // A burst of 128 bytes in at 1 µs; at 2 µs one drains while the next comes in: still 128.
    const out = sumDeltas([delta(1e6, 128), delta(2e6, -128), delta(2e6, 128), delta(3e6, -128)]);
    expect(out.map((r) => [r.start, r.value])).toEqual([[1e6, 128], [2e6, 128], [3e6, 0]]);
  });

  it("keeps tracks apart and sums each in time order, whatever the record order", () => {
    const out = sumDeltas([delta(3e6, 5, 0x200c), delta(2e6, 8), delta(1e6, 7, 0x200c), delta(2e6, -2)]);
    expect(out.map((r) => [r.track, r.start, r.value])).toEqual([[0x100b, 2e6, 6], [0x200c, 1e6, 7], [0x200c, 3e6, 12]]);
  });

  it("writes the last of the samples that round to one ns", () => {
    // 1 000 100 and 1 000 400 ps both round to 1000 ns; 1 000 600 ps is 1001 ns.
    const t = toChromeTrace([
      { ...delta(1_000_100, 64), kind: "counter" },
      { ...delta(1_000_400, 192), kind: "counter" },
      { ...delta(1_000_600, 0), kind: "counter" },
    ]);
    expect([...samples(t).values()]).toEqual([[[1000, 192], [1001, 0]]]);
  });

  it("gives the MFIFO of a PL330 memcpy one sample per timestamp, from 0 back to 0", async () => {
    const s = await zynq();
    s.kernel.tracer.start(1 << 16);
    expect(memcpy(s, { size: "4K", burst: 16 }).ok).toBe(true);
    const t = JSON.parse(JSON.stringify(s.kernel.tracer.stopChrome())) as ChromeTrace;
    expect(t.otherData.dropped).toBe(0);
    const byKey = samples(t);
    const mfifo = [...byKey].find(([k]) => k.endsWith("/MFIFO bytes"))![1];
    // Zynq's MFIFO is 128 lines of the 64-bit bus: 1024 bytes (pl330-presets.ts, data_buffer_dep).
    expect(mfifo[0][1]).toBeGreaterThan(0);
    expect(Math.max(...mfifo.map(([, v]) => v))).toBeLessThanOrEqual(1024);
    expect(mfifo.at(-1)![1]).toBe(0);
    for (const [key, list] of byKey) {
      const repeated = list.filter(([ns], i) => i > 0 && ns <= list[i - 1][0]);
      expect(repeated, key).toEqual([]);
    }
  });
});
