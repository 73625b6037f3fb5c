import { describe, expect, it } from "vitest";
import { countDifferent } from "../../src/sim/phase.js";

describe("countDifferent", () => {
  const base = () => Uint8Array.from({ length: 103 }, (_, i) => (i * 7 + 1) & 0xff);

  it("counts each differing byte, in whole words and in the tail", () => {
    const a = base();
    const b = base();
    expect(countDifferent(a, b)).toBe(0);
    b[0] ^= 1;
    b[1] ^= 0x80; // same word as byte 0: two bytes, not one word
    b[50] ^= 0xff;
    b[101] ^= 2; // past the last whole word
    expect(countDifferent(a, b)).toBe(4);
  });

  it("works on views that are not word-aligned", () => {
    const a = base();
    const b = base();
    b[3] = 0;
    expect(countDifferent(a.subarray(1), b.subarray(1))).toBe(1);
    expect(countDifferent(a.subarray(1, 9), b.subarray(0, 8))).toBe(8);
  });

  it("counts bytes one buffer has beyond the other", () => {
    expect(countDifferent(base(), base().subarray(0, 100))).toBe(3);
    expect(countDifferent(base().subarray(0, 100), base())).toBe(3);
  });
});
