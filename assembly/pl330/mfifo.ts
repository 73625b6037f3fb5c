// The MFIFO: one data buffer of data_buffer_dep lines × AXI width shared by all channels, each
// channel seeing its own FIFO (spec pl330 §9). Functionally each channel has a byte ring that
// also remembers when its bytes arrived (so a store knows when its data is there); the shared
// capacity is accounted in bytes. Space is reserved when a DMALD issues and given back when the
// write beats of the DMAST that drains it have left, which is a known future time: those
// releases are queued so a load that finds the buffer full can wait for the first one.

import { NEVER } from "../time";

const RELEASE_SLOTS: i32 = 256;
const ARRIVALS: u32 = 256;

/** Copies n bytes; word-sized copies (1-beat bursts) avoid the cost of a memory.copy call. */
@inline function copyBytes(dst: usize, src: usize, n: u32): void {
  if (n == 8) store<u64>(dst, load<u64>(src));
  else if (n == 4) store<u32>(dst, load<u32>(src));
  else memory.copy(dst, src, n);
}

/** A channel's view of the MFIFO: its bytes in order, with their arrival times. */
export class ChannelFifo {
  buf: usize;
  mask: u32;
  head: u32 = 0;
  count: u32 = 0;
  // Arrival record i: bytes up to arrEnd[i] (a wrapping count of bytes pushed) are in the
  // MFIFO from arrAt[i].
  arrEnd: StaticArray<u32> = new StaticArray<u32>(ARRIVALS);
  arrAt: StaticArray<i64> = new StaticArray<i64>(ARRIVALS);
  arrHead: u32 = 0;
  arrCount: u32 = 0;
  pushed: u32 = 0;
  popped: u32 = 0;

  constructor(capacity: u32) {
    let cap: u32 = 16;
    while (cap < capacity) cap <<= 1;
    this.mask = cap - 1;
    this.buf = heap.alloc(<usize>cap);
  }

  @inline get capacity(): u32 {
    return this.mask + 1;
  }

  /** Appends n bytes that are in the MFIFO from time `at`. */
  push(src: usize, n: u32, at: i64): void {
    const mask = this.mask;
    const tail = (this.head + this.count) & mask;
    if (tail + n <= mask + 1) copyBytes(this.buf + tail, src, n);
    else {
      const first = mask + 1 - tail;
      memory.copy(this.buf + tail, src, first);
      memory.copy(this.buf, src + first, n - first);
    }
    this.count += n;
    this.arrive(n, at);
  }

  /** Appends n zero bytes. */
  pushZeros(n: u32, at: i64): void {
    const tail = (this.head + this.count) & this.mask;
    const first = min<u32>(n, this.mask + 1 - tail);
    memory.fill(this.buf + tail, 0, first);
    if (first < n) memory.fill(this.buf, 0, n - first);
    this.count += n;
    this.arrive(n, at);
  }

  @inline private arrive(n: u32, at: i64): void {
    const pushed = this.pushed + n;
    this.pushed = pushed;
    let c = this.arrCount;
    if (c == ARRIVALS) {
      // Full: merge the two oldest records; the merged one keeps the later time.
      const a = this.arrHead;
      const b = (a + 1) & (ARRIVALS - 1);
      if (unchecked(this.arrAt[a]) > unchecked(this.arrAt[b])) unchecked((this.arrAt[b] = this.arrAt[a]));
      this.arrHead = b;
      c--;
    }
    const i = (this.arrHead + c) & (ARRIVALS - 1);
    unchecked((this.arrEnd[i] = pushed));
    unchecked((this.arrAt[i] = at));
    this.arrCount = c + 1;
  }

  /** Removes the n oldest bytes into dst; returns when the last of them arrived. */
  pop(dst: usize, n: u32): i64 {
    const mask = this.mask;
    const head = this.head;
    if (head + n <= mask + 1) copyBytes(dst, this.buf + head, n);
    else {
      const first = mask + 1 - head;
      memory.copy(dst, this.buf + head, first);
      memory.copy(dst + first, this.buf, n - first);
    }
    this.head = (head + n) & mask;
    this.count -= n;
    return this.consume(n);
  }

