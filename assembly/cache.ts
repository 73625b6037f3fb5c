// One set-associative, write-back cache level whose lines hold real data. Tags are line numbers
// (physical address >> line shift); an invalid way holds INVALID so a lookup is one compare per way.
// Replacement: true LRU by access stamps, or the pseudo-random policy of Cortex-A9 L1 and PL310.

export const REPL_LRU: i32 = 0;
export const REPL_RANDOM: i32 = 1;

export const INVALID: u64 = u64.MAX_VALUE;

export class Cache {
  sets: u32;
  ways: u32;
  lineShift: u32;
  lineBytes: u32;
  setMask: u32;
  replacement: i32;
  tags: usize; // u64 per entry
  dirty: usize; // u8 per entry
  stamps: usize; // u32 per entry (LRU)
  data: usize; // lineBytes per entry
  clock: u32 = 0;
  lfsr: u32 = 0xACE1;
  // Statistics, as a user would read them from PMU counters.
  hits: u64 = 0;
  misses: u64 = 0;
  writebacks: u64 = 0;
  evictions: u64 = 0;
  /** Line number evicted by the last `victim` call (INVALID if the way was empty). */
  victimLine: u64 = INVALID;
  victimDirty: bool = false;

  constructor(sizeBytes: u32, ways: u32, lineBytes: u32, replacement: i32) {
    this.ways = ways;
    this.lineBytes = lineBytes;
    this.lineShift = <u32>ctz(lineBytes);
    this.sets = sizeBytes / (ways * lineBytes);
    this.setMask = this.sets - 1;
    this.replacement = replacement;
    const n = <usize>(this.sets * ways);
    this.tags = heap.alloc(n * 8);
    this.dirty = heap.alloc(n);
    this.stamps = heap.alloc(n * 4);
    this.data = heap.alloc(n * <usize>lineBytes);
    this.reset();
  }

  reset(): void {
    const n = <usize>(this.sets * this.ways);
    memory.fill(this.tags, 0xFF, n * 8);
    memory.fill(this.dirty, 0, n);
    memory.fill(this.stamps, 0, n * 4);
    this.clock = 0;
    this.hits = 0;
    this.misses = 0;
    this.writebacks = 0;
    this.evictions = 0;
  }

  /** Entry index holding `line`, or -1. */
  @inline find(line: u64): i32 {
    const ways = this.ways;
    const base = (<u32>line & this.setMask) * ways;
    const t = this.tags + (<usize>base << 3);
    for (let w: u32 = 0; w < ways; w++) {
      if (load<u64>(t + (<usize>w << 3)) == line) return <i32>(base + w);
    }
    return -1;
  }

  @inline touch(e: i32): void {
    const c = this.clock + 1;
    this.clock = c;
    store<u32>(this.stamps + (<usize>e << 2), c);
  }

  @inline lineAt(e: i32): u64 {
    return load<u64>(this.tags + (<usize>e << 3));
  }

  @inline isDirty(e: i32): bool {
    return load<u8>(this.dirty + <usize>e) != 0;
  }

  @inline setDirty(e: i32, d: bool): void {
    store<u8>(this.dirty + <usize>e, d ? 1 : 0);
  }

  @inline dataAt(e: i32): usize {
    return this.data + (<usize>e << this.lineShift);
  }

  /** Chooses the way that will receive `line` and records what it held in victimLine/victimDirty.
   *  An empty way is preferred; the caller writes back a dirty victim before reusing the entry. */
  victim(line: u64): i32 {
    const ways = this.ways;
    const base = (<u32>line & this.setMask) * ways;
    const t = this.tags + (<usize>base << 3);
    let v: u32 = 0;
    let found = false;
    for (let w: u32 = 0; w < ways; w++) {
      if (load<u64>(t + (<usize>w << 3)) == INVALID) {
        v = w;
        found = true;
        break;
      }
    }
    if (!found) {
      if (this.replacement == REPL_LRU) {
        const s = this.stamps + (<usize>base << 2);
        let best = load<u32>(s);
        for (let w: u32 = 1; w < ways; w++) {
          const x = load<u32>(s + (<usize>w << 2));
          if (x < best) {
            best = x;
            v = w;
          }
        }
      } else {
        // 16-bit Fibonacci LFSR (taps 16,14,13,11): the "pseudo-random" replacement of the
        // A9 and PL310 is an LFSR too; the exact polynomial is not documented.
        let x = this.lfsr;
        const bit = ((x >> 0) ^ (x >> 2) ^ (x >> 3) ^ (x >> 5)) & 1;
        x = (x >> 1) | (bit << 15);
        this.lfsr = x;
        v = x % ways;
      }
    }
    const e = <i32>(base + v);
    const old = load<u64>(t + (<usize>v << 3));
    this.victimLine = old;
    this.victimDirty = old != INVALID && this.isDirty(e);
    if (old != INVALID) this.evictions++;
    return e;
  }

  @inline install(e: i32, line: u64, dirty: bool): void {
    store<u64>(this.tags + (<usize>e << 3), line);
    this.setDirty(e, dirty);
    this.touch(e);
  }

  @inline drop(e: i32): void {
    store<u64>(this.tags + (<usize>e << 3), INVALID);
    this.setDirty(e, false);
  }

  validLines(): u32 {
    const n = this.sets * this.ways;
    let c: u32 = 0;
    for (let i: u32 = 0; i < n; i++) if (load<u64>(this.tags + (<usize>i << 3)) != INVALID) c++;
    return c;
  }
}
