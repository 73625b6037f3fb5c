// The VMSAv8-64 stage-1 walker, 4 KB granule (spec mmu-cache §1): 39-bit VA (L1..L3) or 48-bit
// VA (L0..L3), table / 1 GB block / 2 MB block / 4 KB page descriptors, memory type from
// AttrIndx through MAIR_EL1, AP[2:1], SH, AF, nG, PXN/UXN, and the hierarchical APTable and
// XNTable bits of table descriptors.

import * as W from "./walk";
import * as H from "./hierarchy";
import { WalkCache } from "./walk-cache";
import { peek64, walkerRead64, walkerReadAny, walkerMemoEntry, walkerMemoHolds, walkerServed } from "./snoop";
import { memoData, memoNothing } from "./walker-memo";

const OA_MASK: u64 = 0x0000FFFFFFFFF000;

export let vaBits: u32 = 39;
/** The level the walk starts at, and the mask of the index bits that level resolves. */
let firstLevel: i32 = 1;
/** The VA bits the tables translate: with the bits above cleared, every level's index is the
 *  nine bits at its shift (the first level's fewer bits come out as zeros above them). */
let vaMask: u64 = (<u64>1 << 39) - 1;
export let ttbr0: u64 = 0;
export let ttbr1: u64 = 0;
export let mair: u64 = 0;
/** The walk cache of non-final descriptors (null: the core has none). */
export let walkCache: WalkCache | null = null;

// Walk-cache entries keep the table permissions met so far; EL0 being forbidden rides in a bit
// of the attribute word no leaf uses.
const NO_EL0: u32 = 1 << 31;

// Leaf decoding depends only on these descriptor bits, the table permissions met on the way and
// MAIR; consecutive leaves usually agree on all of them, so the last decoding is kept (the
// table attributes sit above bit 32 of the key, clear of the descriptor bits used).
const LEAF_BITS: u64 = (<u64>3 << 53) | (1 << 11) | (0xF << 6) | (7 << 2);
const NO_LEAF: u64 = u64.MAX_VALUE;
let leafKey: u64 = NO_LEAF;
let leafAttr: u32 = 0;
let leafMem: u32 = 0;

export function configureWalkCache(entries: u32, ways: u32): void {
  walkCache = entries > 0 ? new WalkCache(entries, ways) : null;
}

export function setVaBits(bits: u32): void {
  vaBits = bits < 25 ? 25 : bits > 48 ? 48 : bits;
  // The first level resolves whatever bits remain above the levels below it.
  firstLevel = vaBits > 39 ? 0 : vaBits > 30 ? 1 : 2;
  vaMask = (<u64>1 << <u64>vaBits) - 1;
}

