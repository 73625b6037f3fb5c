// `dmasim sweep … --board zynq-7000,arm64-ref --kernel modern,v4.9`: a comma list on one of these
// options is a System axis (runSweep's `systems`), a single value the System every job boots, as
// for `run`. --swiotlb keeps its commas for swiotlb='s own `N,force`, and a tree file is one file.

import type { SystemOptions } from "../system.js";
import type { SystemGrid } from "../sim/sweep-systems.js";
import { flag, UsageError, type ParsedArgs } from "./args.js";
import { systemOptions } from "./system-options.js";
import { PROFILES, unknownProfileText } from "../hw/profile.js";

/** The options whose comma list is an axis. */
export const SWEEP_AXIS_OPTIONS = ["board", "kernel", "profile"] as const;

export interface SweepSystems {
  system: Omit<SystemOptions, "worker">;
  /** Absent when no option gave a list. */
  systems?: SystemGrid;
}

export async function sweepSystemOptions(a: ParsedArgs): Promise<SweepSystems> {
  const systems: Record<string, string[]> = {};
  const single = new Map(a.flags);
  for (const name of SWEEP_AXIS_OPTIONS) {
    const text = flag(a, name);
    if (text === undefined || !text.includes(",")) continue;
    const values = text.split(",").filter((v) => v.length);
    if (values.length < 2) throw new UsageError(`--${name} "${text}": a comma list compares two or more values (--${name} A,B), one is given alone`);
    if (name === "board" && (a.flags.has("dtb") || a.flags.has("dts"))) {
      throw new UsageError(`--board ${text} compares built-in boards, but --${a.flags.has("dtb") ? "dtb" : "dts"} boots that tree on every job instead: give one or the other`);
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
  return Object.keys(systems).length ? { system, systems: systems as SystemGrid } : { system };
}
