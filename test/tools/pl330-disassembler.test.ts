// The DMA-330 disassembler: one line per instruction with its offset, the TRM mnemonics, and
// bytes it cannot place shown as undefined.

import { describe, expect, it } from "vitest";
import { disassemble, formatListing, parseHex } from "../../src/tools/pl330/disassembler.js";
import { assemble } from "../../src/tools/pl330/assembler.js";

describe("PL330 disassembler", () => {
  it("lists the spec's worked memcpy one instruction per line", () => {
    const code = parseHex("bc0000001000 bc0200002000 bc01f7c03d00 201f 04 08 3802 3400 00");
    expect(formatListing(code, 0x300000).split("\n")).toEqual([
      "0x00300000  bc 00 00 00 10 00  DMAMOV SAR, 0x00100000",
      "0x00300006  bc 02 00 00 20 00  DMAMOV DAR, 0x00200000",
      "0x0030000c  bc 01 f7 c0 3d 00  DMAMOV CCR, SB16 SS64 SAI SP0 SC0 DB16 DS64 DAI DP0 DC0 ES8",
      "0x00300012  20 1f              DMALP LC0, 32",
      "0x00300014  04                 DMALD",
      "0x00300015  08                 DMAST",
      "0x00300016  38 02              DMALPEND LC0 ; back 2 to 0x00300014",
      "0x00300018  34 00              DMASEV E0",
      "0x0030001a  00                 DMAEND",
    ]);
  });

  it("names undefined opcodes, invalid operands and forever-loop ends", () => {
    const texts = disassemble(Uint8Array.of(0x14, 0x06, 0x2f, 0x01, 0x29, 0x08, 0x36, 0x4a, 0xbc, 0x05, 0, 0, 0, 0)).map((l) => l.text);
    expect(texts).toEqual([
      "(undefined 0x14)",
      "DMALD (invalid bs=2)",
      "DMALPENDB LC1 (DMALPFE loop) ; back 1 to 0x0001",
      "DMASTPS P1",
      "DMAWFE E9, invalid",
      "DMAMOV (invalid register 5), 0x00000000",
    ]);
  });

  it("reads back what the assembler wrote", () => {
    const src = ["DMAWFP P2, burst", "DMALDPB P2", "DMASTB", "DMAFLUSHP P2", "DMAADNH DAR, 0x0010", "DMAGO C3, 0x00001234, ns", "DMAKILL"];
    const texts = disassemble(assemble(src.join("\n")).bytes).map((l) => l.text);
    expect(texts).toEqual(src);
  });

  it("shows a CCR with reserved bit 31 set as a number, so it reassembles to the same bytes", () => {
    const code = Uint8Array.of(0xbc, 0x01, 0xf7, 0xc0, 0x3d, 0x80);
    const [line] = disassemble(code);
    expect(line.text).toBe("DMAMOV CCR, 0x803dc0f7 ; reserved bit 31 set: SB16 SS64 SAI SP0 SC0 DB16 DS64 DAI DP0 DC0 ES8");
    expect(Array.from(assemble(line.text).bytes)).toEqual(Array.from(code));
  });

  it("says so when the last instruction is cut short", () => {
    expect(disassemble(Uint8Array.of(0xbc, 0x00, 0x01)).map((l) => l.text)).toEqual(["(truncated, 3 of 6 bytes)"]);
  });
});
