// Reports for sweeps: the table of every job, and — when the results carry a throughput and the
// grid varies the size — throughput against size, one line per value of the other parameters.

import { lineChart } from "./svg.js";
import { renderReport, type ReportSection } from "./html.js";
import type { SweepResult } from "../sim/sweep.js";
import { paramsText } from "../sim/scenarios.js";
import { resultColumns } from "../sim/sweep-columns.js";
import { parseSize, formatBytes } from "../units.js";

type Row = Record<string, unknown>;

function fmt(v: unknown): string | number {
  return typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v);
}

/** Throughput vs size, one series per combination of the other parameters. */
export function throughputChart(s: SweepResult): string | null {
  const first = s.rows[0];
  if (!first || !("size" in first.params)) return null;
  const r0 = first.result as Row;
  if (typeof r0?.mbPerSec !== "number") return null;
  const series = new Map<string, [number, number][]>();
  for (const row of s.rows) {
    const key = paramsText(Object.fromEntries(Object.entries(row.params).filter(([k]) => k !== "size"))) || s.scenario;
    const pts = series.get(key) ?? [];
    pts.push([parseSize(row.params.size as string | number), (row.result as Row).mbPerSec as number]);
    series.set(key, pts);
  }
  return lineChart({
    title: `${s.scenario}: throughput against size`,
    xLabel: "size",
    yLabel: "MB/s (simulated)",
    series: [...series].map(([name, points]) => ({ name, points })),
    xFormat: formatBytes,
  });
}

export function sweepSections(s: SweepResult): ReportSection[] {
  const paramKeys = Object.keys(s.rows[0]?.params ?? {});
  const resultKeys = resultColumns(s);
  const chart = throughputChart(s);
  return [
    ...(chart ? [{ heading: "Throughput", svg: chart }] : []),
    {
      heading: "Results",
      text: `${s.rows.length} jobs on ${s.workers} worker(s) in ${(s.elapsedMs / 1000).toFixed(1)} s of host time.`,
      table: {
        header: [...paramKeys, ...resultKeys],
        rows: s.rows.map((r) => [...paramKeys.map((k) => fmt(r.params[k])), ...resultKeys.map((k) => {
          const v = (r.result as Row | undefined)?.[k];
          return v === undefined ? "" : fmt(v);
        })]),
      },
    },
  ];
}

export function sweepReport(s: SweepResult): string {
  return renderReport(`dmasim sweep: ${s.scenario}`, sweepSections(s));
}
