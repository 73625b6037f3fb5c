// The PL310 (L2C-310) outer cache controller's maintenance registers (spec mmu-cache §4.2). On
// Zynq the L2 lies outside what maintenance by VA reaches, so Linux cleans and invalidates it by
// physical address, one line per register write, and ends each range with a CACHE_SYNC write.

import { maintainLine, OP_CLEAN, OP_INV, OP_CLEAN_INV, LEVEL_L2, lineShift, l2 } from "./hierarchy";
import { INVALID } from "./cache";

export const CACHE_ID: u32 = 0x000;
export const CACHE_TYPE: u32 = 0x004;
export const CTRL: u32 = 0x100;
export const AUX_CTRL: u32 = 0x104;
export const CACHE_SYNC: u32 = 0x730;
export const INV_LINE_PA: u32 = 0x770;
export const INV_WAY: u32 = 0x77c;
export const CLEAN_LINE_PA: u32 = 0x7b0;
export const CLEAN_WAY: u32 = 0x7bc;
export const CLEAN_INV_LINE_PA: u32 = 0x7f0;
export const CLEAN_INV_WAY: u32 = 0x7fc;

export class Pl310 {
  ctrl: u32 = 1;
  aux: u32 = 0x02060000;
  lineOps: u64 = 0;

  read(off: u32): u32 {
    if (off == CACHE_ID) return 0x410000c8; // ARM, L2C-310 r3p2
    if (off == CACHE_TYPE) return 0x1c100100;
    if (off == CTRL) return this.ctrl;
    if (off == AUX_CTRL) return this.aux;
    return 0; // maintenance operations complete at once: "in progress" bits read 0
  }

  write(off: u32, v: u32): void {
    if (off == CTRL) this.ctrl = v & 1;
    else if (off == CLEAN_LINE_PA) this.line(OP_CLEAN, v);
    else if (off == INV_LINE_PA) this.line(OP_INV, v);
    else if (off == CLEAN_INV_LINE_PA) this.line(OP_CLEAN_INV, v);
    else if (off == CLEAN_WAY || off == INV_WAY || off == CLEAN_INV_WAY) this.ways(off, v);
  }

  private line(op: i32, pa: u32): void {
    this.lineOps++;
    maintainLine(op, <u64>pa >> lineShift, LEVEL_L2);
  }

  /** Whole-way operations: every line of the selected ways. */
  private ways(off: u32, mask: u32): void {
    const c = l2;
    if (c == null) return;
    const op = off == CLEAN_WAY ? OP_CLEAN : off == INV_WAY ? OP_INV : OP_CLEAN_INV;
    for (let s: u32 = 0; s < c.sets; s++) {
      for (let w: u32 = 0; w < c.ways; w++) {
        if (((mask >> w) & 1) == 0) continue;
        const line = c.lineAt(<i32>(s * c.ways + w));
        if (line != INVALID) maintainLine(op, line, LEVEL_L2);
      }
    }
  }
}
