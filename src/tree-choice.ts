// How the user chose the tree a System boots: a built-in board, a tree file, a variant of a
// board, or nothing (the scenario's own System, or the default board). A scenario that cannot
// show its bug on the System it got advises choosing otherwise; the advice names what the user
// did ("run it without --dts", "without the dtb option"), not an option they never gave.

import type { SystemOptions } from "./system.js";

/** How a caller names the user's choice in SystemOptions.treeChosenBy: the CLI option the user
 *  typed, or "scenario" for the System a scenario asked for (systemFor). */
export const TREE_CHOSEN_BY = ["--board", "--dtb", "--dts", "scenario"] as const;
export type TreeChosenBy = (typeof TREE_CHOSEN_BY)[number];

/** treeChosenBy when a caller said, else createSystem's option that named the tree; "default"
 *  for no option (zynq-7000). */
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
