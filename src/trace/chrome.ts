// Chrome Trace Event JSON (the format Perfetto's JSON importer and chrome://tracing read):
// complete events ("X") for slices, counter events ("C"), metadata naming each process and
// thread. Timestamps are microseconds. Perfetto keeps whole nanoseconds and converts ts and dur
// separately (CoerceToTs in trace_processor's json_utils: llround(v * 1000) now,
// static_cast<int64_t>(v * 1000) before, and a decimal shift of the number's text when it is
// read as text), so a slice's start and end are rounded to ns here, once each, and ts and dur
// are written as microsecond values that every one of those conversions maps back to the same
// integer ns: the intervals Perfetto builds then nest exactly as the picosecond ones do.

import { counterName, counterSeries, trackName } from "./names.js";
import { sliceArgs } from "./slice-args.js";

export interface TraceRecord {
  start: number; // ps
  end: number; // ps
  track: number;
  kind: "slice" | "counter" | "instant";
  name: string;
  value: number;
}

export interface ChromeEvent {
  name: string;
  ph: "X" | "C" | "i" | "M";
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: "t";
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  otherData: Record<string, unknown>;
}

/** Picoseconds to whole nanoseconds, half up: one monotonic rule for starts and ends, so
 *  containment and order between slices survive it. */
export const toNs = (ps: number) => Math.round(ps / 1000);

const bits = new DataView(new ArrayBuffer(8));

/** The microsecond value of a whole ns count that reads back as that count under rounding and
 *  under truncation of v * 1000: ns / 1000 when its product is not below ns (its text is then
 *  the short decimal), else the next double up (ns / 1000 can be a hair low, and
 *  15181410.999… truncates to 15181410). */
export function nsToUs(ns: number): number {
  const v = ns / 1000;
  if (v * 1000 >= ns) return v;
  bits.setFloat64(0, v);
  bits.setBigUint64(0, bits.getBigUint64(0) + 1n);
  return bits.getFloat64(0);
}

/** Builds the trace. Tracks become threads grouped into processes by component; within a
 *  thread, slices are emitted in start order, longer first, so nested work follows its parent. */
export function toChromeTrace(records: TraceRecord[], opts: { dmacNames?: string[]; otherData?: Record<string, unknown> } = {}): ChromeTrace {
  const pids = new Map<string, number>();
  const tids = new Map<number, { pid: number; tid: number }>();
  const events: ChromeEvent[] = [];
  const where = (track: number) => {
    let t = tids.get(track);
    if (!t) {
      const n = trackName(track, opts.dmacNames);
      let pid = pids.get(n.process);
      if (pid === undefined) {
        pid = pids.size + 1;
        pids.set(n.process, pid);
        events.push({ name: "process_name", ph: "M", pid, tid: 0, args: { name: n.process } });
        events.push({ name: "process_sort_index", ph: "M", pid, tid: 0, args: { sort_index: pid } });
      }
      t = { pid, tid: track };
      tids.set(track, t);
      events.push({ name: "thread_name", ph: "M", pid, tid: track, args: { name: n.thread } });
    }
    return t;
  };
  const sorted = [...records].sort((a, b) => a.start - b.start || b.end - a.end || a.track - b.track);
  // A counter's last sample by its key in Perfetto (process and track name): samples that round
  // to one ns become the last of them, the value the counter holds from that ns on.
  const lastSample = new Map<string, ChromeEvent>();
  for (const r of sorted) {
    const { pid, tid } = where(r.track);
    if (r.kind === "slice") {
      const start = toNs(r.start);
      events.push({ name: r.name, ph: "X", ts: nsToUs(start), dur: nsToUs(toNs(r.end) - start), pid, tid, args: sliceArgs(r.name, r.value) });
    } else if (r.kind === "counter") {
      const series = counterSeries(r.track, r.name);
      const ts = nsToUs(toNs(r.start));
      const key = `${pid}/${counterName(r.track, r.name)}`;
      const last = lastSample.get(key);
      if (last?.ts === ts) {
        last.args = { [series.key]: r.value };
        continue;
      }
      const e: ChromeEvent = { name: series.name, ph: "C", ts, pid, tid, args: { [series.key]: r.value } };
      lastSample.set(key, e);
      events.push(e);
    } else {
      events.push({ name: r.name, ph: "i", s: "t", ts: nsToUs(toNs(r.start)), pid, tid, args: sliceArgs(r.name, r.value) });
    }
  }
  return { traceEvents: events, otherData: { generator: "dmasim", ...opts.otherData } };
}
