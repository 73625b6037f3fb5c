// print_hex_dump (lib/hexdump.c): a buffer as kernel log lines of `rowsize` bytes, each
// "<prefix><offset>: <hex bytes>  <ascii>". Only the byte-grouped form (groupsize 1) is here;
// it and the NONE/OFFSET prefixes are what dmasim's callers (dma_pool's DMAPOOL_DEBUG check) use.

import type { Printk } from "./printk.js";

export const DUMP_PREFIX_NONE = 0;
export const DUMP_PREFIX_OFFSET = 2;

const HEX = "0123456789abcdef";

/** The kernel's isascii() && isprint(): 0x20..0x7e. */
function printable(ch: number): boolean {
  return ch >= 0x20 && ch <= 0x7e;
}

/** hex_dump_to_buffer with groupsize 1: bytes as "xx" joined by single spaces; with `ascii`, the
 *  text is padded to the ASCII column (rowsize * 3 + 1, so two spaces after a full row) and the
 *  bytes follow as characters, '.' for anything not printable. */
export function hex_dump_line(bytes: Uint8Array, rowsize: number, ascii: boolean): string {
  let line = Array.from(bytes, (b) => HEX[b >> 4] + HEX[b & 15]).join(" ");
  if (!ascii) return line;
  line = line.padEnd(rowsize * 3 + 1, " ");
  for (const b of bytes) line += printable(b) ? String.fromCharCode(b) : ".";
  return line;
}

/** print_hex_dump(level, prefix_str, prefix_type, rowsize, 1, buf, len, ascii). A rowsize other
 *  than 16 or 32 becomes 16, as in the kernel. */
export function print_hex_dump(
  printk: Printk, level: number, prefix: string, prefixType: typeof DUMP_PREFIX_NONE | typeof DUMP_PREFIX_OFFSET,
  rowsize: number, data: Uint8Array, ascii: boolean,
): void {
  if (rowsize !== 16 && rowsize !== 32) rowsize = 16;
  for (let i = 0; i < data.length; i += rowsize) {
    const line = hex_dump_line(data.subarray(i, i + rowsize), rowsize, ascii);
    if (prefixType === DUMP_PREFIX_OFFSET) printk.log(level, `${prefix}${i.toString(16).padStart(8, "0")}: ${line}`);
    else printk.log(level, prefix + line);
  }
}
