// The DMA-330 assembler: encodings checked against spec pl330 §2.1 and the worked programs of
// §2.3 and §12.4 (hand-encoded bytes).

import { describe, expect, it } from "vitest";
import { assemble, AsmError } from "../../src/tools/pl330/assembler.js";
import { parseCcr, formatCcr } from "../../src/tools/pl330/encoding.js";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("PL330 assembler", () => {
  it("assembles the spec's 4096-byte memcpy (§2.3) to its bytes", () => {
    const { bytes } = assemble(`
      DMAMOV SAR, 0x00100000
      DMAMOV DAR, 0x00200000
      DMAMOV CCR, 0x003DC0F7
      DMALP LC0, 32
        DMALD
        DMAST
      DMALPEND
      DMASEV E0
      DMAEND`);
    expect(hex(bytes)).toBe("bc0000001000" + "bc0200002000" + "bc01f7c03d00" + "201f" + "04" + "08" + "3802" + "3400" + "00");
  });

  it("writes CCR in the TRM field syntax", () => {
    expect(parseCcr("SB16 SS64 SAI DB16 DS64 DAI")).toBe(0x003dc0f7);
    expect(parseCcr("SB8 SS32 SAI DB8 DS32 DAF")).toBe(0x001d0075 & ~(1 << 14)); // §12.4 DEV→MEM CCR with DAF
    expect(formatCcr(0x003dc0f7)).toBe("SB16 SS64 SAI SP0 SC0 DB16 DS64 DAI DP0 DC0 ES8");
    expect(parseCcr(formatCcr(0x7aabcdef & 0x4fffffff))).toBe(0x7aabcdef & 0x4fffffff);
  });

  it("emits Linux's nested memcpy loops (§12.4: inner LC1, outer LC0)", () => {
    const { bytes } = assemble(`
      DMALP LC0, 32
        DMALP LC1, 256
          DMALD
          DMAST
        DMALPEND LC1
      DMALPEND LC0`);
    expect(hex(bytes)).toBe("201f" + "22ff" + "04" + "08" + "3c02" + "3806");
  });

  it("picks a free loop counter and closes the innermost loop", () => {
    const { bytes } = assemble("DMALP 2\nDMALP 3\nDMANOP\nDMALPEND\nDMALPEND");
    expect(hex(bytes)).toBe("2001" + "2202" + "18" + "3c01" + "3805");
  });

  it("closes a conditional forever loop on LC1: 0x29/0x2B would be DMASTP", () => {
    expect(hex(assemble("DMALPFE\nDMANOP\nDMALPEND").bytes)).toBe("18" + "2801");
    expect(hex(assemble("DMALPFE\nDMANOP\nDMALPENDB").bytes)).toBe("18" + "2f01");
    expect(() => assemble("DMALPFE\nDMANOP\nDMALPENDS LC0")).toThrow(/DMASTP/);
  });

  it("encodes every other instruction as spec §2.1 gives it", () => {
    const cases: [string, string][] = [
      ["DMAADDH DAR, 0x1234", "563412"],
      ["DMAADNH SAR, -16", "5cf0ff"],
      ["DMAFLUSHP P3", "3518"],
      ["DMAGO C5, 0x400000, ns", "a20500004000"],
      ["DMAKILL", "01"],
      ["DMALDS", "05"],
      ["DMALDPB P2", "2710"],
      ["DMASTPS P1", "2908"],
      ["DMASTB", "0b"],
      ["DMASTZ", "0c"],
      ["DMARMB", "12"],
      ["DMAWMB", "13"],
      ["DMANOP", "18"],
      ["DMASEV E7", "3438"],
      ["DMAWFE E9, invalid", "364a"],
      ["DMAWFP P4, periph", "3120"],
      ["DMAWFP P0, burst", "3200"],
      ["DMAWFP P0, single", "3000"],
      [".byte 0xff, 1", "ff01"],
    ];
    for (const [src, want] of cases) expect(hex(assemble(src).bytes), src).toBe(want);
  });

  it("resolves labels as absolute addresses from the load base", () => {
    const { bytes } = assemble("DMAGO C1, chan1\nDMAEND\nchan1: DMAEND", { base: 0x300000 });
    expect(hex(bytes)).toBe("a001" + "07003000" + "00" + "00");
  });

  it("reports errors with their line", () => {
    expect(() => assemble("DMANOP\nDMAFOO")).toThrow(AsmError);
    expect(() => assemble("DMANOP\nDMAFOO")).toThrow(/line 2: unknown mnemonic DMAFOO/);
    expect(() => assemble("DMALP 300")).toThrow(/out of range 1..256/);
    expect(() => assemble("DMALP 2\nDMANOP")).toThrow(/never closed/);
    expect(() => assemble("DMALPEND")).toThrow(/without an open/);
    expect(() => assemble(`DMALP 2\n${".byte 0\n".repeat(300)}DMALPEND`)).toThrow(/too long/);
    expect(() => assemble("DMAMOV SAR, nowhere")).toThrow(/undefined label/);
  });
});

