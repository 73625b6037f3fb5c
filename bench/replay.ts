// Timing a wasm benchmark kernel the way the C anchors time theirs: one untimed warm-up pass,
// then repeated passes, each over the whole workload, reporting the median rate. A pass is run
// in slices of a million operations: V8 has no on-stack replacement for wasm, so one long call
// would stay in the baseline tier for its whole length, while later slices run optimized code.

export const SLICE = 1 << 20;

/** Runs `slice(from, count)` over [0, n) in slices. */
export function runSliced(n: number, slice: (from: number, count: number) => void): void {
  for (let from = 0; from < n; from += SLICE) slice(from, Math.min(SLICE, n - from));
}

/** Median operations per second over `reps` timed passes after one warm-up pass; `reset`
 *  (untimed) runs before each pass. */
export function medianRate(n: number, reps: number, reset: () => void, pass: () => void): number {
  reset();
  pass();
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    reset();
    const t0 = performance.now();
    pass();
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}
