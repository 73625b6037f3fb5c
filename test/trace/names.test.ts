// Counters in a trace of a board with two memory controllers (DRAM and the on-chip SRAM) and
// two PL330s, as Perfetto's JSON importer names and keys them: by process and the track name it
// makes of the event's name and args key, whatever the thread. Two instances under one key would
// be drawn as one track of both their samples.

import { describe, expect, it } from "vitest";
import { createSystem } from "../../src/create.js";
import { run as memcpy } from "../../src/sim/scenarios/memcpy.js";
import { validateChromeTrace } from "../../src/trace/validate.js";
import { perfettoCounters } from "../helpers/perfetto-counter.js";
import { toChromeTrace, type TraceRecord } from "../../src/trace/chrome.js";

const BOARD = `/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	compatible = "xlnx,zynq-7000";
	memory@0 { device_type = "memory"; reg = <0x0 0x10000000>; };
	ocm: sram@fffc0000 { compatible = "mmio-sram"; reg = <0xfffc0000 0x10000>; };
	gic: interrupt-controller@f8f01000 { compatible = "arm,cortex-a9-gic"; #interrupt-cells = <3>; interrupt-controller; reg = <0xf8f01000 0x1000>; };
	dma0: dma-controller@f8003000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xf8003000 0x1000>; interrupt-parent = <&gic>; interrupts = <0 13 4>; #dma-cells = <1>; };
	dma1: dma-controller@f8004000 { compatible = "arm,pl330", "arm,primecell"; reg = <0xf8004000 0x1000>; interrupt-parent = <&gic>; interrupts = <0 15 4>; #dma-cells = <1>; };
};`;

describe("trace counter names", () => {
  it("gives each memory controller's and each PL330's counters a track of their own", async () => {
    const s = await createSystem({ dts: BOARD });
    s.kernel.tracer.start();
    // Nine channels: the first PL330 has eight, so both copy.
    expect(memcpy(s, { size: "4K", channels: 9 }).ok).toBe(true);
    const sram = s.kernel.mm.ioremap(0xfffc0000, 4096)!;
    s.cpu.write(sram, new Uint8Array(64).fill(0x5a));
    expect(s.cpu.read(sram, 64)).toEqual(new Uint8Array(64).fill(0x5a));
    const t = s.kernel.tracer.stopChrome();
    expect(validateChromeTrace(t)).toEqual([]);

    const process = new Map<number, string>();
    const thread = new Map<string, string>();
    for (const e of t.traceEvents) {
      if (e.name === "process_name") process.set(e.pid, String(e.args!.name));
      if (e.name === "thread_name") thread.set(`${e.pid}/${e.tid}`, String(e.args!.name));
    }
    // Perfetto's key of each counter event → the threads (instances) whose samples it gathers.
    const tracks = new Map<string, Set<string>>();
    for (const e of t.traceEvents.filter((e) => e.ph === "C")) {
      expect(Object.keys(e.args!)).toHaveLength(1);
      for (const { track } of perfettoCounters(e)) {
        const key = `${process.get(e.pid)} / ${track}`;
        if (!tracks.has(key)) tracks.set(key, new Set());
        tracks.get(key)!.add(thread.get(`${e.pid}/${e.tid}`)!);
      }
    }
    expect(Object.fromEntries([...tracks].map(([k, v]) => [k, [...v]]))).toEqual({
      "memory / DRAM bytes": ["controller 0"],
      "memory / SRAM bytes": ["controller 1"],
      "PL330 dma-controller@f8003000 / MFIFO bytes": ["MFIFO"],
      "PL330 dma-controller@f8003000 / bytes moved": ["bytes moved"],
      "PL330 dma-controller@f8004000 / MFIFO bytes": ["MFIFO"],
      "PL330 dma-controller@f8004000 / bytes moved": ["bytes moved"],
    });
  });
});

describe("a counter's track name", () => {
  it("is its name as Perfetto joins event name and key, one word or more", () => {
    const counter = (name: string): TraceRecord => ({ start: 1e6, end: 1e6, track: 0x100b, kind: "counter", name, value: 3 });
    const t = toChromeTrace([counter("MFIFO bytes"), counter("queue"), counter("words in flight")]);
    const tracks = t.traceEvents.filter((e) => e.ph === "C").flatMap(perfettoCounters);
    expect(tracks).toEqual([
      { track: "MFIFO bytes", value: 3 },
      { track: "queue value", value: 3 },
      { track: "words in flight", value: 3 },
    ]);
  });
});
