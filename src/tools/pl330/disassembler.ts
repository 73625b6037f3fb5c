// DMA-330 disassembly: one instruction per line with its offset (or address, given the load
// base) and its bytes.

import { describe } from "./encoding.js";

export interface DisasmLine {
  offset: number;
  bytes: Uint8Array;
  text: string;
}

export function disassemble(code: Uint8Array): DisasmLine[] {
  const lines: DisasmLine[] = [];
  for (let at = 0; at < code.length; ) {
    const { text, length } = describe(code, at);
    lines.push({ offset: at, bytes: code.slice(at, at + length), text });
    at += length;
  }
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
