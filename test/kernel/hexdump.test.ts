// print_hex_dump's line format (lib/hexdump.c, groupsize 1): every expected line is written out
// by hand — the offset as 8 hex digits and ": ", "xx" bytes joined by one space, the ASCII text
// starting at column 49 (16 * 3 + 1) with '.' for bytes outside 0x20..0x7e.

import { describe, expect, it } from "vitest";
import { Printk, KERN_ERR } from "../../src/kernel/printk.js";
import { DUMP_PREFIX_NONE, DUMP_PREFIX_OFFSET, print_hex_dump } from "../../src/kernel/hexdump.js";

function dump(data: number[], prefix = "", type: 0 | 2 = DUMP_PREFIX_OFFSET, ascii = true): string[] {
  const p = new Printk(() => 0);
  print_hex_dump(p, KERN_ERR, prefix, type, 16, Uint8Array.from(data), ascii);
  expect(p.dmesg().every((l) => l.level === KERN_ERR)).toBe(true);
  return p.dmesg().map((l) => l.text);
}

describe("print_hex_dump", () => {
  it("a full row, then a short last row padded out to the ASCII column", () => {
    const bytes = [0x00, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0xff, 0x61, 0x62, 0x63, 0x2e, 0x30, 0x39, 0x7a, 0x0a, 0xa7, 0x48, 0x69];
    expect(dump(bytes)).toEqual([
      "00000000: 00 1f 20 41 7e 7f 80 ff 61 62 63 2e 30 39 7a 0a  .. A~...abc.09z.",
      "00000010: a7 48 69                                         .Hi",
    ]);
  });

  it("the prefix string leads; DUMP_PREFIX_NONE drops the offset; without ascii no column", () => {
    expect(dump([1, 2, 3], "pfx ", DUMP_PREFIX_NONE)).toEqual(["pfx 01 02 03                                         ..."]);
    expect(dump([0x41, 0x42], "", DUMP_PREFIX_OFFSET, false)).toEqual(["00000000: 41 42"]);
  });

  it("offsets count in hex past 0x0f rows", () => {
    const lines = dump(Array(0x110).fill(0x2a));
    expect(lines).toHaveLength(17);
    expect(lines[16]).toBe("00000100: 2a 2a 2a 2a 2a 2a 2a 2a 2a 2a 2a 2a 2a 2a 2a 2a  ****************");
  });
});
