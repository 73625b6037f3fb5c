// The MFIFO: one data buffer of data_buffer_dep lines × AXI width shared by all channels, each
// channel seeing its own FIFO (spec pl330 §9). Functionally each channel has a byte ring; the
// shared capacity is accounted in bytes. Space is reserved when a DMALD issues and given back
// when the DMAST that drains it has sent its write beats, which happens at a known future time:
// those releases are queued so a load that finds the buffer full can wait for the first one.

import { NEVER } from "../time";

const RELEASE_SLOTS: i32 = 256;

export class ChannelFifo {
  buf: usize;
  cap: u32;
  head: u32 = 0;
  count: u32 = 0;

  constructor(cap: u32) {
    this.cap = cap;
    this.buf = heap.alloc(<usize>cap);
  }

  push(src: usize, n: u32): void {
    const tail = (this.head + this.count) % this.cap;
    const first = min<u32>(n, this.cap - tail);
    memory.copy(this.buf + tail, src, first);
    if (first < n) memory.copy(this.buf, src + first, n - first);
    this.count += n;
  }

  /** Pushes n copies of nothing: used where the model needs bytes it cannot read (bus error). */
  pushZeros(n: u32): void {
    const tail = (this.head + this.count) % this.cap;
    const first = min<u32>(n, this.cap - tail);
    memory.fill(this.buf + tail, 0, first);
    if (first < n) memory.fill(this.buf, 0, n - first);
    this.count += n;
  }

  pop(dst: usize, n: u32): void {
    const first = min<u32>(n, this.cap - this.head);
    memory.copy(dst, this.buf + this.head, first);
    if (first < n) memory.copy(dst + first, this.buf, n - first);
    this.head = (this.head + n) % this.cap;
    this.count -= n;
  }

  /** Drops the n oldest bytes. */
  discard(n: u32): void {
    this.head = (this.head + n) % this.cap;
    this.count -= n;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

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

  /** Applies every release due at or before t. */
  @inline settle(t: i64): void {
    while (this.relCount > 0 && unchecked(this.relTime[this.relHead]) <= t) {
      this.reserved -= unchecked(this.relBytes[this.relHead]);
      this.relHead = (this.relHead + 1) & (RELEASE_SLOTS - 1);
      this.relCount--;
    }
  }

  /** Reserves n bytes at time t if they fit; otherwise returns the time of the next release
   *  (NEVER if none is pending: the buffer will not drain by itself). Returns 0 on success. */
  reserve(t: i64, n: u32): i64 {
    this.settle(t);
    if (this.reserved + n <= this.capacity) {
      this.reserved += n;
      if (this.reserved > this.peak) this.peak = this.reserved;
      return 0;
    }
    return this.relCount > 0 ? unchecked(this.relTime[this.relHead]) : NEVER;
  }

  /** Gives n bytes back at time t (when the write beats carrying them have left). */
  release(t: i64, n: u32): void {
    if (n == 0) return;
    if (this.relCount == RELEASE_SLOTS) {
      // The queue is full of future releases: fold the oldest into the present. Only reachable
      // with hundreds of stores in flight, far beyond any write-queue depth.
      this.reserved -= unchecked(this.relBytes[this.relHead]);
      this.relHead = (this.relHead + 1) & (RELEASE_SLOTS - 1);
      this.relCount--;
    }
    // Releases arrive in write-channel order, which is time order.
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
