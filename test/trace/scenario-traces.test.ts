// Every built-in scenario's trace (what `dmasim run NAME --trace` writes), read as Perfetto's JSON
// importer reads it. The checker is written here from the Trace Event format, apart from
// src/trace/validate.ts: every event sits on a named process and thread, no two threads of a
// process share a name, complete events have a finite non-negative duration and nest on their
// thread (compared in whole picoseconds), B/E pairs match, counters carry finite numbers, and
// instants have a scope. Then each case on every board and both kernels, through the JSON file:
// validateChromeTrace's nesting in Perfetto's ns, one sample per counter and ns, byte counts
// that never go back, no event without a name, no record dropped.

import { describe, expect, it } from "vitest";
import { createLocalSystem } from "../../src/system.js";
import { runScenarioOn, systemFor } from "../../src/worker/job.js";
import { SCENARIOS, type ScenarioParams } from "../../src/sim/scenarios.js";
import { BUG_KINDS } from "../../src/sim/scenarios/bugs.js";
import type { ChromeTrace } from "../../src/trace/chrome.js";
import { validateChromeTrace } from "../../src/trace/validate.js";
import { perfettoCounters } from "../helpers/perfetto-counter.js";

function traceProblems(t: ChromeTrace): string[] {
  const problems: string[] = [];
  const processes = new Map<number, string>();
  const threads = new Map<string, string>();
  for (const e of t.traceEvents) {
    if (e.ph !== "M") continue;
    if (e.name === "process_name") processes.set(e.pid, String(e.args?.name));
    if (e.name === "thread_name") {
      const name = String(e.args?.name);
      if ([...threads].some(([k, n]) => n === name && k.startsWith(`${e.pid}/`))) problems.push(`two threads named "${name}" in pid ${e.pid}`);
      threads.set(`${e.pid}/${e.tid}`, name);
    }
  }
  const slices = new Map<string, { name: string; start: number; end: number }[]>();
  const begun = new Map<string, string[]>();
  for (const e of t.traceEvents) {
    if (e.ph === "M") continue;
    const where = `${e.pid}/${e.tid}`;
    if (!processes.has(e.pid) || !threads.has(where)) problems.push(`"${e.name}" on unnamed track ${where}`);
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts) || e.ts < 0) problems.push(`"${e.name}": timestamp ${e.ts}`);
    const ph = e.ph as string;
    if (ph === "X") {
      if (typeof e.dur !== "number" || !Number.isFinite(e.dur) || e.dur < 0) problems.push(`"${e.name}" at ${e.ts}: duration ${e.dur}`);
      const list = slices.get(where) ?? [];
      list.push({ name: e.name, start: Math.round(e.ts! * 1e6), end: Math.round((e.ts! + e.dur!) * 1e6) });
      slices.set(where, list);
    } else if (ph === "B") {
      begun.set(where, [...(begun.get(where) ?? []), e.name]);
    } else if (ph === "E") {
      if (!begun.get(where)?.pop()) problems.push(`E "${e.name}" at ${e.ts} on ${where} without a B`);
    } else if (ph === "C") {
      const values = Object.values(e.args ?? {});
      if (!values.length || !values.every((v) => typeof v === "number" && Number.isFinite(v))) problems.push(`counter "${e.name}" at ${e.ts}: ${JSON.stringify(e.args)}`);
    } else if (ph === "i") {
      if (!["t", "p", "g"].includes(e.s ?? "")) problems.push(`instant "${e.name}" without a scope`);
    } else {
      problems.push(`"${e.name}": unexpected phase ${ph}`);
    }
  }
  for (const [where, open] of begun) if (open.length) problems.push(`B "${open[0]}" on ${where} never ends`);
  for (const [where, list] of slices) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack: { name: string; end: number }[] = [];
    for (const s of list) {
      while (stack.length && stack[stack.length - 1].end <= s.start) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent && s.end > parent.end) problems.push(`${where} (${threads.get(where)}): "${s.name}" ends ${s.end - parent.end} ps after "${parent.name}" it starts in`);
      stack.push(s);
    }
  }
  return problems.slice(0, 10);
}

