// The DMA-330 disassembler: one line per instruction with its offset, the TRM mnemonics, and
// bytes no mnemonic can say written as .byte, so that every line assembles back to its bytes.

import { describe, expect, it } from "vitest";
import { disassemble, formatListing, parseHex } from "../../src/tools/pl330/disassembler.js";
import { assemble } from "../../src/tools/pl330/assembler.js";
import { defaultReqConfig, prepareCcr, setupReq } from "../../src/drivers/pl330/program.js";
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV, DMA_MEM_TO_MEM } from "../../src/dmaengine/types.js";

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
      "DMALPFE",
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
    // channels and peripherals; a DMALP closed at once, and each loop end behind the DMALP (or
    // the forever-loop start) it jumps back to over b1 bytes of DMANOP, so they list as loops.
    const mismatches: string[] = [];
    for (let b0 = 0; b0 < 256; b0++) {
      for (const b1 of [0x00, 0x01, 0x02, 0x05, 0x08, 0x0a, 0x1f, 0x80, 0xf8, 0xff]) {
        const loopStart = b0 === 0x20 || b0 === 0x22;
        const loopEnd = ((b0 >= 0x28 && b0 <= 0x2f) || b0 >= 0x38 && b0 <= 0x3f) && b0 !== 0x29 && b0 !== 0x2b && (b0 & 3) !== 2;
        const lc = loopStart ? (b0 >> 1) & 1 : (b0 >> 2) & 1;
        const code = loopStart
          ? Uint8Array.of(b0, b1, 0x38 | (lc << 2), 0)
          : loopEnd
            ? Uint8Array.from([...(b0 & 0x10 ? [0x20 | (lc << 1), 1] : []), ...new Array(b1).fill(0x18), b0, b1])
            : Uint8Array.of(b0, b1, 0x34, 0x12, 0xcd, 0xab);
        const texts = disassemble(code).map((l) => l.text);
        if ((loopStart || loopEnd) && texts.some((t) => t.startsWith(".byte"))) mismatches.push(`${b0},${b1} not listed as a loop: ${texts.join(" | ")}`);
        let got: string;
        try {
          got = Array.from(assemble(texts.join("\n")).bytes).join(",");
        } catch (e) {
          got = (e as Error).message;
        }
        if (got !== Array.from(code).join(",")) mismatches.push(`${texts.join(" | ")} -> ${got}`);
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

describe("PL330 disassembler: loops as the assembler rebuilds them", () => {
  const roundTrip = (code: Uint8Array) => Array.from(assemble(disassemble(code).map((l) => l.text).join("\n")).bytes);

  it("writes a DMALPFE line where a forever loop's body starts, and loop instructions no loop pairs as .byte", () => {
    // 0: DMALP LC0 closed by nothing; 3: a counted loop on LC1 closed at 6; 8: a DMALPEND LC0
    // jumping into the middle of that DMALP; 10: two forever loops around a DMANOP (ends at 11
    // and 13, both back to 10); 15: a loop end jumping to before the code.
    const code = Uint8Array.of(0x20, 1, 0x18, 0x22, 2, 0x04, 0x3c, 1, 0x38, 4, 0x18, 0x2c, 1, 0x28, 3, 0x38, 0x40);
    expect(disassemble(code).map((l) => `${l.offset} ${l.text}`)).toEqual([
      "0 .byte 0x20, 0x01 ; DMALP LC0, 2: no DMALPEND closes it",
      "2 DMANOP",
      "3 DMALP LC1, 3",
      "5 DMALD",
      "6 DMALPEND LC1 ; back 1 to 0x0005",
      "8 .byte 0x38, 0x04 ; DMALPEND LC0, back 4 to 0x0004: it closes no loop the listing opens",
      "10 DMALPFE",
      "10 DMALPFE",
      "10 DMANOP",
      "11 DMALPEND LC1 ; DMALPFE loop, back 1 to 0x000a",
      "13 DMALPEND LC0 ; DMALPFE loop, back 3 to 0x000a",
      "15 .byte 0x38, 0x40 ; DMALPEND LC0, back 64 before the start: it closes no loop the listing opens",
    ]);
    expect(roundTrip(code)).toEqual(Array.from(code));
    expect(formatListing(Uint8Array.of(0x18, 0x28, 0x01), 0x1000).split("\n")).toEqual([
      "0x1000                     DMALPFE",
      "0x1000  18                 DMANOP",
      "0x1001  28 01              DMALPEND LC0 ; DMALPFE loop, back 1 to 0x1000",
    ]);
  });

  it("lists loops that cross, or reuse the counter of the loop around them, as .byte", () => {
    // LC0's body runs from 2 to its end at 7, LC1's from 4 to 9: the end at 7 would close LC0's
    // loop while LC1's, opened inside it, is still open. That pair is the assembler's misfit.
    const crossing = Uint8Array.of(0x20, 1, 0x22, 1, 0x18, 0x18, 0x18, 0x38, 5, 0x3c, 5);
    expect(disassemble(crossing).map((l) => l.text)).toEqual([
      ".byte 0x20, 0x01 ; DMALP LC0, 2: no DMALPEND closes it",
      "DMALP LC1, 2",
      "DMANOP",
      "DMANOP",
      "DMANOP",
      ".byte 0x38, 0x05 ; DMALPEND LC0, back 5 to 0x0002: it closes no loop the listing opens",
      "DMALPEND LC1 ; back 5 to 0x0004",
    ]);
    // LC0 inside LC0: the inner one is the first the assembler would refuse.
    const reused = Uint8Array.of(0x20, 1, 0x20, 1, 0x18, 0x38, 1, 0x38, 5);
    expect(disassemble(reused).map((l) => l.text)).toEqual([
      "DMALP LC0, 2",
      ".byte 0x20, 0x01 ; DMALP LC0, 2: no DMALPEND closes it",
      "DMANOP",
      ".byte 0x38, 0x01 ; DMALPEND LC0, back 1 to 0x0004: it closes no loop the listing opens",
      "DMALPEND LC0 ; back 5 to 0x0002",
    ]);
    for (const code of [crossing, reused]) expect(roundTrip(code)).toEqual(Array.from(code));
  });

  it("assembles every listing back to its bytes: each first byte with each second byte, and loop-heavy programs", () => {
    const mismatches: string[] = [];
    const check = (code: Uint8Array) => {
      let got: string;
      try {
        got = roundTrip(code).join(",");
      } catch (e) {
        got = (e as Error).message;
      }
      if (got !== Array.from(code).join(",") && mismatches.length < 10) mismatches.push(`${Array.from(code).join(",")} -> ${got}`);
    };
    for (let b0 = 0; b0 < 256; b0++) for (let b1 = 0; b1 < 256; b1++) check(Uint8Array.of(b0, b1, 0x34, 0x12, 0xcd, 0xab));
    // Programs of DMALPs, loop ends with short jumps, and one-byte instructions, from a fixed
    // linear congruential sequence.
    let seed = 99;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >> 8) % n;
    };
    for (let n = 0; n < 5000; n++) {
      const out: number[] = [];
      for (let k = 1 + next(14); k > 0; k--) {
        const kind = next(6);
        if (kind === 0) out.push([0x20, 0x22][next(2)], next(4));
        else if (kind === 1) out.push([0x38, 0x39, 0x3b, 0x3c, 0x3d, 0x3f, 0x28, 0x2c, 0x2d, 0x2f][next(10)], next(8));
        else out.push([0x18, 0x04, 0x08][next(3)]);
      }
      check(Uint8Array.from(out));
    }
    expect(mismatches).toEqual([]);
  });
});

