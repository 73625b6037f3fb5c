// The VMSAv8-64 stage-1 walker, 4 KB granule (spec mmu-cache §1): 39-bit VA (L1..L3) or 48-bit
// VA (L0..L3), table / 1 GB block / 2 MB block / 4 KB page descriptors, memory type from
// AttrIndx through MAIR_EL1, AP[2:1], SH, AF, nG, PXN/UXN, and the hierarchical APTable and
// XNTable bits of table descriptors.

import * as W from "./walk";
import * as H from "./hierarchy";
import { WalkCache } from "./walk-cache";

const OA_MASK: u64 = 0x0000FFFFFFFFF000;

export let vaBits: u32 = 39;
export let ttbr0: u64 = 0;
export let ttbr1: u64 = 0;
export let mair: u64 = 0;
/** The walk cache of non-final descriptors (null: the core has none). */
export let walkCache: WalkCache | null = null;

// Walk-cache entries keep the table permissions met so far; EL0 being forbidden rides in a bit
// of the attribute word no leaf uses.
const NO_EL0: u32 = 1 << 31;

export function configureWalkCache(entries: u32, ways: u32): void {
  walkCache = entries > 0 ? new WalkCache(entries, ways) : null;
}

export function setVaBits(bits: u32): void {
  vaBits = bits < 25 ? 25 : bits > 48 ? 48 : bits;
}

/** MAIR attribute byte → memory type and allocation hint (spec §1.3). Only the inner policy
 *  matters: both cache levels follow it. */
export function mairType(b: u32): u32 {
  if ((b & 0xF0) == 0) return W.MT_DEVICE;
  const inner = b & 0xF;
  if (inner == 0x4 || inner == 0) return W.MT_NORMAL_NC; // 0000 with a Normal outer: unpredictable
  const wb = (inner & 0x4) != 0; // 01RW, 11RW write-back; 00RW, 10RW write-through
  if (!wb) return W.MT_NORMAL_WT;
  return (inner & 1) != 0 ? W.MT_NORMAL : W.MT_NORMAL | W.ATTR_NOWA;
}

/** Walks `va`; returns its PA and sets W.attr etc., or BAD_PA with the fault recorded. */
@inline export function walkV8(va: u64): u64 {
  const bits = vaBits;
  const top = va >> bits;
  let table: u64;
  if (top == 0) table = ttbr0;
  else if (top == (<u64>-1 >> bits)) table = ttbr1;
  else return W.fault(W.FAULT_TRANSLATION, 0, va);
  table &= OA_MASK;
  const root = table;
  // The first level resolves whatever bits remain above the levels below it.
  const first: i32 = bits > 39 ? 0 : bits > 30 ? 1 : 2;
  let level = first;
  let tableAttr: u32 = 0;
  const wc = walkCache;
  if (wc != null && !W.quiet) {
    for (let l = 2; l >= first; l--) {
      const e = wc.find(va, l, root);
      if (e >= 0) {
        wc.hits++;
        table = wc.nextAt(e);
        tableAttr = wc.attrAt(e);
        level = l + 1;
        break;
      }
    }
  }
  let shift = <u64>(39 - 9 * level);
  let index = level == first ? (va >> shift) & ((<u64>1 << (<u64>bits - shift)) - 1) : (va >> shift) & 511;
  while (true) {
    const d = W.read64(table + (index << 3));
    if (H.busError) return W.fault(W.FAULT_EXTERNAL, level, va);
    if ((d & 1) == 0) return W.fault(W.FAULT_TRANSLATION, level, va);
    if ((d & 2) != 0 && level < 3) {
      // APTable[1] forbids writes below, APTable[0] forbids EL0; PXNTable, UXNTable.
      if (d & (<u64>1 << 62)) tableAttr |= W.ATTR_RO;
      if (d & (<u64>1 << 61)) tableAttr |= NO_EL0;
      if (d & (<u64>1 << 59)) tableAttr |= W.ATTR_PXN;
      if (d & (<u64>1 << 60)) tableAttr |= W.ATTR_XN;
      table = d & OA_MASK;
      if (wc != null && !W.quiet) wc.insert(va, level, root, table, tableAttr);
      level++;
      shift -= 9;
      index = (va >> shift) & 511;
      continue;
    }
    // Blocks exist only at L1 and L2 with the 4 KB granule; 0b01 at L3 is reserved.
    if ((d & 2) == 0 && (level == 0 || level == 3)) return W.fault(W.FAULT_TRANSLATION, level, va);
    if ((d & (1 << 10)) == 0) return W.fault(W.FAULT_ACCESS_FLAG, level, va);
    const size: u64 = <u64>1 << shift;
    const memAttr = <u32>(mair >> (((<u32>d >> 2) & 7) << 3)) & 0xFF;
    let a = mairType(memAttr) | (tableAttr & ~NO_EL0);
    if (d & (1 << 7)) a |= W.ATTR_RO;
    if ((d & (1 << 6)) != 0 && (tableAttr & NO_EL0) == 0) a |= W.ATTR_USER;
    a |= (<u32>(d >> 8) & 3) << W.ATTR_SH_SHIFT;
    if (d & (1 << 11)) a |= W.ATTR_NG;
    if (d & (<u64>1 << 53)) a |= W.ATTR_PXN;
    if (d & (<u64>1 << 54)) a |= W.ATTR_XN;
    W.leaf(a, level, <u32>shift, memAttr, d);
    return (d & OA_MASK & ~(size - 1)) | (va & (size - 1));
  }
}
