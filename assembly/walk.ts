// What a table walk produces, shared by the two walkers (walk-v8.ts, walk-v7.ts) and the MMU
// (mmu.ts): the attribute word of a translation, its size and level, fault reports, and the
// walker's port to memory (timed through the caches, or a debugger's untimed peek).

import { peek64, walkerRead64 } from "./snoop";

// Attribute word (mmuLastAttr; the TLB keeps it per entry). Bits [1:0] are the memory type.
export const MT_NORMAL: u32 = 0; // write-back cacheable
export const MT_NORMAL_NC: u32 = 1; // Normal non-cacheable
export const MT_DEVICE: u32 = 2; // Device / strongly-ordered
export const MT_NORMAL_WT: u32 = 3; // write-through cacheable
export const ATTR_RO: u32 = 1 << 2; // privileged writes not allowed
export const ATTR_USER: u32 = 1 << 3; // EL0/PL0 may access
export const ATTR_XN: u32 = 1 << 4; // UXN (v8), XN (v7)
export const ATTR_PXN: u32 = 1 << 5;
export const ATTR_SH_SHIFT: u32 = 6; // [7:6] shareability, v8 SH encoding (11 inner, 10 outer)
export const ATTR_NG: u32 = 1 << 8; // not global: the TLB entry belongs to one ASID
export const ATTR_NOWA: u32 = 1 << 9; // write-back without write-allocate
export const ATTR_DOMAIN_SHIFT: u32 = 10; // [13:10] v7 domain
export const ATTR_LEVEL_SHIFT: u32 = 14; // [15:14] table level of the leaf descriptor
export const ATTR_NOACCESS: u32 = 1 << 16; // v7 AP = 000 (or reserved 100): no access at PL1
export const ATTR_USER_RO: u32 = 1 << 17; // v7 AP = 010: PL1 may write, PL0 may only read

export const FAULT_NONE: i32 = 0;
export const FAULT_TRANSLATION: i32 = 1;
export const FAULT_ACCESS_FLAG: i32 = 2;
export const FAULT_PERMISSION: i32 = 3;
export const FAULT_EXTERNAL: i32 = 4; // bus error on a table walk or on the access itself
export const FAULT_DOMAIN: i32 = 5;
export const FAULT_ALIGNMENT: i32 = 6;
export const FAULT_UNDEFINED: i32 = 7; // an instruction this core does not have (DC ZVA on v7)

export const BAD_PA: u64 = u64.MAX_VALUE;

// The result of the last walk.
export let attr: u32 = 0;
/** log2 of the mapping's size: 12 page, 16 large page, 20 section, 21 block, 24, 30. */
export let sizeLog2: u32 = 12;
/** The leaf's memory attribute: the MAIR byte (v8) or the TEX remap index TEX[0]:C:B (v7). */
export let memAttr: u32 = 0;
/** The leaf descriptor as read. */
export let descriptor: u64 = 0;

export let faultKind: i32 = FAULT_NONE;
export let faultLevel: i32 = 0;
export let faultVa: u64 = 0;

/** A debugger's walk: untimed, and the caches and counters are left as they were. */
export let quiet: bool = false;

export function setQuiet(q: bool): void {
  quiet = q;
}

export function fault(kind: i32, level: i32, va: u64): u64 {
  faultKind = kind;
  faultLevel = level;
  faultVa = va;
  return BAD_PA;
}

export function leaf(a: u32, level: i32, size: u32, mem: u32, desc: u64): void {
  attr = a | (<u32>level << ATTR_LEVEL_SHIFT);
  sizeLog2 = size;
  memAttr = mem;
  descriptor = desc;
}

/** One descriptor read; H.busError is set if it was not RAM. */
@inline export function read64(pa: u64): u64 {
  return quiet ? peek64(pa) : walkerRead64(pa);
}

@inline export function read32(pa: u64): u32 {
  return <u32>(read64(pa & ~7) >> ((pa & 4) << 3));
}
