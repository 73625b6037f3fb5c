// The result columns of a sweep's table: every scalar field any job's result has, in the order
// they first appear. Jobs of one sweep need not share fields (memcpy's buffers=streaming rows add
// the cache maintenance split, pool rows their descriptors): columns taken from the first row
// alone would hide them.

import type { SweepResult } from "./sweep.js";

export function resultColumns(s: SweepResult): string[] {
  const paramKeys = new Set(s.rows.flatMap((r) => Object.keys(r.params)));
  const keys: string[] = [];
  for (const row of s.rows) {
    if (row.result === undefined || row.result === null || typeof row.result !== "object") continue;
    for (const [k, v] of Object.entries(row.result as Record<string, unknown>)) {
      if (paramKeys.has(k) || keys.includes(k) || (typeof v === "object" && v !== null)) continue;
      keys.push(k);
    }
  }
  return keys;
}

/** The result fields a sweep's table leaves out: those holding an object (cpu-process's
 *  `cached`, `uncached`), in the order they first appear. `--json` has them. */
export function nestedFields(s: SweepResult): string[] {
  const keys: string[] = [];
  for (const row of s.rows) {
    if (row.result === undefined || row.result === null || typeof row.result !== "object") continue;
    for (const [k, v] of Object.entries(row.result as Record<string, unknown>)) {
      if (typeof v === "object" && v !== null && !keys.includes(k)) keys.push(k);
    }
  }
  return keys;
}
