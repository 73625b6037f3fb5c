// The PL310 (L2C-310) outer cache controller's registers (spec mmu-cache §4.2). On Zynq the L2
// lies outside what maintenance by VA reaches, so Linux cleans and invalidates it by physical
// address, one line per register write, and ends each range with a CACHE_SYNC write. A line
// operation acts on the line holding the written address (bits [4:0] are ignored). Line
// operations and Cache Sync are atomic: they stall the slave port until complete (TRM, "Atomic
// operations"), so the "in progress" bits of the way registers and CACHE_SYNC read 0. Cache
// Sync completes when all the controller's buffers are empty (TRM, Cache Sync register: the line
// read and fill buffers LRB and LFB, the store buffer STB, the eviction buffer EB), so the CPU's
// write to it waits until every write-back (a line operation's or an evicted victim's), every
// store passing through to DRAM and every prefetch fill in flight has completed.
// Register fields: CoreLink L2C-310 TRM r3p3 §3.3; Zynq's build-time values: UG585 appendix B
// (L2C registers). The RAM latency registers are stored and read back but do not change timing:
// the L2's hit time is a profile figure (spec mmu-cache §5: no confirmed PL310 latencies).

import { maintainLine, setL2Enabled, waitUntil, writeBacksUntil, OP_CLEAN, OP_INV, OP_CLEAN_INV, LEVEL_L2, lineShift, l2 } from "./hierarchy";
import { aroundUntil, prefetchUntil } from "./line-policies";
import { postedUntil } from "./uncached";
import { INVALID } from "./cache";
import { max64 } from "./time";

export const CACHE_ID: u32 = 0x000;
export const CACHE_TYPE: u32 = 0x004;
export const CTRL: u32 = 0x100;
export const AUX_CTRL: u32 = 0x104;
export const TAG_RAM_CONTROL: u32 = 0x108;
export const DATA_RAM_CONTROL: u32 = 0x10c;
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

/** Cache Type fields fixed when the PL310 is built (Zynq: reads 0x9E300300 with the reset
 *  AUX_CTRL): [31] data banking implemented; [28:25] ctype 0b11xy with x = lockdown by master
 *  and y = lockdown by line, both configured; [24] H = 0 (unified); L2 line length 0b00 = 32
 *  bytes in [13:12] and [1:0]. */
const TYPE_FIXED: u32 = (1 << 31) | (0xf << 25);
/** AUX_CTRL [19:17] way size and [16] associativity (0 = 8 ways, 1 = 16). */
const AUX_WAY_SIZE_SHIFT: u32 = 17;
const AUX_ASSOC_16: u32 = 1 << 16;
/** Tag/data RAM latency control: write [10:8], read [6:4] and setup [2:0] latency, each in
 *  cycles minus one; bits 3, 7 and [31:11] are reserved (RAZ/WI). */
const RAM_LATENCY_MASK: u32 = 0x777;
/** Reset value of both latency registers: the TRM's default configuration (the pl310_*_LAT
 *  build options at their maximum, 0b111 = 8 cycles each), which Zynq keeps (UG585: 0x777). */
const RAM_LATENCY_RESET: u32 = 0x777;
/** Debug Control (TRM §3.3, "Register 15, Debug Register", 0xF40): DWB [1] and DCL [0] are
 *  read/write; [2] SPNIDEN "reads value of SPNIDEN input", so a write leaves it alone. dmasim
 *  ties that input low: secure non-invasive debug disabled, as on a part without a debugger
 *  granted it. */
const DEBUG_WRITABLE: u32 = 3;
const SPNIDEN_INPUT: u32 = 0;

/** AUX_CTRL's way size code for a way of `bytes`: 0b001 = 16 KB … 0b110 = 512 KB (the
 *  controller's range: a smaller or larger way is reported as the nearest it can hold). */
export function waySizeCode(bytes: u32): u32 {
  const kb = bytes >> 10;
  if (kb <= 16) return 1;
  const code = <i32>(31 - clz(kb)) - 3;
  return code > 6 ? 6 : <u32>code;
}

/** When the controller's buffers are all empty: the last write-back leaving the eviction buffer,
 *  the last posted store (non-cacheable, or around the caches) leaving the store buffer, the last
 *  prefetched line through the fill buffers. Each is when its DRAM transfer ends on the bus
 *  calendar, so a sync waits only for what is still in flight. */
