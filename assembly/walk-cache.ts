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

/** The VA bits above the part a descriptor read at `level` resolves: with the level, its key;
 *  its low bits pick the set. */
@inline function prefixOf(va: u64, level: i32): u64 {
  return va >> <u64>(39 - 9 * level);
}

@inline function keyOf(prefix: u64, level: i32): u64 {
  return (prefix << 2) | <u64>level;
}

/** A byte of key k for the per-way hash array: its level and set bits folded with the bits
 *  above them, which tell apart the keys that share a set. */
@inline function hashOf(k: u64): u32 {
  return <u32>(k ^ (k >> 6)) & 0xFF;
}

export class WalkCache {
  sets: u32;
  ways: u32;
  entries: usize;
  // u8 per entry, the hashOf of its key (stale after a flush by VA: a hash only names a way
  // whose key is worth comparing), so that a probe of a 4-way set that misses is one load.
  hashes: usize;
  rr: usize; // u8 per set
  hits: u64 = 0;
  /** The entry an L1 descriptor's probe found last. A gigabyte's walks all resume from one
   *  such entry, so it is tried before the set is searched: an entry holding the key walked
   *  from the root is the one a search returns, as no set holds a key twice for one root (a
   *  walk inserts only the keys its probes have just missed). */
  recentL1: u32 = 0;

  constructor(entries: u32, ways: u32) {
    this.ways = ways < 1 ? 1 : ways;
    this.sets = entries / this.ways < 1 ? 1 : entries / this.ways;
    // One entry more than the sets hold: the spare that insertIf writes when it inserts nothing.
    this.entries = heap.alloc(<usize>(this.sets * this.ways + 1) << ENTRY_SHIFT);
    this.hashes = heap.alloc(<usize>(this.sets * this.ways + 1));
    this.rr = heap.alloc(<usize>this.sets);
    this.flushAll();
  }

  flushAll(): void {
    const n = this.sets * this.ways;
    for (let e: u32 = 0; e < n; e++) store<u64>(this.entries + (<usize>e << ENTRY_SHIFT) + KEY, NONE);
    memory.fill(this.hashes, 0, <usize>n);
    memory.fill(this.rr, 0, <usize>this.sets);
  }

  /** Entry for the table descriptor read at `level` for va, or -1. */
  @inline find(va: u64, level: i32, root: u64): i32 {
    return this.probe(prefixOf(va, level), level, root);
  }

  /** The entry holding the key of `level` and VA bits `prefix` (va >> the level's shift) walked
   *  from root, or -1. The set comes from the prefix itself (the key's bits above its level). */
  @inline private probe(prefix: u64, level: i32, root: u64): i32 {
    const k = keyOf(prefix, level);
    const set = <u32>prefix & (this.sets - 1);
    const ways = this.ways;
    if (ways == 4) {
      // The A53's geometry: the set's four hash bytes in one load, compared at once (a zero
      // byte of hashes ^ broadcast(h) marks a way whose key may be k). The usual first probe,
      // for the deepest level, ends here with no key to compare; the next usually has one
      // candidate, compared with no loop.
      const base = set << 2;
      const x = load<u32>(this.hashes + <usize>base) ^ (hashOf(k) * 0x01010101);
      const m = (x - 0x01010101) & ~x & 0x80808080;
      if (m == 0) return -1;
      const e = base + (ctz(m) >> 3);
      if (this.holds(e, k, root)) return <i32>e;
      const rest = m & (m - 1);
      return rest == 0 ? -1 : this.firstOf(base, rest, k, root);
    }
    const base = set * ways;
    for (let w: u32 = 0; w < ways; w++) {
      if (this.holds(base + w, k, root)) return <i32>(base + w);
    }
    return -1;
  }

  /** Whether entry e holds key k walked from root (one branch for both compares). */
  @inline private holds(e: u32, k: u64, root: u64): bool {
    const p = this.entries + (<usize>e << ENTRY_SHIFT);
    return ((load<u64>(p, KEY) ^ k) | (load<u64>(p, ROOT) ^ root)) == 0;
  }

  /** Of the ways of a 4-way set marked in m (byte w's top bit for way w), the first holding k
   *  walked from root, or -1. */
  private firstOf(base: u32, m: u32, k: u64, root: u64): i32 {
    for (; m != 0; m &= m - 1) {
      const e = base + (ctz(m) >> 3);
      if (this.holds(e, k, root)) return <i32>e;
    }
    return -1;
  }

  /** Entry for va's L1 table descriptor walked from root, or -1. A gigabyte's walks all resume
   *  from one such entry, so the one found last is tried before the set is searched. */
  @inline findL1(va: u64, root: u64): i32 {
    const prefix = prefixOf(va, 1);
    const r = this.recentL1;
    if (this.holds(r, keyOf(prefix, 1), root)) return <i32>r;
    const e = this.probe(prefix, 1, root);
    if (e >= 0) this.recentL1 = e;
    return e;
  }

  @inline nextAt(e: i32): u64 {
    return load<u64>(this.entries + (<usize>e << ENTRY_SHIFT), NEXT);
  }

  @inline attrAt(e: i32): u32 {
    return load<u32>(this.entries + (<usize>e << ENTRY_SHIFT), ATTR);
  }

  @inline insert(va: u64, level: i32, root: u64, next: u64, attr: u32): void {
    this.insertIf(va, level, root, next, attr, true);
  }

  /** insert(...) if `real`, else nothing, with no branch: for a walk that inserts or not by a
   *  descriptor type the host cannot predict (walk-v8.ts atL2Timed). A false insert writes the
   *  spare entry past the last, which no probe reads, and leaves the set's next way. */
  @inline insertIf(va: u64, level: i32, root: u64, next: u64, attr: u32, real: bool): void {
    // Every field is read before the first store: a store could alias them as far as the
    // compiler knows, and each would be loaded again after it.
    const ways = this.ways;
    const rr = this.rr;
    const hashes = this.hashes;
    const entries = this.entries;
    const spare = <usize>(this.sets * ways);
    const prefix = prefixOf(va, level);
    const k = keyOf(prefix, level);
    const set = <u32>prefix & (this.sets - 1);
    const v = <u32>load<u8>(rr + <usize>set);
    const e = select<usize>(<usize>(set * ways + v), spare, real);
    const p = entries + (e << ENTRY_SHIFT);
    store<u64>(p, k, KEY);
    store<u64>(p, root, ROOT);
    store<u64>(p, next, NEXT);
    store<u32>(p, attr, ATTR);
    store<u8>(hashes + e, <u8>hashOf(k));
    store<u8>(rr + <usize>set, <u8>select<u32>(v + 1 == ways ? 0 : v + 1, v, real));
  }

  /** TLBI by VA: every level's entry on the path to va. */
  flushVa(va: u64): void {
    for (let level = 0; level < 3; level++) {
      const prefix = prefixOf(va, level);
      const k = keyOf(prefix, level);
      const base = (<u32>prefix & (this.sets - 1)) * this.ways;
      for (let w: u32 = 0; w < this.ways; w++) {
        const p = this.entries + (<usize>(base + w) << ENTRY_SHIFT);
        if (load<u64>(p, KEY) == k) store<u64>(p, NONE, KEY);
      }
    }
  }
}
