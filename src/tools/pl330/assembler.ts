// A DMA-330 assembler for the TRM mnemonics (spec pl330 §2; DMAWFP also as DMAWFPS/B/P p). One
// instruction per line; `label:` names an offset; `;`, `//` and `@` start comments. Loops nest:
// DMALP opens a counted loop (LC0/LC1 chosen automatically unless given), DMALPFE a forever
// loop, and DMALPEND closes the innermost open loop, jumping back to the instruction after its
// opening. A forever loop with a condition closes on LC1, because 0x29/0x2B (nf=0, LC0, S/B)
// decode as DMASTP. `.base ADDR` sets the address the program will run from (labels used as
// DMAMOV/DMAGO immediates become absolute); `.byte v, …` emits raw bytes.

import { parseCcr, CcrSyntaxError } from "./encoding.js";

export class AsmError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "AsmError";
  }
}

export interface AsmOptions {
  /** Address the program is loaded at (labels as immediates are base + offset). */
  base?: number;
}

export interface AsmResult {
  bytes: Uint8Array;
  labels: Map<string, number>;
  base: number;
}

interface OpenLoop {
  forever: boolean;
  lc: 0 | 1;
  body: number; // offset of the first body instruction
  line: number;
}

type Imm = { value: number } | { label: string };

interface Pending {
  at: number; // offset of the 4-byte immediate
  label: string;
  line: number;
}

/** `name:` at the start of a line; a line may carry several. */
const LABEL = /^([A-Za-z_.$][\w.$]*):\s*/;

function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!/^-?(0x[0-9a-f]+|0b[01]+|\d+)$/i.test(t)) return undefined;
  const neg = t.startsWith("-");
  const v = Number(neg ? t.slice(1) : t);
  return neg ? -v : v;
}