export function setMair(v: u64): void {
  mair = v;
  leafKey = NO_LEAF;
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

/** Memory type and permissions of a leaf descriptor below tables that granted `tableAttr`. */
function decodeLeaf(d: u64, tableAttr: u32): void {
  const memAttr = <u32>(mair >> (((<u32>d >> 2) & 7) << 3)) & 0xFF;
  let a = mairType(memAttr) | (tableAttr & ~NO_EL0);
  if (d & (1 << 7)) a |= W.ATTR_RO;
  if ((d & (1 << 6)) != 0 && (tableAttr & NO_EL0) == 0) a |= W.ATTR_USER;
  a |= (<u32>(d >> 8) & 3) << W.ATTR_SH_SHIFT;
  if (d & (1 << 11)) a |= W.ATTR_NG;
  if (d & (<u64>1 << 53)) a |= W.ATTR_PXN;
  if (d & (<u64>1 << 54)) a |= W.ATTR_XN;
  leafAttr = a;
  leafMem = memAttr;
}

/** The leaf at `level` (a block, or an L3 page) that maps 2^shift bytes: sets W.attr etc. and
 *  returns the PA, or the access-flag fault. */
@inline function leafAt(d: u64, va: u64, level: i32, shift: u64, tableAttr: u32): u64 {
  if ((d & (1 << 10)) == 0) return W.fault(W.FAULT_ACCESS_FLAG, level, va);
  const key = (d & LEAF_BITS) | (<u64>tableAttr << 32);
  if (key != leafKey) {
    decodeLeaf(d, tableAttr);
    leafKey = key;
  }
  W.leaf(leafAttr, level, <u32>shift, leafMem, d);
  const low = (<u64>1 << shift) - 1;
  return (d & OA_MASK & ~low) | (va & low);
}

/** The address of the descriptor in the table at `table` for the VA bits `index` (va & vaMask):
 *  its index is index[shift+8:shift]. */
@inline function entryAt(table: u64, index: u64, shift: u64): u64 {
  return table + (((index >> shift) & 511) << 3);
}

/** The table permissions below a table descriptor: APTable[1] forbids writes below, APTable[0]
 *  forbids EL0; PXNTable, UXNTable. */
@inline function belowTable(d: u64, tableAttr: u32): u32 {
  if (d & (<u64>0xF << 59)) {
    if (d & (<u64>1 << 62)) tableAttr |= W.ATTR_RO;
    if (d & (<u64>1 << 61)) tableAttr |= NO_EL0;
    if (d & (<u64>1 << 59)) tableAttr |= W.ATTR_PXN;
    if (d & (<u64>1 << 60)) tableAttr |= W.ATTR_XN;
  }
  return tableAttr;
}

/** Walks `va`; returns its PA and sets W.attr etc., or BAD_PA with the fault recorded. */
@inline export function walkV8(va: u64): u64 {
  return W.quiet ? walkQuiet(va) : walkTimed(va);
}

/** The table base for va's half of the address space (TTBR0 or TTBR1), or BAD_PA with the
 *  translation fault if the bits above the VA size are neither all 0 nor all 1. */
@inline function rootOf(va: u64): u64 {
  const top = va >> vaBits;
  if (top == 0) return ttbr0 & OA_MASK;
  if (top == (<u64>-1 >> vaBits)) return ttbr1 & OA_MASK;
  return W.fault(W.FAULT_TRANSLATION, 0, va);
}

/** A timed walk, through the caches and the walk cache. The walk cache usually knows va's L2
 *  table (one read) or its L1 table (two), so those two resumptions are written out, each a
 *  straight run of reads; every other walk goes through walkFrom. */
@inline export function walkTimed(va: u64): u64 {
  const root = rootOf(va);
  if (root == W.BAD_PA) return root;
  const wc = walkCache;
  if (wc == null) return walkFromTimed(va, firstLevel, root, 0, root);
  const index = va & vaMask;
  let e = wc.find(va, 2, root);
  if (e >= 0) {
    wc.hits++;
    return atL3(wc.nextAt(e), va, index, wc.attrAt(e), false);
  }
  if (firstLevel == 2) return walkFromTimed(va, 2, root, 0, root);
  e = wc.findL1(va, root);
  if (e >= 0) {
    wc.hits++;
    return atL2Timed(wc.nextAt(e), va, index, wc.attrAt(e), root, wc);
  }
  if (firstLevel == 0) {
    e = wc.find(va, 0, root);
    if (e >= 0) {
      wc.hits++;
      return walkFromTimed(va, 1, wc.nextAt(e), wc.attrAt(e), root);
    }
  }
  return walkFromTimed(va, firstLevel, root, 0, root);
}

// Two copies of the general walk, each compiled with its port fixed: a timed walk through the
// caches and the walk cache, and a debugger's untimed peek that leaves both as they were. One
// function choosing per read would keep both ports' values live at once (a larger frame, more
// spills on the path every access takes).
function walkFromTimed(va: u64, level: i32, table: u64, tableAttr: u32, root: u64): u64 {
  return walkFrom(va, level, table, tableAttr, root, false);
}

function walkQuiet(va: u64): u64 {
  const root = rootOf(va);
  if (root == W.BAD_PA) return root;
  return walkFrom(va, firstLevel, root, 0, root, true);
}

/** One descriptor read, timed through the caches or a debugger's peek. */
@inline function readAt(pa: u64, quiet: bool): u64 {
  return quiet ? peek64(pa) : walkerRead64(pa);
}

/** The walk from the table at `table` for `level`, below tables that granted `tableAttr`.
 *  Levels 0..2 hold table descriptors, or blocks at L1 and L2 (an L0 block is invalid with the
 *  4 KB granule). Nested so that each level runs into the next and a walk starting at L2 or L3
 *  skips the levels above with one or two tests; every level's index shift is a constant. */
@inline function walkFrom(va: u64, level: i32, table: u64, tableAttr: u32, root: u64, quiet: bool): u64 {
  const index = va & vaMask;
  const wc: WalkCache | null = quiet ? null : walkCache;
  if (level < 2) {
    if (level < 1) {
      const d = readAt(entryAt(table, index, 39), quiet);
      if ((d & 3) != 3) return invalidAt(0, va);
      tableAttr = belowTable(d, tableAttr);
      table = d & OA_MASK;
      if (wc != null) wc.insert(va, 0, root, table, tableAttr);
    }
    const d = readAt(entryAt(table, index, 30), quiet);
    if ((d & 3) != 3) {
      if ((d & 1) == 0) return invalidAt(1, va);
      return leafAt(d, va, 1, 30, tableAttr);
    }
    tableAttr = belowTable(d, tableAttr);
    table = d & OA_MASK;
    if (wc != null) wc.insert(va, 1, root, table, tableAttr);
  }
  return atL2(table, va, index, tableAttr, root, wc, quiet);
}

/** The L2 descriptor for va in the table at `table`: a 2 MB block, or the L3 table below. A
 *  read that finds no RAM returns 0, which is invalid: the bus error is told from an empty
 *  entry only on that path (invalidAt), not tested after every read. */
@inline function atL2(table: u64, va: u64, index: u64, tableAttr: u32, root: u64, wc: WalkCache | null, quiet: bool): u64 {
  const d = readAt(entryAt(table, index, 21), quiet);
  if ((d & 3) != 3) {
    if ((d & 1) == 0) return invalidAt(2, va);
    return leafAt(d, va, 2, 21, tableAttr);
  }
  tableAttr = belowTable(d, tableAttr);
  table = d & OA_MASK;
  if (wc != null) wc.insert(va, 2, root, table, tableAttr);
  return atL3(table, va, index, tableAttr, quiet);
}

/** atL2 for a timed walk that the walk cache resumed at L2, with no branch on the descriptor's
 *  type. A mapping that mixes 2 MB blocks and 4 KB pages sends walks to L2's leaf or on to L3 as
 *  the addresses fall: a branch on that, mispredicted as often as the mix is even, costs the
 *  host more than the L3 read itself. So the walk makes the L3 read and the walk cache's insert
 *  either way, each taking effect only for a table (walkerServed's `second`, insertIf), and
 *  picks the leaf's descriptor, level and size arithmetically. Tests that may fail are joined
 *  with `&`, not `&&`, which would branch. The rare cases branch: a line the memo cannot serve,
 *  an invalid descriptor. */
@inline function atL2Timed(table: u64, va: u64, index: u64, tableAttr: u32, root: u64, wc: WalkCache): u64 {
  const pa2 = entryAt(table, index, 21);
  const e2 = walkerMemoEntry(pa2);
  if (!walkerMemoHolds(e2, pa2)) return atL2(table, va, index, tableAttr, root, wc, false);
  const d = load<u64>(memoData(e2, pa2));
  if ((d & 1) == 0) {
    walkerServed(e2, 0, false);
    return invalidAt(2, va);
  }
  // Valid: bit 1 tells a table (0b11) from a block (0b01). As a number, t makes the leaf's
  // level (2 + t) and size (21 - 9t) with no select.
  const t = <u32>(d >> 1) & 1;
  const isTable = t != 0;
  const below = belowTable(d, tableAttr);
  const next = d & OA_MASK;
  wc.insertIf(va, 2, root, next, below, isTable);
  // A block's read looks up PA 0 rather than an address made of its output address: one line
  // for every block, whose lookup the host's caches keep.
  const pa3 = entryAt(next, index, 12) & (0 - <u64>t);
  const e3 = walkerMemoEntry(pa3);
  let d3: u64;
  if ((t & <u32>!walkerMemoHolds(e3, pa3)) != 0) {
    walkerServed(e2, 0, false);
    d3 = walkerReadAny(pa3);
  } else {
    d3 = load<u64>(select<usize>(memoData(e3, pa3), memoNothing, isTable));
    walkerServed(e2, e3, isTable);
  }
  if ((t & <u32>((d3 & 3) != 3)) != 0) return invalidAt(3, va);
  const leaf = select<u64>(d3, d, isTable);
  return leafAt(leaf, va, <i32>(2 + t), <u64>(21 - 9 * t), select<u32>(below, tableAttr, isTable));
}

/** The L3 descriptor: pages only (0b01 is reserved there). */
@inline function atL3(table: u64, va: u64, index: u64, tableAttr: u32, quiet: bool): u64 {
  const d = readAt(entryAt(table, index, 12), quiet);
  if ((d & 3) != 3) return invalidAt(3, va);
  return leafAt(d, va, 3, 12, tableAttr);
}

/** The fault for an invalid descriptor at `level`: an external abort if its read found no RAM
 *  (and returned 0), else a translation fault. */
@inline function invalidAt(level: i32, va: u64): u64 {
  return W.fault(H.busError ? W.FAULT_EXTERNAL : W.FAULT_TRANSLATION, level, va);
}
