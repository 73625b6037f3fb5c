// The result columns of a sweep's table: every scalar field any job's result has, in the order
// they first appear. Jobs of one sweep need not share fields (memcpy's buffers=streaming rows add
// the cache maintenance split, pool rows their descriptors): columns taken from the first row
// alone would hide them.

import type { SweepResult } from "./sweep.js";

const holdsObject = (v: unknown) => typeof v === "object" && v !== null;

/** The fields of every job's result that `keep` accepts, each once, in the order they first
 *  appear. */
function fieldsInOrder(s: SweepResult, keep: (key: string, value: unknown) => boolean): string[] {
  const keys: string[] = [];
  for (const row of s.rows) {
    if (!holdsObject(row.result)) continue;
    for (const [k, v] of Object.entries(row.result as Record<string, unknown>)) {
      if (!keys.includes(k) && keep(k, v)) keys.push(k);
    }
  }
  return keys;
}

export function resultColumns(s: SweepResult): string[] {
  const paramKeys = new Set(s.rows.flatMap((r) => Object.keys(r.params)));
  return fieldsInOrder(s, (k, v) => !paramKeys.has(k) && !holdsObject(v));
}

/** The result fields a sweep's table leaves out: those holding an object (cpu-process's
 *  `cached`, `uncached`), in the order they first appear. `--json` has them. */
export function nestedFields(s: SweepResult): string[] {
  return fieldsInOrder(s, (_k, v) => holdsObject(v));
}
