// Loading a scenario module (`dmasim run ./my-scenario.js`, a sweep's module URL). Node's own
// errors for the three ways a newcomer's first module fails to load name the symptom, not the
// fix; each gets the fix appended (README "Scenarios, sweeps, traces and reports").

import type { System } from "../system.js";
import type { ScenarioParams } from "../sim/scenarios.js";

export interface ScenarioModule {
  run?: (s: System, p: ScenarioParams) => unknown;
  /** The names of the parameters run reads (`export const params = ["len", "period"]`): a run
   *  or sweep given another name is refused, as a built-in scenario refuses one (a typo would
   *  run the module on that parameter's default). Without it, any name goes. */
  params?: readonly string[];
}

/** A module as importScenarioModule gives it: run checked, params checked when present. */
export type LoadedScenarioModule = Required<Pick<ScenarioModule, "run">> & Pick<ScenarioModule, "params">;

/** A scenario as messages name it: a built-in's name, a module's URL, but not a data: URL, which
 *  is the module's whole source. */
export function scenarioName(scenario: string): string {
  return scenario.startsWith("data:") ? "a data: URL scenario module" : scenario;
}

/** This package's folder, for the `npm install` advice; null where it is not on a file system. */
function packageRoot(): string | null {
  const root = new URL("../../../", import.meta.url);
  return root.protocol === "file:" ? decodeURIComponent(root.pathname) : null;
}

/** What to do about a module Node could not load, or null when the error is the module's own. */
export function scenarioModuleAdvice(e: unknown): string | null {
  const err = e as { code?: string; message?: string };
  const message = String(err?.message ?? "");
  if (err?.code === "ERR_MODULE_NOT_FOUND" && /Cannot find package 'dmasim'/.test(message)) {
    const root = packageRoot();
    return (
      'a scenario module finds "dmasim" from its own folder: run `npm install ' +
      (root ?? "/path/to/dmasim") +
      "` in the module's project (or place the module inside the dmasim repository)"
    );
  }
  if (e instanceof SyntaxError && /Cannot use import statement outside a module/.test(message)) {
    return 'Node read the module as CommonJS: name it .mjs, or set "type": "module" in its package.json';
  }
  if (err?.code === "ERR_UNKNOWN_FILE_EXTENSION" && /"\.[cm]?tsx?"/.test(message)) {
    return "a scenario module is JavaScript: compile it (tsc) and pass the .js file";
  }
  return null;
}

/** The module at `url`, its run(system, params) and params checked; a load error carries the fix. */
export async function importScenarioModule(url: string): Promise<LoadedScenarioModule> {
  let mod: ScenarioModule;
  try {
    mod = (await import(url)) as ScenarioModule;
  } catch (e) {
    const advice = scenarioModuleAdvice(e);
    if (!advice) throw e;
    const Kind = e instanceof SyntaxError ? SyntaxError : Error;
    throw Object.assign(new Kind(`${(e as Error).message}; ${advice}`, { cause: e }), { code: (e as { code?: string }).code });
  }
  if (typeof mod.run !== "function") throw new Error(`${url} does not export run(system, params)`);
  // A lone name ("len") would be read as its letters; a mistaken export would refuse every name.
  const params: unknown = mod.params;
  if (params !== undefined && (!Array.isArray(params) || params.some((n) => typeof n !== "string"))) {
    throw new TypeError(`${scenarioName(url)} exports params as ${JSON.stringify(params) ?? String(params)}: it must be an array of the names run reads (["len", "period"])`);
  }
  return mod as LoadedScenarioModule;
}

/** The module at `url` as importScenarioModule gives it, to read its `params` before it runs
 *  (where `run` and `sweep` check a built-in's), or undefined when it does not load: the run or
 *  the jobs that import it then fail with why, as they would without this look. */
export async function importScenarioModuleHere(url: string): Promise<LoadedScenarioModule | undefined> {
  try {
    return await importScenarioModule(url);
  } catch {
    return undefined;
  }
}
