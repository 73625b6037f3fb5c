// PL330 instruction semantics (spec pl330 §2.2) and operand checks (§2.1), seen through the
// register file and memory. Expected values are worked out by hand from the spec.

import { describe, expect, it } from "vitest";
import { pl330Rig, pattern, ST } from "../helpers/pl330-rig.js";

const PROG = 0x100000;
const SRC = 0x200000;
const DST = 0x300000;

describe("PL330 instructions", () => {
  it("DMAADDH adds a zero-extended halfword, DMAADNH a negative one", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, 0x1000
      DMAMOV DAR, 0x20000
      DMAADDH SAR, 0xffff
      DMAADNH DAR, 0xfff0
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(0x1000 + 0xffff);
    expect(g.dar(0)).toBe((0x20000 + 0xfffffff0) >>> 0); // 0x20000 - 16
  });

  it("DMAADNH on SAR: the halfword's top bit does not matter, and the sum wraps mod 2^32", async () => {
    // Spec pl330 §2.2: ADNH adds 0xFFFF0000 | imm16, whatever bit 15 of imm16 is.
    // 0x5c 10 00: imm 0x0010 → adds 0xffff0010 = -65520; 0x5c f0 ff: imm 0xfff0 → adds -16.
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, 0x30000
      .byte 0x5c, 0x10, 0x00
      DMAMOV DAR, 0x8
      DMAADNH DAR, 0xfff0
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(0x30000 - 65520); // 0x20010
    expect(g.dar(0)).toBe(2 ** 32 + 8 - 16); // 0xfffffff8: wrapped below zero
  });

  it("nests counted loops (the body runs n times) and leaves LCn as the raw byte", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, 0
      DMALP 3
        DMALP 4
          DMAADDH SAR, 1
        DMALPEND
      DMALPEND
      .byte 0x20, 31 ; DMALP LC0, 32 with no loop after it
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(12);
    expect(g.r(0x40c) & 0xff).toBe(31); // LC0 ← 32 − 1 by the last DMALP
    expect(g.r(0x410) & 0xff).toBe(0); // LC1 counted down to 0
  });

  it("executes the conditional forms by the request flag: Single at start, set by DMAWFP", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, pattern(64));
    // 4-byte beats × 4: an unconditional load moves 16 bytes, a single one 4.
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB4 SS32 SAI DB4 DS32 DAI
      DMALDB
      DMALDS
      DMASTB
      DMASTS
      DMAWFP P0, burst
      DMALDB
      DMASTB
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(SRC + 4 + 16); // LDB skipped, LDS 4 bytes, then LDB 16
    expect(g.dar(0)).toBe(DST + 4 + 16);
    expect(g.m.backdoor.read(DST, 20)).toEqual(pattern(64).subarray(0, 20));
    expect(g.csr(0) & (1 << 14)).toBe(1 << 14); // the last DMAWFP was a B
  });

  it("DMASTZ writes size × len zero bytes and advances an incrementing DAR", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(DST, new Uint8Array(64).fill(0xee));
    g.program(PROG, `DMAMOV DAR, ${DST}
      DMAMOV CCR, DB3 DS64 DAI
      DMASTZ
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.dar(0)).toBe(DST + 24);
    const out = g.m.backdoor.read(DST, 32);
    expect(out.subarray(0, 24).every((b) => b === 0)).toBe(true);
    expect(out.subarray(24).every((b) => b === 0xee)).toBe(true);
  });

  it("byte-reverses each item of the swap size on the way to the destination", async () => {
    const g = await pl330Rig();
    const src = pattern(16);
    g.m.backdoor.write(SRC, src);
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB2 SS64 SAI DB2 DS64 DAI ES32
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    const want = Uint8Array.from({ length: 16 }, (_, i) => src[(i & ~3) + 3 - (i & 3)]);
    expect(g.m.backdoor.read(DST, 16)).toEqual(want);
  });

  it("realigns an unaligned incrementing burst and moves all of it", async () => {
    const g = await pl330Rig();
    const src = pattern(64);
    g.m.backdoor.write(SRC, src);
    g.program(PROG, `DMAMOV SAR, ${SRC + 3}
      DMAMOV DAR, ${DST + 1}
      DMAMOV CCR, SB4 SS32 SAI DB4 DS32 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(SRC + 3 + 16);
    expect(g.dar(0)).toBe(DST + 1 + 16);
    expect(g.m.backdoor.read(DST + 1, 16)).toEqual(src.subarray(3, 19));
  });

  it("repeats the beat at a fixed source address", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB4 SS16 SAF DB4 DS16 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(SRC);
    expect(Array.from(g.m.backdoor.read(DST, 8))).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });

  it("decodes 0x29/0x2B as DMASTP and 0x2D/0x2F as conditional forever-loop ends", async () => {
    const g = await pl330Rig();
    // DMAADDH SAR,1 ; DMALPEND (nf=0, LC1, B) back 3: the flag is Single, so it falls through.
    g.m.backdoor.write(PROG, Uint8Array.of(0x54, 0x01, 0x00, 0x2f, 0x03, 0x2b, 0x00, 0x00));
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(1);
    expect(g.cpc(0)).toBe(PROG + 8); // 0x2B 0x00 ran as DMASTPB P0 (a no-op under Single)
    // 0x29 with reserved bits set in its peripheral byte is an invalid DMASTP, not a loop end.
    g.m.backdoor.write(PROG + 0x100, Uint8Array.of(0x29, 0x01, 0x00));
    expect(g.run(1, PROG + 0x100).state).toBe(ST.faulting);
    expect(g.ftr(1)).toBe(1 << 1);
  });

  it.each([
    ["undefined 0x02", [0x02], 1 << 0, 0],
    ["undefined 0x14", [0x14], 1 << 0, 0],
    ["undefined 0xff", [0xff], 1 << 0, 0],
    ["DMALD with bs=2 (0x06)", [0x06], 1 << 1, 1],
    ["DMALPEND with bs=2 (0x3a)", [0x3a, 0x00], 1 << 1, 2],
    ["DMAMOV to register 3", [0xbc, 0x03, 0, 0, 0, 0], 1 << 1, 6],
    ["DMASEV with reserved bits", [0x34, 0x01], 1 << 1, 2],
    ["DMASEV E16 (16 events)", [0x34, 16 << 3], 1 << 1, 2],
    ["DMAWFE with bit 0 set", [0x36, 0x01], 1 << 1, 2],
    ["DMAWFP P4 (4 requests)", [0x30, 4 << 3], 1 << 1, 2],
    // Spec §2.1: periph ≥ num_periph_req is operand_invalid for every peripheral instruction
    // (the 5-bit field can name 0..31; CR0 says 4 on Zynq).
    ["DMALDPS P4", [0x25, 4 << 3], 1 << 1, 2],
    ["DMASTPB P31", [0x2b, 31 << 3], 1 << 1, 2],
    ["DMAFLUSHP P4", [0x35, 4 << 3], 1 << 1, 2],
    ["DMAWFP with bs=3 (0x33)", [0x33, 0x00], 1 << 1, 2],
    ["DMAGO in a channel", [0xa0, 0x00, 0, 0, 0, 0], 1 << 0, 6],
  ])("faults on %s (FTR, CPC as the reference model records)", async (_, bytes, ftr, cpcAdvance) => {
    const g = await pl330Rig();
    g.m.backdoor.write(PROG, Uint8Array.from([...bytes, 0x00]));
    expect(g.run(3, PROG).state).toBe(ST.faulting);
    expect(g.ftr(3)).toBe(ftr);
    expect(g.cpc(3)).toBe(PROG + cpcAdvance);
    expect(g.r(0x034)).toBe(1 << 3); // FSRC
    expect(g.m.pendingIrq()).toBe(45); // irq_abort
    g.kill(3);
    g.settle(3);
    expect(g.ftr(3)).toBe(0);
    expect(g.r(0x034)).toBe(0);
    expect(g.m.pendingIrq()).toBe(-1);
  });
});
