// Reports for sweeps: the table of every job, and the charts the caller asks for — without a
// word, when the results carry a throughput and the grid varies the size, throughput against
// size, one line per value of the other parameters (and per System, in a sweep comparing them).

import { renderReport, type ReportSection } from "./html.js";
import { sweepChart, sweepChartX, type SweepChart } from "./sweep-chart.js";
import type { SweepResult } from "../sim/sweep.js";
import { sweepFieldPaths, sweepTable } from "../sim/sweep-columns.js";
import { provenanceText } from "../provenance.js";
import { rowProvenance, systemAxes } from "../sim/sweep-systems.js";

type Row = Record<string, unknown>;

export interface SweepReportOptions {
  /** The charts to draw, in this order, instead of the throughput chart. */
  charts?: SweepChart[];
  /** The result fields the table shows after the parameters, nested ones by their dotted path
   *  (`cached.totalPs`), an object's name (`cached`) for each figure in it, instead of every scalar
   *  field; one no job has, or one holding a list, is a RangeError. */
  columns?: readonly string[];
}

function fmt(v: unknown): string | number {
  return typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v);
}

/** Throughput vs size, one series per combination of the other parameters; null when the
 *  grid does not vary the size or the results carry no mbPerSec. */
export function throughputChart(s: SweepResult): string | null {
  const first = s.rows[0];
  if (!first || !("size" in first.params)) return null;
  const r0 = s.rows.find((r) => r.error === undefined && r.result !== undefined)?.result as Row | undefined;
  if (typeof r0?.mbPerSec !== "number") return null;
  return sweepChart(s, { y: "mbPerSec", x: "size" });
}

/** Why a report asked for no charts has none, and how to ask for one: without it a sweep of
 *  cpu-process (no mbPerSec) or over bursts alone reads as a report whose chart went missing. */
function noChartText(s: SweepResult): string | undefined {
  const numeric = sweepFieldPaths(s, (v) => typeof v === "number");
  if (!numeric.length) return undefined;
  const why = "size" in (s.rows[0]?.params ?? {}) ? "its results have no mbPerSec" : "it does not vary size";
  const example = numeric.find((f) => /totalPs$/.test(f)) ?? numeric.find((f) => /Ps$/.test(f)) ?? numeric[0];
  return (
    `No chart: by itself a report draws throughput (mbPerSec) against size, and this sweep cannot have one (${why}). ` +
    `Ask for a chart of any numeric field with --chart y=FIELD (sweepReport's charts: [{ y: FIELD }]), e.g. y=${example}.`
  );
}

function chartSections(s: SweepResult, charts: SweepChart[] | undefined): ReportSection[] {
  if (charts === undefined) {
    const chart = throughputChart(s);
    if (chart) return [{ heading: "Throughput", svg: chart }];
    const text = noChartText(s);
    return text ? [{ heading: "Charts", text }] : [];
  }
  if (!Array.isArray(charts)) throw new TypeError(`sweepReport: charts is a list ([{ y: "mbPerSec", x: "size" }]), not ${JSON.stringify(charts)}`);
  return charts.map((c) => ({ svg: sweepChart(s, c), heading: `${c.y} against ${sweepChartX(s, c)}` }));
}

/** A sweep comparing Systems: each System by its axes' values, and what it ran on in full (the
 *  report's title has no one System to name). */
function systemsSection(s: SweepResult): ReportSection[] {
  const axes = systemAxes(s);
  if (!s.systems) return [];
  // One line per System and what its rows ran on: in a sweep whose scenario chooses its board
  // (bug's kinds), rows of one System ran on more than one.
  const seen = new Map<string, (string | number)[]>();
  for (const r of s.rows) {
    const p = rowProvenance(s, r);
    if (!p) continue;
    const ranOn = provenanceText(p);
    const key = JSON.stringify([r.system ?? {}, ranOn]);
    if (!seen.has(key)) seen.set(key, [...axes.map((k) => fmt((r.system as Row | undefined)?.[k])), ranOn]);
  }
  return [{ heading: "Systems compared", table: { header: [...axes, "ran on"], rows: [...seen.values()] } }];
}

export function sweepSections(s: SweepResult, options: SweepReportOptions = {}): ReportSection[] {
  // As in dmasim sweep's table: the rows of a failed sweep (SweepError's partial) say why, and
  // rows that ran on a System their System columns do not name (a scenario choosing its board)
  // name theirs.
  const table = sweepTable(s, options.columns, fmt, provenanceText);
  return [
    ...chartSections(s, options.charts),
    ...systemsSection(s),
    {
      heading: "Results",
      text: `${s.rows.length} jobs on ${s.workers} worker(s) in ${(s.elapsedMs / 1000).toFixed(1)} s of host time.`,
      table,
    },
  ];
}

/** The report; under its title what the sweep ran on, unless it compares Systems (its "Systems
 *  compared" table names each). */
export function sweepReport(s: SweepResult, options: SweepReportOptions = {}): string {
  return renderReport(`dmasim sweep: ${s.scenario}`, sweepSections(s, options), s.systems ? undefined : s.provenance);
}
