// Built-in scenarios: functions of (system, params) returning plain data, so they run the same
// in-thread and in a worker.

import type { System } from "../system.js";
import { runDemo } from "./demo.js";
import { runCoherentAliases } from "./coherent-aliases.js";
import * as memcpy from "./scenarios/memcpy.js";
import * as cpuProcess from "./scenarios/cpu-process.js";
import * as bugs from "./scenarios/bugs.js";
import * as calibration from "./scenarios/calibration.js";
import * as dmaMix from "./scenarios/dma-mix.js";
import * as fingerprint from "./scenarios/fingerprint.js";
import * as uartTx from "./scenarios/uart-tx.js";
import * as adcRx from "./scenarios/adc-rx.js";
import type { SystemOptions } from "../system.js";

export type ScenarioParams = Record<string, string | number | boolean>;
export type Scenario = (system: System, params: ScenarioParams) => unknown;

/** Parameters as the CLI takes them and messages name them: `size=4K burst=16`. */
export function paramsText(params: ScenarioParams): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
}

/** A table looked up by the names users give: without a prototype, so "constructor" or
 *  "toString" is no scenario. */
function byName<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}

export const SCENARIOS: Record<string, Scenario> = byName({
  demo: (s, p) => runDemo(s, { size: p.size as string | number | undefined }),
  "coherent-aliases": (s, p) => runCoherentAliases(s, { size: p.size as number | string | undefined, device: p.device as string | undefined }),
  memcpy: memcpy.run,
  "cpu-process": cpuProcess.run,
  bug: bugs.run,
  calibration: (s) => calibration.run(s),
  "dma-mix": dmaMix.run,
  fingerprint: fingerprint.run,
  "uart-tx": uartTx.run,
  "adc-rx": adcRx.run,
});

/** The System a scenario needs when the user names no board (a bug that needs RAM above 4 GB,
 *  DMA-API debug, a 4.9 kernel…). */
export const SCENARIO_SYSTEMS: Record<string, (params: ScenarioParams, given: Pick<SystemOptions, "kernel">) => Omit<SystemOptions, "worker">> = byName({
  bug: bugs.bugSystem,
  "uart-tx": uartTx.uartTxSystem,
  "adc-rx": adcRx.adcRxSystem,
});

/** Parameters that shape only the peripheral models of the board a scenario boots when given
 *  none (SCENARIO_SYSTEMS), the model they shape, the DMA name of the peripheral the scenario
 *  uses, and how a tree's own model of it is made. */
export interface ModelParams {
  names: readonly string[];
  model: string;
  dmaName: "tx" | "rx";
  fromTree: string;
}

export const SCENARIO_MODEL_PARAMS: Record<string, ModelParams> = byName({
  "uart-tx": uartTx.MODEL_PARAMS,
  "adc-rx": adcRx.MODEL_PARAMS,
});

/** Why `params` cannot run `scenario` on a board given by name or tree (`named`), as one line, or
 *  undefined: a parameter that shapes only the default board's models would be shown in the run's
 *  heading and its sweep's columns, but the board's own model would run. */
export function modelParamText(scenario: string, params: ScenarioParams, named: boolean): string | undefined {
  const m = SCENARIO_MODEL_PARAMS[scenario];
  const given = named && m ? m.names.filter((n) => n in params) : [];
  if (!given.length) return undefined;
  const shown = paramsText(Object.fromEntries(given.map((n) => [n, params[n]])));
  return `${scenario}: ${shown} cannot apply on a board given with --board/--dtb: ${andList(m.names)} shape only ${m.model}; ` +
    `a board given by name or tree has its "${m.dmaName}" DMA peripheral modelled as its tree describes it (${m.fromTree}). ` +
    `Leave out ${andList(given)}, or the board`;
}

