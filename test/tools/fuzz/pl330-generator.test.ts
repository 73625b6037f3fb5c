// The PL330 input generator, checked with a decoder written here from spec pl330.md §2.1: valid
// programs use only the table's encodings with operands in range and loops that jump back to
// their DMALP; broken ones have what the table forbids; register sequences stay in the window.

import { describe, expect, it } from "vitest";
import { Random } from "../../../src/random.js";
import { randomMmioSequence, randomProgram, ZYNQ_PL330 } from "../../../src/tools/fuzz/pl330-generator.js";

interface Insn {
  at: number;
  op: number;
  bytes: number[];
  name: string;
}

/** §2.1: opcode byte → mnemonic and length, for every defined encoding. */
function decodeOne(op: number): [string, number] | undefined {
  if (op === 0x00) return ["END", 1];
  if (op === 0x01) return ["KILL", 1];
  if (op === 0x18) return ["NOP", 1];
  if (op === 0x12) return ["RMB", 1];
  if (op === 0x13) return ["WMB", 1];
  if (op === 0x0c) return ["STZ", 1];
  if ([0x04, 0x05, 0x07].includes(op)) return ["LD", 1];
  if ([0x08, 0x09, 0x0b].includes(op)) return ["ST", 1];
  if ([0x25, 0x27].includes(op)) return ["LDP", 2];
  if ([0x29, 0x2b].includes(op)) return ["STP", 2];
  if ([0x30, 0x31, 0x32].includes(op)) return ["WFP", 2];
  if (op === 0x35) return ["FLUSHP", 2];
  if (op === 0x34) return ["SEV", 2];
  if (op === 0x36) return ["WFE", 2];
  if (op === 0x20 || op === 0x22) return ["LP", 2];
  if ([0x38, 0x39, 0x3b, 0x3c, 0x3d, 0x3f, 0x28, 0x2c, 0x2d, 0x2f].includes(op)) return ["LPEND", 2];
  if ([0x54, 0x56, 0x5c, 0x5e].includes(op)) return ["ADDH", 3];
  if (op === 0xbc) return ["MOV", 6];
  if (op === 0xa0 || op === 0xa2) return ["GO", 6];
  return undefined;
}

function decode(p: Uint8Array): Insn[] | string {
  const out: Insn[] = [];
  for (let at = 0; at < p.length; ) {
    const d = decodeOne(p[at]);
    if (!d) return `undefined opcode 0x${p[at].toString(16)} at ${at}`;
    if (at + d[1] > p.length) return `truncated ${d[0]} at ${at}`;
    out.push({ at, op: p[at], bytes: [...p.subarray(at, at + d[1])], name: d[0] });
    at += d[1];
  }
  return out;
}