describe("PL330 assembler: CCR fields", () => {
  it("refuses a CCR field given twice instead of merging the two values", () => {
    // SB2 then SB3 used to OR 1 and 2 into SB4 (0x30); SAI SAF gave SAI.
    expect(() => assemble("DMANOP\nDMAMOV CCR, SB2 SS8 SB3")).toThrow("line 2: DMAMOV CCR: SB3: SB is already given (SB2)");
    expect(() => assemble("DMAMOV CCR, SAI SAF")).toThrow("line 1: DMAMOV CCR: SAF: SAI/SAF is already given (SAI)");
    expect(() => assemble("DMAMOV CCR, es8 ES16")).toThrow("line 1: DMAMOV CCR: ES16: ES is already given (es8)");
    expect(() => parseCcr("DB4 db4")).toThrow("db4: DB is already given (DB4)");
    expect(hex(assemble("DMAMOV CCR, SB2 SAI DB3 DAF").bytes)).toBe("bc01" + "11" + "00" + "08" + "00");
  });
});

describe("PL330 assembler: DMAWFP forms", () => {
  it("takes DMAWFPS/DMAWFPB/DMAWFPP p, the spec table's names, as well as DMAWFP p, kind", () => {
    // Spec pl330 §2.1: 30 / 32 / 31, peripheral in bits [7:3] of byte 1.
    expect(hex(assemble("DMAWFPS P3\nDMAWFPB P3\nDMAWFPP 31\ndmawfpb p0").bytes)).toBe("3018" + "3218" + "31f8" + "3200");
    expect(() => assemble("DMANOP\nDMAWFPB P3, burst")).toThrow("line 2: DMAWFPB takes 1 operand(s), got 2");
    expect(() => assemble("DMAWFPP P32")).toThrow("line 1: peripheral 32 out of range 0..31");
  });
});

describe("PL330 assembler: labels", () => {
  it("refuses a label used as an address past 4 GiB instead of wrapping it", () => {
    // 0xfffffffc + 6 (after the DMAMOV) = 0x1_0000_0002, which used to become 0x00000002.
    expect(() => assemble(".base 0xfffffffc\nDMAMOV SAR, end\nend: DMAEND")).toThrow(
      'line 2: label "end" is at 0x100000002, past the 32-bit address space',
    );
    expect(hex(assemble(".base 0xfffffff9\nDMAMOV SAR, end\nend: DMAEND").bytes)).toBe("bc00" + "ffffffff" + "00");
  });
});

describe("PL330 assembler: DMAMOV CCR fields", () => {
  it("takes the fields separated by commas as well as spaces", () => {
    // Was "DMAMOV takes 2 operand(s), got 3": the operands were split at every comma.
    expect(hex(assemble("DMAMOV CCR, SB16, SS64, SAI,DB16 DS64 DAI").bytes)).toBe("bc01f7c03d00");
    expect(() => assemble("DMAMOV CCR, SB16, SX64")).toThrow('line 1: DMAMOV CCR: unknown CCR field "SX64"');
    expect(() => assemble("DMAMOV SAR, 1, 2")).toThrow("line 1: DMAMOV takes 2 operand(s), got 3");
  });
});

