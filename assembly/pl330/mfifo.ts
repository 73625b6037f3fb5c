// The MFIFO: one data buffer of data_buffer_dep lines × AXI width shared by all channels, each
// channel seeing its own FIFO (spec pl330 §9; the per-channel view is channel-fifo.ts). The
// shared capacity is accounted in bytes. Space is reserved when a DMALD issues and given back
// when the write beats of the DMAST that drains it have left, which is a known future time:
// those releases are queued so a load that finds the buffer full can wait for the first one.

import { NEVER } from "../time";
import * as T from "../trace";
import { N_MFIFO } from "../trace-names";

const RELEASE_SLOTS: i32 = 256;

/** The shared buffer's capacity accounting. */
export class Mfifo {
  capacity: u32;
  reserved: u32 = 0; // bytes held by loads and not yet released by drained stores
  relTime: StaticArray<i64> = new StaticArray<i64>(RELEASE_SLOTS);
  relBytes: StaticArray<u32> = new StaticArray<u32>(RELEASE_SLOTS);
  relHead: i32 = 0;
  relCount: i32 = 0;
  peak: u32 = 0;
  /** Trace track of the occupancy counter: reservations count when made, releases when due. */
  traceTrack: u32 = T.TRACK_DMAC + T.DMAC_MFIFO;

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
    this.take(t, n);
    return 0;
  }

  /** Takes n bytes at t (the caller checked that they fit). */
  @inline take(t: i64, n: u32): void {
    this.reserved += n;
    if (this.reserved > this.peak) this.peak = this.reserved;
    T.delta(this.traceTrack, N_MFIFO, t, <f64>n);
  }

  /** When the oldest queued release is due (relCount > 0). */
  @inline nextRelease(): i64 {
    return unchecked(this.relTime[this.relHead]);
  }

  /** Applies the oldest queued release (its time has come). */
  @inline applyNextRelease(): void {
    this.reserved -= unchecked(this.relBytes[this.relHead]);
    this.relHead = (this.relHead + 1) & (RELEASE_SLOTS - 1);
    this.relCount--;
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
   *  applied lazily, when a reservation would not fit without them. Write beats leave in order,
   *  so a release is never earlier than the one before it. */
  @inline release(t: i64, n: u32): void {
    T.delta(this.traceTrack, N_MFIFO, t, -(<f64>n));
    const c = this.relCount;
    if (c == 0 || c == RELEASE_SLOTS) {
      this.releaseSlow(t, n);
      return;
    }
    const last = (this.relHead + c - 1) & (RELEASE_SLOTS - 1);
    if (unchecked(this.relTime[last]) >= t) {
      unchecked((this.relBytes[last] += n));
      return;
    }
    const i = (last + 1) & (RELEASE_SLOTS - 1);
    unchecked((this.relTime[i] = t));
    unchecked((this.relBytes[i] = n));
    this.relCount = c + 1;
  }

  private releaseSlow(t: i64, n: u32): void {
    if (n == 0) return;
    if (this.relCount == RELEASE_SLOTS) {
      // Full of future releases: fold the oldest into the present (far beyond any write queue).
      this.reserved -= unchecked(this.relBytes[this.relHead]);
      this.relHead = (this.relHead + 1) & (RELEASE_SLOTS - 1);
      this.relCount--;
    }
    const i = (this.relHead + this.relCount) & (RELEASE_SLOTS - 1);
    unchecked((this.relTime[i] = t));
    unchecked((this.relBytes[i] = n));
    this.relCount++;
  }

  /** Immediate release (DMAKILL/DMAEND discarding a channel's leftover data). */
  releaseNow(t: i64, n: u32): void {
    const k = min<u32>(n, this.reserved);
    this.reserved -= k;
    T.delta(this.traceTrack, N_MFIFO, t, -(<f64>k));
  }
}