describe("PL330 program generator", () => {
  it("valid channel programs: defined encodings, operands in range, balanced loops, CCR/SAR/DAR first, DMAEND last", () => {
    for (let i = 0; i < 300; i++) {
      const prog = randomProgram(new Random(11, i), { valid: true });
      const insns = decode(prog);
      expect(insns, `program ${i}`).not.toBeTypeOf("string");
      const list = insns as Insn[];
      expect(list.slice(0, 3).map((x) => [x.name, x.bytes[1]])).toEqual([["MOV", 1], ["MOV", 0], ["MOV", 2]]);
      expect(list.at(-1)!.name).toBe("END");
      const ccr = list[0].bytes[2] | (list[0].bytes[3] << 8) | (list[0].bytes[4] << 16) | (list[0].bytes[5] << 24);
      expect((ccr >>> 1) & 7).toBe((ccr >>> 15) & 7); // same beat size both sides
      expect((ccr >>> 1) & 7).toBeLessThanOrEqual(3); // ≤ the 8-byte AXI width
      expect((ccr >>> 9) & 1).toBe(1); // non-secure reads
      expect((ccr >>> 23) & 1).toBe(1); // non-secure writes
      const open: Insn[] = [];
      for (const x of list) {
        if (["LDP", "STP", "WFP", "FLUSHP"].includes(x.name)) {
          expect(x.bytes[1] & 7).toBe(0);
          expect(x.bytes[1] >> 3).toBeLessThan(ZYNQ_PL330.peripherals);
        }
        if (x.name === "SEV" || x.name === "WFE") expect(x.bytes[1] >> 3).toBeLessThan(ZYNQ_PL330.events);
        if (x.name === "MOV") expect(x.bytes[1]).toBeLessThanOrEqual(2);
        expect(x.name).not.toBe("GO");
        if (x.name === "LP") open.push(x);
        if (x.name === "LPEND") {
          const lp = open.pop()!;
          expect((x.op >> 2) & 1).toBe((lp.op >> 1) & 1); // the same loop counter
          expect(x.at - x.bytes[1]).toBe(lp.at + 2); // jumps back to the first instruction of the body
        }
      }
      expect(open).toEqual([]);
    }
  });

  it("valid manager programs use the manager's instructions only", () => {
    for (let i = 0; i < 100; i++) {
      const list = decode(randomProgram(new Random(12, i), { valid: true, manager: true })) as Insn[];
      for (const x of list) expect(["END", "GO", "KILL", "NOP", "SEV", "WFE"]).toContain(x.name);
      for (const x of list.filter((y) => y.name === "GO")) expect(x.bytes[1]).toBeLessThan(ZYNQ_PL330.channels);
    }
  });

  it("broken programs have what the table forbids, and the same seed makes the same program", () => {
    const broken = Array.from({ length: 300 }, (_, i) => randomProgram(new Random(13, i), { valid: false }));
    expect(broken.filter((p) => typeof decode(p) === "string").length).toBeGreaterThan(50);
    expect(broken.filter((p) => p[p.length - 1] !== 0).length).toBeGreaterThan(20);
    expect(randomProgram(new Random(13, 7))).toEqual(randomProgram(new Random(13, 7)));
    expect(randomProgram(new Random(13, 7))).not.toEqual(randomProgram(new Random(13, 8)));
  });

  it("a program's addresses come from the windows it is given", () => {
    const windows = [{ base: 0x100000, size: 0x10000 }];
    for (let i = 0; i < 50; i++) {
      const list = decode(randomProgram(new Random(14, i), { valid: true, windows })) as Insn[];
      for (const x of list.filter((y) => y.name === "MOV" && y.bytes[1] !== 1)) {
        const a = (x.bytes[2] | (x.bytes[3] << 8) | (x.bytes[4] << 16) | (x.bytes[5] << 24)) >>> 0;
        expect(a >= 0x100000 && a < 0x110000).toBe(true);
      }
    }
  });
});

describe("PL330 register sequences", () => {
  it("stay in the 4 KiB window, 32-bit aligned; debug commands mostly come as DBGINST0, DBGINST1, DBGCMD", () => {
    let readOnlyWrites = 0;
    let gos = 0;
    let triples = 0;
    let loneCommands = 0;
    for (let i = 0; i < 200; i++) {
      const seq = randomMmioSequence(new Random(15, i), { programAt: () => 0x1000 });
      for (const [k, a] of seq.entries()) {
        expect(a.offset % 4).toBe(0);
        expect(a.offset).toBeLessThan(0x1000);
        expect(a.value).toBe(a.value >>> 0);
        if (a.write && a.offset === 0xd04) {
          if (seq.slice(Math.max(0, k - 2), k).map((x) => x.offset).join() === "3336,3340") triples++;
          else loneCommands++;
        }
        if (a.write && [0x000, 0x004, 0xd00, 0xe00, 0xfe0].includes(a.offset)) readOnlyWrites++;
        if (a.write && a.offset === 0xd08 && ((a.value >>> 16) & 0xff) === 0xa0) gos++;
      }
    }
    expect(triples).toBeGreaterThan(300);
    expect(loneCommands).toBeGreaterThan(0); // DBGCMD at a bad moment: nothing set up
    expect(readOnlyWrites).toBeGreaterThan(0);
    expect(gos).toBeGreaterThan(20);
  });
});
