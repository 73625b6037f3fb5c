import { describe, expect, it } from "vitest";
import { pattern, PatternStream } from "../../src/sim/phase.js";

/** Marsaglia's xorshift32 (13, 17, 5) from seed × 0x9e3779b1, written out here. */
function xorshiftSteps(seed: number, count: number): number[] {
  let x = Math.imul(seed, 0x9e3779b1) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out.push(x);
  }
  return out;
}

describe("test patterns", () => {
  it("pattern() is the low byte of each xorshift32 step", () => {
    expect([...pattern(12, 7)]).toEqual(xorshiftSteps(7, 12).map((x) => x & 0xff));
  });

  it("PatternStream gives each step's whole word, little-endian", () => {
    const bytes = new PatternStream(7).next(12);
    const want = xorshiftSteps(7, 3).flatMap((x) => [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24]);
    expect([...bytes]).toEqual(want);
  });

  it("PatternStream comes out the same a piece at a time, into a reused buffer, ending inside a word", () => {
    const whole = new PatternStream(3).next(1002);
    const s = new PatternStream(3);
    const buf = new Uint8Array(400);
    const pieces = [...s.next(400, buf)];
    pieces.push(...s.next(400, buf));
    pieces.push(...s.next(202, buf));
    expect(pieces).toHaveLength(1002);
    expect(Uint8Array.from(pieces)).toEqual(whole);
  });

  it("PatternStream refuses a buffer without room for the last word", () => {
    expect(() => new PatternStream(1).next(401, new Uint8Array(401))).toThrow(RangeError);
    expect(() => new PatternStream(1).next(8, new Uint8Array(12).subarray(1))).toThrow(RangeError);
  });
});
