import { describe, expect, it } from "vitest";
import { pattern, PatternStream } from "../../src/sim/phase.js";

describe("test patterns", () => {
  it("are the low bytes of xorshift32 seeded with seed × 0x9e3779b1", () => {
    // Marsaglia's xorshift32 (13, 17, 5), written out here.
    let x = Math.imul(7, 0x9e3779b1) >>> 0;
    const want: number[] = [];
    for (let i = 0; i < 12; i++) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      want.push(x & 0xff);
    }
    expect([...pattern(12, 7)]).toEqual(want);
  });

  it("come out the same a piece at a time, into a reused buffer", () => {
    const whole = pattern(1000, 3);
    const s = new PatternStream(3);
    const buf = new Uint8Array(400);
    const pieces = [...s.next(400, buf)];
    pieces.push(...s.next(400, buf));
    pieces.push(...s.next(200, buf));
    expect(Uint8Array.from(pieces)).toEqual(whole);
  });
});
