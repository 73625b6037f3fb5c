// Perfetto's JSON importer names the track of a counter event's each args key
// `${event name} ${key}` (trace_processor, json_trace_parser_impl.cc, case 'C') and keys it by
// process and that name: the reference the trace tests read counters by.

import type { ChromeEvent } from "../../src/trace/chrome.js";

/** The tracks a "C" event's values go to, each with its value. */
export function perfettoCounters(e: ChromeEvent): { track: string; value: number }[] {
  return Object.entries(e.args ?? {}).map(([key, v]) => ({ track: `${e.name} ${key}`, value: Number(v) }));
}

/** The samples of counter track `track` (as Perfetto names it) in file order. */
export function counterSamples(events: ChromeEvent[], track: string): { e: ChromeEvent; value: number }[] {
  return events.filter((e) => e.ph === "C").flatMap((e) => perfettoCounters(e).filter((c) => c.track === track).map((c) => ({ e, value: c.value })));
}
