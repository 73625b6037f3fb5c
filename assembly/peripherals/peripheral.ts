// A DMA peripheral: a small device with an MMIO register window (the CPU's view), a data
// register the DMAC's AXI master reads or writes in bursts, and one PL330 peripheral request
// interface (spec pl330 §1, §2.2 DMAWFP/DMAFLUSHP): it raises a request (single or burst, with
// drlast on the final one when it knows the length), the DMAC accepts it at a DMAWFP and
// acknowledges it when the DMALDP/DMASTP that served it completes, or flushes it (DMAFLUSHP).
//
// Handshake rule of this model: a peripheral has at most one request outstanding; after the
// acknowledge (or a flush) it raises the next one as soon as its FIFO level allows.
//
// Models are lazy: their state between DMA and CPU accesses is a function of time (a FIFO
// draining at a baud rate, an ADC producing at a sample rate), so `requestAt` answers when the
// next request is or will be raised without any event of its own.

import { NEVER, max64 } from "../time";
import { findRegion, regionKind, regionDevice, regionInstance, regionBase, KIND_MMIO } from "../dram";

/** MMIO device type of DMA peripherals in the address map (beside devices.ts DEV_*). */
export const DEV_PERIPHERAL: i32 = 3;

export const KIND_TX_FIFO: i32 = 1;
export const KIND_RX_STREAM: i32 = 2;

/** The DMAC side of a request line: told when a request may have moved in time (a CPU access
 *  changed the FIFO level), so a thread waiting in DMAWFP looks again. */
export class RequestListener {
  requestChanged(line: i32, t: i64): void {}
}

export class DmaPeripheral {
  kind: i32;
  base: u64 = 0;
  /** Request interface: the DMAC it is wired to and its line (peripheral number) there. */
  listener: RequestListener | null = null;
  line: i32 = -1;
  /** True from the DMAC's acceptance (DMAWFP) until its acknowledge or a flush. */
  accepted: bool = false;
  /** No request before this time (set by the acknowledge or flush that ended the last one). */
  earliest: i64 = 0;
  /** Type of the request raised at the last `requestAt` answer. */
  burst: bool = false;
  last: bool = false;
  // Statistics.
  requests: u64 = 0;
  acks: u64 = 0;
  flushes: u64 = 0;
  dmaBytes: u64 = 0;
  enabled: bool = true;
  dmaEnabled: bool = true;

  constructor(kind: i32) {
    this.kind = kind;
  }

  /** When the outstanding request is (or will be) raised, as seen at time t; NEVER if none is
   *  coming. Sets `burst` and `last` for it. */
  requestAt(t: i64): i64 {
    if (this.accepted || !this.dmaEnabled || !this.enabled) return NEVER;
    return this.conditionAt(max64(t, this.earliest));
  }

  /** Model-specific: the earliest time ≥ from when the FIFO level allows a request. */
  conditionAt(from: i64): i64 {
    return NEVER;
  }

  /** The DMAC took the request at a DMAWFP. */
  accept(t: i64): void {
    this.accepted = true;
    this.requests++;
  }

  /** The DMALDP/DMASTP serving the request completed at t. */
  acknowledge(t: i64, burst: bool): void {
    this.accepted = false;
    this.acks++;
    if (t > this.earliest) this.earliest = t;
  }

  /** DMAFLUSHP: forget the request state; raise again from t. */
  flush(t: i64): void {
    this.accepted = false;
    this.flushes++;
    if (t > this.earliest) this.earliest = t;
  }

  /** The DMAC's master reads n bytes from the data register at time t (a FIFO pop). */
  dmaRead(off: u32, t: i64, dst: usize, n: u32): bool {
    return false;
  }

  /** The DMAC's master writes n bytes to the data register at time t (a FIFO push). */
  dmaWrite(off: u32, t: i64, src: usize, n: u32): bool {
    return false;
  }

  /** A 32-bit CPU register access at time t. */
  read(off: u32, t: i64): u32 {
    return 0;
  }

  write(off: u32, v: u32, t: i64): void {}

  /** Brings time-driven state up to t (statistics the CPU may read). */
  advance(t: i64): void {}

  /** Model statistic by id (backdoor): 0 bytes sent / samples produced, 1 overruns, 2 FIFO
   *  level, 3 requests accepted, 4 acknowledges, 5 flushes, 6 bytes moved by DMA, 7 underruns (short reads),
   *  8 bytes read from an empty FIFO. */
  stat(id: i32): f64 {
    return 0;
  }

  /** Copies up to max logged bytes from index `from` into dst (backdoor); returns the count. */
  logged(from: u32, dst: usize, max: u32): u32 {
    return 0;
  }

  protected changed(t: i64): void {
    const l = this.listener;
    if (l) l.requestChanged(this.line, t);
  }
}

export const peripherals = new Array<DmaPeripheral>();

/** The peripheral whose register window holds pa, or null; `peripheralOffset` is then pa's
 *  offset in that window. */
export let peripheralOffset: u32 = 0;

export function peripheralAt(pa: u64): DmaPeripheral | null {
  const r = findRegion(pa);
  if (r < 0 || regionKind(r) != KIND_MMIO || regionDevice(r) != DEV_PERIPHERAL) return null;
  peripheralOffset = <u32>(pa - regionBase(r));
  return unchecked(peripherals[regionInstance(r)]);
}