function buffersEmptyAt(): i64 {
  return max64(max64(writeBacksUntil, prefetchUntil), max64(aroundUntil, postedUntil));
}

export class Pl310 {
  // Enabled as the boot loader leaves it on Zynq; Linux keeps an enabled controller as it is.
  ctrl: u32 = 1;
  // Reset value 0x02060000 (round-robin replacement, 64 KB ways, 8 ways); createPl310 puts in
  // the way size and associativity of the L2 the profile configures.
  aux: u32 = 0x02060000;
  tagLatency: u32 = RAM_LATENCY_RESET;
  dataLatency: u32 = RAM_LATENCY_RESET;
  debug: u32 = 0;
  prefetch: u32 = 0;
  power: u32 = 0;
  lineOps: u64 = 0;
  syncs: u64 = 0;

  read(off: u32): u32 {
    if (off == CACHE_ID) return 0x410000c8; // ARM, L2C-310 r3p2
    if (off == CACHE_TYPE) return this.cacheType();
    if (off == CTRL) return this.ctrl;
    if (off == AUX_CTRL) return this.aux;
    if (off == TAG_RAM_CONTROL) return this.tagLatency;
    if (off == DATA_RAM_CONTROL) return this.dataLatency;
    if (off == DEBUG_CTRL) return this.debug | (SPNIDEN_INPUT << 2);
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
    } else if (off == TAG_RAM_CONTROL) {
      if (this.ctrl == 0) this.tagLatency = v & RAM_LATENCY_MASK; // as AUX_CTRL
    } else if (off == DATA_RAM_CONTROL) {
      if (this.ctrl == 0) this.dataLatency = v & RAM_LATENCY_MASK;
    } else if (off == CACHE_SYNC) {
      this.syncs++;
      waitUntil(buffersEmptyAt());
    }
    else if (off == CLEAN_LINE_PA) this.line(OP_CLEAN, v);
    else if (off == INV_LINE_PA) this.line(OP_INV, v);
    else if (off == CLEAN_INV_LINE_PA) this.line(OP_CLEAN_INV, v);
    else if (off == CLEAN_LINE_IDX) this.index(OP_CLEAN, v);
    else if (off == CLEAN_INV_LINE_IDX) this.index(OP_CLEAN_INV, v);
    else if (off == CLEAN_WAY) this.ways(OP_CLEAN, v);
    else if (off == INV_WAY) this.ways(OP_INV, v);
    else if (off == CLEAN_INV_WAY) this.ways(OP_CLEAN_INV, v);
    else if (off == DEBUG_CTRL) this.debug = v & DEBUG_WRITABLE;
    else if (off == PREFETCH_CTRL) this.prefetch = v;
    else if (off == POWER_CTRL) this.power = v & 3;
  }

  /** Cache Type: the fixed fields, and the D and I way size ([22:20], [10:8]) and
   *  associativity ([18], [6]) read from AUX_CTRL. */
  cacheType(): u32 {
    const way = (this.aux >> AUX_WAY_SIZE_SHIFT) & 7;
    const assoc: u32 = (this.aux & AUX_ASSOC_16) != 0 ? 1 : 0;
    return TYPE_FIXED | (way << 20) | (assoc << 18) | (way << 8) | (assoc << 6);
  }

  /** AUX_CTRL's geometry fields set to describe an L2 of `ways` ways of `wayBytes` each. */
  configureGeometry(ways: u32, wayBytes: u32): void {
    const keep = this.aux & ~((7 << AUX_WAY_SIZE_SHIFT) | AUX_ASSOC_16);
    this.aux = keep | (waySizeCode(wayBytes) << AUX_WAY_SIZE_SHIFT) | (ways == 16 ? AUX_ASSOC_16 : 0);
  }

  private line(op: i32, pa: u32): void {
    this.lineOps++;
    maintainLine(op, <u64>pa >> lineShift, LEVEL_L2);
  }

  /** By set/way: way in [31:28] with 16 ways and [30:28] with 8 (bit 31 is then not part of
   *  the field: an 8-way L2C-310's Clean Index register documents WAY[2:0] at [30:28], e.g.
   *  Microchip SAMA5D2 L2CC_CIR), so way 8-15 on an 8-way L2 names way 0-7; set index from the
   *  line-size bit up. */
  private index(op: i32, v: u32): void {
    const c = l2;
    if (c == null) return;
    this.lineOps++;
    const way = (v >>> 28) & (c.ways == 16 ? 15 : 7);
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