describe("PL330 disassembler: the driver's programs", () => {
  it("lists the pl330 driver's nested loops as loops, and they assemble back to the program", () => {
    for (const rqtype of [DMA_MEM_TO_MEM, DMA_MEM_TO_DEV, DMA_DEV_TO_MEM]) {
      for (const bytes of [8, 4096, 12345, 3 << 22]) {
        const ccr = prepareCcr({ ...defaultReqConfig(), brst_size: 3, brst_len: 16 });
        const program = Uint8Array.from(setupReq({ ccr, rqtype, px: { src_addr: 0x1000, dst_addr: 0x200000, bytes }, revision: 3, peri: 2 }, 3));
        const texts = disassemble(program).map((l) => l.text);
        expect(texts.filter((t) => t.startsWith(".byte")), `${rqtype} ${bytes}`).toEqual([]);
        expect(Array.from(assemble(texts.join("\n")).bytes)).toEqual(Array.from(program));
      }
    }
  });
});

describe("PL330 disassembler: DMAADNH", () => {
  it("lists every DMAADNH byte pattern so that it assembles back to the same bytes", () => {
    // 5C (SAR) and 5E (DAR) with each of the 65536 imm16 values, as one program.
    const code = new Uint8Array(2 * 65536 * 3);
    let at = 0;
    for (const b0 of [0x5c, 0x5e]) for (let v = 0; v < 65536; v++, at += 3) code.set([b0, v & 0xff, v >> 8], at);
    const lines = disassemble(code);
    expect(lines).toHaveLength(2 * 65536);
    expect(lines[4].text).toBe("DMAADNH SAR, 0x0004");
    expect(assemble(lines.map((l) => l.text).join("\n")).bytes).toEqual(code);
  }, 30_000); // every byte pattern of the instruction, assembled back: seconds on a busy machine
});
