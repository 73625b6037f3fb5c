// A trace slice's args name what its value counts (bytes, PL310 lines, a register's address),
// beside `value`; and a memcpy run's dmaTimePs is one "DMA memcpy" slice on the CPU track. The
// expected figures come from the copy's shape: a streaming 64 KiB copy on Zynq-7000 cleans the
// source and invalidates the destination at the map (the L2C-310's lines are 32 bytes: 2048 per
// 64 KiB), and the PL330 moves it in 16-beat bursts of 8 bytes (128 B).

import { describe, expect, it } from "vitest";
import { zynq } from "../helpers/system.js";
import { run as memcpy } from "../../src/sim/scenarios/memcpy.js";
import { sliceArgs } from "../../src/trace/slice-args.js";
import { validateChromeTrace } from "../../src/trace/validate.js";
import type { ChromeEvent } from "../../src/trace/chrome.js";

const SIZE = 64 * 1024;

describe("trace slice args", () => {
  it("keep value and add the name of what it counts", () => {
    expect(sliceArgs("program", 4096)).toEqual({ value: 4096, bytes: 4096 });
    expect(sliceArgs("L2 clean+invalidate", 128)).toEqual({ value: 128, lines: 128 });
    expect(sliceArgs("MMIO", 0xf8003020)).toEqual({ value: 0xf8003020, address: "0xf8003020" });
    expect(sliceArgs("DMAKILL", 8)).toEqual({ value: 8, thread: "manager" });
    expect(sliceArgs("DMAKILL", 3)).toEqual({ value: 3, thread: "channel 3" });
    expect(sliceArgs("fault", 1 << 18)).toEqual({ value: 1 << 18, ftr: "0x40000" });
    // A scenario's own span means what the scenario says: value alone (and no prototype key).
    expect(sliceArgs("frame 1: process lines", 7)).toEqual({ value: 7 });
    expect(sliceArgs("constructor", 7)).toEqual({ value: 7 });
  });

  it("name each silicon record's figure: the DMAC's channel, event and bytes, the CPU's bytes, the L2's lines", () => {
    // What each record's value counts, from the record list (assembly/trace-names.ts): DMAGO's
    // value is the channel it started, DMASEV's the event it signalled; the CPU's accesses and
    // its cache maintenance by VA cover bytes; the PL310's by PA, one write per line.
    const named = (name: string) => sliceArgs(name, 3);
    expect(named("DMAGO")).toEqual({ value: 3, channel: 3 });
    expect(named("DMASEV")).toEqual({ value: 3, event: 3 });
    for (const name of ["program", "read burst", "write burst", "CPU read", "CPU write", "CPU fill", "CPU load", "CPU store", "DC clean", "DC invalidate", "DC clean+invalidate"]) {
      expect(named(name), name).toEqual({ value: 3, bytes: 3 });
    }
    for (const name of ["L2 clean", "L2 invalidate", "L2 clean+invalidate"]) expect(named(name), name).toEqual({ value: 3, lines: 3 });
  });

  it("show a streaming memcpy's window, its maintenance in lines and its registers by address", async () => {
    const s = await zynq();
    s.kernel.tracer.start();
    const r = memcpy(s, { size: SIZE, buffers: "streaming", burst: 16 });
    const t = s.kernel.tracer.stopChrome();
    expect(r.ok).toBe(true);
    expect(validateChromeTrace(t)).toEqual([]);
    const named = (n: string) => t.traceEvents.filter((e: ChromeEvent) => e.ph !== "M" && e.name === n);

    // The measured window: one CPU-track slice lasting dmaTimePs (whole ns, as Perfetto keeps it).
    const [window, ...more] = named("DMA memcpy");
    expect(more).toEqual([]);
    expect(window.args).toEqual({ value: SIZE });
    expect(Math.round(window.dur! * 1000)).toBe(Math.round(r.dmaTimePs / 1000));
    // The PL330's program, its bursts, all inside the window.
    const [program] = named("program");
    expect(program.args).toEqual({ value: SIZE, bytes: SIZE });
    expect(program.ts! >= window.ts! && program.ts! + program.dur! <= window.ts! + window.dur!).toBe(true);
    const writes = named("write burst");
    expect(writes).toHaveLength(SIZE / 128);
    expect(writes.every((e) => e.args!.bytes === 128)).toBe(true);
    // The map's PL310 clean of the source and invalidate of the destination, 2048 lines each.
    const l2 = (n: string) => named(n).filter((e) => e.ts! >= window.ts!).map((e) => e.args!.lines);
    expect(l2("L2 clean")).toContain(2048);
    expect(l2("L2 invalidate")).toContain(2048);
    // MMIO slices name their register's physical address in hex: the pl330 driver's among them.
    const addresses = named("MMIO").map((e) => e.args!.address as string);
    expect(addresses.every((a) => /^0x[0-9a-f]+$/.test(a))).toBe(true);
    expect(addresses.some((a) => a.startsWith("0xf8003"))).toBe(true);
    // The instants are named too: each DMASEV, the program's end signalling its event.
    const sev = named("DMASEV");
    expect(sev.length).toBeGreaterThan(0);
    expect(sev.every((e) => e.ph === "i" && e.args!.event === e.args!.value)).toBe(true);
    s.dispose();
  });

  it("count every channel's bytes in the window of a copy over two channels", async () => {
    const s = await zynq();
    s.kernel.tracer.start();
    const r = memcpy(s, { size: SIZE, channels: 2 });
    const t = s.kernel.tracer.stopChrome();
    expect(r.ok).toBe(true);
    const windows = t.traceEvents.filter((e: ChromeEvent) => e.ph === "X" && e.name === "DMA memcpy");
    // size is per channel: two channels copy 2 × 64 KiB in the one window dmaTimePs measures.
    expect(windows.map((e: ChromeEvent) => e.args)).toEqual([{ value: 2 * SIZE }]);
    s.dispose();
  });
});
