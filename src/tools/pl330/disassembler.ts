// DMA-330 disassembly: one instruction per line with its offset (or address, given the load
// base) and its bytes. Loops are written as the assembler takes them: a DMALPFE line (no bytes)
// where a forever loop's body starts, and a DMALP or DMALPEND that is not part of a loop the
// assembler can rebuild as .byte, so that the lines assemble back to the bytes they came from.

import { describe, rawBytes } from "./encoding.js";
import { isLoopEnd, isLoopStart, loopStructure } from "./loop-structure.js";

export interface DisasmLine {
  offset: number;
  bytes: Uint8Array;
  text: string;
}

export function disassemble(code: Uint8Array): DisasmLine[] {
  const insns: DisasmLine[] = [];
  for (let at = 0; at < code.length; ) {
    const { text, length } = describe(code, at);
    insns.push({ offset: at, bytes: code.slice(at, at + length), text });
    at += length;
  }
  const { paired, foreverAt } = loopStructure(insns);
  const lines: DisasmLine[] = [];
  insns.forEach((insn, i) => {
    for (let n = foreverAt.get(insn.offset) ?? 0; n > 0; n--) lines.push({ offset: insn.offset, bytes: new Uint8Array(0), text: "DMALPFE" });
    if ((isLoopStart(insn) || isLoopEnd(insn)) && !paired.has(i)) {
      const what = isLoopStart(insn) ? "no DMALPEND closes it" : "it closes no loop the listing opens";
      insn.text = rawBytes(insn.bytes, 0, 2, `${insn.text.replace(" ; ", ", ")}: ${what}`);
    }
    lines.push(insn);
  });
  return lines;
}

export function formatListing(code: Uint8Array, base = 0): string {
  const width = base + code.length > 0xffff ? 8 : 4;
  return disassemble(code)
    .map((l) => {
      const addr = "0x" + (base + l.offset).toString(16).padStart(width, "0");
      const hex = Array.from(l.bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
      // Loop targets in `text` are offsets; show them as addresses too when a base is given.
      const text = base ? l.text.replace(/to 0x([0-9a-f]+)/, (_, o) => `to 0x${(base + parseInt(o, 16)).toString(16).padStart(width, "0")}`) : l.text;
      return `${addr}  ${hex.padEnd(17)}  ${text}`;
    })
    .join("\n");
}

/** Bytes from a hex string: whitespace, `0x` prefixes and commas are ignored. */
export function parseHex(s: string): Uint8Array {
  const t = s.replace(/0x/gi, "").replace(/[\s,]+/g, "");
  if (!/^[0-9a-f]*$/i.test(t) || t.length % 2) throw new Error(`not a hex byte string: "${s.length > 40 ? s.slice(0, 40) + "…" : s}"`);
  return Uint8Array.from(t.match(/../g) ?? [], (h) => parseInt(h, 16));
}
