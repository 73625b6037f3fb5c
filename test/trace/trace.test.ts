// The trace of a scenario, as Perfetto's JSON importer reads it: named processes and threads,
// slices that nest on every thread, counters, and the activity the issue names.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { runDemo } from "../../src/sim/demo.js";
import { validateChromeTrace } from "../../src/trace/validate.js";
import { toChromeTrace } from "../../src/trace/chrome.js";
import { run as memcpy } from "../../src/sim/scenarios/memcpy.js";
import { counterSamples, perfettoCounters } from "../helpers/perfetto-counter.js";

describe("Chrome trace export", () => {
  it("records the demo with nesting slices on named tracks", async () => {
    const s = await zynq();
    s.kernel.tracer.start();
    runDemo(s, { size: "64K" });
    const t = s.kernel.tracer.stopChrome();
    expect(validateChromeTrace(t)).toEqual([]);
    expect(t.otherData.dropped).toBe(0);
    const threads = t.traceEvents.filter((e) => e.name === "thread_name").map((e) => e.args!.name);
    expect(threads).toEqual(expect.arrayContaining([
      "CPU0", "L1 maintenance", "L2 maintenance", "controller 0",
      "channel 0", "manager", "AXI read", "AXI write", "MFIFO", "bytes moved",
    ]));
    // Slices by name, counters by the track name Perfetto gives them.
    const names = new Set(t.traceEvents.flatMap((e) => (e.ph === "C" ? perfettoCounters(e).map((c) => c.track) : [e.name])));
    for (const n of ["CPU write", "CPU read", "DC clean", "L2 invalidate", "dma_map_single x2", "DMA memcpy", "DRAM bytes"]) {
      expect(names).toContain(n);
    }
    // Phases enclose the CPU work they did: every CPU-track slice lies within a phase or is one.
    const cpu = t.traceEvents.filter((e) => e.ph === "X" && e.tid === 0x100);
    const phase = cpu.find((e) => e.name === "CPU verify destination")!;
    const inside = cpu.filter((e) => e.name === "CPU read" && e.ts! >= phase.ts! && e.ts! + e.dur! <= phase.ts! + phase.dur!);
    expect(inside.length).toBeGreaterThan(0);
    // Timestamps are µs of simulated time, in whole ns rounded half up (chrome.ts): no slice ends
    // after the CPU's time now, rounded the same way.
    expect(Math.max(...cpu.map((e) => e.ts! + e.dur!))).toBeLessThanOrEqual(Math.round(s.now() / 1000) / 1000 + 1e-9);
  });

  it("exports a long run whose counters change hundreds of thousands of times", async () => {
    // An 8 MiB copy: every burst changes the MFIFO, bytes-moved and DRAM counters, far more
    // often than a function call can take arguments.
    const SIZE = 8 * 1024 * 1024;
    const s = await zynq();
    s.kernel.tracer.start(4 << 20);
    expect(memcpy(s, { size: SIZE, burst: 16 }).ok).toBe(true);
    const t = s.kernel.tracer.stopChrome();
    expect(t.otherData.dropped).toBe(0);
    const moved = counterSamples(t.traceEvents, "bytes moved");
    expect(moved.length).toBe(SIZE / (16 * 8)); // one per 16-beat burst of 8 bytes
    expect(moved.at(-1)!.value).toBe(SIZE);
  });

  it("reports slices that overlap without nesting", () => {
    const t = toChromeTrace([
      { start: 0, end: 2e6, track: 0x100, kind: "slice", name: "a", value: 0 },
      { start: 1e6, end: 3e6, track: 0x100, kind: "slice", name: "b", value: 0 },
    ]);
    expect(validateChromeTrace(t)[0]).toMatch(/"b" .* overlaps "a"/);
  });

  it("records nothing and costs nothing when off", async () => {
    const s = await zynq();
    runDemo(s, { size: "4K" });
    s.kernel.tracer.start(16);
    const { records, stats } = s.kernel.tracer.stop();
    expect(records).toEqual([]);
    expect(stats).toEqual({ records: 0, dropped: 0 });
  });

  it("refuses a trace buffer the silicon's 4 GiB memory cannot hold, and still records after", async () => {
    const s = await zynq();
    // The module's runtime allocates at most 1 GiB less its 4-byte header at once: 33554431
    // records of 32 bytes.
    expect(() => s.kernel.tracer.start(2 ** 25)).toThrow("a trace of 33554432 records needs 1073741824 bytes; the silicon's heap can give it at most 33554431 records (one block of at most 1 GiB, in a 4 GiB memory)");
    expect(() => s.kernel.tracer.start(0)).toThrow("trace records must be a whole number ≥ 1, not 0");
    expect(s.kernel.tracer.enabled).toBe(false);
    s.kernel.tracer.start(1 << 16);
    runDemo(s, { size: "4K" });
    const t = s.kernel.tracer.stopChrome();
    expect(t.otherData.dropped).toBe(0);
    expect(t.traceEvents.some((e) => e.name === "DMA memcpy")).toBe(true);
  });
});