export function assemble(source: string, opts: AsmOptions = {}): AsmResult {
  const out: number[] = [];
  const labels = new Map<string, number>();
  const pending: Pending[] = [];
  const loops: OpenLoop[] = [];
  let base = opts.base ?? 0;
  let lineNo = 0;
  const fail = (msg: string): never => {
    throw new AsmError(lineNo, msg);
  };
  const num = (s: string | undefined, what: string, lo: number, hi: number): number => {
    const v = s === undefined ? undefined : parseNumber(s);
    if (v === undefined) return fail(`${what}: expected a number, got "${s ?? ""}"`);
    if (v < lo || v > hi) return fail(`${what} ${s} out of range ${lo}..${hi}`);
    return v;
  };
  const indexed = (s: string | undefined, prefix: string, what: string, hi: number): number => {
    const t = (s ?? "").trim().toUpperCase();
    return num(t.startsWith(prefix) ? t.slice(prefix.length) : t, what, 0, hi);
  };
  const adnhImm = (s: string): number => {
    const v = parseNumber(s);
    if (v === undefined) return fail(`DMAADNH: expected a number, got "${s}"`);
    if (v < -65536 || v > 0xffff) {
      return fail(`DMAADNH ${s} out of range: the amount added is -65536..-1, or give its imm16 0x0000..0xffff`);
    }
    return v & 0xffff;
  };
  const imm = (s: string | undefined): Imm => {
    const t = (s ?? "").trim();
    const v = parseNumber(t);
    if (v !== undefined) {
      if (v < -(2 ** 31) || v > 0xffffffff) fail(`immediate ${t} does not fit in 32 bits`);
      return { value: v >>> 0 };
    }
    if (!/^[A-Za-z_.$][\w.$]*$/.test(t)) fail(`expected a number or a label, got "${t}"`);
    return { label: t };
  };
  const emit32 = (v: Imm) => {
    if ("value" in v) out.push(v.value & 0xff, (v.value >>> 8) & 0xff, (v.value >>> 16) & 0xff, v.value >>> 24);
    else {
      pending.push({ at: out.length, label: v.label, line: lineNo });
      out.push(0, 0, 0, 0);
    }
  };
  const reg = (s: string | undefined, allowed: string[]): number => {
    const r = (s ?? "").trim().toUpperCase();
    const i = allowed.indexOf(r);
    if (i < 0) fail(`expected ${allowed.join(" or ")}, got "${s ?? ""}"`);
    return i;
  };

  for (const raw of source.split(/\r?\n/)) {
    lineNo++;
    let text = raw.replace(/(;|\/\/|@).*$/, "").trim();
    for (let lm = LABEL.exec(text); lm; lm = LABEL.exec(text)) {
      if (labels.has(lm[1])) fail(`label "${lm[1]}" defined twice`);
      labels.set(lm[1], out.length);
      text = text.slice(lm[0].length);
    }
    if (!text) continue;
    const sp = text.search(/\s/);
    const mnemonic = (sp < 0 ? text : text.slice(0, sp)).toUpperCase();
    const rest = sp < 0 ? "" : text.slice(sp + 1).trim();
    const args = rest ? rest.split(",").map((a) => a.trim()) : [];
    // Spec pl330 §2 writes operands comma-separated (DMALP LC0, 32); only CCR fields may be
    // separated by spaces.
    const spaced = args.find((a) => /\S\s+\S/.test(a));
    if (spaced !== undefined && !(mnemonic === "DMAMOV" && (args[0] ?? "").toUpperCase() === "CCR")) {
      fail(`${mnemonic}: expected a comma between operands, as in "${mnemonic} ${args.map((a) => a.split(/\s+/).join(", ")).join(", ")}", got "${rest}"`);
    }
    const arity = (lo: number, hi = lo) => {
      if (args.length < lo || args.length > hi) fail(`${mnemonic} takes ${lo === hi ? lo : `${lo} to ${hi}`} operand(s), got ${args.length}`);
    };
    const cond = (m: string, stem: string): number => {
      const c = m.slice(stem.length);
      if (c === "") return 0;
      if (c === "S") return 1;
      if (c === "B") return 3;
      return fail(`unknown mnemonic ${m}`);
    };

    if (mnemonic === ".BASE") {
      arity(1);
      if (out.length) fail(".base must come before the first instruction");
      base = num(args[0], ".base", 0, 0xffffffff);
    } else if (mnemonic === ".BYTE") {
      if (!args.length) fail(".byte needs at least one value");
      for (const a of args) out.push(num(a, ".byte", -128, 255) & 0xff);
    } else if (["DMAEND", "DMAKILL", "DMANOP", "DMARMB", "DMAWMB", "DMASTZ"].includes(mnemonic)) {
      arity(0);
      out.push({ DMAEND: 0x00, DMAKILL: 0x01, DMANOP: 0x18, DMARMB: 0x12, DMAWMB: 0x13, DMASTZ: 0x0c }[mnemonic]!);
    } else if (/^DMA(LD|ST)[SB]?$/.test(mnemonic)) {
      arity(0);
      const ld = mnemonic.startsWith("DMALD");
      out.push((ld ? 0x04 : 0x08) | cond(mnemonic, ld ? "DMALD" : "DMAST"));
    } else if (/^DMA(LDP|STP)[SB]$/.test(mnemonic)) {
      arity(1);
      const ld = mnemonic.startsWith("DMALDP");
      out.push((ld ? 0x24 : 0x28) | cond(mnemonic, ld ? "DMALDP" : "DMASTP"), indexed(args[0], "P", "peripheral", 31) << 3);
    } else if (mnemonic === "DMAFLUSHP") {
      arity(1);
      out.push(0x35, indexed(args[0], "P", "peripheral", 31) << 3);
    } else if (mnemonic === "DMAWFP") {
      arity(2);
      const kind = args[1].toLowerCase();
      const bs = { single: 0, periph: 1, burst: 2 }[kind];
      if (bs === undefined) fail(`DMAWFP: expected single, burst or periph, got "${args[1]}"`);
      out.push(0x30 | bs!, indexed(args[0], "P", "peripheral", 31) << 3);
    } else if (/^DMAWFP[SBP]$/.test(mnemonic)) {
      // The suffix form, as spec pl330 §2.1 names the three encodings and Linux prints them.
      arity(1);
      out.push(0x30 | { S: 0, P: 1, B: 2 }[mnemonic[6] as "S" | "P" | "B"], indexed(args[0], "P", "peripheral", 31) << 3);
    } else if (mnemonic === "DMASEV") {
      arity(1);
      out.push(0x34, indexed(args[0], "E", "event", 31) << 3);
    } else if (mnemonic === "DMAWFE") {
      arity(1, 2);
      let b1 = indexed(args[0], "E", "event", 31) << 3;
      if (args.length === 2) {
        if (args[1].toLowerCase() !== "invalid") fail(`DMAWFE: second operand must be "invalid"`);
        b1 |= 2;
      }
      out.push(0x36, b1);
    } else if (mnemonic === "DMAADDH" || mnemonic === "DMAADNH") {
      arity(2);
      const ra = reg(args[0], ["SAR", "DAR"]);
      // DMAADNH adds 0xffff0000 | imm16 (spec pl330 §2.2): the operand is that imm16 (what the
      // disassembler prints) or the negative amount itself, whose low half is the same imm16.
      const v = mnemonic === "DMAADNH" ? adnhImm(args[1]) : num(args[1], mnemonic, 0, 0xffff);
      out.push((mnemonic === "DMAADDH" ? 0x54 : 0x5c) | (ra << 1), v & 0xff, v >> 8);
    } else if (mnemonic === "DMAMOV") {
      // The CCR field syntax may separate its fields with commas, as parseCcr allows.
      if (args.length > 2 && (args[0] ?? "").toUpperCase() === "CCR") args.splice(1, args.length, args.slice(1).join(","));
      arity(2);
      const rd = reg(args[0], ["SAR", "CCR", "DAR"]);
      out.push(0xbc, rd);
      if (rd === 1 && parseNumber(args[1]) === undefined) {
        try {
          emit32({ value: parseCcr(args[1]) });
        } catch (e) {
          if (e instanceof CcrSyntaxError) fail(`DMAMOV CCR: ${e.message}`);
          throw e;
        }
      } else emit32(imm(args[1]));
    } else if (mnemonic === "DMAGO") {
      arity(2, 3);
      const cn = indexed(args[0], "C", "channel", 7);
      let ns = 0;
      if (args.length === 3) {
        if (args[2].toLowerCase() !== "ns") fail(`DMAGO: third operand must be "ns"`);
        ns = 2;
      }
      out.push(0xa0 | ns, cn);
      emit32(imm(args[1]));
    } else if (mnemonic === "DMALP") {
      arity(1, 2);
      let lc: 0 | 1;
      if (args.length === 2) lc = indexed(args[0], "LC", "loop counter", 1) as 0 | 1;
      else {
        const busy = new Set(loops.filter((l) => !l.forever).map((l) => l.lc));
        if (busy.size === 2) fail("DMALP: both loop counters are in use by enclosing loops");
        lc = busy.has(0) ? 1 : 0;
      }
      if (loops.some((l) => !l.forever && l.lc === lc)) fail(`DMALP: LC${lc} is already counting an enclosing loop`);
      const n = num(args[args.length - 1], "DMALP iterations", 1, 256);
      out.push(0x20 | (lc << 1), n - 1);
      loops.push({ forever: false, lc, body: out.length, line: lineNo });
    } else if (mnemonic === "DMALPFE") {
      arity(0);
      loops.push({ forever: true, lc: 0, body: out.length, line: lineNo });
    } else if (/^DMALPEND[SB]?$/.test(mnemonic)) {
      arity(0, 1);
      const loop = loops.pop();
      if (!loop) fail("DMALPEND without an open DMALP or DMALPFE");
      const bs = cond(mnemonic, "DMALPEND");
      let lc = loop!.lc;
      if (loop!.forever) lc = bs ? 1 : 0;
      if (args.length === 1) {
        const want = indexed(args[0], "LC", "loop counter", 1);
        if (!loop!.forever && want !== lc) fail(`DMALPEND LC${want} closes the loop opened on line ${loop!.line} with LC${lc}`);
        if (loop!.forever && bs && want === 0) fail("DMALPEND with a condition and LC0 after DMALPFE encodes as DMASTP (0x29/0x2B); use LC1");
        lc = want as 0 | 1;
      }
      const back = out.length - loop!.body;
      if (back > 255) fail(`loop body of ${back} bytes (from line ${loop!.line}) is too long for DMALPEND's 8-bit backward jump (255)`);
      out.push(0x28 | ((loop!.forever ? 0 : 1) << 4) | (lc << 2) | bs, back);
    } else {
      // DMALDP/DMASTP exist only with a condition (spec pl330 §2.1).
      if (mnemonic === "DMALDP" || mnemonic === "DMASTP") fail(`${mnemonic} needs a condition: ${mnemonic}S or ${mnemonic}B`);
      fail(`unknown mnemonic ${mnemonic}`);
    }
  }
  if (loops.length) {
    lineNo = loops[loops.length - 1].line;
    fail("loop is never closed with DMALPEND");
  }
  const bytes = Uint8Array.from(out);
  for (const p of pending) {
    const off = labels.get(p.label);
    if (off === undefined) throw new AsmError(p.line, `undefined label "${p.label}"`);
    if (base + off > 0xffffffff) {
      throw new AsmError(p.line, `label "${p.label}" is at 0x${(base + off).toString(16)}, past the 32-bit address space`);
    }
    new DataView(bytes.buffer).setUint32(p.at, (base + off) >>> 0, true);
  }
  return { bytes, labels, base };
}
