// One set-associative, write-back cache level whose lines hold real data. Tags are line numbers
// (physical address >> line shift); an invalid way holds INVALID so a lookup is one compare per way.
// Replacement: true LRU by access stamps, or the pseudo-random policy of Cortex-A9 L1 and PL310.
//
// A line filled from DRAM may be *deferred*: its bytes are DRAM's, not yet copied into the line
// (copying is the dearest part of a fill on the host: a random host memory access). The copy is
// made when the bytes are first needed, and before anything changes DRAM underneath
// (hierarchy.ts keeps that promise), so a deferred line behaves exactly like a copied one.

import { zeroBytes, hashIn4, compress8 } from "./hash-bytes";

/** Deferred lines in all cache levels: while 0, nothing needs to be copied before DRAM changes. */
export let deferredLines: i32 = 0;

const F_DIRTY: u8 = 1;
const F_DEFERRED: u8 = 2;

export const REPL_LRU: i32 = 0;
export const REPL_RANDOM: i32 = 1;

export const INVALID: u64 = u64.MAX_VALUE;

/** Where touchPair stores the stamp of a second touch that did not happen. */
const unusedStamp: usize = memory.data(8, 8);

/** Whether a way of the set whose hash and flag bytes start at hs and fl has the hash byte of
 *  `tagBits` and is dirty. Hashes and flags are one byte per way, side by side, so for the usual
 *  way counts this is a few wide loads with no loop and no branch per way (V8 puts a stack check
 *  in every loop iteration). */
@inline function dirtyCandidate(hs: usize, fl: usize, ways: u32, tagBits: u64): bool {
  const want = (tagBits & 0xFF) * 0x0101010101010101;
  // A byte's top bit: its hash matches (the zero-byte test of zeroBytes) and it is dirty
  // (F_DIRTY is bit 0).
  if (ways == 4) {
    const x = load<u32>(hs) ^ <u32>want;
    return ((x - 0x01010101) & ~x & (load<u32>(fl) << 7) & 0x80808080) != 0;
  }
  if (ways == 8 || ways == 16) {
    const x0 = load<u64>(hs) ^ want;
    let m = (x0 - 0x0101010101010101) & ~x0 & (load<u64>(fl) << 7);
    if (ways == 16) {
      const x1 = load<u64>(hs, 8) ^ want;
      m |= (x1 - 0x0101010101010101) & ~x1 & (load<u64>(fl, 8) << 7);
    }
    return (m & 0x8080808080808080) != 0;
  }
  for (let w: u32 = 0; w < ways; w++) {
    if (load<u8>(hs + <usize>w) == <u8>want && (load<u8>(fl + <usize>w) & F_DIRTY) != 0) return true;
  }
  return false;
}

export class Cache {
  sets: u32;
  ways: u32;
  lineShift: u32;
  lineBytes: u32;
  setMask: u32;
  setBits: u32;
  replacement: i32;
  tags: usize; // u64 per entry
  hashes: usize; // u8 per entry: low bits of the tag, to find a candidate way without a scan
  flags: usize; // u8 per entry: F_DIRTY | F_DEFERRED
  stamps: usize; // u64 per entry (LRU): the clock when the line was last touched, 0 if invalid
  ready: usize; // i64 per entry: when a prefetched line's data arrives (0 for demand fills)
  data: usize; // lineBytes per entry
  /** Touches so far: 64 bits never wrap, so the LRU order is never lost. */
  clock: u64 = 0;
  lfsr: u32 = 0xACE1;
  // Statistics, as a user would read them from PMU counters.
  hits: u64 = 0;
  misses: u64 = 0;
  writebacks: u64 = 0;
  evictions: u64 = 0;
  prefetches: u64 = 0;
  /** Line number evicted by the last `victim` call (INVALID if the way was empty). */
  victimLine: u64 = INVALID;
  victimDirty: bool = false;
  victimDeferred: bool = false;
  /** Deferred lines in this level (of deferredLines): while 0, a write to DRAM need not look here. */
  deferredHere: i32 = 0;

