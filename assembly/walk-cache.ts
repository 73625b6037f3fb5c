// The Cortex-A53's walk cache (spec mmu-cache §5.1: 64 entries, 4-way): results of non-final
// table descriptors — "the next-level table for this VA prefix" — so that a walk whose upper
// levels were seen recently starts at the deepest level it knows (a 4 KB walk then costs one
// descriptor read). Entries are tagged with the translation table base they were walked from,
// so a TTBR change needs no flush; TLB maintenance flushes them as Linux expects (a table entry
// is only replaced after a TLBI). Round-robin replacement within a set.

const NONE: u64 = u64.MAX_VALUE;

// An entry is 32 bytes, so that a probe of a 4-way set stays within two host cache lines.
const ENTRY_SHIFT: u32 = 5;
const KEY: usize = 0; // u64: (VA >> shift) << 2 | level of the descriptor that was read
const ROOT: usize = 8; // u64: the table base the walk began at
const NEXT: usize = 16; // u64: the next-level table's address
const ATTR: usize = 24; // u32: permissions inherited from table descriptors (APTable, XNTable)

@inline function keyOf(va: u64, level: i32): u64 {
  return ((va >> <u64>(39 - 9 * level)) << 2) | <u64>level;
}

export class WalkCache {
  sets: u32;
  ways: u32;
  entries: usize;
  rr: usize; // u8 per set
  hits: u64 = 0;

  constructor(entries: u32, ways: u32) {
    this.ways = ways < 1 ? 1 : ways;
    this.sets = entries / this.ways < 1 ? 1 : entries / this.ways;
    this.entries = heap.alloc(<usize>(this.sets * this.ways) << ENTRY_SHIFT);
    this.rr = heap.alloc(<usize>this.sets);
    this.flushAll();
  }

  flushAll(): void {
    const n = this.sets * this.ways;
    for (let e: u32 = 0; e < n; e++) store<u64>(this.entries + (<usize>e << ENTRY_SHIFT) + KEY, NONE);
    memory.fill(this.rr, 0, <usize>this.sets);
  }

  /** Entry for the table descriptor read at `level` for va, or -1. */
  @inline find(va: u64, level: i32, root: u64): i32 {
    return this.probe(keyOf(va, level), root);
  }

  /** The entry holding key k walked from root, or -1. */
  @inline private probe(k: u64, root: u64): i32 {
    const ways = this.ways;
    const base = (<u32>(k >> 2) & (this.sets - 1)) * ways;
    let p = this.entries + (<usize>base << ENTRY_SHIFT);
    if (ways == 4) {
      // The A53's geometry, unrolled: a loop costs V8 a stack check and its control per way,
      // and the usual first probe (for the deepest level) misses, reading all four keys.
      if (load<u64>(p, KEY) == k && load<u64>(p, ROOT) == root) return <i32>base;
      if (load<u64>(p, KEY + 32) == k && load<u64>(p, ROOT + 32) == root) return <i32>base + 1;
      if (load<u64>(p, KEY + 64) == k && load<u64>(p, ROOT + 64) == root) return <i32>base + 2;
      if (load<u64>(p, KEY + 96) == k && load<u64>(p, ROOT + 96) == root) return <i32>base + 3;
      return -1;
    }
    for (let w: u32 = 0; w < ways; w++, p += 1 << ENTRY_SHIFT) {
      if (load<u64>(p, KEY) == k && load<u64>(p, ROOT) == root) return <i32>(base + w);
    }
    return -1;
  }

  /** The entry of the deepest table level known for va (L2, else L1, else L0, none above
   *  `first`), or -1: where a walk from `root` may resume. */
  @inline deepest(va: u64, first: i32, root: u64): i32 {
    // One test per branch: V8 turns `e >= 0 || first == 2` into flags combined arithmetically.
    let e = this.probe((va >> 21) << 2 | 2, root);
    if (e >= 0) return e;
    if (first == 2) return -1;
    e = this.probe((va >> 30) << 2 | 1, root);
    if (e >= 0) return e;
    if (first == 1) return -1;
    return this.probe((va >> 39) << 2, root);
  }

  @inline nextAt(e: i32): u64 {
    return load<u64>(this.entries + (<usize>e << ENTRY_SHIFT), NEXT);
  }

  @inline attrAt(e: i32): u32 {
    return load<u32>(this.entries + (<usize>e << ENTRY_SHIFT), ATTR);
  }

  /** The level of the descriptor entry e holds. */
  @inline levelAt(e: i32): i32 {
    return <i32>load<u64>(this.entries + (<usize>e << ENTRY_SHIFT), KEY) & 3;
  }

  @inline insert(va: u64, level: i32, root: u64, next: u64, attr: u32): void {
    const k = keyOf(va, level);
    const set = <u32>(k >> 2) & (this.sets - 1);
    const v = <u32>load<u8>(this.rr + <usize>set);
    const p = this.entries + (<usize>(set * this.ways + v) << ENTRY_SHIFT);
    store<u64>(p, k, KEY);
    store<u64>(p, root, ROOT);
    store<u64>(p, next, NEXT);
    store<u32>(p, attr, ATTR);
    store<u8>(this.rr + <usize>set, <u8>(v + 1 == this.ways ? 0 : v + 1));
  }

  /** TLBI by VA: every level's entry on the path to va. */
  flushVa(va: u64): void {
    for (let level = 0; level < 3; level++) {
      const k = keyOf(va, level);
      const base = (<u32>(k >> 2) & (this.sets - 1)) * this.ways;
      for (let w: u32 = 0; w < this.ways; w++) {
        const p = this.entries + (<usize>(base + w) << ENTRY_SHIFT);
        if (load<u64>(p, KEY) == k) store<u64>(p, NONE, KEY);
      }
    }
  }
}
