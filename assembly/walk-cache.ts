// The Cortex-A53's walk cache (spec mmu-cache §5.1: 64 entries, 4-way): results of non-final
// table descriptors — "the next-level table for this VA prefix" — so that a walk whose upper
// levels were seen recently starts at the deepest level it knows (a 4 KB walk then costs one
// descriptor read). Entries are tagged with the translation table base they were walked from,
// so a TTBR change needs no flush; TLB maintenance flushes them as Linux expects (a table entry
// is only replaced after a TLBI). Round-robin replacement within a set.

const NONE: u64 = u64.MAX_VALUE;

export class WalkCache {
  sets: u32;
  ways: u32;
  key: usize; // u64: (VA >> shift) << 2 | level of the descriptor that was read
  root: usize; // u64: the table base the walk began at
  next: usize; // u64: the next-level table's address
  attr: usize; // u32: permissions inherited from table descriptors (APTable, XNTable)
  rr: usize; // u8 per set
  hits: u64 = 0;

  constructor(entries: u32, ways: u32) {
    this.ways = ways < 1 ? 1 : ways;
    this.sets = entries / this.ways < 1 ? 1 : entries / this.ways;
    const n = <usize>(this.sets * this.ways);
    this.key = heap.alloc(n * 8);
    this.root = heap.alloc(n * 8);
    this.next = heap.alloc(n * 8);
    this.attr = heap.alloc(n * 4);
    this.rr = heap.alloc(<usize>this.sets);
    this.flushAll();
  }

  flushAll(): void {
    memory.fill(this.key, 0xFF, <usize>(this.sets * this.ways) * 8);
    memory.fill(this.rr, 0, <usize>this.sets);
  }

  /** Entry for the table descriptor read at `level` for va, or -1. */
  @inline find(va: u64, level: i32, root: u64): i32 {
    const k = ((va >> <u64>(39 - 9 * level)) << 2) | <u64>level;
    const base = (<u32>(k >> 2) & (this.sets - 1)) * this.ways;
    for (let w: u32 = 0; w < this.ways; w++) {
      const e = base + w;
      if (load<u64>(this.key + (<usize>e << 3)) == k && load<u64>(this.root + (<usize>e << 3)) == root) return <i32>e;
    }
    return -1;
  }

  @inline nextAt(e: i32): u64 {
    return load<u64>(this.next + (<usize>e << 3));
  }

  @inline attrAt(e: i32): u32 {
    return load<u32>(this.attr + (<usize>e << 2));
  }

  insert(va: u64, level: i32, root: u64, next: u64, attr: u32): void {
    const k = ((va >> <u64>(39 - 9 * level)) << 2) | <u64>level;
    const set = <u32>(k >> 2) & (this.sets - 1);
    const v = <u32>load<u8>(this.rr + <usize>set);
    const e = set * this.ways + v;
    store<u64>(this.key + (<usize>e << 3), k);
    store<u64>(this.root + (<usize>e << 3), root);
    store<u64>(this.next + (<usize>e << 3), next);
    store<u32>(this.attr + (<usize>e << 2), attr);
    store<u8>(this.rr + <usize>set, <u8>(v + 1 == this.ways ? 0 : v + 1));
  }

  /** TLBI by VA: every level's entry on the path to va. */
  flushVa(va: u64): void {
    for (let level = 0; level < 3; level++) {
      const k = ((va >> <u64>(39 - 9 * level)) << 2) | <u64>level;
      const base = (<u32>(k >> 2) & (this.sets - 1)) * this.ways;
      for (let w: u32 = 0; w < this.ways; w++) {
        const p = this.key + (<usize>(base + w) << 3);
        if (load<u64>(p) == k) store<u64>(p, NONE);
      }
    }
  }
}
