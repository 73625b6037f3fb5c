// `--param k=v` (run) and `--param k=v1,v2,…` (sweep) options.

import { UsageError, type ParsedArgs } from "./args.js";
import type { ScenarioParams } from "../sim/scenarios.js";
import type { Grid } from "../sim/sweep.js";

function value(v: string): string | number | boolean {
  if (v === "true" || v === "false") return v === "true";
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

function pairs(a: ParsedArgs): [string, string][] {
  return (a.flags.get("param") ?? []).map((p) => {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param needs key=value, not "${p}"`);
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}

export function runParams(a: ParsedArgs): ScenarioParams {
  return Object.fromEntries(pairs(a).map(([k, v]) => [k, value(v)]));
}

export function sweepGrid(a: ParsedArgs): Grid {
  const grid: Grid = {};
  for (const [k, v] of pairs(a)) grid[k] = v.split(",").filter((x) => x.length).map(value);
  if (!Object.keys(grid).length) throw new UsageError("a sweep needs at least one --param key=v1,v2,…");
  return grid;
}
