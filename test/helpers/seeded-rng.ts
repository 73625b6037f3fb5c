// A seeded xorshift32 (Marsaglia's 13, 17, 5) for tests that drive long random mixes: the same
// mix on every run, so a failure names a request that can be replayed.

/** Returns draw(n): the next value of the sequence, reduced to 0 … n - 1. */
export function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}
