// `dmasim sweep … --board zynq-7000,arm64-ref --kernel modern,v4.9`: a comma list on one of these
// options is a System axis (runSweep's `systems`), a single value the System every job boots, as
// for `run`. --swiotlb keeps its commas for swiotlb='s own `N,force`. `--dts a.dts,b.dts` (or
// --dtb) compares trees: each file is read and built here and travels to the workers as a blob,
// named by its shortest path suffix (tree-names.ts).

import { existsSync } from "node:fs";
import type { SystemOptions } from "../system.js";
import type { SystemGrid } from "../sim/sweep-systems.js";
import type { SweepTree } from "../sim/sweep-trees.js";
import { flag, UsageError, type ParsedArgs } from "./args.js";
import { readTreeFile, systemOptions, treeOption } from "./system-options.js";
import { treeNames } from "./tree-names.js";
import { PROFILES, unknownProfileText } from "../hw/profile.js";

/** The options whose comma list is an axis. */
export const SWEEP_AXIS_OPTIONS = ["board", "dtb", "dts", "kernel", "profile"] as const;

export interface SweepSystems {
  system: Omit<SystemOptions, "worker">;
  /** Absent when no option gave a list. */
  systems?: SystemGrid;
}

export async function sweepSystemOptions(a: ParsedArgs): Promise<SweepSystems> {
  const systems: Record<string, unknown[]> = {};
  const single = new Map(a.flags);
  const tree = treeOption(a);
  for (const name of SWEEP_AXIS_OPTIONS) {
    const text = flag(a, name);
    if (text === undefined || !text.includes(",")) continue;
    // A file whose own name has a comma is one tree.
    if ((name === "dtb" || name === "dts") && existsSync(text)) continue;
    const values = text.split(",").filter((v) => v.length);
    if (values.length < 2) throw new UsageError(`--${name} "${text}": a comma list compares two or more values (--${name} A,B), one is given alone`);
    if (name === "board" && tree) {
      throw new UsageError(`--board ${text} compares built-in boards, but --${tree.option} boots that tree on every job instead: give one or the other`);
    }
    if (name === "dtb" || name === "dts") {
      systems[name] = sweepTrees(a, name, text, values);
      single.delete(name);
      // Read with the trees, here: no tree is left for them to serve in every job.
      single.delete("include");
      continue;
    }
    // Each value is checked as --NAME VALUE alone would be, so that a misspelt one is named as
    // `dmasim run` names it.
    for (const value of values) await systemOptions({ positionals: [], flags: new Map([[name, [value]]]) });
    // A lone --profile is checked when its System boots, failing its jobs one by one; a list's
    // other values would run first, so an unknown one is refused before any.
    const unknownProfile = name === "profile" ? values.find((v) => !PROFILES[v]) : undefined;
    if (unknownProfile !== undefined) throw new UsageError(unknownProfileText(unknownProfile));
    systems[name] = values;
    single.delete(name);
  }
  const { worker: _w, ...system } = await systemOptions({ ...a, flags: single });
  // A compared tree is named as the user typed it too (advice: "run it without --dts").
  const compared = (["board", "dtb", "dts"] as const).find((name) => systems[name]);
  if (compared) system.treeChosenBy = `--${compared}`;
  return Object.keys(systems).length ? { system, systems: systems as SystemGrid } : { system };
}

/** `--dts a.dts,b.dts`: each file read and built now (one that cannot be, named, before any job
 *  runs), under the name its rows show. */
function sweepTrees(a: ParsedArgs, option: "dtb" | "dts", text: string, files: string[]): SweepTree[] {
  const board = flag(a, "board");
  if (board !== undefined) {
    throw new UsageError(`--${option} ${text} compares trees, which every job boots instead of --board ${board}: give one or the other`);
  }
  const names = treeNames(files, `--${option} ${text}`);
  const includeDirs = a.flags.get("include") ?? [];
  return files.map((file, i) => ({ name: names[i], dtb: readTreeFile(file, option, includeDirs) }));
}