// Small parameters where a scenario's defaults run for long; each must still use its devices.
const CASES: [string, ScenarioParams][] = [
  ["demo", { size: "64K" }],
  ["coherent-aliases", {}],
  ["memcpy", { size: "64K", channels: 2, buffers: "streaming" }],
  ["cpu-process", { size: "16K" }],
  ...BUG_KINDS.map((kind): [string, ScenarioParams] => ["bug", { kind }]),
  ["calibration", {}],
  ["dma-mix", { transfers: 20 }],
  ["uart-tx", { size: 256 }],
  ["adc-rx", { count: 8 }],
];

describe("the trace of every built-in scenario", () => {
  it("covers them all", () => {
    expect(new Set(CASES.map(([name]) => name))).toEqual(new Set(Object.keys(SCENARIOS).filter((n) => n !== "fingerprint")));
  });

  it.each(CASES)("%s %o", async (name, params) => {
    const system = await createLocalSystem(systemFor(name, params, {}));
    try {
      system.kernel.tracer.start();
      await runScenarioOn(system, name, params);
      const t = system.kernel.tracer.stopChrome();
      expect(t.otherData.dropped).toBe(0);
      expect(t.traceEvents.filter((e) => e.ph === "X").length).toBeGreaterThan(0);
      expect(traceProblems(t)).toEqual([]);
    } finally {
      system.dispose();
    }
  });

  it("the counter checker finds what it looks for", () => {
    const c = (name: string, key: string, ts: number, v: unknown) => ({ name, ph: "C" as const, ts, pid: 1, tid: 5, args: { [key]: v } });
    expect(counterProblems({ otherData: {}, traceEvents: [
      c("MFIFO", "bytes", 1, 128), c("MFIFO", "bytes", 1, 0), c("bytes", "moved", 1, 256), c("bytes", "moved", 2, 128), c("", "x", 3, 1),
    ] })).toEqual([
      'counter "MFIFO bytes" of pid 1: two samples at 1000 ns',
      'counter "bytes moved" of pid 1 goes back from 256 to 128 at 2000 ns',
      "an event without a name at 3",
    ]);
  });

  it("the checker finds what it looks for", () => {
    const named = [
      { name: "process_name", ph: "M" as const, pid: 1, tid: 0, args: { name: "CPU" } },
      { name: "thread_name", ph: "M" as const, pid: 1, tid: 5, args: { name: "CPU0" } },
    ];
    const bad: ChromeTrace = {
      otherData: {},
      traceEvents: [
        ...named,
        { name: "thread_name", ph: "M", pid: 1, tid: 6, args: { name: "CPU0" } },
        { name: "a", ph: "X", ts: 0, dur: 2, pid: 1, tid: 5 },
        { name: "b", ph: "X", ts: 1, dur: 2, pid: 1, tid: 5 },
        { name: "c", ph: "X", ts: 1, dur: -1, pid: 1, tid: 5 },
        { name: "n", ph: "C", ts: 1, pid: 1, tid: 5, args: { n: "7" } },
        { name: "x", ph: "i", ts: 1, pid: 2, tid: 9, s: "t" },
      ],
    };
    expect(traceProblems(bad)).toEqual([
      'two threads named "CPU0" in pid 1',
      '"c" at 1: duration -1',
      'counter "n" at 1: {"n":"7"}',
      '"x" on unnamed track 2/9',
      '1/5 (CPU0): "b" ends 1000000 ps after "a" it starts in',
    ]);
  });
});

/** What Perfetto would draw wrongly from the counters (one value per counter and ns; byte counts
 *  that only grow), and events without a name (Perfetto shows "[No name]"). */
