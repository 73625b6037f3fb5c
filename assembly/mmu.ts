// The MMU: translation regime registers, the TLB, and the two table walkers Linux uses on these
// SoCs — VMSAv8-64 with the 4 KB granule (39- or 48-bit VA, spec mmu-cache §1) and the ARMv7
// short-descriptor format with TEX remap (§3). Tables are read from simulated memory by
// hierarchy.walkerRead*, so they cost time and see what the kernel wrote through its caches.

import { Tlb, TLB_NG } from "./tlb";
import { walkerRead64, walkerRead32, busError } from "./hierarchy";
import * as hierarchy from "./hierarchy";

export const FMT_OFF: i32 = 0; // MMU disabled: VA = PA, Device-nGnRnE (ARMv8) / strongly-ordered
export const FMT_V8_4K: i32 = 1;
export const FMT_V7_SHORT: i32 = 2;

// Memory types the rest of the model distinguishes (attr bits [1:0]).
export const MT_NORMAL: u32 = 0; // write-back cacheable
export const MT_NORMAL_NC: u32 = 1; // Normal non-cacheable
export const MT_DEVICE: u32 = 2; // Device / strongly-ordered
export const MT_NORMAL_WT: u32 = 3; // write-through: treated as cacheable for reads and writes
export const ATTR_RO: u32 = 1 << 2; // privileged writes not allowed
export const ATTR_USER: u32 = 1 << 3; // EL0/PL0 accessible

export const FAULT_NONE: i32 = 0;
export const FAULT_TRANSLATION: i32 = 1;
export const FAULT_ACCESS_FLAG: i32 = 2;
export const FAULT_PERMISSION: i32 = 3;
export const FAULT_EXTERNAL: i32 = 4; // bus error on a table walk or on the access itself
export const FAULT_DOMAIN: i32 = 5;
export const FAULT_ALIGNMENT: i32 = 6;

export const BAD_PA: u64 = u64.MAX_VALUE;

export let format: i32 = FMT_OFF;
let vaBits: u32 = 39;
let ttbr0: u64 = 0;
let ttbr1: u64 = 0;
let mair: u64 = 0;
let prrr: u32 = 0;
let nmrr: u32 = 0;
let dacr: u32 = 0x55555555;
let asid: u32 = 0;
export let tlbMissPs: i64 = 0;
export let tlb = new Tlb(1, 1);

/** Attributes of the last successful translation (MT_* | ATTR_*). */
export let lastAttr: u32 = 0;
export let faultKind: i32 = FAULT_NONE;
export let faultLevel: i32 = 0;
export let faultVa: u64 = 0;
export let walks: u64 = 0;
export let walkReads: u64 = 0;

export function configureTlb(sets: u32, ways: u32, missPs: i64): void {
  tlb = new Tlb(sets, ways);
  tlbMissPs = missPs;
}

export function setFormat(f: i32, bits: u32): void {
  format = f;
  vaBits = bits;
  tlb.flushAll();
}
export function setTtbr(which: i32, pa: u64): void {
  if (which == 0) ttbr0 = pa;
  else ttbr1 = pa;
}
export function setMair(v: u64): void {
  mair = v;
}
export function setTexRemap(p: u32, n: u32): void {
  prrr = p;
  nmrr = n;
}
export function setDacr(v: u32): void {
  dacr = v;
}
export function setAsid(a: u32): void {
  asid = a;
}

function fault(kind: i32, level: i32, va: u64): u64 {
  faultKind = kind;
  faultLevel = level;
  faultVa = va;
  return BAD_PA;
}

/** MAIR attribute byte → memory type (spec §1.3). */
function mairType(idx: u32): u32 {
  const b = <u32>(mair >> (idx << 3)) & 0xFF;
  if ((b & 0xF0) == 0) return MT_DEVICE;
  const inner = b & 0xF;
  if (inner == 0x4) return MT_NORMAL_NC;
  if ((inner & 0xC) == 0x8 || (inner & 0xC) == 0x0) return MT_NORMAL_WT;
  return MT_NORMAL;
}

/** TEX remap (SCTLR.TRE = 1): n = TEX[0]:C:B selects PRRR/NMRR fields (spec §3.4). */
function texRemapType(tex0: u32, c: u32, b: u32): u32 {
  const n = (tex0 << 2) | (c << 1) | b;
  const t = (prrr >> (2 * n)) & 3;
  if (t == 0 || t == 1) return MT_DEVICE;
  const inner = (nmrr >> (2 * n)) & 3;
  if (inner == 0) return MT_NORMAL_NC;
  if (inner == 2) return MT_NORMAL_WT;
  return MT_NORMAL;
}

function walkV8(va: u64): u64 {
  let table: u64;
  const top = va >> vaBits;
  const ones: u64 = (<u64>1 << (64 - vaBits)) - 1;
  if (top == 0) table = ttbr0;
  else if (top == ones) table = ttbr1;
  else return fault(FAULT_TRANSLATION, 0, va);
  table &= 0x0000FFFFFFFFF000;
  let level: i32 = vaBits > 39 ? 0 : 1;
  while (true) {
    const shift = <u64>(39 - 9 * level);
    const d = walkerRead64(table + (((va >> shift) & 511) << 3));
    walkReads++;
    if (busError) return fault(FAULT_EXTERNAL, level, va);
    const kind = <u32>d & 3;
    if ((kind & 1) == 0) return fault(FAULT_TRANSLATION, level, va);
    if (kind == 3 && level < 3) {
      table = d & 0x0000FFFFFFFFF000;
      level++;
      continue;
    }
    // Blocks exist only at L1 and L2 with the 4 KB granule; 0b01 at L3 is reserved.
    if (kind == 1 && (level == 0 || level == 3)) return fault(FAULT_TRANSLATION, level, va);
    if ((d & (1 << 10)) == 0) return fault(FAULT_ACCESS_FLAG, level, va);
    const size: u64 = <u64>1 << shift;
    const oa = (d & 0x0000FFFFFFFFF000 & ~(size - 1)) | (va & (size - 1));
    let attr = mairType(<u32>(d >> 2) & 7);
    if (d & (1 << 7)) attr |= ATTR_RO;
    if (d & (1 << 6)) attr |= ATTR_USER;
    if (d & (1 << 11)) attr |= TLB_NG;
    lastAttr = attr;
    return oa;
  }
}