  constructor(sizeBytes: u32, ways: u32, lineBytes: u32, replacement: i32) {
    this.ways = ways;
    this.lineBytes = lineBytes;
    this.lineShift = <u32>ctz(lineBytes);
    this.sets = sizeBytes / (ways * lineBytes);
    this.setMask = this.sets - 1;
    this.setBits = <u32>ctz(this.sets);
    this.replacement = replacement;
    const n = <usize>(this.sets * ways);
    // One tag more than the entries, always invalid: the walker memo's forgotten slots name it.
    this.tags = heap.alloc((n + 1) * 8);
    this.hashes = heap.alloc(n);
    this.flags = heap.alloc(n);
    memory.fill(this.flags, 0, n);
    this.stamps = heap.alloc(n * 8);
    this.ready = heap.alloc(n * 8);
    this.data = heap.alloc(n * <usize>lineBytes);
    this.reset();
  }

  /** Every line invalid, counters and replacement state back to their reset values. */
  reset(): void {
    const n = <usize>(this.sets * this.ways);
    memory.fill(this.tags, 0xFF, (n + 1) * 8);
    deferredLines -= this.deferredHere;
    this.deferredHere = 0;
    memory.fill(this.flags, 0, n);
    memory.fill(this.stamps, 0, n * 8);
    memory.fill(this.ready, 0, n * 8);
    this.clock = 0;
    this.lfsr = 0xACE1;
    this.hits = 0;
    this.misses = 0;
    this.writebacks = 0;
    this.evictions = 0;
    this.prefetches = 0;
  }

  /** Entry index holding `line`, or -1. With four ways or a multiple of four, the set's tag
   *  hash bytes are compared several at a time (SWAR: a zero byte of hashes ^ broadcast(h) marks
   *  a candidate) and only candidates' tags are read; a set's scan is then mostly one load. The
   *  candidates of the whole set are gathered before any tag is read, so which way holds the
   *  line does not steer a branch (random ways would defeat the host's branch prediction). */
  @inline find(line: u64): i32 {
    const ways = this.ways;
    const base = (<u32>line & this.setMask) * ways;
    const t = this.tags + (<usize>base << 3);
    const hs = this.hashes + <usize>base;
    const h = <u32>(line >> this.setBits) & 0xFF;
    if (ways == 16) {
      // The first candidate is nearly always the line: its way is picked without a branch, and
      // only a false candidate sends the search on through the others.
      const want = <u64>h * 0x0101010101010101;
      const m0 = zeroBytes(load<u64>(hs) ^ want);
      const m1 = zeroBytes(load<u64>(hs, 8) ^ want);
      if ((m0 | m1) == 0) return -1;
      const way = <u32>select<u64>(ctz(m0) >> 3, 8 + (ctz(m1) >> 3), m0 != 0);
      if (load<u64>(t + (<usize>way << 3)) == line) return <i32>(base + way);
      // The other candidates (a dropped line leaves its hash byte behind).
      let m = (compress8(m0) | (compress8(m1) << 8)) & ~(<u32>1 << way);
      while (m != 0) {
        const w = ctz(m);
        if (load<u64>(t + (<usize>w << 3)) == line) return <i32>(base + w);
        m &= m - 1;
      }
      return -1;
    }
    if ((ways & 7) == 0 && ways <= 32) {
      const want = <u64>h * 0x0101010101010101;
      let m: u32 = 0;
      for (let w: u32 = 0; w < ways; w += 8) m |= compress8(zeroBytes(load<u64>(hs + <usize>w) ^ want)) << w;
      while (m != 0) {
        const way = ctz(m);
        if (load<u64>(t + (<usize>way << 3)) == line) return <i32>(base + way);
        m &= m - 1;
      }
      return -1;
    }
    if ((ways & 3) == 0) {
      const want = h * 0x01010101;
      for (let w: u32 = 0; w < ways; w += 4) {
        const x = load<u32>(hs + <usize>w) ^ want;
        let m = (x - 0x01010101) & ~x & 0x80808080;
        while (m != 0) {
          const way = w + (ctz(m) >> 3);
          if (load<u64>(t + (<usize>way << 3)) == line) return <i32>(base + way);
          m &= m - 1;
        }
      }
      return -1;
    }
    for (let w: u32 = 0; w < ways; w++) {
      if (load<u64>(t + (<usize>w << 3)) == line) return <i32>(base + w);
    }
    return -1;
  }