function counterProblems(t: ChromeTrace): string[] {
  const problems: string[] = [];
  const last = new Map<string, { ns: number; value: number }>();
  for (const e of t.traceEvents) {
    if (e.ph !== "M" && !e.name) problems.push(`an event without a name at ${e.ts}`);
    if (e.ph !== "C" || !e.name) continue;
    const ns = Math.round(e.ts! * 1000);
    for (const { track, value } of perfettoCounters(e)) {
      const key = `counter "${track}" of pid ${e.pid}`;
      const prev = last.get(key);
      if (prev && ns <= prev.ns) problems.push(`${key}: two samples at ${ns} ns`);
      const cumulative = track === "bytes moved" || / bytes$/.test(track) && track !== "MFIFO bytes";
      if (prev && cumulative && value < prev.value) problems.push(`${key} goes back from ${prev.value} to ${value} at ${ns} ns`);
      last.set(key, { ns, value });
    }
  }
  return problems.slice(0, 10);
}

const BOARDS = ["zynq-7000", "arm64-ref", "arm64-highmem"] as const;
const KERNELS = ["modern", "v4.9"] as const;

/** Where a case is left out: it does not run there, or its trace is the same run again. */
function runsOn(name: string, params: ScenarioParams, board: string, kernel: string): boolean {
  // The calibration is Zynq's (docs/calibration.md) and takes seconds a run; on arm64-highmem its
  // 1 MiB mappings bounce beyond what swiotlb holds (-ENOMEM, 4.9's swiotlb_full() panic).
  if (name === "calibration") return board === "zynq-7000";
  // These bugs size swiotlb, which zynq-7000 (arm without LPAE) does not have: the boot refuses.
  if (name === "bug" && ["swiotlb-exhaustion", "mask-overflow"].includes(String(params.kind)) && board === "zynq-7000") return false;
  // 4.9's swiotlb_full() panics when the bounce buffer is full: the run ends without a trace.
  if (name === "bug" && params.kind === "swiotlb-exhaustion" && board === "arm64-highmem" && kernel === "v4.9") return false;
  // A kind that boots its own variant of a built-in board (a tree, not a board choice) runs once,
  // on that board's row.
  const variant = systemFor(name, params, { kernel: kernel as "modern" | "v4.9" }).variant;
  return variant === undefined || variant.board === board;
}

/** The system the scenario picks for itself (a bug's swiotlb size, DMA-API debug), on this board
 *  and kernel. uart-tx, adc-rx and bugs burst-larger-than-fifo-threshold and
 *  rx-burst-larger-than-fifo-level pick settings of Zynq's UART and ADC nodes: elsewhere they run
 *  with the board's own peripheral at its defaults, as `dmasim run NAME --board B` does. */
function systemOn(name: string, params: ScenarioParams, board: string, kernel: string) {
  const zynqNodes = ["uart-tx", "adc-rx"].includes(name) ||
    (name === "bug" && ["burst-larger-than-fifo-threshold", "rx-burst-larger-than-fifo-level"].includes(String(params.kind)));
  // The kernel is given: bug mask-overflow keeps 4.9's swiotlb pool, which 4.9 cannot boot without.
  const own = board === "zynq-7000" || !zynqNodes ? systemFor(name, params, { kernel: kernel as "modern" | "v4.9" }) : {};
  // A variant is a whole tree: it takes the board's place (createSystem refuses both).
  return own.variant ? { ...own, kernel: kernel as "modern" | "v4.9" } : { ...own, board, kernel: kernel as "modern" | "v4.9" };
}

const MATRIX = CASES.flatMap(([name, params]) => BOARDS.flatMap((board) => KERNELS
  .filter((kernel) => runsOn(name, params, board, kernel))
  .map((kernel): [string, ScenarioParams, string, string] => [name, params, board, kernel])));

describe("every scenario's trace on every board and kernel, as the file Perfetto reads", () => {
  it.each(MATRIX)("%s %o on %s, %s kernel", async (name, params, board, kernel) => {
    const system = await createLocalSystem(systemOn(name, params, board, kernel));
    try {
      system.kernel.tracer.start();
      await runScenarioOn(system, name, params);
      const t = JSON.parse(JSON.stringify(system.kernel.tracer.stopChrome())) as ChromeTrace;
      expect(t.otherData.dropped).toBe(0);
      expect(validateChromeTrace(t)).toEqual([]);
      expect(traceProblems(t)).toEqual([]);
      expect(counterProblems(t)).toEqual([]);
    } finally {
      system.dispose();
    }
  }, 30_000);
});
