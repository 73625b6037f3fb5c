// `--param k=v` (run) and `--param k=v1,v2,…` (sweep) options.

import { UsageError, type ParsedArgs } from "./args.js";
import { unknownParamText, type ScenarioParams } from "../sim/scenarios.js";
import type { Grid } from "../sim/sweep.js";
import { paramValue as value } from "../sim/param-value.js";

function pairs(a: ParsedArgs): [string, string][] {
  return (a.flags.get("param") ?? []).map((p) => {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param needs key=value, not "${p}"`);
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}

/** `declared`: the names a scenario module exports as `params` (scenario-module.ts). */
function checkNames(scenario: string, params: ScenarioParams, declared?: readonly string[]): void {
  const unknown = unknownParamText(scenario, params, declared);
  if (unknown) throw new UsageError(unknown);
}

export function runParams(a: ParsedArgs, scenario: string, declared?: readonly string[]): ScenarioParams {
  const params: ScenarioParams = {};
  for (const [k, v] of pairs(a)) {
    // A second --param for a key would replace the first one's value without a word.
    if (k in params) throw new UsageError(`--param ${k} is given twice: give it once`);
    params[k] = value(v);
  }
  checkNames(scenario, params, declared);
  return params;
}

export function sweepGrid(a: ParsedArgs, scenario: string, declared?: readonly string[]): Grid {
  const grid: Grid = {};
  for (const [k, v] of pairs(a)) {
    // A second --param for a key would replace the first one's values without a word.
    if (k in grid) throw new UsageError(`--param ${k} is given twice: give all its values in one (--param ${k}=v1,v2,…)`);
    grid[k] = v.split(",").filter((x) => x.length).map(value);
  }
  if (!Object.keys(grid).length) throw new UsageError("a sweep needs at least one --param key=v1,v2,…");
  checkNames(scenario, Object.fromEntries(Object.entries(grid).map(([k, v]) => [k, v[0]])), declared);
  return grid;
}
