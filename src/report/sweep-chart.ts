// One chart of a sweep: a numeric result field (y) against a swept parameter (x), one series per
// combination of the other parameters and of the System axes (runSweep's `systems`: two boards'
// points are two lines, not one). An x whose values are numbers or sizes is a line over a
// logarithmic axis, as sweeps grow sizes by factors; any other x (buffers=coherent,streaming) is
// a grouped bar chart, one group per value. Jobs that failed, did not finish, or have no figure
// for y are left out, and the title says how many.

import { groupedBars, lineChart, type Series } from "./svg.js";
import type { SweepResult, SweepRow } from "../sim/sweep.js";
import { paramsText, type ScenarioParams } from "../sim/scenarios.js";
import { isFieldPath, resultFieldAt } from "../sim/result-fields.js";
import { sweepFieldPaths } from "../sim/sweep-columns.js";
import { systemParams } from "../sim/sweep-systems.js";
import { formatBytes, parseSize } from "../units.js";

/** What to draw: `y` a result field (a nested one by its dotted path, `cached.process.timePs`),
 *  `x` a swept parameter or System axis (`board`: bars per board); without `x`, `size` if the sweep varies it, else the first parameter
 *  whose values are numbers or sizes, else the first parameter. */
export interface SweepChart {
  y: string;
  x?: string;
}

type Value = ScenarioParams[string];

/** Why `chart` cannot be drawn for a sweep over `params`, before it runs; undefined if it can
 *  be. What the results hold is known only after. */
export function sweepChartProblem(chart: SweepChart, params: readonly string[]): string | undefined {
  if (!isFieldPath(chart?.y)) {
    return `a chart's y is a result field (mbPerSec, or cached.process.timePs for a nested one), not ${JSON.stringify(chart?.y)}`;
  }
  if (chart.x !== undefined && !params.includes(chart.x)) {
    return `a chart's x is a swept parameter (${params.join(", ")}), not ${JSON.stringify(chart.x)}`;
  }
  return undefined;
}

