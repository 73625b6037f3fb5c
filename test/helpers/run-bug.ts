// One bug kind run on a System of its own (in this thread), disposed after.

import { createSystem } from "../../src/create.js";
import type { BugKind, BugResult } from "../../src/sim/scenarios/bugs.js";
import type { SystemOptions } from "../../src/system.js";

export async function runBug(kind: BugKind, options: SystemOptions): Promise<BugResult> {
  const s = await createSystem({ ...options, worker: false });
  try {
    return s.run("bug", { kind }) as BugResult;
  } finally {
    s.dispose();
  }
}
