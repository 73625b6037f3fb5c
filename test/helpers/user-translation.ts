// What the MMU finds behind a user address of the System's process: its ASID switched in for
// the walk only, as when the process runs.

import type { System } from "../../src/system.js";
import { decodeAttr } from "../../src/hw/machine.js";

export function userTranslation(s: System, uva: number): { pa: number; descriptor: bigint; memType: string } {
  const mm = s.kernel.userMm;
  mm.pgt.switchTo(mm.asid);
  try {
    const w = s.machine.mmu.walk(uva);
    if (!("pa" in w)) throw new Error("no translation");
    return { pa: Number(w.pa), descriptor: w.descriptor, memType: decodeAttr(w.attr).memType };
  } finally {
    mm.pgt.switchTo(null);
  }
}