  /** False when `line` is certainly not here: no way of its set has its hash byte (find would
   *  compare no tag). Only answered for way counts that are a multiple of four; others say true. */
  @inline mayHold(line: u64): bool {
    const ways = this.ways;
    const hs = this.hashes + <usize>((<u32>line & this.setMask) * ways);
    const h = <u32>(line >> this.setBits) & 0xFF;
    if (ways == 4) return hashIn4(hs, h); // the usual L1: one load, no loop
    if ((ways & 3) != 0) return true;
    const want = h * 0x01010101;
    let m: u32 = 0;
    for (let w: u32 = 0; w < ways; w += 4) {
      const x = load<u32>(hs + <usize>w) ^ want;
      m |= (x - 0x01010101) & ~x;
    }
    return (m & 0x80808080) != 0;
  }

  /** False when `line` is certainly not dirty here: no dirty way of its set has its hash byte
   *  (dirtyCandidate), where find would compare tags. A clean by VA over lines that are absent
   *  or clean, the usual DMA map, skips the search. */
  @inline mayHoldDirty(line: u64): bool {
    const base = <usize>((<u32>line & this.setMask) * this.ways);
    return dirtyCandidate(this.hashes + base, this.flags + base, this.ways, line >> this.setBits);
  }

  /** How many of the `count` lines from `first`, counted from the first, are certainly not
   *  dirty here (mayHoldDirty false): a clean by VA passes over them. One call per run reads
   *  the cache's fields once, not once per line. */
  cleanRun(first: u64, count: u32): u32 {
    const ways = this.ways;
    const setMask = this.setMask;
    const setBits = this.setBits;
    const hashes = this.hashes;
    const flags = this.flags;
    for (let i: u32 = 0; i < count; i++) {
      const line = first + <u64>i;
      const base = <usize>((<u32>line & setMask) * ways);
      if (dirtyCandidate(hashes + base, flags + base, ways, line >> setBits)) return i;
    }
    return count;
  }

  @inline touch(e: i32): void {
    const c = this.clock + 1;
    this.clock = c;
    store<u64>(this.stamps + (<usize>e << 3), c);
  }

  /** touch(e1), then touch(e2) if `second`, with no branch on `second` (for the table
   *  walker's two reads in one run: snoop.ts walkerServed). */
  @inline touchPair(e1: i32, e2: i32, second: bool): void {
    const c = this.clock + 1;
    this.clock = c + <u64>second;
    const stamps = this.stamps;
    store<u64>(stamps + (<usize>e1 << 3), c);
    store<u64>(select<usize>(stamps + (<usize>e2 << 3), unusedStamp, second), c + 1);
  }

  @inline lineAt(e: i32): u64 {
    return load<u64>(this.tags + (<usize>e << 3));
  }

  @inline isDirty(e: i32): bool {
    return (load<u8>(this.flags + <usize>e) & F_DIRTY) != 0;
  }

  @inline setDirty(e: i32, d: bool): void {
    const p = this.flags + <usize>e;
    store<u8>(p, (load<u8>(p) & ~F_DIRTY) | (d ? F_DIRTY : 0));
  }

  @inline isDeferred(e: i32): bool {
    return (load<u8>(this.flags + <usize>e) & F_DEFERRED) != 0;
  }

