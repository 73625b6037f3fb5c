// The PL310 (L2C-310) outer cache controller's registers (spec mmu-cache §4.2). On Zynq the L2
// lies outside what maintenance by VA reaches, so Linux cleans and invalidates it by physical
// address, one line per register write, and ends each range with a CACHE_SYNC write. A line
// operation acts on the line holding the written address (bits [4:0] are ignored). Operations
// complete at once, so the "in progress" bits of the way registers and CACHE_SYNC read 0.

import { maintainLine, setL2Enabled, OP_CLEAN, OP_INV, OP_CLEAN_INV, LEVEL_L2, lineShift, l2 } from "./hierarchy";
import { INVALID } from "./cache";

export const CACHE_ID: u32 = 0x000;
export const CACHE_TYPE: u32 = 0x004;
export const CTRL: u32 = 0x100;
export const AUX_CTRL: u32 = 0x104;
export const CACHE_SYNC: u32 = 0x730;
export const INV_LINE_PA: u32 = 0x770;
export const INV_WAY: u32 = 0x77c;
export const CLEAN_LINE_PA: u32 = 0x7b0;
export const CLEAN_LINE_IDX: u32 = 0x7b8;
export const CLEAN_WAY: u32 = 0x7bc;
export const CLEAN_INV_LINE_PA: u32 = 0x7f0;
export const CLEAN_INV_LINE_IDX: u32 = 0x7f8;
export const CLEAN_INV_WAY: u32 = 0x7fc;
export const DEBUG_CTRL: u32 = 0xf40;
export const PREFETCH_CTRL: u32 = 0xf60;
export const POWER_CTRL: u32 = 0xf80;

export class Pl310 {
  // Enabled as the boot loader leaves it on Zynq; Linux keeps an enabled controller as it is.
  ctrl: u32 = 1;
  aux: u32 = 0x02060000;
  debug: u32 = 0;
  prefetch: u32 = 0;
  power: u32 = 0;
  lineOps: u64 = 0;
  syncs: u64 = 0;

  read(off: u32): u32 {
    if (off == CACHE_ID) return 0x410000c8; // ARM, L2C-310 r3p2
    if (off == CACHE_TYPE) return 0x1c100100;
    if (off == CTRL) return this.ctrl;
    if (off == AUX_CTRL) return this.aux;
    if (off == DEBUG_CTRL) return this.debug;
    if (off == PREFETCH_CTRL) return this.prefetch;
    if (off == POWER_CTRL) return this.power;
    return 0;
  }

  write(off: u32, v: u32): void {
    if (off == CTRL) {
      this.ctrl = v & 1;
      setL2Enabled(this.ctrl != 0);
    } else if (off == AUX_CTRL) {
      // Writable only while the cache is disabled (TRM: a write while enabled is ignored).
      if (this.ctrl == 0) this.aux = v;
    } else if (off == CACHE_SYNC) this.syncs++;
    else if (off == CLEAN_LINE_PA) this.line(OP_CLEAN, v);
    else if (off == INV_LINE_PA) this.line(OP_INV, v);
    else if (off == CLEAN_INV_LINE_PA) this.line(OP_CLEAN_INV, v);
    else if (off == CLEAN_LINE_IDX) this.index(OP_CLEAN, v);
    else if (off == CLEAN_INV_LINE_IDX) this.index(OP_CLEAN_INV, v);
    else if (off == CLEAN_WAY) this.ways(OP_CLEAN, v);
    else if (off == INV_WAY) this.ways(OP_INV, v);
    else if (off == CLEAN_INV_WAY) this.ways(OP_CLEAN_INV, v);
    else if (off == DEBUG_CTRL) this.debug = v & 7;
    else if (off == PREFETCH_CTRL) this.prefetch = v;
    else if (off == POWER_CTRL) this.power = v & 3;
  }

  private line(op: i32, pa: u32): void {
    this.lineOps++;
    maintainLine(op, <u64>pa >> lineShift, LEVEL_L2);
  }

  /** By set/way: way in [31:28], set index from the line-size bit up. */
  private index(op: i32, v: u32): void {
    const c = l2;
    if (c == null) return;
    this.lineOps++;
    const way = v >>> 28;
    const set = (v >>> lineShift) & c.setMask;
    if (way >= c.ways) return;
    const line = c.lineAt(<i32>(set * c.ways + way));
    if (line != INVALID) maintainLine(op, line, LEVEL_L2);
  }

  /** Whole-way operations: every line of the selected ways. */
  private ways(op: i32, mask: u32): void {
    const c = l2;
    if (c == null) return;
    for (let s: u32 = 0; s < c.sets; s++) {
      for (let w: u32 = 0; w < c.ways; w++) {
        if (((mask >> w) & 1) == 0) continue;
        const line = c.lineAt(<i32>(s * c.ways + w));
        if (line != INVALID) maintainLine(op, line, LEVEL_L2);
      }
    }
  }
}