function apCheckV7(apx: u32, ap: u32, domain: u32, va: u64, level: i32): i32 {
  const dom = (dacr >> (domain * 2)) & 3;
  if (dom == 0 || dom == 2) return FAULT_DOMAIN;
  if (dom == 3) return FAULT_NONE; // manager: no permission checks
  const a = (apx << 2) | ap;
  if (a == 0 || a == 4) return FAULT_PERMISSION;
  return FAULT_NONE;
}

function walkV7(va32: u64): u64 {
  const va = va32 & 0xFFFFFFFF;
  const l1 = walkerRead32((ttbr0 & 0xFFFFC000) + ((va >> 20) << 2));
  walkReads++;
  if (busError) return fault(FAULT_EXTERNAL, 1, va);
  const t = l1 & 3;
  let pa: u64, tex: u32, c: u32, b: u32, ap: u32, apx: u32, ng: u32, domain: u32;
  if (t == 2) {
    if (l1 & (1 << 18)) {
      // supersection: PA[31:24] = d[31:24], PA[35:32] = d[23:20], PA[39:36] = d[8:5]; domain 0
      pa = <u64>(l1 & 0xFF000000) | (<u64>((l1 >> 20) & 0xF) << 32) | (<u64>((l1 >> 5) & 0xF) << 36) | (va & 0xFFFFFF);
      domain = 0;
    } else {
      pa = <u64>(l1 & 0xFFF00000) | (va & 0xFFFFF);
      domain = (l1 >> 5) & 0xF;
    }
    tex = (l1 >> 12) & 7;
    c = (l1 >> 3) & 1;
    b = (l1 >> 2) & 1;
    ap = (l1 >> 10) & 3;
    apx = (l1 >> 15) & 1;
    ng = (l1 >> 17) & 1;
  } else if (t == 1) {
    domain = (l1 >> 5) & 0xF;
    const l2 = walkerRead32(<u64>(l1 & 0xFFFFFC00) + (((va >> 12) & 0xFF) << 2));
    walkReads++;
    if (busError) return fault(FAULT_EXTERNAL, 2, va);
    const t2 = l2 & 3;
    if (t2 == 0) return fault(FAULT_TRANSLATION, 2, va);
    if (t2 == 1) {
      pa = <u64>(l2 & 0xFFFF0000) | (va & 0xFFFF);
      tex = (l2 >> 12) & 7;
    } else {
      pa = <u64>(l2 & 0xFFFFF000) | (va & 0xFFF);
      tex = (l2 >> 6) & 7;
    }
    c = (l2 >> 3) & 1;
    b = (l2 >> 2) & 1;
    ap = (l2 >> 4) & 3;
    apx = (l2 >> 9) & 1;
    ng = (l2 >> 11) & 1;
  } else {
    return fault(FAULT_TRANSLATION, 1, va);
  }
  const f = apCheckV7(apx, ap, domain, va, t == 2 ? 1 : 2);
  if (f != FAULT_NONE) return fault(f, t == 2 ? 1 : 2, va);
  let attr = texRemapType(tex & 1, c, b);
  if (apx) attr |= ATTR_RO;
  if (ap >= 2) attr |= ATTR_USER;
  if (ng) attr |= TLB_NG;
  lastAttr = attr;
  return pa;
}

/** Walks the tables for `va` without consulting or filling the TLB (ptdump, tests). */
export function walk(va: u64): u64 {
  faultKind = FAULT_NONE;
  hierarchy.busError = false;
  walks++;
  if (format == FMT_V8_4K) return walkV8(va);
  if (format == FMT_V7_SHORT) return walkV7(va);
  lastAttr = MT_DEVICE;
  return va;
}

/** Translates a data access. On success returns the PA and sets lastAttr; on a fault returns
 *  BAD_PA with faultKind/faultLevel/faultVa set. Time is charged to hierarchy.cursor. */
export function translate(va: u64, write: bool): u64 {
  if (format == FMT_OFF) {
    lastAttr = MT_DEVICE;
    return va;
  }
  const key = format == FMT_V7_SHORT ? (va & 0xFFFFFFFF) >> 12 : va >> 12;
  const t = tlb;
  let e = t.find(key, asid);
  let attr: u32;
  let pfn: u64;
  if (e >= 0) {
    t.hits++;
    attr = t.attrAt(e);
    pfn = t.pfnAt(e);
  } else {
    t.misses++;
    hierarchy.cursor += tlbMissPs;
    const pa = walk(va);
    if (pa == BAD_PA) return BAD_PA;
    attr = lastAttr | (asid << 16);
    pfn = pa >> 12;
    t.insert(key, pfn, attr);
  }
  if (write && (attr & ATTR_RO) != 0) return fault(FAULT_PERMISSION, 3, va);
  lastAttr = attr & 0xFF;
  return (pfn << 12) | (va & 0xFFF);
}

export function tlbiAll(): void {
  tlb.flushAll();
}
export function tlbiVa(va: u64): void {
  tlb.flushVa(format == FMT_V7_SHORT ? (va & 0xFFFFFFFF) >> 12 : va >> 12);
}
export function tlbiAsid(a: u32): void {
  tlb.flushAsid(a);
}

