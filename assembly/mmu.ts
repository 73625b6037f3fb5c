// The MMU: translation regime registers, the TLB, and the permission checks of every access.
// The walkers are walk-v8.ts (VMSAv8-64, 4 KB granule) and walk-v7.ts (ARMv7 short descriptors);
// they read tables from simulated memory through hierarchy.walkerRead64, so walks cost time and
// see what the kernel wrote through its caches.

import { Tlb } from "./tlb";
import * as H from "./hierarchy";
import * as W from "./walk";
import * as V8 from "./walk-v8";
import * as V7 from "./walk-v7";

export {
  MT_NORMAL, MT_NORMAL_NC, MT_DEVICE, MT_NORMAL_WT, ATTR_NOWA, ATTR_USER, ATTR_USER_RO, BAD_PA,
  FAULT_NONE, FAULT_TRANSLATION, FAULT_ACCESS_FLAG, FAULT_PERMISSION, FAULT_EXTERNAL,
  FAULT_DOMAIN, FAULT_ALIGNMENT, FAULT_UNDEFINED,
} from "./walk";

export const FMT_OFF: i32 = 0; // MMU disabled: VA = PA, Device-nGnRnE (ARMv8) / strongly-ordered
export const FMT_V8_4K: i32 = 1;
export const FMT_V7_SHORT: i32 = 2;

export let format: i32 = FMT_OFF;
/** The VA bits the format translates (v7: 32), so that a VPN is one mask and shift. */
let vaMask: u64 = u64.MAX_VALUE;
let dacr: u32 = 0x55555555;
let asid: u32 = 0;
export let tlbMissPs: i64 = 0;
export let tlb = new Tlb(1, 1);
let tlbOn: bool = false;

// The permission checks of the privilege data accesses are made at (setUnprivileged: EL0 / PL0,
// a user process's or LDTR/STTR's, instead of EL1 / PL1): attribute bits that refuse an access.
let grantFlip: u32 = 0;
let readForbidden: u32 = W.ATTR_NOACCESS;
let writeForbidden: u32 = W.ATTR_NOACCESS | W.ATTR_RO;

/** Attributes of the last successful translation (walk.ts ATTR_* layout). */
export let lastAttr: u32 = 0;
/** The misses of the TLBs configured before this one. */
let oldTlbMisses: u64 = 0;

/** Table walks made for accesses (a debugger's walk is not one of them). Every TLB miss walks
 *  and nothing else does, so they are the misses of every TLB so far: one counter less to
 *  increment per walk. */
export function walks(): u64 {
  return oldTlbMisses + tlb.misses;
}

/** A TLB of `sets` × `ways` 4 KB entries; 0 entries turns it off (every access walks). */
export function configureTlb(sets: u32, ways: u32, missPs: i64): void {
  tlbOn = sets > 0 && ways > 0;
  oldTlbMisses += tlb.misses;
  tlb = new Tlb(tlbOn ? sets : 1, tlbOn ? ways : 1);
  tlbMissPs = missPs;
}

export function setFormat(f: i32, bits: u32): void {
  format = f;
  vaMask = f == FMT_V7_SHORT ? 0xFFFFFFFF : u64.MAX_VALUE;
  V8.setVaBits(bits);
  tlb.flushAll();
  flushWalkCache();
}

function flushWalkCache(): void {
  const wc = V8.walkCache;
  if (wc != null) wc.flushAll();
}
export function setTtbr(which: i32, pa: u64): void {
  if (which == 0) {
    V8.ttbr0 = pa;
    V7.ttbr0 = pa;
  } else V8.ttbr1 = pa;
}
export function setMair(v: u64): void {
  V8.setMair(v);
}
export function setTexRemap(p: u32, n: u32): void {
  V7.prrr = p;
  V7.nmrr = n;
}
export function setDacr(v: u32): void {
  dacr = v;
}
export function setAsid(a: u32): void {
  asid = a;
}
export function setUnprivileged(on: bool): void {
  // At PL1 / EL1 a read needs AP other than no-access (v7 AP 000), a write also not read-only.
  // At EL0 / PL0 the page must grant user access (v8 AP[1] with no APTable[0] above it, v7
  // AP[1]); a write also needs it writable at every level (v8 AP[2] and APTable[1], v7 AP[2])
  // and, on v7, an AP other than 010. ATTR_USER is the one bit that grants, so it is inverted
  // first: an access is refused when any bit of its mask is then set.
  grantFlip = on ? W.ATTR_USER : 0;
  readForbidden = on ? W.ATTR_USER : W.ATTR_NOACCESS;
  writeForbidden = on ? W.ATTR_USER | W.ATTR_RO | W.ATTR_USER_RO : W.ATTR_NOACCESS | W.ATTR_RO;
}

/** Walks the tables for `va` without consulting or filling the TLB and without permission
 *  checks: the PA, with W.attr / W.sizeLog2 / W.memAttr / W.descriptor describing the leaf. */
@inline export function walk(va: u64): u64 {
  const pa = walkTables(va, false);
  if (pa == W.BAD_PA) walkFaulted();
  return pa;
}

