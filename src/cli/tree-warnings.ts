// dtc's warnings for a --dts/--dtb tree that probe and demo boot (of/dtc-warnings.ts): printed
// on stderr as `dmasim dt` prints them, except where the command's own output already names
// the node (a probe failure's log line says the same thing in the kernel's words).

import type { SystemOptions } from "../system.js";
import type { DeviceTree } from "../of/node.js";
import { dtcWarnings, formatDtWarning, type DtWarning } from "../of/dtc-warnings.js";

const treeWarnings = new WeakMap<SystemOptions, { warnings: DtWarning[]; file: string }>();

/** Keeps the tree's warnings with the options that boot it (`file` stands in for a position a
 *  blob does not have). */
export function noteTreeWarnings(options: SystemOptions, tree: DeviceTree, file: string): void {
  treeWarnings.set(options, { warnings: dtcWarnings(tree), file });
}

/** Prints the warnings of the options' tree on stderr, but none about a node that `shown`
 *  (what the command printed) already names. */
export function printTreeWarnings(options: SystemOptions, shown: string[] = []): void {
  const noted = treeWarnings.get(options);
  if (!noted) return;
  const named = (path: string) => shown.some((line) => line.includes(path));
  for (const w of noted.warnings) {
    if (w.path !== undefined && named(w.path)) continue;
    process.stderr.write(`${formatDtWarning(w, noted.file)}\n`);
  }
}
