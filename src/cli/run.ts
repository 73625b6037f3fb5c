// `dmasim run SCENARIO [--param k=v …] [--board NAME | --dtb FILE] [--json]`: one scenario on
// one System. SCENARIO is a built-in name or a path to a module exporting run(system, params).

import { pathToFileURL } from "node:url";
import { existsSync, statSync } from "node:fs";
import { createLocalSystem } from "../system.js";
import { isScenarioModule, runScenarioOn, systemFor } from "../worker/job.js";
import { importScenarioModuleHere, type LoadedScenarioModule } from "../worker/scenario-module.js";
import { SCENARIOS } from "../sim/scenarios.js";
import { formatDemo, type DemoResult } from "../sim/demo.js";
import { bootNotes } from "../sim/boot-notes.js";
import { checkOptions, has, UsageError, type ParsedArgs } from "./args.js";
import { systemOptions, SYSTEM_OPTIONS } from "./system-options.js";
import { runParams } from "./params.js";
import { formatResult } from "../sim/result-text.js";
import { formatRunHeading } from "../sim/run-heading.js";
import { resultFields } from "../sim/result-fields.js";
import { checkOutputs, withTrace, writeReport, OUTPUT_OPTIONS } from "./outputs.js";
import { demoReport } from "../report/demo-report.js";
import { renderReport } from "../report/html.js";
import type { Provenance } from "../provenance.js";

/** A built-in name stays a name; a file on disk becomes a module URL. A folder is refused here:
 *  Node's ES module loader imports no folder (no index.js, no package.json "main"), and says so
 *  in its own words ("Directory import … is not supported"). */
export function scenarioRef(name: string): string {
  if (SCENARIOS[name]) return name;
  if (existsSync(name) && statSync(name).isDirectory()) {
    throw new UsageError(`${name} is a directory: a scenario module is one JavaScript file exporting run(system, params) (as examples/debugging/mydrv.mjs): give its path`);
  }
  if (existsSync(name)) return pathToFileURL(name).href;
  throw new UsageError(`unknown scenario "${name}" (built in: ${Object.keys(SCENARIOS).join(", ")}; or a module path)`);
}

/** The scenario module `scenario` names, loaded here to check --param names against its
 *  `params`; undefined for a built-in, or a module that does not load (running it says why). */
export async function scenarioModule(scenario: string): Promise<LoadedScenarioModule | undefined> {
  return isScenarioModule(scenario) ? await importScenarioModuleHere(scenario) : undefined;
}

/** The system options of run and sweep: their Systems run where the scenario does (--worker is
 *  demo's, cat's and ls's). */
export const SCENARIO_SYSTEM_OPTIONS = SYSTEM_OPTIONS.filter((o) => o !== "worker");

export async function runCommand(a: ParsedArgs): Promise<number> {
  checkOptions(a, "run", ["param", "json", ...OUTPUT_OPTIONS, ...SCENARIO_SYSTEM_OPTIONS]);
  const name = a.positionals.shift();
  if (!name) throw new UsageError("usage: dmasim run SCENARIO [--param k=v …]");
  if (a.positionals.length) throw new UsageError(`run takes one scenario, not also "${a.positionals[0]}" (parameters are --param key=value)`);
  const scenario = scenarioRef(name);
  checkOutputs(a);
  const { worker: _w, ...options } = await systemOptions(a);
  const module = await scenarioModule(scenario);
  const params = runParams(a, name, module?.params);
  if (module && !module.params && Object.keys(params).length) {
    console.error(`dmasim: note: ${name} does not export params (the names its run reads), so a misspelt --param goes unnoticed`);
  }
  const system = await createLocalSystem(systemFor(scenario, params, options));
  // demo's result carries them in its table; other results have no place for them.
  if (name !== "demo") for (const n of bootNotes(system)) console.error(`dmasim: note: ${n}`);
  // The result first, then the files written: a report that cannot be written then loses nothing.
  const provenance = system.provenance();
  const result = await withTrace(a, system, () => runScenarioOn(system, scenario, params), (r) => {
    if (has(a, "json")) console.log(JSON.stringify(withProvenance(r, provenance), null, 2));
    else if (name === "demo") console.log(formatDemo(r as DemoResult));
    else console.log(`${formatRunHeading(name, params, provenance)}\n\n${formatResult(r)}`);
  });
  await writeReport(a, () => (name === "demo" ? demoReport(result as DemoResult, provenance) : resultReport(name, result, provenance)));
  return 0;
}

/** An object's fields, one row each (nested ones by their dotted path); a scenario module may
 *  also return one value, or nothing. */
function resultReport(name: string, result: unknown, provenance: Provenance): string {
  const fields: [string, unknown][] = result !== null && typeof result === "object" ? resultFields(result as Record<string, unknown>) : [["result", result]];
  const rows = fields.map(([k, v]) => [k, typeof v === "number" || typeof v === "string" ? v : (JSON.stringify(v) ?? String(v))]);
  return renderReport(`dmasim run ${name}`, [{ heading: "Result", table: { header: ["field", "value"], rows } }], provenance);
}

/** The result's fields, then `provenance`: the output of run --json before it had one stays as it
 *  was, field for field. A result that is not an object (a module's one value), or that has a
 *  `provenance` of its own, is printed as it is. */
export function withProvenance(result: unknown, provenance: Provenance): unknown {
  if (result === null || typeof result !== "object" || Array.isArray(result) || "provenance" in result) return result;
  return { ...result, provenance };
}
