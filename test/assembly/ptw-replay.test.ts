// The ptw.c bench kernel (assembly/bench-kernels.ts): every stream entry is translated once
// through mmu.translate, however the stream is cut into slices, and the check values are those
// of the translations ptw.c's tables give (computed here from the table layout, not the MMU).

import { describe, expect, it } from "vitest";
import { STAT } from "../../src/hw/exports.js";
import { ptwMachine } from "../../bench/mmu.js";

const N = 1001; // odd: a slice may end between the pairs the replay loop takes

/** ptw.c gen_uniform: xorshift32 from 0x2468ACE1, 30-bit 8-byte-aligned offsets. */
function uniformOffsets(n: number): number[] {
  let x = 0x2468ace1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push(x & 0x3ffffff8);
  }
  return out;
}

/** ptw.c build_tables: 2 MB chunk i maps to chunk (i ^ 0x155) of the output at 4 GB; odd
 *  chunks through L3 pages, page j to page (7j + 3) mod 512 of the chunk. */
function paOf(offset: number): bigint {
  const i = offset >>> 21;
  const chunk = 0x100000000n + BigInt((i ^ 0x155) & 511) * 0x200000n;
  if ((i & 1) === 0) return chunk + BigInt(offset & 0x1fffff);
  const j = (offset >>> 12) & 511;
  return chunk + BigInt(((j * 7 + 3) & 511) * 4096 + (offset & 0xfff));
}

function expectedCheck(n: number): string {
  let lo = 0;
  let hi = 0;
  for (const o of uniformOffsets(n)) {
    const pa = paOf(o);
    lo = (Math.imul(lo, 31) + Number(pa & 0xffffffffn)) >>> 0;
    hi = (hi + Number(pa >> 32n)) >>> 0;
  }
  return `lo${lo} hi${hi} f0`;
}

async function replay(slices: number[]): Promise<{ check: string; walks: number }> {
  const x = await ptwMachine(N);
  x.configureTlb(0, 0, 1000);
  x.benchPtwCheck(-1);
  let from = 0;
  for (const count of slices) {
    x.benchPtwTranslateReplay(0, from, count);
    from += count;
  }
  const check = `lo${x.benchPtwCheck(0)} hi${x.benchPtwCheck(1)} f${x.benchPtwCheck(2)}`;
  return { check, walks: x.stat(STAT.walks) };
}

describe("bench kernel ptwTranslateReplay (ptw.c uniform stream, TLB off)", () => {
  it("translates each entry once, whatever the slices: odd, single, empty", async () => {
    const want = expectedCheck(N);
    for (const slices of [[N], [3, 0, 1, 500, 497], Array<number>(N).fill(1)]) {
      const r = await replay(slices);
      expect(r.check).toBe(want);
      expect(r.walks).toBe(N);
    }
  });
});
