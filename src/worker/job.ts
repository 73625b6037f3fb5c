// A sweep job: boot a fresh System, run one scenario with one set of parameters, return the
// plain-data result. The same function runs in a worker and in the calling thread, which is
// what makes a sweep's results independent of the worker count.

import { createLocalSystem, type System, type SystemOptions } from "../system.js";
import { errorText } from "./errors.js";
import { modelParamText, paramsText, runScenario, SCENARIO_SYSTEMS, unknownParamText, type ScenarioParams } from "../sim/scenarios.js";
import { importScenarioModule, scenarioName } from "./scenario-module.js";
import { innerScenario } from "../sim/scenarios/fingerprint.js";
import type { Provenance } from "../provenance.js";
import { pointOf, systemParams, type SystemAxis } from "../sim/sweep-systems.js";

export interface JobSpec {
  system: Omit<SystemOptions, "worker">;
  /** A built-in scenario name, or the URL of a module exporting run(system, params). */
  scenario: string;
  params: ScenarioParams;
  /** The System options this job's sweep compares (runSweep's `systems`: `["board", "kernel"]`),
   *  which describeJob names before the parameters, so that a lost job says which System it ran
   *  on as a failed job's error does. */
  axes?: SystemAxis[];
}

/** Whether `given` names a board or tree, which a scenario then runs on as it is. */
export function namesBoard(given: Omit<SystemOptions, "worker">): boolean {
  return given.board !== undefined || given.dtb !== undefined || given.dts !== undefined || given.variant !== undefined;
}

/** The System options for a job: the caller's, or — when the caller named no board or tree —
 *  what the scenario asks for (SCENARIO_SYSTEMS), then the default board. A parameter that shapes
 *  only the scenario's own board's models is refused on a named one (modelParamText). A
 *  fingerprint boots what the scenario it runs would (its digest is that run's). */
export function systemFor(scenario: string, params: ScenarioParams, given: Omit<SystemOptions, "worker">): Omit<SystemOptions, "worker"> {
  const inner = scenario === "fingerprint" ? innerScenario(params) : undefined;
  if (inner) return systemFor(inner.scenario, inner.params, given);
  const named = namesBoard(given);
  const unused = modelParamText(scenario, params, named);
  if (unused) throw new TypeError(unused);
  const wanted: Omit<SystemOptions, "worker"> = named ? {} : { ...SCENARIO_SYSTEMS[scenario]?.(params, given) };
  // The scenario's tree: advice to choose another System cannot name an option the user gave.
  if (namesBoard(wanted)) wanted.treeChosenBy = "scenario";
  return { ...wanted, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/** A job's result, and what it ran on: a scenario may choose its board by its parameters
 *  (SCENARIO_SYSTEMS), so the jobs of one sweep need not share it. */
export interface JobOutcome {
  result: unknown;
  provenance: Provenance;
}

export async function runJob(spec: JobSpec): Promise<JobOutcome> {
  const system = await createLocalSystem({ ...systemFor(spec.scenario, spec.params, spec.system), worker: false });
  try {
    return { result: await runScenarioOn(system, spec.scenario, spec.params), provenance: system.provenance() };
  } finally {
    system.dispose(); // its memory goes to the next job's System (src/hw/memory-reuse.ts)
  }
}

/** A job as an error message names it: the scenario, the values of the System axes it has, then
 *  its parameters (`memcpy board=arm64-ref kernel=v4.9 size=4K burst=16`). A data: URL is the
 *  module's whole source, so only its kind is named. */
export function describeJob(spec: JobSpec): string {
  return [scenarioName(spec.scenario), paramsText({ ...systemParams(pointOf(spec.system, spec.axes ?? [])), ...spec.params })].filter(Boolean).join(" ");
}

/** A job's result as its worker sends it back, once `write` (the worker's serializer) has taken
 *  it. Structured clone refuses functions, symbols and objects holding them; comlink would then
 *  answer "Unserializable return value", naming neither the job nor the value. */
export function resultToSend(spec: JobSpec, result: unknown, write: (value: unknown) => unknown): unknown {
  try {
    write(result);
  } catch (e) {
    throw new TypeError(
      `${describeJob({ ...spec, params: {}, axes: [] })} returned a value a worker cannot send back (${errorText(e)}); ` +
        "return plain data (numbers, strings, booleans, bigints, arrays, plain objects, typed arrays), not functions, symbols or objects nested thousands deep",
    );
  }
  return result;
}

/** Whether `scenario` is the URL of a module rather than a built-in scenario's name. */
export function isScenarioModule(scenario: string): boolean {
  return /^(file|https?|data|blob):/.test(scenario);
}

/** Runs a built-in scenario by name, or the run(system, params) of a module given by URL. */
export async function runScenarioOn(system: System, scenario: string, params: ScenarioParams): Promise<unknown> {
  if (isScenarioModule(scenario)) {
    const mod = await importScenarioModule(scenario);
    // As for a built-in (runScenario): a misspelt name would run the module on its default.
    const unknown = mod.params && unknownParamText(scenarioName(scenario), params, mod.params);
    if (unknown) throw new TypeError(unknown);
    return await mod.run(system, params);
  }
  return runScenario(system, scenario, params);
}
