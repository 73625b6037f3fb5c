// The line `dmasim run` prints above a result's fields, saying what ran and on what, in the
// demo's voice (`dmasim demo: 1 MiB PL330 memcpy on Zynq-7000 test board (modern kernel)`). The
// CLI and the browser page's Bugs view both print it from here, so the two read the same.

import { paramsText, type ScenarioParams } from "./scenarios.js";
import { ranOnText, type Provenance } from "../provenance.js";

/** `dmasim run: memcpy (size=64K burst=4) on Zynq-7000 test board (modern kernel)`. The
 *  parameters are those given, as given: the fields below say which defaults were taken. */
export function formatRunHeading(scenario: string, params: ScenarioParams, ranOn: Provenance): string {
  const given = Object.keys(params).length ? ` (${paramsText(params)})` : "";
  return `dmasim run: ${scenario}${given} on ${ranOnText(ranOn)}`;
}
