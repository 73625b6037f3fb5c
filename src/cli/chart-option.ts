// `dmasim sweep … --chart y=FIELD[,x=PARAM]`, repeatable: the charts of the sweep's --report.
// Checked against the grid before the sweep runs; what the results hold (is y a number?) is
// known only after, when the report is drawn, and then the table has been printed.

import { flag, UsageError, type ParsedArgs } from "./args.js";
import { sweepChartProblem, type SweepChart } from "../report/sweep-chart.js";
import type { Grid } from "../sim/sweep.js";

function parseChart(text: string): SweepChart {
  const chart: Partial<Record<"x" | "y", string>> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq);
    if (eq <= 0 || (key !== "x" && key !== "y")) throw new UsageError(`--chart takes y=FIELD[,x=PARAM], not "${text}"`);
    if (key in chart) throw new UsageError(`--chart "${text}" gives ${key} twice: one chart has one ${key}`);
    chart[key] = part.slice(eq + 1);
  }
  if (chart.y === undefined) throw new UsageError(`--chart "${text}" needs y=FIELD, the result field to draw (mbPerSec, maintenancePs, …)`);
  return chart.x === undefined ? { y: chart.y } : { y: chart.y, x: chart.x };
}

/** The charts --chart asks for, undefined without one (the report's own chart). `axes`: the System
 *  options compared (--board A,B), which an x may name too. */
export function chartOptions(a: ParsedArgs, grid: Grid, axes: readonly string[] = []): SweepChart[] | undefined {
  const texts = a.flags.get("chart");
  if (texts === undefined) return undefined;
  if (flag(a, "report") === undefined) throw new UsageError("--chart draws in the report --report FILE writes: give --report FILE too");
  return texts.map((text) => {
    const chart = parseChart(text);
    const problem = sweepChartProblem(chart, [...axes, ...Object.keys(grid)]);
    if (problem) throw new UsageError(`--chart ${text}: ${problem}`);
    return chart;
  });
}
