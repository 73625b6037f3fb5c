// Recording a trace of one System: the silicon's records (CPU operations, cache maintenance,
// DMA channels and AXI bursts, DRAM counters) plus spans the kernel and scenarios add on the CPU
// track (interrupt handlers, scenario phases). Spans enclose the CPU operations they contain, so
// everything on the CPU track nests.

import type { Machine } from "../hw/machine.js";
import { RECORD_NAMES } from "./names.js";
import { toChromeTrace, type ChromeTrace, type TraceRecord } from "./chrome.js";
import { HEAP_BLOCK_MAX_BYTES, heapRoomBytes } from "../hw/heap-room.js";
import { isWholeIn, wholeNumberIn } from "../whole-number.js";

const TRACK_CPU = 0x0100;
const KINDS = ["slice", "counter", "instant"] as const;
const KIND_DELTA = 3;
const RECORD_BYTES = 32; // assembly/trace.ts

export interface TraceStats {
  records: number;
  dropped: number;
}

export class Tracer {
  private spans: TraceRecord[] = [];
  private on = false;
  /** Names of the DMA controllers, in silicon instance order (process names in the trace). */
  dmacNames: string[] = [];

  constructor(private readonly machine: Machine) {}

  get enabled(): boolean {
    return this.on;
  }

  /** Starts recording, with room for `records` silicon records (32 bytes each, from the
   *  silicon's heap: RangeError if they cannot fit). */
  start(records = 1 << 20): void {
    if (!isWholeIn(records, 1)) throw new RangeError(`trace records must be ${wholeNumberIn(1)}, not ${records}`);
    const room = Math.floor(Math.min(heapRoomBytes(this.machine.x), HEAP_BLOCK_MAX_BYTES) / RECORD_BYTES);
    if (records > room) {
      throw new RangeError(`a trace of ${records} records needs ${records * RECORD_BYTES} bytes; the silicon's heap can give it at most ${room} records (one block of at most 1 GiB, in a 4 GiB memory)`);
    }
    this.machine.x.traceEnable(records);
    this.spans = [];
    this.on = true;
  }

  /** Runs fn, recording it as a span on the CPU track when tracing. */
  span<T>(name: string, fn: () => T, value = 0): T {
    if (!this.on) return fn();
    const start = this.machine.now();
    try {
      return fn();
    } finally {
      this.spans.push({ start, end: this.machine.now(), track: TRACK_CPU, kind: "slice", name, value });
    }
  }

  /** Stops recording and returns what was recorded. */
  stop(): { records: TraceRecord[]; stats: TraceStats } {
    const x = this.machine.x;
    // Disabling records the memory controllers' last bytes: it comes before the records are read.
    x.traceDisable();
    const n = x.traceRecorded();
    const dropped = x.traceDropped();
    const view = new DataView(x.memory.buffer, x.traceBuffer() >>> 0, n * 32);
    const records: TraceRecord[] = [];
    const deltas: TraceRecord[] = [];
    for (let i = 0; i < n; i++) {
      const o = i * 32;
      const name = view.getUint16(o + 22, true);
      const kind = view.getUint16(o + 20, true);
      (kind === KIND_DELTA ? deltas : records).push({
        start: Number(view.getBigInt64(o, true)),
        end: Number(view.getBigInt64(o + 8, true)),
        track: view.getUint32(o + 16, true),
        kind: KINDS[kind] ?? "counter",
        name: RECORD_NAMES[name] ?? `record ${name}`,
        value: view.getFloat64(o + 24, true),
      });
    }
    x.traceReset();
    this.on = false;
    // Spread into an array, not into push(): a long run has more counter changes than a call
    // can take as arguments.
    const all = [...records, ...sumDeltas(deltas), ...this.spans];
    this.spans = [];
    return { records: all, stats: { records: n, dropped } };
  }

  /** Stops recording and returns a Chrome Trace Event document. */
  stopChrome(otherData: Record<string, unknown> = {}): ChromeTrace {
    const { records, stats } = this.stop();
    return toChromeTrace(records, { dmacNames: this.dmacNames, otherData: { ...stats, ...otherData } });
  }
}

/** Counter samples from a track's changes (KIND_DELTA): summed in time order, so a counter
 *  shows the value each change leads to, whenever the silicon recorded it. Changes at one
 *  picosecond make one sample: the MFIFO drains a burst and takes the next at the same instant,
 *  and a sample per change would draw an occupancy it never held (1024 → 896 → 1024 at one
 *  timestamp, the order of two records deciding what Perfetto shows). */
export function sumDeltas(deltas: TraceRecord[]): TraceRecord[] {
  const sorted = [...deltas].sort((a, b) => a.track - b.track || a.start - b.start);
  const out: TraceRecord[] = [];
  let track = -1;
  let sum = 0;
  for (const d of sorted) {
    if (d.track !== track) {
      track = d.track;
      sum = 0;
    }
    sum += d.value;
    const last = out[out.length - 1];
    if (last && last.track === d.track && last.start === d.start) last.value = sum;
    else out.push({ ...d, kind: "counter", value: sum });
  }
  return out;
}
