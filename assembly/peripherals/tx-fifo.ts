// A UART-like transmitter: a TX FIFO of `depth` bytes; a byte leaves it for the shift register
// when the previous one has been shifted out, and is on the wire one character time later
// (bits per character / baud). It requests DMA service when at least `burstBytes` bytes are
// free (a burst request; a single request when burstBytes is 1), and keeps every byte it has
// sent in a log the backdoor can read, so a test can check a transfer byte for byte.
//
// Registers (32-bit):
//   0x00 DR       W: push the low byte (the DMA data register: each byte a burst writes is pushed)
//   0x04 FR       R: [0] FIFO empty, [1] FIFO full, [2] shifter busy, [31:16] FIFO level
//   0x08 CR       RW: [0] transmitter enable, [1] DMA request enable (reset 0x3)
//   0x0C SENT     R: bytes completely shifted out (low 32 bits)
//   0x10 OVERRUN  R: bytes dropped because the FIFO was full
//   0x14 DEPTH    R: FIFO depth in bytes
//   0x18 BURST    R: request threshold in bytes

import { NEVER, max64 } from "../time";
import { DmaPeripheral, KIND_TX_FIFO } from "./peripheral";

export const TX_DR: u32 = 0x00;
export const TX_FR: u32 = 0x04;
export const TX_CR: u32 = 0x08;
export const TX_SENT: u32 = 0x0c;
export const TX_OVERRUN: u32 = 0x10;
export const TX_DEPTH: u32 = 0x14;
export const TX_BURST: u32 = 0x18;

export class TxFifo extends DmaPeripheral {
  depth: u32;
  charPs: i64;
  burstBytes: u32;
  // Bytes not yet on the wire, in order, with when each leaves the FIFO for the shift register
  // (the FIFO and the shifter: `slots` = depth + 1 entries).
  slots: u32;
  bytes: StaticArray<u8> = new StaticArray<u8>(0);
  depart: StaticArray<i64> = new StaticArray<i64>(0);
  head: u32 = 0;
  count: u32 = 0;
  /** Departure time of the newest byte ever pushed (the shifter is busy for charPs after it). */
  lastDepart: i64;
  sent: u64 = 0;
  overruns: u64 = 0;
  log: usize;
  logCap: u32;

  constructor(depth: u32, charPs: i64, burstBytes: u32, logCap: u32) {
    super(KIND_TX_FIFO);
    const n: u32 = depth < 1 ? 1 : depth;
    this.depth = n;
    this.charPs = charPs < 1 ? 1 : charPs;
    this.burstBytes = burstBytes < 1 ? 1 : burstBytes > n ? n : burstBytes;
    this.slots = n + 1;
    this.bytes = new StaticArray<u8>(n + 1);
    this.depart = new StaticArray<i64>(n + 1);
    this.lastDepart = -this.charPs;
    this.logCap = logCap;
    this.log = heap.alloc(<usize>max<u32>(logCap, 1));
  }

  lastT: i64 = 0;

  /** Moves every byte shifted out by t into the log. */
  advance(t: i64): void {
    if (t > this.lastT) this.lastT = t;
    const charPs = this.charPs;
    while (this.count > 0) {
      const d = unchecked(this.depart[this.head]);
      if (d == NEVER || d + charPs > t) break;
      if (this.sent < <u64>this.logCap) store<u8>(this.log + <usize>this.sent, unchecked(this.bytes[this.head]));
      this.sent++;
      this.head = this.head + 1 == this.slots ? 0 : this.head + 1;
      this.count--;
    }
  }

  private push(b: u8, t: i64): void {
    this.advance(t);
    if (this.levelAt(t) == this.depth) {
      this.overruns++;
      return;
    }
    const d = this.enabled ? max64(t, this.lastDepart + this.charPs) : NEVER;
    if (this.enabled) this.lastDepart = d;
    const i = (this.head + this.count) % this.slots;
    unchecked((this.bytes[i] = b));
    unchecked((this.depart[i] = d));
    this.count++;
  }

  /** Bytes in the FIFO at t (those that arrived and have not left for the shifter). */
  levelAt(t: i64): u32 {
    let n = this.count;
    let i = this.head;
    while (n > 0 && unchecked(this.depart[i]) <= t) {
      n--;
      i = i + 1 == this.slots ? 0 : i + 1;
    }
    return n;
  }

  conditionAt(from: i64): i64 {
    this.burst = this.burstBytes > 1;
    this.last = false;
    const allowed = this.depth - this.burstBytes;
    const level = this.levelAt(from);
    if (level <= allowed) return from;
    // The request goes up when the (level - allowed)-th byte still queued at `from` leaves.
    const gone = this.count - level;
    const k = gone + level - allowed - 1;
    const at = unchecked(this.depart[(this.head + k) % this.slots]);
    return at == NEVER ? NEVER : max64(from, at);
  }

  dmaWrite(off: u32, t: i64, src: usize, n: u32): bool {
    if (off != TX_DR) return false;
    for (let i: u32 = 0; i < n; i++) this.push(load<u8>(src + i), t);
    this.dmaBytes += n;
    return true;
  }

  dmaRead(off: u32, t: i64, dst: usize, n: u32): bool {
    if (off > TX_BURST) return false;
    memory.fill(dst, 0, n);
    return true;
  }

  read(off: u32, t: i64): u32 {
    this.advance(t);
    if (off == TX_FR) {
      const level = this.levelAt(t);
      return (
        (level == 0 ? 1 : 0) |
        (level == this.depth ? 2 : 0) |
        (this.lastDepart + this.charPs > t ? 4 : 0) |
        (level << 16)
      );
    }
    if (off == TX_CR) return (this.enabled ? 1 : 0) | (this.dmaEnabled ? 2 : 0);
    if (off == TX_SENT) return <u32>this.sent;
    if (off == TX_OVERRUN) return <u32>this.overruns;
    if (off == TX_DEPTH) return this.depth;
    if (off == TX_BURST) return this.burstBytes;
    return 0;
  }

  write(off: u32, v: u32, t: i64): void {
    if (off == TX_DR) {
      this.push(<u8>v, t);
      return;
    }
    if (off == TX_CR) {
      this.advance(t);
      const en = (v & 1) != 0;
      if (en != this.enabled) {
        this.enabled = en;
        this.reschedule(t);
      }
      this.dmaEnabled = (v & 2) != 0;
      this.changed(t);
    }
  }

  /** Departure times after the transmitter was enabled or disabled at t. */
  private reschedule(t: i64): void {
    let prev = max64(this.lastDepart, t - this.charPs);
    for (let n: u32 = 0, i = this.head; n < this.count; n++, i = i + 1 == this.slots ? 0 : i + 1) {
      if (this.enabled) {
        prev = max64(t, prev + this.charPs);
        unchecked((this.depart[i] = prev));
      } else unchecked((this.depart[i] = NEVER));
    }
    if (this.enabled) this.lastDepart = prev;
  }

  stat(id: i32): f64 {
    if (id == 0) return <f64>this.sent;
    if (id == 1) return <f64>this.overruns;
    if (id == 2) return <f64>this.levelAt(this.lastT);
    if (id == 3) return <f64>this.requests;
    if (id == 4) return <f64>this.acks;
    if (id == 5) return <f64>this.flushes;
    if (id == 6) return <f64>this.dmaBytes;
    return 0;
  }

  logged(from: u32, dst: usize, max: u32): u32 {
    const have = <u32>min<u64>(this.sent, <u64>this.logCap);
    if (from >= have) return 0;
    const n = min<u32>(max, have - from);
    memory.copy(dst, this.log + from, n);
    return n;
  }
}
