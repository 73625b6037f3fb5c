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