  /** Drops the n oldest bytes; returns when the last of them arrived. */
  discard(n: u32): i64 {
    this.head = (this.head + n) & this.mask;
    this.count -= n;
    return this.consume(n);
  }

  @inline private consume(n: u32): i64 {
    const upto = this.popped + n;
    this.popped = upto;
    let h = this.arrHead;
    let c = this.arrCount;
    let at: i64 = 0;
    while (c > 0) {
      at = unchecked(this.arrAt[h]);
      if (<i32>(unchecked(this.arrEnd[h]) - upto) > 0) break;
      h = (h + 1) & (ARRIVALS - 1);
      c--;
    }
    this.arrHead = h;
    this.arrCount = c;
    return at;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.arrHead = 0;
    this.arrCount = 0;
    this.pushed = 0;
    this.popped = 0;
  }
}

/** The shared buffer's capacity accounting. */
export class Mfifo {
  capacity: u32;
  reserved: u32 = 0; // bytes held by loads and not yet released by drained stores
  relTime: StaticArray<i64> = new StaticArray<i64>(RELEASE_SLOTS);
  relBytes: StaticArray<u32> = new StaticArray<u32>(RELEASE_SLOTS);
  relHead: i32 = 0;
  relCount: i32 = 0;
  peak: u32 = 0;

  constructor(capacity: u32) {
    this.capacity = capacity;
  }

  reset(): void {
    this.reserved = 0;
    this.relHead = 0;
    this.relCount = 0;
  }

  /** Reserves n bytes at time t if they fit and returns 0; otherwise returns the time of the
   *  next queued release (NEVER if none: the buffer will not drain by itself). */
  @inline reserve(t: i64, n: u32): i64 {
    if (this.reserved + n > this.capacity) {
      const w = this.whenFits(t, n);
      if (w != 0) return w;
    }
    this.reserved += n;
    if (this.reserved > this.peak) this.peak = this.reserved;
    return 0;
  }

  /** 0 if n bytes fit at time t (applying the releases due by then), else when the next
   *  release is due (NEVER if none is queued). Reserves nothing. */
  whenFits(t: i64, n: u32): i64 {
    while (this.relCount > 0 && unchecked(this.relTime[this.relHead]) <= t) {
      this.reserved -= unchecked(this.relBytes[this.relHead]);
      this.relHead = (this.relHead + 1) & (RELEASE_SLOTS - 1);
      this.relCount--;
    }
    if (this.reserved + n <= this.capacity) return 0;
    return this.relCount > 0 ? unchecked(this.relTime[this.relHead]) : NEVER;
  }

  /** Gives n bytes back at time t (when the write beats carrying them have left). Releases are
   *  applied lazily, when a reservation would not fit without them. */
  release(t: i64, n: u32): void {
    if (n == 0) return;
    if (this.relCount == RELEASE_SLOTS) {
      // Full of future releases: fold the oldest into the present (far beyond any write queue).
      this.reserved -= unchecked(this.relBytes[this.relHead]);
      this.relHead = (this.relHead + 1) & (RELEASE_SLOTS - 1);
      this.relCount--;
    }
    const last = (this.relHead + this.relCount - 1) & (RELEASE_SLOTS - 1);
    if (this.relCount > 0 && unchecked(this.relTime[last]) >= t) {
      // Write beats leave in order, so a release is never earlier than the previous one;
      // merging keeps the queue short when stores are issued faster than they drain.
      unchecked((this.relBytes[last] += n));
      return;
    }
    const i = (this.relHead + this.relCount) & (RELEASE_SLOTS - 1);
    unchecked((this.relTime[i] = t));
    unchecked((this.relBytes[i] = n));
    this.relCount++;
  }

  /** Immediate release (DMAKILL/DMAEND discarding a channel's leftover data). */
  releaseNow(n: u32): void {
    this.reserved -= min<u32>(n, this.reserved);
  }
}
