// Seeded random programs (valid encodings with random operands, and raw random bytes) on every
// channel, with peripherals on two request lines and random debug instructions in between:
// whatever they do, the model must only ever fault the DMAC, never throw in the host, and
// always leave a channel in a state of spec pl330 §5.

import { describe, expect, it } from "vitest";
import { pl330Rig } from "../helpers/pl330-rig.js";
import { addTxFifo, addRxStream } from "../../src/hw/dma-peripherals.js";

const STATES = new Set([0, 1, 2, 4, 5, 7, 8, 9, 14, 15]);

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomProgram(rnd: () => number): Uint8Array {
  const pick = <T>(xs: T[]) => xs[rnd() % xs.length];
  const addr = () => pick([0x200000 + (rnd() % 0x100000), 0x200000 + (rnd() % 0x100000), 0x40000000, 0xe0001000, 0xe0001100]);
  const imm32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  const out: number[] = [];
  const n = 8 + (rnd() % 40);
  for (let i = 0; i < n; i++) {
    const r = rnd() % 24;
    if (r === 0) out.push(rnd() & 0xff); // anything at all
    else if (r === 1) out.push(0xbc, 0, ...imm32(addr()));
    else if (r === 2) out.push(0xbc, 2, ...imm32(addr()));
    else if (r === 3) out.push(0xbc, 1, ...imm32(rnd() % 4 ? (rnd() & 0x0fffffff) | 0x4001 : rnd()));
    else if (r === 4) out.push(pick([0x04, 0x05, 0x07, 0x06]));
    else if (r === 5) out.push(pick([0x08, 0x09, 0x0b, 0x0a]));
    else if (r === 6) out.push(0x0c);
    else if (r === 7) out.push(pick([0x20, 0x22]), rnd() % 4);
    else if (r === 8) out.push(pick([0x38, 0x3c, 0x39, 0x3d, 0x3b, 0x3f, 0x28, 0x2c, 0x2d, 0x2f]), rnd() % Math.max(1, out.length + 1));
    else if (r === 9) out.push(pick([0x25, 0x27, 0x29, 0x2b]), (rnd() % 6) << 3);
    else if (r === 10) out.push(pick([0x30, 0x31, 0x32, 0x33]), (rnd() % 6) << 3);
    else if (r === 11) out.push(0x35, (rnd() % 6) << 3);
    else if (r === 12) out.push(0x34, (rnd() % 18) << 3 | (rnd() % 8 === 0 ? 1 : 0));
    else if (r === 13) out.push(0x36, (rnd() % 18) << 3 | (rnd() % 4 === 0 ? 2 : 0));
    else if (r === 14) out.push(pick([0x54, 0x56, 0x5c, 0x5e]), rnd() & 0xff, rnd() & 0xff);
    else if (r === 15) out.push(pick([0x12, 0x13, 0x18]));
    else if (r === 16) out.push(pick([0xa0, 0xa2]), rnd() % 9, ...imm32(addr()));
    else if (r === 17) out.push(0x01);
    else out.push(pick([0x04, 0x08, 0x18]));
  }
  out.push(0x00);
  return Uint8Array.from(out);
}

describe("PL330 random programs", () => {
  it("never throw in the host and always leave the channels in defined states", async () => {
    const rnd = xorshift(0x330);
    for (let machine = 0; machine < 6; machine++) {
      const g = await pl330Rig();
      addTxFifo(g.m, { base: 0xe0001000, baud: 10_000_000, depth: 16, burstBytes: 1 + (rnd() % 2) * 7, request: 2 });
      addRxStream(g.m, { base: 0xe0001100, sampleRateHz: 5e6, sampleBytes: 2, depth: 16, burstBytes: 2 + (rnd() % 2) * 6, total: rnd() % 64, request: 3 });
      g.m.backdoor.write(0x200000, Uint8Array.from({ length: 0x100000 }, () => rnd() & 0xff));
      for (let prog = 0; prog < 40; prog++) {
        const ch = rnd() % 8;
        const at = 0x100000 + ch * 0x800 + (rnd() % 0x400);
        g.m.backdoor.write(at, randomProgram(rnd));
        g.w(0x020, rnd() & 0xffff);
        if (rnd() % 4 === 0) g.w(0xe80, rnd() & 1);
        g.go(ch, at, rnd() % 3 === 0 ? 1 : 0);
        g.settle(ch, 50e6);
        for (let k = rnd() % 3; k > 0; k--) {
          const op = rnd() % 4;
          if (op === 0) g.debug(0x00340000 | (((rnd() % 16) << 3) << 24));
          else if (op === 1) g.kill(rnd() % 8);
          else if (op === 2) g.debug(0x00010000);
          else g.debug((rnd() & 0xff) << 16 | (rnd() % 2) | ((rnd() % 8) << 8), rnd());
          g.settle(ch, 20e6);
          if (rnd() % 2) g.w(0x02c, rnd());
        }
        for (let c = 0; c < 8; c++) expect(STATES.has(g.state(c))).toBe(true);
      }
      // Every channel and the manager can always be recovered with DMAKILL.
      g.debug(0x00010000);
      for (let c = 0; c < 8; c++) g.kill(c);
      for (let c = 0; c < 8; c++) expect(g.settle(c, 1e9).state).toBe(0);
      expect([g.r(0x030), g.r(0x034)]).toEqual([0, 0]);
    }
  });
});
