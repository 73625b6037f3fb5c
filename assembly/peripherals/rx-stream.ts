// An ADC-like receive stream: one sample of `sampleBytes` bytes every `periodPs` into an RX
// FIFO of `depth` samples; a sample that finds the FIFO full is lost (an overrun). Sample k
// (counted from 0) holds the value k, little-endian, truncated to the sample width, so a reader
// can tell exactly which samples it got. It requests DMA service when `burstBytes` bytes are
// waiting (a burst request; single requests when burstBytes is one sample). With a finite
// `total`, the request that will empty the stream carries drlast, and a tail shorter than a
// burst is requested as singles.
//
// Registers (32-bit):
//   0x00 DR        R: pop one sample (zero-extended) (the DMA data register: bursts pop bytes)
//   0x04 SR        R: [0] FIFO empty, [1] FIFO full, [31:16] FIFO level in bytes
//   0x08 CR        RW: [0] sampling enable (enabling restarts the sample clock), [1] DMA
//                  request enable (reset 0x3: sampling from time 0)
//   0x0C COUNT     R: samples produced (low 32 bits)
//   0x10 OVERRUN   R: samples lost to a full FIFO
//   0x14 UNDERRUN  R: DMA reads that found too few bytes (the missing bytes read as zero);
//                  the backdoor also counts the bytes so read (a debugger's view, no register)

import { NEVER, max64 } from "../time";
import { DmaPeripheral, KIND_RX_STREAM } from "./peripheral";

export const RX_DR: u32 = 0x00;
export const RX_SR: u32 = 0x04;
export const RX_CR: u32 = 0x08;
export const RX_COUNT: u32 = 0x0c;
export const RX_OVERRUN: u32 = 0x10;
export const RX_UNDERRUN: u32 = 0x14;

export class RxStream extends DmaPeripheral {
  periodPs: i64;
  sampleBytes: u32;
  capacity: u32; // FIFO bytes
  burstBytes: u32;
  total: u64; // samples in the stream, 0 = endless
  startAt: i64 = 0;
  produced: u64 = 0;
  buf: usize;
  mask: u32;
  head: u32 = 0;
  level: u32 = 0;
  overruns: u64 = 0;
  underruns: u64 = 0;
  /** Bytes read from an empty FIFO (returned as zeros), for dmasim's underrun note. */
  underrunBytes: u64 = 0;

  constructor(periodPs: i64, sampleBytes: u32, depthSamples: u32, burstBytes: u32, total: u64) {
    super(KIND_RX_STREAM);
    this.periodPs = periodPs < 1 ? 1 : periodPs;
    const sb: u32 = sampleBytes == 2 || sampleBytes == 4 ? sampleBytes : 1;
    this.sampleBytes = sb;
    this.capacity = max<u32>(depthSamples, 1) * sb;
    this.burstBytes = burstBytes < sb ? sb : burstBytes > this.capacity ? this.capacity : burstBytes;
    this.total = total;
    let cap: u32 = 16;
    while (cap < this.capacity) cap <<= 1;
    this.mask = cap - 1;
    this.buf = heap.alloc(<usize>cap);
  }

  /** When sample k is in the FIFO. */
  @inline sampleTime(k: u64): i64 {
    return this.startAt + <i64>(k + 1) * this.periodPs;
  }

  /** Samples produced by t (bounded by the stream length). */
  private dueBy(t: i64): u64 {
    if (!this.enabled || t < this.startAt + this.periodPs) return this.produced;
    let n = <u64>((t - this.startAt) / this.periodPs);
    if (this.total > 0 && n > this.total) n = this.total;
    return n > this.produced ? n : this.produced;
  }

  advance(t: i64): void {
    const n = this.dueBy(t);
    if (n <= this.produced) return;
    const sb = this.sampleBytes;
    const room = <u64>((this.capacity - this.level) / sb);
    const keep = min<u64>(room, n - this.produced);
    for (let k: u64 = 0; k < keep; k++) {
      const v = this.produced + k;
      for (let b: u32 = 0; b < sb; b++) {
        store<u8>(this.buf + ((this.head + this.level) & this.mask), <u8>(v >> (b * 8)));
        this.level++;
      }
    }
    this.overruns += n - this.produced - keep;
    this.produced = n;
  }

  conditionAt(from: i64): i64 {
    if (!this.enabled) return NEVER;
    this.advance(from);
    const sb = this.sampleBytes;
    const b = this.burstBytes;
    const need: u64 = this.level >= b ? 0 : <u64>((b - this.level + sb - 1) / sb);
    if (this.total == 0 || this.produced + need <= this.total) {
      this.burst = b > sb;
      this.last = this.total > 0 && this.produced + need == this.total && this.level + <u32>need * sb == b;
      return need == 0 ? from : max64(from, this.sampleTime(this.produced + need - 1));
    }
    // The stream ends before another full burst: the tail is requested as singles.
    const remaining = this.total - this.produced;
    const finalLevel = <u64>this.level + remaining * sb;
    if (finalLevel == 0) return NEVER;
    this.burst = false;
    this.last = finalLevel <= <u64>sb;
    return remaining > 0 ? max64(from, this.sampleTime(this.total - 1)) : from;
  }

  private pop(dst: usize, n: u32): void {
    const have = min<u32>(n, this.level);
    for (let i: u32 = 0; i < have; i++) {
      store<u8>(dst + i, load<u8>(this.buf + ((this.head + i) & this.mask)));
    }
    if (have < n) {
      memory.fill(dst + have, 0, n - have);
      this.underruns++;
      this.underrunBytes += n - have;
    }
    this.head = (this.head + have) & this.mask;
    this.level -= have;
  }

  dmaRead(off: u32, t: i64, dst: usize, n: u32): bool {
    if (off != RX_DR) return false;
    this.advance(t);
    this.pop(dst, n);
    this.dmaBytes += n;
    return true;
  }

  dmaWrite(off: u32, t: i64, src: usize, n: u32): bool {
    return off <= RX_UNDERRUN;
  }

  read(off: u32, t: i64): u32 {
    this.advance(t);
    if (off == RX_DR) {
      const tmp = changetype<usize>(memory.data(8));
      store<u32>(tmp, 0);
      this.pop(tmp, this.sampleBytes);
      return load<u32>(tmp);
    }
    if (off == RX_SR) return (this.level == 0 ? 1 : 0) | (this.level + this.sampleBytes > this.capacity ? 2 : 0) | (this.level << 16);
    if (off == RX_CR) return (this.enabled ? 1 : 0) | (this.dmaEnabled ? 2 : 0);
    if (off == RX_COUNT) return <u32>this.produced;
    if (off == RX_OVERRUN) return <u32>this.overruns;
    if (off == RX_UNDERRUN) return <u32>this.underruns;
    return 0;
  }

  write(off: u32, v: u32, t: i64): void {
    if (off != RX_CR) return;
    this.advance(t);
    const en = (v & 1) != 0;
    if (en && !this.enabled) this.startAt = t - <i64>this.produced * this.periodPs;
    this.enabled = en;
    this.dmaEnabled = (v & 2) != 0;
    this.changed(t);
  }

  stat(id: i32): f64 {
    if (id == 3) return <f64>this.requests;
    if (id == 4) return <f64>this.acks;
    if (id == 5) return <f64>this.flushes;
    if (id == 6) return <f64>this.dmaBytes;
    if (id == 0) return <f64>this.produced;
    if (id == 1) return <f64>this.overruns;
    if (id == 2) return <f64>this.level;
    if (id == 7) return <f64>this.underruns;
    if (id == 8) return <f64>this.underrunBytes;
    return 0;
  }
}
