// A sweep's tree axes (`systems: { dts: [{ name: "a.dts", dts: textA }, …] }`, what `dmasim sweep
// --dts a.dts,b.dts` makes): device trees compared as built-in boards are. Jobs boot in workers,
// so a tree travels as data, never as a path a worker reads again: each is built here, in the
// calling thread, into the blob its jobs boot (source compiled, its /include/s read where the
// host has files), so that a broken one fails before any job runs, naming itself. Its rows show
// the name given alongside, which its provenance's `file` carries too.

import type { SystemOptions } from "../system.js";
import { deviceTreeBlob, hostFileReader } from "../of/load.js";

/** The System axes that compare trees. The key is the name of the rows' column (the CLI's
 *  option: `--dts a.dts,b.dts` is a `dts` axis); each tree is given as source text or as bytes
 *  either way, so that the CLI hands on a source it compiled itself, its /include/s read. */
export const TREE_AXES = ["dtb", "dts"] as const;

export type TreeAxis = (typeof TREE_AXES)[number];

/** A tree compared: its name (a file name: the rows' column, error messages, provenance) and
 *  either its source text (`dts`) or its bytes (`dtb`: a blob, or source or JSON as bytes: the
 *  content tells, as createSystem's `dtb`). */
export type SweepTree = { name: string; dts: string; dtb?: never } | { name: string; dtb: Uint8Array; dts?: never };

export function isTreeAxis(k: string): k is TreeAxis {
  return (TREE_AXES as readonly string[]).includes(k);
}

/** A tree as the options its jobs boot with. */
export interface BuiltTree {
  name: string;
  options: Pick<SystemOptions, "dtb" | "dtbName">;
}

/** Each of a tree axis's values checked and built, in order; `includeDirs` are searched for the
 *  sources' /include/s after each file's own directory (system.dtsIncludeDirs). */
export function buildSweepTrees(axis: TreeAxis, values: readonly unknown[], includeDirs: string[] | undefined, fail: (message: string) => Error): BuiltTree[] {
  const names = new Set<string>();
  return values.map((v) => {
    const tree = checkedTree(axis, v, fail);
    if (names.has(tree.name)) throw fail(`systems "${axis}" has two trees named "${tree.name}": the name tells their rows apart`);
    names.add(tree.name);
    const bytes = tree.dts !== undefined ? new TextEncoder().encode(tree.dts) : tree.dtb;
    let dtb: Uint8Array;
    try {
      dtb = deviceTreeBlob(bytes, { name: tree.name, format: tree.dts !== undefined ? "dts" : undefined, readFile: hostFileReader(), includeDirs });
    } catch (e) {
      // The tree's own message names it by file and line (`a.dts:2:14: syntax error …`).
      throw fail((e as Error).message);
    }
    return { name: tree.name, options: { dtb, dtbName: tree.name } };
  });
}

function checkedTree(axis: TreeAxis, v: unknown, fail: (message: string) => Error): SweepTree {
  const shape = `a tree is { name, dts: text } or { name, dtb: bytes }`;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw fail(`systems "${axis}": ${shape}, not ${typeof v === "string" ? "a string (name it: { name: \"board.dts\", dts: text })" : JSON.stringify(v)}`);
  }
  const t = v as Record<string, unknown>;
  const extra = Object.keys(t).find((k) => !["name", "dts", "dtb"].includes(k));
  if (extra !== undefined) throw fail(`systems "${axis}": ${shape}, not one with "${extra}"`);
  if (typeof t.name !== "string" || !t.name) throw fail(`systems "${axis}": ${shape}; its name (a file name the rows show) is missing`);
  const hasText = typeof t.dts === "string";
  const hasBytes = t.dtb instanceof Uint8Array;
  if (hasText === hasBytes || (t.dts !== undefined && !hasText) || (t.dtb !== undefined && !hasBytes)) {
    throw fail(`systems "${axis}": "${t.name}": ${shape}: give one of dts (a string) or dtb (a Uint8Array)`);
  }
  return t as SweepTree;
}
