// Loading a scenario module (`dmasim run ./my-scenario.js`, a sweep's module URL). Node's own
// errors for the three ways a newcomer's first module fails to load name the symptom, not the
// fix; each gets the fix appended (README "Scenarios, sweeps, traces and reports").

import type { System } from "../system.js";
import type { ScenarioParams } from "../sim/scenarios.js";

export interface ScenarioModule {
  run?: (s: System, p: ScenarioParams) => unknown;
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

/** The module at `url`, its run(system, params) checked; a load error carries the fix. */
export async function importScenarioModule(url: string): Promise<Required<ScenarioModule>> {
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
  return mod as Required<ScenarioModule>;
}
