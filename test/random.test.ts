// The seeded random source: xoshiro128** as its reference code computes it, and streams that
// depend only on (seed, stream).

import { describe, expect, it } from "vitest";
import { Random } from "../src/random.js";

/** xoshiro128** by its reference C code, in BigInt (masking each step to 32 bits). */
function reference(state: bigint[], n: number): number[] {
  const s = [...state];
  const m = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & m;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1] * 5n) & m, 7n) * 9n) & m));
    const t = (s[1] << 9n) & m;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

describe("Random", () => {
  it("is xoshiro128**: state {1, 2, 3, 4} starts 11520, 0, 5927040 and goes on as the reference", () => {
    const r = Random.fromState(1, 2, 3, 4);
    const got = Array.from({ length: 64 }, () => r.u32());
    expect(got.slice(0, 3)).toEqual([11520, 0, 5927040]);
    expect(got).toEqual(reference([1n, 2n, 3n, 4n], 64));
    const big = Random.fromState(0xdeadbeef, 0xffffffff, 0x80000000, 7);
    expect(Array.from({ length: 64 }, () => big.u32())).toEqual(reference([0xdeadbeefn, 0xffffffffn, 0x80000000n, 7n], 64));
  });

  it("a stream depends only on its seed and number", () => {
    const draw = (seed: number, stream: number) => {
      const r = new Random(seed, stream);
      return Array.from({ length: 8 }, () => r.u32());
    };
    expect(draw(1, 5)).toEqual(draw(1, 5));
    expect(draw(1, 5)).not.toEqual(draw(1, 6));
    expect(draw(1, 5)).not.toEqual(draw(2, 5));
  });

  it("int, range and pick stay inside their bounds", () => {
    const r = new Random(9);
    for (let i = 0; i < 2000; i++) {
      expect(r.int(7)).toBeLessThan(7);
      const v = r.range(-3, 3);
      expect(v >= -3 && v <= 3).toBe(true);
    }
    const seen = new Set(Array.from({ length: 200 }, () => r.pick(["a", "b", "c"])));
    expect([...seen].sort()).toEqual(["a", "b", "c"]);
  });
});
