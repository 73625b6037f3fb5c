// examples/boards/rk3288-like.dts as a BSP engineer's starting point: the tree with one of its
// texts replaced, the way a board file goes wrong.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
export const RK3288 = readFileSync(join(root, "examples/boards/rk3288-like.dts"), "utf8");

/** The example tree with `from` (which must be there) replaced by `to`. */
export function rk3288With(from: string, to: string): string {
  expect(RK3288).toContain(from);
  return RK3288.replace(from, to);
}
