// DMA-330 instruction encodings as the assembler and disassembler see them (spec pl330 §2.1),
// and the CCR field syntax of the TRM's assembler (SB/SS/SAI/… …). The silicon decodes in
// assembly/pl330/isa.ts; this is the same table from the toolchain's side.

export type Cond = "" | "S" | "B";

/** Length in bytes of the instruction whose first byte is b0 (1 for undefined opcodes). */
export function insnLength(b0: number): number {
  if (b0 === 0xbc || b0 === 0xa0 || b0 === 0xa2) return 6;
  if ([0x54, 0x56, 0x5c, 0x5e].includes(b0)) return 3;
  if ([0x20, 0x22, 0x25, 0x27, 0x29, 0x2b, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36].includes(b0)) return 2;
  if ((b0 >= 0x28 && b0 <= 0x2f) || (b0 >= 0x38 && b0 <= 0x3f)) return 2;
  return 1;
}

const hex = (v: number, digits = 8) => "0x" + (v >>> 0).toString(16).padStart(digits, "0");

export const REGISTERS = ["SAR", "CCR", "DAR"] as const;

/** CCR as the TRM assembler writes it: SB<n> SS<bits> SA<I|F> SP<n> SC<n> DB<n> DS<bits>
 *  DA<I|F> DP<n> DC<n> ES<bits>. */
export function formatCcr(v: number): string {
  const f = (shift: number, width: number) => (v >>> shift) & ((1 << width) - 1);
  const es = f(28, 3);
  return [
    `SB${f(4, 4) + 1}`, `SS${8 << f(1, 3)}`, f(0, 1) ? "SAI" : "SAF", `SP${f(8, 3)}`, `SC${f(11, 3)}`,
    `DB${f(18, 4) + 1}`, `DS${8 << f(15, 3)}`, f(14, 1) ? "DAI" : "DAF", `DP${f(22, 3)}`, `DC${f(25, 3)}`,
    `ES${es === 0 ? 8 : 8 << es}`,
  ].join(" ");
}

export class CcrSyntaxError extends Error {}

/** Parses the TRM CCR syntax; fields left out are 0 (SB1 SS8 SAF …, ES8). */
export function parseCcr(text: string): number {
  let v = 0;
  const bits = (n: number, what: string) => {
    const l = Math.log2(n / 8);
    if (!Number.isInteger(l) || l < 0 || l > 7) throw new CcrSyntaxError(`${what}${n}: not a power-of-two bit width from 8 to 1024`);
    return l;
  };
  // Fields are ORed into place, so a second SB (or SAF after SAI) would merge silently.
  const given = new Map<string, string>();
  for (const word of text.trim().split(/[\s,]+/)) {
    const m = /^(SB|SS|SP|SC|DB|DS|DP|DC|ES)(\d+)$|^(SAI|SAF|DAI|DAF)$/i.exec(word);
    if (!m) throw new CcrSyntaxError(`unknown CCR field "${word}"`);
    const field = (m[1] ?? m[3].slice(0, 2)).toUpperCase();
    const before = given.get(field);
    if (before !== undefined) throw new CcrSyntaxError(`${word}: ${field === "SA" || field === "DA" ? `${field}I/${field}F` : field} is already given (${before})`);
    given.set(field, word);
    if (m[3]) {
      const w = m[3].toUpperCase();
      if (w === "SAI") v |= 1;
      if (w === "DAI") v |= 1 << 14;
      continue;
    }
    const k = m[1].toUpperCase();
    const n = Number(m[2]);
    const range = (lo: number, hi: number) => {
      if (n < lo || n > hi) throw new CcrSyntaxError(`${k}${n}: out of range ${lo}..${hi}`);
      return n;
    };
    if (k === "SB") v |= (range(1, 16) - 1) << 4;
    else if (k === "DB") v |= (range(1, 16) - 1) << 18;
    else if (k === "SS") v |= bits(n, k) << 1;
    else if (k === "DS") v |= bits(n, k) << 15;
    else if (k === "SP") v |= range(0, 7) << 8;
    else if (k === "SC") v |= range(0, 7) << 11;
    else if (k === "DP") v |= range(0, 7) << 22;
    else if (k === "DC") v |= range(0, 7) << 25;
    else if (k === "ES") v |= (n === 8 ? 0 : bits(n, k)) << 28;
  }
  return v >>> 0;
}

/** `.byte` holding bytes[at, at+length), and what they are as a comment. */
export function rawBytes(bytes: Uint8Array, at: number, length: number, what: string): string {
  return `.byte ${Array.from(bytes.subarray(at, at + length), (b) => hex(b, 2)).join(", ")} ; ${what}`;
}

/** One instruction as text, with its length; loop ends give their target as an offset from
 *  the start of `bytes`. What the mnemonics cannot say (an undefined opcode, an invalid operand,
 *  reserved bits set, a cut-short instruction) is written as its bytes (`.byte`) with what they
 *  are as a comment, so that every line assembles back to the bytes it came from. */