describe("PL330 assembler: several labels on a line", () => {
  it("gives every label of the line the same offset", () => {
    // "a: b: DMAEND" used to fail with "unknown mnemonic B:".
    const { bytes, labels } = assemble("DMANOP\nloop: again: DMAEND\nDMAMOV SAR, again", { base: 0x100 });
    expect(hex(bytes)).toBe("18" + "00" + "bc00" + "01010000");
    expect([...labels]).toEqual([["loop", 1], ["again", 1]]);
    expect(() => assemble("a: b: a: DMAEND")).toThrow('line 1: label "a" defined twice');
  });
});

describe("PL330 assembler: what an error says", () => {
  it("names the condition DMALDP/DMASTP lack, and where a too-long loop was opened", () => {
    expect(() => assemble("DMANOP\nDMALDP P1")).toThrow("line 2: DMALDP needs a condition: DMALDPS or DMALDPB");
    expect(() => assemble("DMASTP P1")).toThrow("line 1: DMASTP needs a condition: DMASTPS or DMASTPB");
    // 256 bytes of body: one more than the jump's 8 bits hold.
    expect(() => assemble(`DMANOP\nDMALP 2\n${"DMANOP\n".repeat(256)}DMALPEND`)).toThrow(
      "line 259: loop body of 256 bytes (from line 2) is too long for DMALPEND's 8-bit backward jump (255)",
    );
    expect(assemble(`DMALP 2\n${"DMANOP\n".repeat(255)}DMALPEND`).bytes.subarray(-2)).toEqual(Uint8Array.of(0x38, 0xff));
  });
});

describe("PL330 assembler: operands need commas", () => {
  it("says a comma is expected when operands are separated by spaces only", () => {
    // Was 'DMALP iterations: expected a number, got "LC0 4"'. Spec pl330 §2 writes DMALP LC0, 32.
    expect(() => assemble("DMALP LC0 4\nDMANOP\nDMALPEND")).toThrow('line 1: DMALP: expected a comma between operands, as in "DMALP LC0, 4", got "LC0 4"');
    expect(() => assemble("DMAGO C1 0x100, ns")).toThrow('line 1: DMAGO: expected a comma between operands, as in "DMAGO C1, 0x100, ns", got "C1 0x100, ns"');
    expect(hex(assemble("DMALP LC1,4\nDMANOP\nDMALPEND").bytes)).toBe("2203" + "18" + "3c01");
    expect(hex(assemble("DMAMOV CCR, SB2 SAI DB3 DAF").bytes)).toBe("bc01" + "11" + "00" + "08" + "00");
  });
});

describe("PL330 assembler: DMAADNH amounts", () => {
  it("takes the negative amount or its imm16, and refuses anything outside both", () => {
    // Adds 0xffff0000 | imm16: -4 is imm16 0xfffc, -65536 is 0x0000, -1 is 0xffff.
    expect(hex(assemble("DMAADNH SAR, -4\nDMAADNH DAR, 0xfffc\nDMAADNH DAR, -65536\nDMAADNH SAR, -1").bytes))
      .toBe("5cfcff" + "5efcff" + "5e0000" + "5cffff");
    const range = "out of range: the amount added is -65536..-1, or give its imm16 0x0000..0xffff";
    expect(() => assemble("DMAADNH SAR, -65537")).toThrow(`line 1: DMAADNH -65537 ${range}`);
    expect(() => assemble("DMAADNH DAR, 0x10000")).toThrow(`line 1: DMAADNH 0x10000 ${range}`);
    expect(() => assemble("DMAADNH DAR, x")).toThrow('line 1: DMAADNH: expected a number, got "x"');
  });
});
