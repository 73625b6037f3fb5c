// The lone channel's copy loop (assembly/pl330/copy-loop.ts) runs DMALD; DMAST; DMALPEND
// iterations without a trace; with a trace recording, the same instructions go one at a time
// through loadFast / storeFast (lone-channel.ts). Both must leave the same bytes, registers,
// times and statistics: each program below runs on two fresh machines, traced and not, and
// everything a user can read is compared, beside what the program must have done by hand.

import { describe, expect, it } from "vitest";
import { pl330Rig, pattern, firstDifference, type Rig, ST } from "../helpers/pl330-rig.js";
import { Tracer } from "../../src/trace/recorder.js";

const PROG0 = 0x100000;
const PROG1 = 0x101000;
const SRC = 0x200000;
const DST = 0x600000;
const RAM = 32 << 20;

interface Outcome {
  now: number;
  regs: number[];
  stats: number[];
  dst: Uint8Array;
}

/** Runs the programs (channel i at its pc) for 2 ms of simulated time and reads back
 *  everything the copy could have changed. */
async function runPrograms(programs: string[], traced: boolean, setup?: (g: Rig) => void): Promise<Outcome> {
  const g = await pl330Rig({ ramBytes: RAM });
  g.m.backdoor.write(SRC, pattern(0x240000));
  g.m.backdoor.write(DST, new Uint8Array(0x240000));
  setup?.(g);
  const pcs = [PROG0, PROG1];
  programs.forEach((p, ch) => g.program(pcs[ch], p));
  const tracer = new Tracer(g.m);
  if (traced) tracer.start(1 << 22);
  programs.forEach((_, ch) => g.go(ch, pcs[ch]));
  g.m.idleUntil(g.m.now() + 2e9);
  const regs: number[] = [];
  for (let ch = 0; ch < 2; ch++) {
    for (const off of [0x100, 0x104]) regs.push(g.r(off + 8 * ch));
    for (const off of [0x400, 0x404, 0x408, 0x40c, 0x410]) regs.push(g.r(off + 0x20 * ch));
    regs.push(g.ftr(ch));
  }
  regs.push(g.r(0x20), g.r(0x28), g.r(0x30));
  const stats: number[] = [];
  for (let i = 0; i < 10; i++) stats.push(g.x.pl330Stat(0, i));
  for (const i of [14, 15, 16]) stats.push(g.x.stat(i));
  if (traced) {
    const { stats: ts } = tracer.stop();
    expect(ts.dropped).toBe(0); // the trace saw every instruction: none went through the copy loop
  }
  return { now: g.m.now(), regs, stats, dst: g.m.backdoor.read(DST, 0x240000) };
}

async function bothWays(programs: string[], setup?: (g: Rig) => void): Promise<Outcome> {
  const fast = await runPrograms(programs, false, setup);
  const slow = await runPrograms(programs, true, setup);
  expect(fast.regs).toEqual(slow.regs);
  expect(fast.stats).toEqual(slow.stats);
  expect(fast.now).toBe(slow.now);
  expect(firstDifference(fast.dst, slow.dst)).toBe(-1);
  return fast;
}

/** A copy of outer × inner bursts (DMALP n: n iterations) from src to dst with the given CCR. */
function copy(src: number, dst: number, ccr: string, outer: number, inner: number, inten = false): string {
  return `DMAMOV SAR, ${src}
    DMAMOV DAR, ${dst}
    DMAMOV CCR, ${ccr}
    DMALP LC0, ${outer}
     DMALP LC1, ${inner}
      DMALD
      DMAST
     DMALPEND LC1
    DMALPEND LC0
    ${inten ? "DMASEV E0\n" : ""}DMAEND`;
}

const src = pattern(0x240000);
const srcAt = (off: number, n: number) => src.subarray(off, off + n);

describe("PL330 copy loop", () => {
  it("copies 16 × 8 B bursts as the one-by-one path does", async () => {
    const r = await bothWays([copy(SRC, DST, "SB16 SS64 SAI DB16 DS64 DAI", 4, 256)]);
    const n = 4 * 256 * 128; // 128 KiB
    expect(r.regs[0] & 0xf).toBe(ST.stopped);
    expect([r.regs[2], r.regs[3]]).toEqual([SRC + n, DST + n]);
    expect(firstDifference(r.dst.subarray(0, n), srcAt(0, n))).toBe(-1);
    expect(r.dst[n]).toBe(0);
    expect(r.stats[1]).toBe(n); // bytes read
    expect(r.stats[3] - r.stats[5]).toBe(n / 128); // read bursts, less the i-cache line fills
  });

  it("gives two channels copying at once the same interleaving", async () => {
    const r = await bothWays([
      copy(SRC, DST, "SB16 SS64 SAI DB16 DS64 DAI", 2, 200),
      copy(SRC + 0x100000, DST + 0x100000, "SB8 SS64 SAI DB8 DS64 DAI", 3, 150),
    ]);
    expect(firstDifference(r.dst.subarray(0, 2 * 200 * 128), srcAt(0, 2 * 200 * 128))).toBe(-1);
    expect(firstDifference(r.dst.subarray(0x100000, 0x100000 + 3 * 150 * 64), srcAt(0x100000, 3 * 150 * 64))).toBe(-1);
  });

  it("copies unaligned bursts that cross 4 KB pages", async () => {
    const n = 2 * 100 * 128;
    const r = await bothWays([copy(SRC + 3, DST + 5, "SB16 SS64 SAI DB16 DS64 DAI", 2, 100)]);
    expect([r.regs[2], r.regs[3]]).toEqual([SRC + 3 + n, DST + 5 + n]);
    expect(firstDifference(r.dst.subarray(5, 5 + n), srcAt(3, n))).toBe(-1);
  });

  it("copies narrow and single-beat bursts, and bursts of different shapes on each side", async () => {
    await bothWays([copy(SRC, DST, "SB4 SS32 SAI DB4 DS32 DAI", 3, 255)]);
    await bothWays([copy(SRC, DST, "SB1 SS64 SAI DB1 DS64 DAI", 2, 255)]);
    // 16 × 4 B loads, 8 × 8 B stores: the same 64 bytes each, in other beats.
    const r = await bothWays([copy(SRC, DST, "SB16 SS32 SAI DB8 DS64 DAI", 2, 100)]);
    expect(firstDifference(r.dst.subarray(0, 2 * 100 * 64), srcAt(0, 2 * 100 * 64))).toBe(-1);
  });

  it("copies within one buffer where each store overwrites bytes a later load reads", async () => {
    // DAR = SAR + 8: every burst reads what the one before it wrote (a forward memmove that
    // smears the first 8 bytes along).
    const r = await bothWays([copy(SRC, SRC + 8, "SB16 SS64 SAI DB16 DS64 DAI", 1, 50)]);
    expect(r.regs[3]).toBe(SRC + 8 + 50 * 128);
  });

  it("faults at the same store when the destination runs out of RAM mid-loop", async () => {
    // 64 bursts of 128 B end 0x1000 past the end of RAM: the store into the hole faults.
    const dst = RAM - 0x1000 + 0x100;
    const r = await bothWays([copy(SRC, dst, "SB16 SS64 SAI DB16 DS64 DAI", 1, 63)]);
    expect(r.regs[0] & 0xf).toBe(ST.faulting);
    expect(r.regs[7] & (1 << 17)).not.toBe(0); // data_write_err
  });
});
