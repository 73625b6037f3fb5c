// The scenarios the Sweep view offers, as `dmasim sweep SCENARIO` takes them: memcpy (with its own
// grid form), every other built-in scenario that has parameters to sweep, and a module file. The
// built-ins and their parameters are the library's list (SCENARIO_PARAMS, the names `dmasim sweep
// --param` checks): a scenario with none (calibration) has nothing to sweep over.
import { SCENARIO_PARAMS } from "../../dist/browser/dmasim.js";

/** The scenario choices with a form of their own: memcpy's grid, a module file's. */
export const MEMCPY = "memcpy";
export const MODULE = "module";

/** The built-in scenarios the view sweeps, in the library's order. */
export const SWEPT_SCENARIOS = Object.keys(SCENARIO_PARAMS).filter((name) => SCENARIO_PARAMS[name].length > 0);

/** Adds an option per built-in scenario but memcpy (the HTML's first) before the module file's. */
export function addScenarioOptions(select) {
  const moduleOption = [...select.options].find((o) => o.value === MODULE);
  for (const name of SWEPT_SCENARIOS) if (name !== MEMCPY) select.add(new Option(name, name), moduleOption);
}

/** What the params field takes for `choice`: its placeholder, and the hint beside it naming the
 *  built-in scenario's parameters (a module's are its own). */
export function paramsPrompt(choice) {
  if (!SWEPT_SCENARIOS.includes(choice)) return { placeholder: "key=v1,v2 …", hint: "" };
  const names = SCENARIO_PARAMS[choice];
  return { placeholder: `${names[0]}=v1,v2 …`, hint: `${choice}'s parameters: ${names.join(", ")}` };
}

/** Refuses a choice the view does not sweep (one from the address: `scenario=calibration`). */
export function checkSweptScenario(choice) {
  if (choice === MODULE || SWEPT_SCENARIOS.includes(choice)) return;
  throw new Error(`scenario "${choice}": the Sweep view sweeps a built-in scenario with parameters (${SWEPT_SCENARIOS.join(", ")}) or a module file`);
}
