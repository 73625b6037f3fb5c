// Data-cache instructions by virtual address: DC CVAC / IVAC / CIVAC (AArch32 DCCMVAC, DCIMVAC,
// DCCIMVAC) over a range, the loop Linux's range routines run (spec mmu-cache §4.2, §4.3), and
// DC ZVA. Each instruction acts on the whole line holding its address; maintenance by VA reaches
// the levels inside the point of coherency only (hierarchy.pocLevels).

import * as H from "./hierarchy";
import { zeroAllocateL1 } from "./line-policies";
import { begin, finish, fail, traceAs, catchUpToAccess } from "./cpu";
import { ncWriteZeros } from "./uncached";
import { TRACK_L1 } from "./trace";
import { N_DC_CLEAN, N_DC_INVAL, N_DC_CLEAN_INVAL } from "./trace-names";
import { translate, lastAttr, BAD_PA, MT_NORMAL, MT_NORMAL_WT, MT_NORMAL_NC, FAULT_EXTERNAL, FAULT_ALIGNMENT, FAULT_UNDEFINED } from "./mmu";
import { faultKind } from "./walk";

/** DCZID_EL0 block size in bytes; 0 when the core has no DC ZVA (ARMv7). */
export let zvaBytes: u32 = 0;

export function configureZva(bytes: u32): void {
  zvaBytes = bytes;
}

/** One maintenance instruction per line that [va, va+len) touches. An invalidate needs write
 *  permission, as DC IVAC does; cleaning needs read permission. */
export function dcacheRange(op: i32, va: u64, len: u64): bool {
  begin();
  traceAs(op == H.OP_CLEAN ? N_DC_CLEAN : op == H.OP_INV ? N_DC_INVAL : N_DC_CLEAN_INVAL, <f64>len, TRACK_L1);
  if (len == 0) {
    finish();
    return true;
  }
  const lb = <u64>H.lineBytes;
  let x = va & ~(lb - 1);
  // Counted, not compared against va + len: a range may end at the top of the address space.
  let lines = ((va + len - 1 - x) >> H.lineShift) + 1;
  let page: u64 = u64.MAX_VALUE;
  let paPage: u64 = 0;
  while (lines > 0) {
    if ((x >> 12) != page) {
      const pa = translate(x, op == H.OP_INV);
      if (pa == BAD_PA) {
        fail(faultKind, x);
        finish();
        return false;
      }
      page = x >> 12;
      paPage = pa & ~(<u64>0xfff);
      catchUpToAccess();
    }
    const line = (paPage | (x & 0xfff)) >> H.lineShift;
    if (op == H.OP_CLEAN) {
      // The lines of this page that no level holds dirty are passed over together: a clean
      // changes nothing in them and only spends their time.
      const inPage = min<u64>(lines, (0x1000 - (x & 0xfff)) >> H.lineShift);
      const n = <u64>H.cleanRun(line, <u32>inPage, H.pocLevels);
      if (n > 0) {
        H.cursor += <i64>n * H.maintPs;
        x += n * lb;
        lines -= n;
        continue;
      }
    }
    // A clean's write-back leaves at once; the DSB that ends the range waits for it to reach
    // DRAM (cpu.barrier).
    const written = H.maintainLine(op, line, H.pocLevels);
    if (written > H.cleansUntil) H.cleansUntil = written;
    x += lb;
    lines--;
  }
  finish();
  return true;
}

/** DC ZVA: zeroes the naturally aligned block holding va. On Normal cacheable memory the lines
 *  are allocated zero-filled and dirty without a memory read; on non-cacheable memory the zeros
 *  go to DRAM; Device memory takes an alignment fault, as the architecture requires. */
export function dcZva(va: u64): bool {
  begin();
  if (zvaBytes == 0) {
    fail(FAULT_UNDEFINED, va);
    finish();
    return false;
  }
  const base = va & ~(<u64>zvaBytes - 1);
  const pa = translate(base, true);
  if (pa == BAD_PA) {
    fail(faultKind, va);
    finish();
    return false;
  }
  const mt = lastAttr & 3;
  let ok = true;
  if (mt == MT_NORMAL || mt == MT_NORMAL_WT) {
    for (let off: u32 = 0; off < zvaBytes && ok; off += H.lineBytes) ok = zeroAllocateL1((pa + off) >> H.lineShift);
    H.busError = false;
    if (!ok) fail(FAULT_EXTERNAL, va);
  } else if (mt == MT_NORMAL_NC) {
    // The zeros leave the core after the walk of a TLB miss; a DMAC reading or writing the
    // block meanwhile must have run to that instant first, as for any uncached store.
    catchUpToAccess();
    ok = ncWriteZeros(pa, zvaBytes);
    if (!ok) fail(FAULT_EXTERNAL, va);
  } else {
    ok = false;
    fail(FAULT_ALIGNMENT, va);
  }
  finish();
  return ok;
}
