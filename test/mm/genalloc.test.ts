// gen_pool with gen_pool_first_fit_order_align, worked out by hand: a run of n units starts at a
// multiple of roundup_pow_of_two(n) units; the newest chunk is searched first.

import { describe, expect, it } from "vitest";
import { GenPool } from "../../src/mm/genalloc.js";

describe("GenPool", () => {
  it("aligns each allocation to its size rounded up to a power of two (in pages)", () => {
    const p = new GenPool(12);
    p.addVirt(0x100000, 0x8000000, 16 * 4096);
    expect(p.alloc(4096)).toBe(0x100000);
    expect(p.alloc(3 * 4096)).toBe(0x104000); // 3 pages → 4-page alignment, skipping pages 1..3
    expect(p.alloc(4096)).toBe(0x101000); // the hole left behind
    expect(p.virtToPhys(0x104000)).toBe(0x8004000);
    expect(p.avail).toBe(11 * 4096);
  });

  it("fails when no aligned run is free, and frees only what it handed out", () => {
    const p = new GenPool(12);
    p.addVirt(0x100000, 0, 4 * 4096);
    const a = p.alloc(4096);
    expect(p.alloc(4 * 4096)).toBe(0);
    expect(p.free(a + 4096, 4096)).toBe(false);
    expect(p.free(a, 4096)).toBe(true);
    expect(p.alloc(4 * 4096)).toBe(0x100000);
  });

  it("searches the chunk added last first", () => {
    const p = new GenPool(12);
    p.addVirt(0x100000, 0, 4096);
    p.addVirt(0x200000, 0, 4096);
    expect(p.alloc(4096)).toBe(0x200000);
    expect(p.alloc(4096)).toBe(0x100000);
  });
});