export function describe(bytes: Uint8Array, at: number): { text: string; length: number } {
  const b0 = bytes[at];
  const length = insnLength(b0);
  if (at + length > bytes.length) {
    const have = bytes.length - at;
    return { text: rawBytes(bytes, at, have, `truncated, ${have} of ${length} bytes`), length: have };
  }
  const b1 = bytes[at + 1] ?? 0;
  const imm16 = () => bytes[at + 1] | (bytes[at + 2] << 8);
  const imm32 = (o: number) => (bytes[at + o] | (bytes[at + o + 1] << 8) | (bytes[at + o + 2] << 16) | (bytes[at + o + 3] << 24)) >>> 0;
  const cond = (bs: number): string => (bs === 1 ? "S" : bs === 3 ? "B" : "");
  const reserved = (bits: number) => `, reserved bits ${hex(bits, 2)}`;
  const t = (text: string) => ({ text, length });
  const raw = (what: string) => t(rawBytes(bytes, at, length, what));
  // A peripheral or event byte: the number, or the bytes when reserved bits [2:0] are set.
  const p5 = (text: string) => (b1 & 7 ? raw(text + reserved(b1 & 7)) : t(text));
  if (b0 === 0x00) return t("DMAEND");
  if (b0 === 0x01) return t("DMAKILL");
  if (b0 >= 0x04 && b0 <= 0x07) return b0 === 0x06 ? raw("DMALD, invalid bs=2") : t(`DMALD${cond(b0 & 3)}`);
  if (b0 >= 0x08 && b0 <= 0x0b) return b0 === 0x0a ? raw("DMAST, invalid bs=2") : t(`DMAST${cond(b0 & 3)}`);
  if (b0 === 0x0c) return t("DMASTZ");
  if (b0 === 0x12) return t("DMARMB");
  if (b0 === 0x13) return t("DMAWMB");
  if (b0 === 0x18) return t("DMANOP");
  if (b0 === 0x20 || b0 === 0x22) return t(`DMALP LC${(b0 >> 1) & 1}, ${b1 + 1}`);
  if (b0 === 0x25 || b0 === 0x27) return p5(`DMALDP${cond(b0 & 3)} P${b1 >> 3}`);
  if (b0 === 0x29 || b0 === 0x2b) return p5(`DMASTP${cond(b0 & 3)} P${b1 >> 3}`);
  if ((b0 >= 0x28 && b0 <= 0x2f) || (b0 >= 0x38 && b0 <= 0x3f)) {
    const bs = b0 & 3;
    const forever = ((b0 >> 4) & 1) === 0 ? "DMALPFE loop, " : "";
    if (bs === 2) return raw(`DMALPEND, ${forever}invalid bs=2`);
    const target = at - b1 < 0 ? "before the start" : `to ${hex(at - b1, 4)}`;
    return t(`DMALPEND${cond(bs)} LC${(b0 >> 2) & 1} ; ${forever}back ${b1} ${target}`);
  }
  if (b0 >= 0x30 && b0 <= 0x33) {
    if (b0 === 0x33) return raw(`DMAWFP P${b1 >> 3}, invalid bs=3`);
    return p5(`DMAWFP P${b1 >> 3}, ${["single", "periph", "burst"][b0 & 3]}`);
  }
  if (b0 === 0x34) return p5(`DMASEV E${b1 >> 3}`);
  if (b0 === 0x35) return p5(`DMAFLUSHP P${b1 >> 3}`);
  if (b0 === 0x36) {
    const text = `DMAWFE E${b1 >> 3}${b1 & 2 ? ", invalid" : ""}`;
    return b1 & 5 ? raw(text + reserved(b1 & 5)) : t(text);
  }
  if (b0 === 0x54 || b0 === 0x56) return t(`DMAADDH ${b0 & 2 ? "DAR" : "SAR"}, ${hex(imm16(), 4)}`);
  if (b0 === 0x5c || b0 === 0x5e) return t(`DMAADNH ${b0 & 2 ? "DAR" : "SAR"}, ${hex(imm16(), 4)}`);
  if (b0 === 0xa0 || b0 === 0xa2) {
    const text = `DMAGO C${b1 & 7}, ${hex(imm32(2))}${b0 & 2 ? ", ns" : ""}`;
    return b1 >> 3 ? raw(text + reserved(b1 & 0xf8)) : t(text);
  }
  if (b0 === 0xbc) {
    if (b1 > 2) return raw(`DMAMOV, invalid register ${b1}, ${hex(imm32(2))}`);
    const v = imm32(2);
    // The field syntax has no name for CCR bit 31 (reserved): such a value is shown as the
    // number, which the assembler takes back unchanged.
    const ccr = v >>> 31 ? `${hex(v)} ; reserved bit 31 set: ${formatCcr(v)}` : formatCcr(v);
    return t(`DMAMOV ${REGISTERS[b1]}, ${b1 === 1 ? ccr : hex(v)}`);
  }
  return raw("undefined opcode");
}