/** `rate, sample and depth`. */
function andList(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The parameters each built-in scenario reads (the comment at the top of its file describes
 *  them). fingerprint also hands on those of the scenario it runs. */
export const SCENARIO_PARAMS: Record<string, readonly string[]> = byName({
  demo: ["size"],
  "coherent-aliases": ["size", "device"],
  memcpy: ["size", "burst", "channels", "buffers", "block"],
  "cpu-process": ["size"],
  bug: ["kind", "onto", "offset", "len"],
  calibration: [],
  "dma-mix": ["transfers", "seed", "maxSize"],
  fingerprint: ["scenario", "records"],
  "uart-tx": ["size", "segment", "baud", "depth", "burst"],
  "adc-rx": ["rate", "sample", "burst", "depth", "period", "periods", "count"],
});

/** The first of `names` that built-in scenario `scenario` does not read (a scenario ignores
 *  the others: a typo would run it with its default, a sweep over one would repeat one job),
 *  with the names it does read; undefined when all are its own, or for a scenario module. */
export function unknownParam(scenario: string, names: string[], params: ScenarioParams = {}): { name: string; known: readonly string[] } | undefined {
  const own = SCENARIO_PARAMS[scenario];
  if (!own) return undefined;
  const inner = scenario === "fingerprint" && typeof params.scenario === "string" ? (SCENARIO_PARAMS[params.scenario] ?? []) : [];
  return firstUnknown(names, [...own, ...inner]);
}

function firstUnknown(names: string[], known: readonly string[]): { name: string; known: readonly string[] } | undefined {
  const name = names.find((n) => !known.includes(n));
  return name === undefined ? undefined : { name, known };
}

/** What is wrong with the parameter names of a run of `scenario`, as one line (`memcpy has no
 *  parameter "sise" (its parameters: size, burst, …)`), or undefined. The names a built-in
 *  scenario reads are SCENARIO_PARAMS'; a scenario module's are the `declared` ones it exports as
 *  `params` (scenario-module.ts), and without them any name goes. */
export function unknownParamText(scenario: string, params: ScenarioParams, declared?: readonly string[]): string | undefined {
  const names = Object.keys(params);
  const unknown = declared ? firstUnknown(names, declared) : unknownParam(scenario, names, params);
  if (!unknown) return undefined;
  const known = unknown.known.length ? `its parameters: ${unknown.known.join(", ")}` : "it takes none";
  return `${scenario} has no parameter "${unknown.name}" (${known})`;
}

/** Relative host cost of a job, when a scenario can estimate it: sweeps start the longest jobs
 *  first so workers finish together. */
export const SCENARIO_COSTS: Record<string, (params: ScenarioParams) => number> = byName({
  memcpy: memcpy.cost,
});

/** The error for a scenario that is not a built-in's name. A function, or a module's path or URL
 *  (built-in names hold no "/", "." or ":"), is what a caller reaching for a scenario module
 *  gives: say how such a module runs, instead of printing a function's whole source. */
function unknownScenario(name: unknown): Error {
  const known = `known: ${Object.keys(SCENARIOS).join(", ")}`;
  const byUrl = `runSweep and a worker System's run (createSystem({ worker: true })) take a scenario module by its URL (new URL("./my-scenario.mjs", import.meta.url).href)`;
  if (typeof name === "function") {
    return new TypeError(`run takes a built-in scenario's name (${known}), not a function: in this thread, call the module's run(system, params) yourself; ${byUrl}`);
  }
  if (typeof name === "string" && /[/.:]/.test(name)) {
    return new TypeError(`unknown scenario "${name}" (${known}): ${byUrl}; in this thread, call its run(system, params) yourself`);
  }
  return new Error(`unknown scenario "${String(name)}" (${known})`);
}

export function runScenario(system: System, name: string, params: ScenarioParams): unknown {
  const s = SCENARIOS[name];
  if (!s) throw unknownScenario(name);
  // A string ("size=4K") would run the scenario on its defaults without a word.
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TypeError(`${name}: params must be an object ({ size: "4K" }), not ${JSON.stringify(params)}`);
  }
  // A misspelt name would run the scenario on that parameter's default without a word.
  const unknown = unknownParamText(name, params);
  if (unknown) throw new TypeError(unknown);
  return s(system, params);
}
