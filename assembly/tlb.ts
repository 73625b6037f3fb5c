// A set-associative TLB of 4 KB-granular entries (larger blocks are entered per 4 KB page, as the
// Cortex-A53 stores 1 GB blocks in pieces), round-robin replacement within a set, ASID tags for
// non-global entries. Only successful walks are entered (invalid descriptors are never cached).
// Each piece remembers the size of the mapping it came from: a TLBI by VA removes the entry that
// translates the VA (spec mmu-cache §5.3), which for a block is the whole block, so every piece.

import { ATTR_NG } from "./walk";

const NO_VPN: u64 = u64.MAX_VALUE;

export class Tlb {
  sets: u32;
  ways: u32;
  vpn: usize; // u64 per entry
  pfn: usize; // u64 per entry: physical page number
  attr: usize; // u32 per entry: walk.ts attribute word
  asid: usize; // u16 per entry (meaningful for ATTR_NG entries)
  shift: usize; // u8 per entry: log2 of the size of the mapping the entry is a piece of
  rr: usize; // u8 per set
  // The VPNs that pieces of blocks may cover since the last flushAll (empty: blockLo > blockHi).
  blockLo: u64 = NO_VPN;
  blockHi: u64 = 0;
  hits: u64 = 0;
  misses: u64 = 0;

  constructor(sets: u32, ways: u32) {
    this.sets = sets < 1 ? 1 : sets;
    this.ways = ways < 1 ? 1 : ways;
    const n = <usize>(this.sets * this.ways);
    this.vpn = heap.alloc(n * 8);
    this.pfn = heap.alloc(n * 8);
    this.attr = heap.alloc(n * 4);
    this.asid = heap.alloc(n * 2);
    this.shift = heap.alloc(n);
    this.rr = heap.alloc(<usize>this.sets);
    this.flushAll();
  }

  flushAll(): void {
    const n = <usize>(this.sets * this.ways);
    memory.fill(this.vpn, 0xFF, n * 8);
    memory.fill(this.rr, 0, <usize>this.sets);
    this.blockLo = NO_VPN;
    this.blockHi = 0;
  }

  /** Entry index for `vpn` visible to `asid`, or -1. */
  @inline find(vpn: u64, asid: u32): i32 {
    const ways = this.ways;
    const base = (<u32>vpn & (this.sets - 1)) * ways;
    if (ways == 4) {
      const p = this.vpn + (<usize>base << 3);
      let m = <u32>(load<u64>(p) == vpn) | (<u32>(load<u64>(p, 8) == vpn) << 1) |
        (<u32>(load<u64>(p, 16) == vpn) << 2) | (<u32>(load<u64>(p, 24) == vpn) << 3);
      if (m == 0) return -1;
      // The first candidate outside the loop: a hit usually is it, and V8 puts a stack check
      // in every loop.
      const e = base + ctz(m);
      if (this.visible(e, asid)) return <i32>e;
      m &= m - 1;
      while (m != 0) {
        const e = base + ctz(m);
        if (this.visible(e, asid)) return <i32>e;
        m &= m - 1;
      }
      return -1;
    }
    for (let w: u32 = 0; w < ways; w++) {
      const e = base + w;
      if (load<u64>(this.vpn + (<usize>e << 3)) == vpn && this.visible(e, asid)) return <i32>e;
    }
    return -1;
  }

  /** Whether entry e (its VPN matching) translates for `asid`: global, or of that ASID. */
  @inline private visible(e: u32, asid: u32): bool {
    return (load<u32>(this.attr + (<usize>e << 2)) & ATTR_NG) == 0 ||
      <u32>load<u16>(this.asid + (<usize>e << 1)) == asid;
  }

  @inline pfnAt(e: i32): u64 {
    return load<u64>(this.pfn + (<usize>e << 3));
  }

  @inline attrAt(e: i32): u32 {
    return load<u32>(this.attr + (<usize>e << 2));
  }

  /** Enters the 4 KB piece at vpn of a mapping of 2^sizeLog2 bytes. */
  insert(vpn: u64, pfn: u64, attr: u32, asid: u32, sizeLog2: u32): void {
    const set = <u32>vpn & (this.sets - 1);
    const v = <u32>load<u8>(this.rr + <usize>set);
    const e = set * this.ways + v;
    store<u64>(this.vpn + (<usize>e << 3), vpn);
    store<u64>(this.pfn + (<usize>e << 3), pfn);
    store<u32>(this.attr + (<usize>e << 2), attr);
    store<u16>(this.asid + (<usize>e << 1), <u16>asid);
    store<u8>(this.shift + <usize>e, <u8>sizeLog2);
    if (sizeLog2 > 12) {
      const k = <u64>(sizeLog2 - 12);
      const lo = (vpn >> k) << k;
      if (lo < this.blockLo) this.blockLo = lo;
      if (lo + (<u64>1 << k) > this.blockHi) this.blockHi = lo + (<u64>1 << k);
    }
    store<u8>(this.rr + <usize>set, <u8>(v + 1 == this.ways ? 0 : v + 1));
  }

  /** TLBI by VA: the page's entries for every ASID (asid < 0), or the global ones and those of
   *  one ASID. */
  flushVa(vpn: u64, asid: i32): void {
    const base = (<u32>vpn & (this.sets - 1)) * this.ways;
    for (let w: u32 = 0; w < this.ways; w++) {
      const e = base + w;
      if (load<u64>(this.vpn + (<usize>e << 3)) == vpn) this.dropIfVisible(e, asid);
    }
    // The other pieces of a block holding vpn sit in other sets.
    if (vpn < this.blockLo || vpn >= this.blockHi) return;
    const n = this.sets * this.ways;
    for (let e: u32 = 0; e < n; e++) {
      const k = <u64>load<u8>(this.shift + <usize>e);
      if (k <= 12) continue;
      const v = load<u64>(this.vpn + (<usize>e << 3));
      if (v != NO_VPN && (v >> (k - 12)) == (vpn >> (k - 12))) this.dropIfVisible(e, asid);
    }
  }

  /** Invalidates entry e if a TLBI for `asid` reaches it (every ASID when asid < 0). */
  @inline private dropIfVisible(e: u32, asid: i32): void {
    const global = (load<u32>(this.attr + (<usize>e << 2)) & ATTR_NG) == 0;
    if (asid < 0 || global || <i32>load<u16>(this.asid + (<usize>e << 1)) == asid) {
      store<u64>(this.vpn + (<usize>e << 3), NO_VPN);
    }
  }

  /** TLBI by ASID: drops non-global entries of that ASID. */
  flushAsid(asid: u32): void {
    const n = this.sets * this.ways;
    for (let e: u32 = 0; e < n; e++) {
      if (load<u64>(this.vpn + (<usize>e << 3)) == NO_VPN) continue;
      const a = load<u32>(this.attr + (<usize>e << 2));
      if ((a & ATTR_NG) != 0 && <u32>load<u16>(this.asid + (<usize>e << 1)) == asid) {
        store<u64>(this.vpn + (<usize>e << 3), NO_VPN);
      }
    }
  }

  validEntries(): u32 {
    const n = this.sets * this.ways;
    let c: u32 = 0;
    for (let e: u32 = 0; e < n; e++) if (load<u64>(this.vpn + (<usize>e << 3)) != NO_VPN) c++;
    return c;
  }
}
