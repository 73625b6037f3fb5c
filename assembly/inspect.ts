// What a debugger sees of the memory system without disturbing it: the state of every cache line
// of a buffer. Translation is an untimed table walk that neither reads nor fills the TLB, and
// nothing here changes a cache line, a counter or the time.

import * as H from "./hierarchy";
import * as W from "./walk";
import { walk } from "./mmu";
import { ramHost } from "./dram";
import { Cache } from "./cache";

export const LINE_UNMAPPED: u8 = 1 << 6; // no translation, or not RAM

/** 0 not cached, 1 clean, 2 dirty, +4 if its data differs from DRAM. */
function state(c: Cache | null, line: u64, dram: usize): u32 {
  if (c == null) return 0;
  const e = c.find(line);
  if (e < 0) return 0;
  let s: u32 = c.isDirty(e) ? 2 : 1;
  if (dram != 0 && !c.isDeferred(e) && memory.compare(dram, c.dataAt(e), H.lineBytes) != 0) s |= 4;
  return s;
}

/** One byte per line that [va, va+len) touches: L1 state in bits [2:0], L2 state in [5:3]
 *  (as `state`), LINE_UNMAPPED in bit 6. Returns the number of lines. */
export function cacheLines(va: u64, len: u64, dst: usize): u32 {
  if (len == 0) return 0;
  const lb = <u64>H.lineBytes;
  let x = va & ~(lb - 1);
  const lines = <u32>(((va + len - 1 - x) >> H.lineShift) + 1);
  let page: u64 = u64.MAX_VALUE;
  let paPage: u64 = W.BAD_PA;
  W.setQuiet(true);
  for (let i: u32 = 0; i < lines; i++) {
    if ((x >> 12) != page) {
      page = x >> 12;
      const pa = walk(x);
      paPage = pa == W.BAD_PA ? W.BAD_PA : pa & ~(<u64>0xfff);
    }
    let s: u32 = LINE_UNMAPPED;
    if (paPage != W.BAD_PA) {
      const pa = paPage | (x & 0xfff & ~(lb - 1));
      const dram = ramHost(pa, lb);
      if (dram != 0) {
        const line = pa >> H.lineShift;
        s = state(H.l1, line, dram) | (state(H.l2, line, dram) << 3);
      }
    }
    store<u8>(dst + i, <u8>s);
    x += lb;
  }
  W.setQuiet(false);
  return lines;
}