/** The walk itself; a caller tests for BAD_PA once and then calls walkFaulted (V8
 *  compiles a second test of the same value as a second test). `access`: the walk of an
 *  access, never a debugger's (whose quiet walks go through walk()), so the v8 walker's port
 *  needs no choosing. */
@inline function walkTables(va: u64, access: bool): u64 {
  W.faultKind = W.FAULT_NONE;
  H.busError = false;
  if (format == FMT_V8_4K) return access ? V8.walkTimed(va) : V8.walkV8(va);
  if (format == FMT_V7_SHORT) return V7.walkV7(va);
  W.leaf(W.MT_DEVICE, 0, 12, 0, 0);
  return va;
}

/** The walkers test H.busError after every descriptor read and fault at once, so it is still
 *  clear after a walk that succeeded: only a fault leaves it set, and the fault reports it. */
@inline function walkFaulted(): void {
  H.busError = false;
}

/** The access permissions of a client domain at the access's privilege: whether they refuse it
 *  (setUnprivileged keeps the bits that do). */
@inline function refused(attr: u32, write: bool): bool {
  return ((attr ^ grantFlip) & (write ? writeForbidden : readForbidden)) != 0;
}

/** A fault of `kind` on an access to va, at the level of the leaf that gave `attr`. */
@inline function accessFault(kind: i32, attr: u32, va: u64): u64 {
  return W.fault(kind, <i32>(attr >> W.ATTR_LEVEL_SHIFT) & 3, va);
}

@inline function vpnOf(va: u64): u64 {
  return (va & vaMask) >> 12;
}

/** Translates a data access. On success returns the PA and sets lastAttr; on a fault returns
 *  BAD_PA with W.faultKind/faultLevel/faultVa set. Time is charged to hierarchy.cursor.
 *  Inlined: a TLB hit costs no call (and so no spills) at the access, and the checks are
 *  compiled with the access's direction, usually a constant. */
@inline export function translate(va: u64, write: bool): u64 {
  if (format == FMT_OFF) {
    lastAttr = W.MT_DEVICE;
    return va;
  }
  if (tlbOn) {
    const t = tlb;
    const e = t.find(vpnOf(va), asid);
    if (e >= 0) {
      t.hits++;
      return checkedPa(va, write, t.attrAt(e), (t.pfnAt(e) << 12) | (va & 0xFFF));
    }
  }
  const pa = translateMiss(va);
  if (pa == W.BAD_PA) return W.BAD_PA;
  return checkedPa(va, write, W.attr, pa);
}

/** A TLB miss: the walk (after the core's miss latency) and the TLB filled. The PA with W.attr
 *  describing it, or BAD_PA with the fault. */
function translateMiss(va: u64): u64 {
  const t = tlb; // (`tlb.misses++` would read the global twice)
  t.misses++;
  H.cursor += tlbMissPs;
  const pa = walkTables(va, true);
  if (pa == W.BAD_PA) {
    walkFaulted();
    return W.BAD_PA;
  }
  // `tlb` is read again rather than kept: a value live across the walk's call costs a spill.
  if (tlbOn) tlb.insert(vpnOf(va), pa >> 12, W.attr, asid, W.sizeLog2);
  return pa;
}

/** The checks made on every access, TLB hit or not: v7 domains (DACR: 00 no access, 01 client,
 *  11 manager), then the access permissions of a client. `pa` if they pass (lastAttr set), else
 *  BAD_PA with the fault. */
@inline function checkedPa(va: u64, write: bool, attr: u32, pa: u64): u64 {
  if (format == FMT_V7_SHORT) {
    const dom = (dacr >> (((attr >> W.ATTR_DOMAIN_SHIFT) & 0xF) << 1)) & 3;
    if (dom != 3) {
      if (dom != 1) return accessFault(W.FAULT_DOMAIN, attr, va);
      if (refused(attr, write)) return accessFault(W.FAULT_PERMISSION, attr, va);
    }
  } else if (refused(attr, write)) return accessFault(W.FAULT_PERMISSION, attr, va);
  lastAttr = attr;
  return pa;
}

export function tlbiAll(): void {
  tlb.flushAll();
  flushWalkCache();
}
/** TLBI VAAE1 / TLBIMVAA: one page, every ASID. */
export function tlbiVa(va: u64): void {
  tlb.flushVa(vpnOf(va), -1);
  const wc = V8.walkCache;
  if (wc != null) wc.flushVa(va);
}
/** TLBI VAE1 / TLBIMVA: one page, global entries and those of one ASID. */
export function tlbiVaAsid(va: u64, a: u32): void {
  tlb.flushVa(vpnOf(va), <i32>a);
  const wc = V8.walkCache;
  if (wc != null) wc.flushVa(va);
}
/** TLBI ASIDE1 / TLBIASID: every non-global entry of one ASID. */
export function tlbiAsid(a: u32): void {
  tlb.flushAsid(a);
  flushWalkCache(); // its entries carry no ASID: all of them, to be safe
}
