// Simulated time: integer picoseconds since reset. A wasm instance models one SoC, so there is
// exactly one clock. Components convert their own cycles to picoseconds with their clock period.

export const NEVER: i64 = i64.MAX_VALUE;

/** The CPU's notion of "now". Devices run lazily up to this point (see scheduler.ts). */
export let now: i64 = 0;

export function setNow(t: i64): void {
  if (t > now) now = t;
}

export function resetTime(): void {
  now = 0;
}

@inline export function max64(a: i64, b: i64): i64 {
  return a > b ? a : b;
}

@inline export function min64(a: i64, b: i64): i64 {
  return a < b ? a : b;
}
