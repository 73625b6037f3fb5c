// The DMA-330 disassembler: one line per instruction with its offset, the TRM mnemonics, and
// bytes no mnemonic can say written as .byte, so that every line assembles back to its bytes.

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
    const texts = disassemble(Uint8Array.of(0x14, 0x06, 0x2f, 0x01, 0x29, 0x08, 0x36, 0x4a, 0xbc, 0x05, 0, 0, 0, 0, 0x34, 0x09)).map((l) => l.text);
    expect(texts).toEqual([
      ".byte 0x14 ; undefined opcode",
      ".byte 0x06 ; DMALD, invalid bs=2",
      "DMALPENDB LC1 ; DMALPFE loop, back 1 to 0x0001",
      "DMASTPS P1",
      "DMAWFE E9, invalid",
      ".byte 0xbc, 0x05, 0x00, 0x00, 0x00, 0x00 ; DMAMOV, invalid register 5, 0x00000000",
      ".byte 0x34, 0x09 ; DMASEV E1, reserved bits 0x01",
    ]);
  });

  it("writes every encoding as a line that assembles back to its bytes", () => {
    // Each first byte with operand bytes that set reserved bits, pick registers past SAR/CCR/DAR,
    // channels and peripherals; loops opened and closed around them as the assembler needs.
    const mismatches: string[] = [];
    for (let b0 = 0; b0 < 256; b0++) {
      for (const b1 of [0x00, 0x01, 0x02, 0x05, 0x08, 0x0a, 0x1f, 0x80, 0xf8, 0xff]) {
        const insn = Uint8Array.of(b0, b1, 0x34, 0x12, 0xcd, 0xab);
        const [first] = disassemble(insn);
        const loopEnd = ((b0 >= 0x28 && b0 <= 0x2f) || b0 >= 0x38 && b0 <= 0x3f) && b0 !== 0x29 && b0 !== 0x2b && (b0 & 3) !== 2;
        let src = first.text;
        let want = first.bytes;
        if (b0 === 0x20 || b0 === 0x22) {
          src += "\nDMALPEND"; // a DMALP needs its loop closed
          want = Uint8Array.from([...want, 0x38 | (b0 & 2) << 1, 0]);
        } else if (loopEnd) {
          // A loop end jumping back over b1 bytes of DMANOP to the start of its body.
          const lc = (b0 >> 2) & 1;
          const open = b0 & 0x10 ? `DMALP LC${lc}, 2` : "DMALPFE";
          src = `${open}\n${"DMANOP\n".repeat(b1)}${disassemble(Uint8Array.of(b0, b1))[0].text}`;
          want = Uint8Array.from([...(b0 & 0x10 ? [0x20 | (lc << 1), 1] : []), ...new Array(b1).fill(0x18), b0, b1]);
        }
        let got: string;
        try {
          got = Array.from(assemble(src).bytes).join(",");
        } catch (e) {
          got = (e as Error).message;
        }
        if (got !== Array.from(want).join(",")) mismatches.push(`${first.text} -> ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
    const cut = disassemble(Uint8Array.of(0xbc, 0x00, 0x01));
    expect(Array.from(assemble(cut[0].text).bytes)).toEqual([0xbc, 0x00, 0x01]);
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
    expect(disassemble(Uint8Array.of(0xbc, 0x00, 0x01)).map((l) => l.text)).toEqual([".byte 0xbc, 0x00, 0x01 ; truncated, 3 of 6 bytes"]);
  });
});
