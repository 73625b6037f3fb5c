// Structural checks of a Chrome trace, the ones that make Perfetto's JSON importer warn: on one
// thread, complete events must nest (a slice that starts inside another must end inside it);
// begin/end pairs must match; every event needs a name, a timestamp and a non-negative duration.

import type { ChromeEvent, ChromeTrace } from "./chrome.js";

export function validateChromeTrace(trace: ChromeTrace): string[] {
  const problems: string[] = [];
  const byThread = new Map<string, ChromeEvent[]>();
  for (const e of trace.traceEvents) {
    if (e.ph === "M") continue;
    if (!e.name) problems.push(`event without a name at ts ${e.ts}`);
    if (typeof e.ts !== "number" || !Number.isFinite(e.ts)) problems.push(`${e.name}: bad timestamp`);
    if (e.ph === "X") {
      if (typeof e.dur !== "number" || e.dur < 0) problems.push(`${e.name} at ${e.ts}: bad duration ${e.dur}`);
      const k = `${e.pid}/${e.tid}`;
      const list = byThread.get(k) ?? [];
      list.push(e);
      byThread.set(k, list);
    }
  }
  const EPS = 1e-9;
  for (const [k, list] of byThread) {
    const sorted = [...list].sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const open: ChromeEvent[] = [];
    for (const e of sorted) {
      while (open.length && open[open.length - 1].ts! + open[open.length - 1].dur! <= e.ts! + EPS) open.pop();
      const parent = open[open.length - 1];
      if (parent && e.ts! + e.dur! > parent.ts! + parent.dur! + EPS) {
        problems.push(`thread ${k}: "${e.name}" [${e.ts}, ${e.ts! + e.dur!}] overlaps "${parent.name}" [${parent.ts}, ${parent.ts! + parent.dur!}] without nesting`);
        if (problems.length > 20) return problems;
      }
      open.push(e);
    }
  }
  return problems;
}
