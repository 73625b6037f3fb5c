// A sweep job: boot a fresh System, run one scenario with one set of parameters, return the
// plain-data result. The same function runs in a worker and in the calling thread, which is
// what makes a sweep's results independent of the worker count.

import { createLocalSystem, type SystemOptions } from "../system.js";
import { runScenario, type ScenarioParams } from "../sim/scenarios.js";

export interface JobSpec {
  system: Omit<SystemOptions, "worker">;
  /** A built-in scenario name, or the URL of a module exporting run(system, params). */
  scenario: string;
  params: ScenarioParams;
}

export async function runJob(spec: JobSpec): Promise<unknown> {
  const system = await createLocalSystem({ ...spec.system, worker: false });
  if (/^(file|https?|data|blob):/.test(spec.scenario)) {
    const mod = (await import(spec.scenario)) as { run?: (s: unknown, p: ScenarioParams) => unknown };
    if (typeof mod.run !== "function") throw new Error(`${spec.scenario} does not export run(system, params)`);
    return await mod.run(system, spec.params);
  }
  return runScenario(system, spec.scenario, spec.params);
}
