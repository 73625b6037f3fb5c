// The line `dmasim run` prints above a result's fields, saying what ran and on what, in the
// demo's voice (`dmasim demo: 1 MiB PL330 memcpy on Zynq-7000 test board (modern kernel)`). The
// CLI and the browser page's Bugs view both print it from here, so the two read the same.
// `dmasim sweep` prints the same line above its table: a table pasted on its own (two boards'
// sweeps side by side) must still say which board, kernel and options each came from.

import { paramsText, type ScenarioParams } from "./scenarios.js";
import { optionTexts, ranOnText, type Provenance } from "../provenance.js";
import type { SweepResult } from "./sweep.js";
import { ranOnVaries, rowProvenance, systemValue } from "./sweep-systems.js";
import { formatScalar } from "./result-text.js";

/** `dmasim run: memcpy (size=64K burst=4) on Zynq-7000 test board (modern kernel)`. The
 *  parameters are those given, as given: the fields below say which defaults were taken. */
export function formatRunHeading(scenario: string, params: ScenarioParams, ranOn: Provenance): string {
  const given = Object.keys(params).length ? ` (${paramsText(params)})` : "";
  return `dmasim run: ${scenario}${given} on ${ranOnText(ranOn)}`;
}

/** `dmasim sweep: memcpy (size=4K,64K burst=1,16) on Zynq-7000 test board (modern kernel)`: the
 *  scenario and the grid's values as given (a module by its path), and the sweep's provenance. Rows that ran on another System (a
 *  scenario choosing its board by parameter: bug's kind) are named in the table's `ran on`
 *  column instead; a sweep where no job finished knows no System, and says only what ran. A sweep
 *  comparing Systems (runSweep's `systems`) names the axes instead (`comparing
 *  board=zynq-7000,arm64-ref kernel=modern,v4.9`; swiotlb= values as the command line has them,
 *  axisValuesText), then the kernel and options every row shared
 *  (`with kernel=v4.9, swiotlb=force`). */
export function formatSweepHeading(scenario: string, grid: Record<string, readonly unknown[]>, sweep: Pick<SweepResult, "rows" | "provenance" | "systems">): string {
  const values = Object.entries(grid).map(([k, v]) => `${k}=${v.join(",")}`).join(" ");
  const what = `dmasim sweep: ${scenario}${values ? ` (${values})` : ""}`;
  const mixed = ranOnVaries(sweep);
  if (sweep.systems) {
    const axes = Object.entries(sweep.systems).map(([k, v]) => `${k}=${axisValuesText(k, v as unknown[])}`).join(" ");
    const shared = mixed ? [] : sharedOptionTexts(sweep, Object.keys(sweep.systems));
    return `${what} comparing ${axes}${shared.length ? ` with ${shared.join(", ")}` : ""}${mixed ? " on the Systems in the ran on column" : ""}`;
  }
  if (!sweep.provenance) return what;
  return `${what} on ${mixed ? "the Systems in the ran on column" : ranOnText(sweep.provenance)}`;
}

/** A System axis's values as a heading lists them: `zynq-7000,arm64-ref`; where a value has a
 *  comma of its own (swiotlb's `128,force`), `128,force|0|noforce`, so each still reads as one. */
function axisValuesText(axis: string, values: readonly unknown[]): string {
  const texts = values.map((v) => formatScalar(systemValue(axis, v)));
  return texts.join(texts.some((t) => t.includes(",")) ? "|" : ",");
}

/** The kernel and options (`kernel=v4.9`, `swiotlb=force`) every finished row of a sweep comparing
 *  Systems ran with, its axes aside: a scenario may choose a System's options by an axis too (bug
 *  mask-overflow asks for no swiotlb on the modern kernel only), and one row's are not the rest's. */
function sharedOptionTexts(sweep: Pick<SweepResult, "rows" | "provenance">, axes: string[]): string[] {
  const each = sweep.rows.map((row) => rowProvenance(sweep, row)).filter((p): p is Provenance => p !== undefined)
    .map((p) => [...(axes.includes("kernel") ? [] : [`kernel=${p.kernel}`]), ...optionTexts(p, ["dmaPeripherals", ...axes])]);
  return (each[0] ?? []).filter((text) => each.every((texts) => texts.includes(text)));
}
