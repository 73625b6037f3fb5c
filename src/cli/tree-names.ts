// The names `dmasim sweep --dts a.dts,b.dts` shows its trees by: each file's shortest path suffix
// no other file shares (`board.dts`; `v1/board.dts` and `v2/board.dts` when two basenames
// collide), so that a column stays narrow and still tells the rows apart.

import { normalize, resolve, sep } from "node:path";
import { UsageError } from "./args.js";

/** Each path's shortest unambiguous suffix, in order; `option` (`--dts`) names a file given twice. */
export function treeNames(paths: readonly string[], option: string): string[] {
  const seen = new Map<string, string>();
  for (const p of paths) {
    const same = seen.get(resolve(p));
    if (same !== undefined) throw new UsageError(`${option}: ${same === p ? `${p} is given twice` : `${p} is ${same} again`}: give each tree once`);
    seen.set(resolve(p), p);
  }
  const parts = paths.map((p) => normalize(p).split(sep).filter((c) => c !== "" && c !== "."));
  const suffix = (i: number, n: number) => parts[i].slice(-n).join("/");
  return paths.map((p, i) => {
    for (let n = 1; n < parts[i].length; n++) {
      const mine = suffix(i, n);
      if (parts.every((_, j) => j === i || suffix(j, n) !== mine)) return mine;
    }
    // No shorter suffix is its own (`x.dts` beside `a/x.dts`): the path as given.
    return normalize(p);
  });
}
