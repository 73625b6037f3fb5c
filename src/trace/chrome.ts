// Chrome Trace Event JSON (the format Perfetto's JSON importer and chrome://tracing read):
// complete events ("X") for slices, counter events ("C"), metadata naming each process and
// thread. Timestamps are microseconds; simulated picoseconds divide by 10^6.

import { counterName, trackName } from "./names.js";

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
  displayTimeUnit: "ns";
  otherData: Record<string, unknown>;
}

const us = (ps: number) => ps / 1e6;

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
  for (const r of sorted) {
    const { pid, tid } = where(r.track);
    if (r.kind === "slice") {
      events.push({ name: r.name, ph: "X", ts: us(r.start), dur: us(r.end - r.start), pid, tid, args: { value: r.value } });
    } else if (r.kind === "counter") {
      const name = counterName(r.track, r.name);
      events.push({ name, ph: "C", ts: us(r.start), pid, tid, args: { [name]: r.value } });
    } else {
      events.push({ name: r.name, ph: "i", s: "t", ts: us(r.start), pid, tid, args: { value: r.value } });
    }
  }
  return { traceEvents: events, displayTimeUnit: "ns", otherData: { generator: "dmasim", ...opts.otherData } };
}
