// `mkdir -p` that fails with the kernel's own errno. Node's recursive mkdir retries a missing
// level by making its parent, and so turns a refusal into something else: on a read-only file
// system its error is ENOENT, not EROFS, and under /proc (which answers ENOENT to a mkdir in a
// directory that exists) it loops for ever. Here each missing level is made once, top down,
// and the first mkdir(2) that fails says why.

import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Makes `dir` and its missing parents; a path that is there already and is not a directory is
 *  ENOTDIR (mkdir -p would say EEXIST, "file already exists", of the path it stopped at). */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const stat = statSync(at, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: "ENOTDIR" });
    if (stat || dirname(at) === at) break;
    missing.unshift(at);
    at = dirname(at);
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      // Made meanwhile by another process: what was wanted is there.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(level).isDirectory()) throw e;
    }
  }
}
