// The PL330's side of a trace: a slice per channel program from DMAGO to its end, DMAGO on the
// manager track, every AXI burst on the read or write channel's track, and counters for MFIFO
// occupancy and bytes moved — checked against what two 64 KiB copies must produce.

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { run as memcpy } from "../../src/sim/scenarios/memcpy.js";
import { validateChromeTrace } from "../../src/trace/validate.js";
import type { ChromeEvent } from "../../src/trace/chrome.js";
import { Tracer } from "../../src/trace/recorder.js";
import { pl330Rig, ST } from "../helpers/pl330-rig.js";
import { counterSamples } from "../helpers/perfetto-counter.js";

const PROG = 0x100000;

const SIZE = 64 * 1024;
const CHANNELS = 2;
// Zynq-7000's DMA-330: data_buffer_dep 128 lines of a 64-bit bus (spec pl330 §9).
const MFIFO_BYTES = 128 * 8;

describe("PL330 trace tracks", () => {
  it("shows two concurrent channel programs, their bursts, MFIFO occupancy and bytes moved", async () => {
    const s = await zynq();
    s.kernel.tracer.start();
    const r = memcpy(s, { size: SIZE, channels: CHANNELS, burst: 16 });
    const t = s.kernel.tracer.stopChrome();
    expect(r.ok).toBe(true);
    expect(validateChromeTrace(t)).toEqual([]);
    expect(t.otherData.dropped).toBe(0);

    const pidOf = new Map<number, string>();
    const threadOf = new Map<string, string>();
    for (const e of t.traceEvents) {
      if (e.name === "process_name") pidOf.set(e.pid, String(e.args!.name));
      if (e.name === "thread_name") threadOf.set(`${e.pid}/${e.tid}`, String(e.args!.name));
    }
    const dmacPid = [...pidOf].find(([, n]) => n.includes("f8003000"))![0];
    const on = (thread: string) =>
      t.traceEvents.filter((e) => e.ph !== "M" && e.pid === dmacPid && threadOf.get(`${e.pid}/${e.tid}`) === thread);

    const programs = [...on("channel 0"), ...on("channel 1")].filter((e) => e.name === "program");
    expect(programs).toHaveLength(CHANNELS);
    const [a, b] = programs;
    expect(a.ts! < b.ts! + b.dur! && b.ts! < a.ts! + a.dur!).toBe(true); // they ran at the same time
    // Each program's slice carries the bytes it wrote: one channel's share of the copy.
    expect(programs.map((p) => p.args!.value)).toEqual([SIZE, SIZE]);
    expect(on("manager").filter((e) => e.name === "DMAGO")).toHaveLength(CHANNELS);

    const writes = on("AXI write");
    const written = writes.reduce((n, e) => n + Number(e.args!.value), 0);
    expect(written).toBe(SIZE * CHANNELS);
    expect(writes.length).toBe((SIZE * CHANNELS) / (16 * 8)); // 16-beat bursts of 8 bytes
    const inPrograms = (e: ChromeEvent) => programs.some((p) => e.ts! >= p.ts! && e.ts! + e.dur! <= p.ts! + p.dur! + 1e-9);
    expect(writes.every(inPrograms)).toBe(true);
    const reads = on("AXI read");
    expect(reads.reduce((n, e) => n + Number(e.args!.value), 0)).toBeGreaterThanOrEqual(SIZE * CHANNELS);

    const moved = counterSamples(on("bytes moved"), "bytes moved").map((c) => c.value);
    expect(moved.at(-1)).toBe(SIZE * CHANNELS);
    expect(moved.every((v, i) => i === 0 || v >= moved[i - 1])).toBe(true);

    const mfifo = counterSamples(on("MFIFO"), "MFIFO bytes").map((c) => c.value);
    expect(Math.min(...mfifo)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...mfifo)).toBeLessThanOrEqual(MFIFO_BYTES);
    expect(Math.max(...mfifo)).toBeGreaterThanOrEqual(16 * 8);
    expect(mfifo.at(-1)).toBe(0);
  });

  it("counts DRAM bytes from the trace's start, DMA traffic included, up to its end", async () => {
    const s = await zynq();
    const dram = () => s.machine.backdoor.stats().dram;
    const d0 = dram();
    s.kernel.tracer.start();
    memcpy(s, { size: SIZE, channels: CHANNELS, burst: 16 });
    const t = s.kernel.tracer.stopChrome();
    const d1 = dram();
    expect(validateChromeTrace(t)).toEqual([]);
    const memPid = t.traceEvents.find((e) => e.name === "process_name" && e.args!.name === "memory")!.pid;
    const samples = counterSamples(t.traceEvents.filter((e) => e.pid === memPid), "DRAM bytes");
    const values = samples.map((c) => c.value);
    expect(values.every((v, i) => v > 0 && (i === 0 || v >= values[i - 1]))).toBe(true);
    expect(values.at(-1)).toBe(d1.bytesRead + d1.bytesWritten - d0.bytesRead - d0.bytesWritten);
    // While the channels run, the CPU waits: DRAM moves the copies' reads and writes, and the
    // counter shows them then, not at the CPU's next access (1 µs sampling: allow 1/8 late).
    const programs = t.traceEvents.filter((e) => e.name === "program");
    const from = Math.min(...programs.map((p) => p.ts!));
    const to = Math.max(...programs.map((p) => p.ts! + p.dur!));
    const at = (ts: number) => samples.filter((c) => c.e.ts! <= ts).map((c) => c.value).at(-1) ?? 0;
    expect(at(to) - at(from)).toBeGreaterThanOrEqual(2 * SIZE * CHANNELS * (7 / 8));
  });

  it("ends a faulting program's slice at the fault and marks it with FTR", async () => {
    const g = await pl330Rig();
    const tracer = new Tracer(g.m);
    tracer.start();
    g.program(PROG, `DMAMOV SAR, 0x40000000
      DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI
      DMALD
      DMAEND`);
    g.go(1, PROG);
    expect(g.settle(1).state).toBe(ST.faulting);
    const t = tracer.stopChrome();
    expect(validateChromeTrace(t)).toEqual([]);
    const ch1 = t.traceEvents.filter((e) => e.tid === 0x1001);
    const program = ch1.find((e) => e.name === "program")!;
    const fault = ch1.find((e) => e.name === "fault")!;
    expect(fault.ph).toBe("i");
    expect(fault.args!.value).toBe(1 << 18); // FTR data_read_err (0x40000000 is outside the RAM)
    // The read was already on the bus: the channel passes through Faulting completing until
    // its response is back (spec pl330 §5), so the program ends after the fault, not before.
    expect(fault.ts!).toBeGreaterThan(program.ts!);
    expect(program.ts! + program.dur!).toBeGreaterThanOrEqual(fault.ts!);
    expect(ch1.filter((e) => e.name === "program")).toHaveLength(1);
    const go = t.traceEvents.find((e) => e.tid === 0x1008 && e.name === "DMAGO")!;
    expect(go.args!.value).toBe(1);
    expect(program.ts).toBe(go.ts);
  });
});
