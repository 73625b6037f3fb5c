// How the user chose the tree a System boots: a built-in board, a tree file, a variant of a
// board, or nothing (the scenario's own System, or the default board). A scenario that cannot
// show its bug on the System it got advises choosing otherwise; the advice names what the user
// did ("run it without --dts", "without the dtb option"), not an option they never gave.

import type { SystemOptions } from "./system.js";

/** The values of SystemOptions.treeChosenBy. Two kinds share the one option, told apart by the
 *  leading "--":
 *  - "--board", "--dtb", "--dts": the user typed that CLI option (a --dts file arrives as `dtb`).
 *    Set by the CLI (cli/system-options.ts; cli/sweep-systems.ts for a sweep comparing trees), or
 *    by a library caller whose own users type the CLI's options. Advice: "run it without --dts".
 *  - "scenario": no one chose a tree; the scenario asked for its own (SCENARIO_SYSTEMS) and
 *    systemFor (worker/job.ts) filled it in, for the CLI, runSweep and the web page alike. What
 *    spoilt that System is another option given with it (--swiotlb 1024, --kernel), so the
 *    advice is "run it without other System options".
 *  Left unset, the advice names createSystem's own option instead (TreeChoice below). */
export const TREE_CHOSEN_BY = ["--board", "--dtb", "--dts", "scenario"] as const;
export type TreeChosenBy = (typeof TREE_CHOSEN_BY)[number];

/** treeChosenBy when a caller set it, else createSystem's option that named the tree ("board",
 *  "dtb", "dts", "variant": advice "run it without the dtb option"), else "default" (no option:
 *  createSystem boots zynq-7000; advice "run it on the System systemFor gives it"). */
export type TreeChoice = TreeChosenBy | "board" | "dtb" | "dts" | "variant" | "default";

export function treeChoiceOf(o: SystemOptions): TreeChoice {
  if (o.treeChosenBy !== undefined) return o.treeChosenBy;
  if (o.dts !== undefined) return "dts";
  if (o.dtb !== undefined) return "dtb";
  if (o.variant !== undefined) return "variant";
  return o.board !== undefined ? "board" : "default";
}

/** The advice to leave the System to the scenario (`run it without --board`), in the words of
 *  what the user chose for `s` (a System: System.treeChoice). */
export function leaveTreeText(s: { readonly treeChoice: TreeChoice }): string {
  const choice = s.treeChoice;
  switch (choice) {
    case "--board":
    case "--dtb":
    case "--dts":
      return `run it without ${choice}`;
    case "board":
    case "dtb":
    case "dts":
    case "variant":
      return `run it without the ${choice} option`;
    case "scenario":
      // The scenario's own tree, spoilt by another option given with it (--swiotlb 1024).
      return "run it without other System options";
    case "default":
      // createSystem() boots zynq-7000: the scenario's own System is systemFor's.
      return "run it on the System systemFor gives it";
  }
}
