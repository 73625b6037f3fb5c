// A channel's view of the MFIFO (spec pl330 §9): the bytes its loads brought in, in order, each
// run with the time it arrived (so a store knows when its data is there).
//
// Bytes a DMALD read from RAM are not copied in at once: the run remembers where they are, and
// the DMAST that takes exactly that run copies them straight from source to destination, so a
// memory-to-memory burst costs one copy instead of two. Such deferred runs are only ever at the
// end of the FIFO, and the DMAC copies them in (materialize) before anything could change their
// source: a store that overlaps a deferred source, the end of every engine run (the CPU may
// write next), or a load that has to be copied in behind them.

const SEGMENTS: u32 = 256;

/** Copies n bytes; word-sized copies (1-beat bursts) avoid the cost of a memory.copy call. */
@inline export function copyBytes(dst: usize, src: usize, n: u32): void {
  if (n == 8) store<u64>(dst, load<u64>(src));
  else if (n == 4) store<u32>(dst, load<u32>(src));
  else if (n == 128) copy128(dst, src);
  else memory.copy(dst, src, n);
}

/** A 16 × 8 B burst (what Linux's memcpy moves), without the cost of a memory.copy call. */
function copy128(dst: usize, src: usize): void {
  for (let i: usize = 0; i < 128; i += 32) {
    const a = load<u64>(src + i);
    const b = load<u64>(src + i + 8);
    const c = load<u64>(src + i + 16);
    const e = load<u64>(src + i + 24);
    store<u64>(dst + i, a);
    store<u64>(dst + i + 8, b);
    store<u64>(dst + i + 16, c);
    store<u64>(dst + i + 24, e);
  }
}

export class ChannelFifo {
  buf: usize;
  mask: u32;
  /** Bytes in the FIFO (copied in or deferred). */
  count: u32 = 0;
  // The ring holds the copied-in bytes.
  head: u32 = 0;
  ringCount: u32 = 0;
  // Runs in order: length, arrival time, and the host address of deferred bytes (0 = in the
  // ring). `headUsed` bytes of the first run are already gone.
  segLen: StaticArray<u32> = new StaticArray<u32>(SEGMENTS);
  segAt: StaticArray<i64> = new StaticArray<i64>(SEGMENTS);
  segSrc: StaticArray<usize> = new StaticArray<usize>(SEGMENTS);
  segHead: u32 = 0;
  segCount: u32 = 0;
  headUsed: u32 = 0;
  /** Deferred runs (all at the end). */
  deferred: u32 = 0;

  constructor(capacity: u32) {
    let cap: u32 = 16;
    while (cap < capacity) cap <<= 1;
    this.mask = cap - 1;
    this.buf = heap.alloc(<usize>cap);
  }

  /** Appends a run of n bytes at host address src, arrived at `at`, copying it in. */
  push(src: usize, n: u32, at: i64): void {
    if (this.deferred != 0) this.materialize();
    this.ringPut(src, n);
    this.append(n, at, 0);
  }

  /** Appends a run of n bytes still at host address src (RAM), arrived at `at`. */
  @inline pushDeferred(src: usize, n: u32, at: i64): void {
    if (this.segCount == SEGMENTS) this.materialize();
    this.append(n, at, src);
    this.deferred++;
  }

  /** Copies the deferred runs into the ring (their sources are about to change). */
  materialize(): void {
    let i = (this.segHead + this.segCount - this.deferred) & (SEGMENTS - 1);
    for (let k: u32 = 0; k < this.deferred; k++) {
      const src = unchecked(this.segSrc[i]);
      const used = i == this.segHead ? this.headUsed : 0;
      this.ringPut(src + used, unchecked(this.segLen[i]) - used);
      unchecked((this.segSrc[i] = 0));
      i = (i + 1) & (SEGMENTS - 1);
    }
    this.deferred = 0;
  }

  private ringPut(src: usize, n: u32): void {
    const mask = this.mask;
    const tail = (this.head + this.ringCount) & mask;
    if (tail + n <= mask + 1) copyBytes(this.buf + tail, src, n);
    else {
      const first = mask + 1 - tail;
      memory.copy(this.buf + tail, src, first);
      memory.copy(this.buf, src + first, n - first);
    }
    this.ringCount += n;
  }

  private ringGet(dst: usize, n: u32): void {
    const mask = this.mask;
    const head = this.head;
    if (head + n <= mask + 1) copyBytes(dst, this.buf + head, n);
    else {
      const first = mask + 1 - head;
      memory.copy(dst, this.buf + head, first);
      memory.copy(dst + first, this.buf, n - first);
    }
    this.head = (head + n) & mask;
    this.ringCount -= n;
  }

  @inline private append(n: u32, at: i64, src: usize): void {
    let c = this.segCount;
    if (c == SEGMENTS) {
      // Full of copied-in runs: merge the two oldest; the merged one keeps the later time.
      const a = this.segHead;
      const b = (a + 1) & (SEGMENTS - 1);
      unchecked((this.segLen[b] += this.segLen[a]));
      if (unchecked(this.segAt[a]) > unchecked(this.segAt[b])) unchecked((this.segAt[b] = this.segAt[a]));
      this.segHead = b;
      c--;
    }
    const i = (this.segHead + c) & (SEGMENTS - 1);
    unchecked((this.segLen[i] = n));
    unchecked((this.segAt[i] = at));
    unchecked((this.segSrc[i] = src));
    this.segCount = c + 1;
    this.count += n;
  }

  /** Removes the n oldest bytes into dst; returns when the last of them arrived. */
  @inline pop(dst: usize, n: u32): i64 {
    const h = this.segHead;
    if (this.headUsed == 0 && this.segCount != 0 && unchecked(this.segLen[h]) == n) {
      // A store that takes exactly the oldest run (every memory-to-memory burst).
      const src = unchecked(this.segSrc[h]);
      if (src != 0) {
        copyBytes(dst, src, n);
        this.deferred--;
      } else this.ringGet(dst, n);
      const at = unchecked(this.segAt[h]);
      this.segHead = (h + 1) & (SEGMENTS - 1);
      this.segCount--;
      this.count -= n;
      return at;
    }
    return this.popAny(dst, n);
  }

  private popAny(dst: usize, n: u32): i64 {
    if (this.deferred != 0) this.materialize();
    this.ringGet(dst, n);
    return this.consume(n);
  }

  /** Drops the n oldest bytes; returns when the last of them arrived. */
  discard(n: u32): i64 {
    if (this.deferred != 0) this.materialize();
    this.head = (this.head + n) & this.mask;
    this.ringCount -= n;
    return this.consume(n);
  }

  private consume(n: u32): i64 {
    this.count -= n;
    let left = n + this.headUsed;
    let h = this.segHead;
    let c = this.segCount;
    let at: i64 = 0;
    while (c > 0) {
      const len = unchecked(this.segLen[h]);
      at = unchecked(this.segAt[h]);
      if (left < len) break;
      left -= len;
      h = (h + 1) & (SEGMENTS - 1);
      c--;
      if (left == 0) break;
    }
    this.segHead = h;
    this.segCount = c;
    this.headUsed = left;
    return at;
  }

  clear(): void {
    this.count = 0;
    this.head = 0;
    this.ringCount = 0;
    this.segHead = 0;
    this.segCount = 0;
    this.headUsed = 0;
    this.deferred = 0;
  }
}
