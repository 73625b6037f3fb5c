// `dmasim sweep … --board zynq-7000,arm64-ref --kernel modern,v4.9`: a comma list on one of these
// options is a System axis (runSweep's `systems`), a single value the System every job boots, as
// for `run`. `--dts a.dts,b.dts` (or --dtb) compares trees: each file is read and built here and
// travels to the workers as a blob, named by its shortest path suffix (tree-names.ts). --memory
// and --cma values have no comma of their own (sizes, cma='s SIZE@BASE-LIMIT); --swiotlb's do
// (swiotlb=N,force), so its list reads as the kernel would (swiotlbValues); --dma-debug, a switch,
// compares with --dma-debug=off,on. The browser page reads its lists with the same code
// (../sim/system-axis-text.ts).

import { existsSync } from "node:fs";
import type { SystemOptions } from "../system.js";
import type { SystemAxis, SystemGrid } from "../sim/sweep-systems.js";
import type { SweepTree } from "../sim/sweep-trees.js";
import { flag, UsageError, type ParsedArgs } from "./args.js";
import { dmaDebugSwitch, readTreeFile, systemOptions, treeOption } from "./system-options.js";
import { treeNames } from "./tree-names.js";
import { PROFILES, unknownProfileText } from "../hw/profile.js";
import { swiotlbValues, systemOptionValues } from "../sim/system-axis-text.js";

/** The options whose comma list is an axis, in the order of the table's leading columns. */
export const SWEEP_AXIS_OPTIONS = ["board", "dtb", "dts", "kernel", "profile", "memory", "cma", "swiotlb", "dma-debug"] as const;

/** The System option (runSweep's axis, the column) each CLI option sets, where the names differ. */
const AXIS_NAMES: Partial<Record<(typeof SWEEP_AXIS_OPTIONS)[number], SystemAxis>> = { "dma-debug": "dmaDebug" };

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
    if (text === undefined || !(text.includes(",") || (name === "swiotlb" && text.includes("|")))) continue;
    // A file whose own name has a comma is one tree.
    if ((name === "dtb" || name === "dts") && existsSync(text)) continue;
    const values = systemOptionValues(name, text);
    // `N,force` is one swiotlb= value: the System every job boots.
    if (name === "swiotlb" && values.length === 1 && !text.includes("|")) continue;
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
    // `dmasim run` names it, and becomes what that gives createSystem (swiotlb='s text its
    // { size, force, noforce }, which the column writes back as the kernel parameter).
    const axis = AXIS_NAMES[name] ?? (name as SystemAxis);
    const options: unknown[] = [];
    for (const value of values) {
      if (name === "dma-debug") {
        options.push(dmaDebugSwitch(value));
        continue;
      }
      options.push((await systemOptions({ positionals: [], flags: new Map([[name, [value]]]) }))[axis as keyof SystemOptions]);
    }
    // A lone --profile is checked when its System boots, failing its jobs one by one; a list's
    // other values would run first, so an unknown one is refused before any.
    const unknownProfile = name === "profile" ? values.find((v) => !PROFILES[v]) : undefined;
    if (unknownProfile !== undefined) throw new UsageError(unknownProfileText(unknownProfile));
    systems[axis] = options;
    single.delete(name);
  }
  const { worker: _w, ...system } = await systemOptions({ ...a, flags: single });
  // A compared tree is named as the user typed it too (advice: "run it without --dts").
  const compared = (["board", "dtb", "dts"] as const).find((name) => systems[name]);
  if (compared) system.treeChosenBy = `--${compared}`;
  return Object.keys(systems).length ? { system, systems: systems as SystemGrid } : { system };
}

/** A --swiotlb list's values, as the page reads its swiotlb list too (system-axis-text.ts). */
export { swiotlbValues };

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