  /** The line's bytes are now in its data (or no longer matter). */
  @inline clearDeferred(e: i32): void {
    const p = this.flags + <usize>e;
    const f = load<u8>(p);
    if (f & F_DEFERRED) {
      store<u8>(p, f & ~F_DEFERRED);
      deferredLines--;
      this.deferredHere--;
    }
  }

  /** The line's bytes are DRAM's from now on (a fill, or a deferred line written over it). */
  @inline setDeferred(e: i32): void {
    const p = this.flags + <usize>e;
    const f = load<u8>(p);
    if ((f & F_DEFERRED) == 0) {
      store<u8>(p, f | F_DEFERRED);
      deferredLines++;
      this.deferredHere++;
    }
  }

  @inline readyAt(e: i32): i64 {
    return load<i64>(this.ready + (<usize>e << 3));
  }

  @inline setReady(e: i32, t: i64): void {
    store<i64>(this.ready + (<usize>e << 3), t);
  }

  @inline dataAt(e: i32): usize {
    return this.data + (<usize>e << this.lineShift);
  }

  /** Chooses the way that will receive `line` and records what it held in victimLine /
   *  victimDirty / victimDeferred. An empty way is preferred (the first one); under LRU the
   *  least recently used. The caller writes back a dirty victim before reusing the entry. */
  victim(line: u64): i32 {
    const ways = this.ways;
    const base = (<u32>line & this.setMask) * ways;
    const t = this.tags + (<usize>base << 3);
    let v: u32 = 0;
    if (this.replacement == REPL_LRU) {
      // Invalid ways have stamp 0 and valid ones a later stamp, so the first least stamp is the
      // first empty way, else the least recently used one. Branch-free: the stamps are random.
      const s = this.stamps + (<usize>base << 3);
      let best = load<u64>(s);
      for (let w: u32 = 1; w < ways; w++) {
        const x = load<u64>(s + (<usize>w << 3));
        const less = x < best;
        v = select<u32>(w, v, less);
        best = select<u64>(x, best, less);
      }
    } else {
      let found = false;
      for (let w: u32 = 0; w < ways; w++) {
        if (load<u64>(t + (<usize>w << 3)) == INVALID) {
          v = w;
          found = true;
          break;
        }
      }
      if (!found) {
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
    const f = load<u8>(this.flags + <usize>e);
    this.victimDirty = (f & F_DIRTY) != 0;
    this.victimDeferred = (f & F_DEFERRED) != 0;
    if (old != INVALID) this.evictions++;
    return e;
  }

  /** `line` takes entry e: its bytes are DRAM's (deferred) or the caller writes them. */
  @inline install(e: i32, line: u64, dirty: bool, deferred: bool): void {
    store<u64>(this.tags + (<usize>e << 3), line);
    store<u8>(this.hashes + <usize>e, <u8>(line >> this.setBits));
    const p = this.flags + <usize>e;
    const was = load<u8>(p) & F_DEFERRED;
    store<u8>(p, (dirty ? F_DIRTY : 0) | (deferred ? F_DEFERRED : 0));
    if (deferred) {
      if (!was) {
        deferredLines++;
        this.deferredHere++;
      }
    } else if (was) {
      deferredLines--;
      this.deferredHere--;
    }
    this.setReady(e, 0);
    this.touch(e);
  }

  @inline drop(e: i32): void {
    store<u64>(this.tags + (<usize>e << 3), INVALID);
    store<u64>(this.stamps + (<usize>e << 3), 0);
    this.clearDeferred(e);
    this.setDirty(e, false);
  }

  validLines(): u32 {
    const n = this.sets * this.ways;
    let c: u32 = 0;
    for (let i: u32 = 0; i < n; i++) if (load<u64>(this.tags + (<usize>i << 3)) != INVALID) c++;
    return c;
  }
}
