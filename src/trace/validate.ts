// Structural checks of a Chrome trace, the ones that make Perfetto's JSON importer warn: on one
// thread, complete events must nest (a slice that starts inside another must end inside it, or
// Perfetto drops it and counts slice_drop_overlapping_complete_event);
// every event needs a name, a timestamp and a non-negative duration. Nesting is checked in the
// integer nanoseconds Perfetto turns ts and dur into, separately, under each conversion its
// importer has used (trace_processor json_utils, CoerceToTs), with no tolerance.

import type { ChromeEvent, ChromeTrace } from "./chrome.js";

/** The µs-to-ns conversions of Perfetto's JSON importer: a JSON double rounded (`llround(v *
 *  1000)`, current) or truncated (`static_cast<int64_t>(v * 1000)`, older), or the number's
 *  text with its decimal point moved three places and the rest cut off (when read as text). */
export const PERFETTO_NS: Record<string, (us: number) => number> = {
  llround: (us) => Math.sign(us) * Math.round(Math.abs(us) * 1000),
  truncate: (us) => Math.trunc(us * 1000),
  text: (us) => decimalShift(JSON.stringify(us)),
};

function decimalShift(text: string): number {
  const [mantissa, exponent] = text.split(/e/i);
  const negative = mantissa.startsWith("-");
  const [whole, fraction = ""] = mantissa.replace("-", "").split(".");
  const size = Math.max(1, whole.length + Number(exponent ?? 0) + 3);
  const ns = Number((whole + fraction).padEnd(size, "0").slice(0, size));
  return negative ? -ns : ns;
}

interface Interval { e: ChromeEvent; start: number; end: number }

export function validateChromeTrace(trace: ChromeTrace): string[] {
  const problems: string[] = [];
  const byThread = new Map<string, ChromeEvent[]>();
  for (const e of trace.traceEvents) {
    if (e.ph === "M") continue;
    if (!e.name) problems.push(`event without a name at ts ${e.ts}`);
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts)) problems.push(`${e.name}: bad timestamp`);
    if (e.ph === "X") {
      if (typeof e.dur !== "number" || !Number.isFinite(e.dur) || e.dur < 0) {
        problems.push(`${e.name} at ${e.ts}: bad duration ${e.dur}`);
        continue;
      }
      const k = `${e.pid}/${e.tid}`;
      const list = byThread.get(k) ?? [];
      list.push(e);
      byThread.set(k, list);
    }
  }
  if (problems.length) return problems;
  for (const [rule, ns] of Object.entries(PERFETTO_NS)) {
    for (const [k, list] of byThread) {
      const intervals = list.map((e): Interval => ({ e, start: ns(e.ts!), end: ns(e.ts!) + ns(e.dur!) }));
      // In the order Perfetto's sorter hands them to the slice tracker: by ns, and in file order
      // at one ns (a stable sort). A slice that ends where the next starts is closed first,
      // unless both last no time (SliceTracker::MaybeCloseStack: instants stack).
      intervals.sort((a, b) => a.start - b.start);
      const open: Interval[] = [];
      for (const s of intervals) {
        const closes = (p: Interval) => p.end < s.start || (p.end === s.start && !(p.end === p.start && s.end === s.start));
        while (open.length && closes(open[open.length - 1])) open.pop();
        const parent = open[open.length - 1];
        if (parent && s.end > parent.end) {
          problems.push(`thread ${k} (ns by ${rule}): "${s.e.name}" [${s.start}, ${s.end}] overlaps "${parent.e.name}" [${parent.start}, ${parent.end}] without nesting`);
          if (problems.length > 20) return problems;
        }
        open.push(s);
      }
    }
  }
  return problems;
}