/** A value read as a point on a logarithmic axis: a positive number or a size ("4K"). */
function position(v: Value): number | undefined {
  if (typeof v === "boolean") return undefined;
  try {
    const n = parseSize(v);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** A row's place in the sweep: its System axes' values (board=arm64-ref), then its parameters. */
function pointOf(row: SweepRow): ScenarioParams {
  return { ...systemParams(row.system), ...row.params };
}

function isNumericParam(rows: SweepRow[], k: string): boolean {
  return rows.every((r) => position(pointOf(r)[k]) !== undefined);
}

/** The parameter `chart` puts on its x axis in sweep `s` (its own, or the one chosen for it). */
export function sweepChartX(s: SweepResult, chart: SweepChart): string | undefined {
  if (chart.x !== undefined) return chart.x;
  const rows = s.rows;
  const keys = Object.keys(rows[0]?.params ?? {});
  if (keys.includes("size")) return "size";
  return keys.find((k) => isNumericParam(rows, k)) ?? keys[0];
}

// Picoseconds per unit of a time field, by the suffix of its name (the simulator's `…Ps`;
// scenario modules may count in ns, µs or ms).
const TIME_SUFFIXES: [RegExp, number][] = [[/(^p|P)s$/, 1], [/(^n|N)s$/, 1e3], [/(^u|U)s$/, 1e6], [/(^m|M)s$/, 1e9]];
const TIME_UNITS: [string, number][] = [["s", 1e12], ["ms", 1e9], ["µs", 1e6], ["ns", 1e3], ["ps", 1]];
const BYTE_UNITS: [string, number][] = [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10], ["bytes", 1]];

/** The y axis's label and the factor its figures are divided by: a time in the largest unit of
 *  which the biggest figure holds at least one (185 µs, not 0.185 ms), bytes likewise, MB/s as
 *  they are. */
function yAxis(y: string, max: number): { label: string; scale: number } {
  const leaf = y.slice(y.lastIndexOf(".") + 1);
  const largest = (units: [string, number][], base: number) => units.find(([, f]) => f <= base * max && f >= base) ?? units.find(([, f]) => f === base)!;
  const time = TIME_SUFFIXES.find(([re]) => re.test(leaf));
  if (time) {
    const [unit, f] = largest(TIME_UNITS, time[1]);
    return { label: `${y} (${unit}, simulated)`, scale: f / time[1] };
  }
  if (y === "mbPerSec") return { label: "MB/s (simulated)", scale: 1 };
  if (/MbPerSec$/.test(leaf)) return { label: `${y} (MB/s, simulated)`, scale: 1 };
  if (/(^b|B)ytes$/.test(leaf)) {
    const [unit, f] = largest(BYTE_UNITS, 1);
    return { label: `${y} (${unit})`, scale: f };
  }
  return { label: y, scale: 1 };
}

/** Bytes on the x axis when the parameter's name says so or a value was written as a size. */
function xFormat(rows: SweepRow[], x: string): ((v: number) => string) | undefined {
  const sized = /(size|len|length|bytes|block)$/i.test(x) || rows.some((r) => typeof pointOf(r)[x] === "string");
  return sized ? formatBytes : undefined;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
}

/** The chart as SVG. Throws a TypeError when no finished job's result has `y`, or one has it but
 *  not as a number, and a RangeError for an x that is not a parameter of the sweep. */
export function sweepChart(s: SweepResult, chart: SweepChart): string {
  const params = Object.keys(pointOf(s.rows[0] ?? { params: {}, result: undefined }));
  const problem = sweepChartProblem(chart, params);
  if (problem) throw new RangeError(`${s.scenario}: ${problem}`);
  const { y } = chart;
  const x = sweepChartX(s, chart);
  if (x === undefined) throw new RangeError(`${s.scenario}: a sweep without jobs has nothing to chart`);
  const failed = s.rows.filter((r) => r.error !== undefined).length;
  const finished = s.rows.filter((r) => r.error === undefined && r.result !== undefined);
  const unfinished = s.rows.length - failed - finished.length;
  const drawn: [SweepRow, number][] = [];
  for (const row of finished) {
    const v = resultFieldAt(row.result, y);
    if (v === undefined) continue;
    if (typeof v !== "number") {
      const held = typeof v === "object" && v !== null
        ? `an object of figures (chart one of them: ${y}.${Object.keys(v)[0] ?? "…"})`
        : JSON.stringify(v);
      throw new TypeError(`${s.scenario}: a chart's y is a number, and ${y} is ${held} in job ${paramsText(pointOf(row))}`);
    }
    if (Number.isFinite(v)) drawn.push([row, v]);
  }
  if (finished.length && !finished.some((r) => resultFieldAt(r.result, y) !== undefined)) {
    const numeric = sweepFieldPaths(s, (v) => typeof v === "number");
    throw new TypeError(`${s.scenario}: no job's result has ${y} to chart (its numeric fields: ${numeric.join(", ") || "none"})`);
  }
  const without = finished.length - drawn.length;
  const leftOut = [
    ...(failed ? [plural(failed, "failed job")] : []),
    ...(unfinished ? [plural(unfinished, "unfinished job")] : []),
    ...(without ? [`${plural(without, "job")} without ${y}`] : []),
  ];
  const what = y === "mbPerSec" ? "throughput" : y;
  const title = `${s.scenario}: ${what} against ${x}${leftOut.length ? ` (left out: ${leftOut.join(", ")})` : ""}`;
  const axis = yAxis(y, Math.max(0, ...drawn.map(([, v]) => Math.abs(v))));
  const seriesName = (row: SweepRow) =>
    paramsText(Object.fromEntries(Object.entries(pointOf(row)).filter(([k]) => k !== x))) || s.scenario;
  if (isNumericParam(s.rows, x)) {
    const series = new Map<string, [number, number][]>();
    for (const [row, v] of drawn) {
      const pts = series.get(seriesName(row)) ?? [];
      pts.push([position(pointOf(row)[x])!, v / axis.scale]);
      series.set(seriesName(row), pts);
    }
    return lineChart({
      title,
      xLabel: x,
      yLabel: axis.label,
      series: [...series].map(([name, points]): Series => ({ name, points })),
      xFormat: xFormat(s.rows, x),
    });
  }
  const categories = [...new Set(s.rows.map((r) => String(pointOf(r)[x])))];
  const series = new Map<string, (number | undefined)[]>();
  for (const row of s.rows) {
    if (!series.has(seriesName(row))) series.set(seriesName(row), categories.map(() => undefined));
  }
  for (const [row, v] of drawn) series.get(seriesName(row))![categories.indexOf(String(pointOf(row)[x]))] = v / axis.scale;
  return groupedBars({ title, xLabel: x, yLabel: axis.label, categories, series: [...series].map(([name, values]) => ({ name, values })) });
}
