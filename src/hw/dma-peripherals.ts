// DMA peripherals on the silicon (assembly/peripherals/): a UART-like TX FIFO and an ADC-like
// RX stream, each with a small register window whose data register a PL330 reads or writes,
// and a request interface wired to one PL330 request line. Created by the board builder from
// device-tree consumers (`dmas = <&dmac N>` with dma-names "tx"/"rx"), or here, by tests and
// tools. `transmitted()` and `stats()` are backdoor views (what a receiver on the wire saw).

import type { Machine } from "./machine.js";
import { PERIPH_STAT } from "./exports.js";
import { isWholeIn, wholeNumberIn } from "../whole-number.js";

export class PeripheralError extends Error {
  override name = "PeripheralError";
}

interface Wiring {
  /** Register window base (the data register is at offset 0). */
  base: number;
  /** Window size in bytes (default 0x100). */
  size?: number;
  /** PL330 instance (board order, default 0) and its request line. */
  dmac?: number;
  request: number;
}

export interface TxFifoOptions extends Wiring {
  /** FIFO depth in bytes (default 64). */
  depth?: number;
  /** Line rate in bits per second (default 115200). */
  baud?: number;
  /** Bits on the wire per character: start + 8 data + stop = 10 (default). */
  bitsPerChar?: number;
  /** Free bytes that raise a request: 1 gives single requests, more gives burst requests of
   *  that many bytes (default 1). */
  burstBytes?: number;
  /** Bytes of transmitted data kept for `transmitted()` (default 1 MiB). */
  logBytes?: number;
}

export interface RxStreamOptions extends Wiring {
  /** Samples per second (default 1,000,000). */
  sampleRateHz?: number;
  /** Bytes per sample: 1, 2 or 4 (default 2). */
  sampleBytes?: 1 | 2 | 4;
  /** FIFO depth in samples (default 64). */
  depth?: number;
  /** Bytes waiting that raise a request: one sample gives single requests, more gives burst
   *  requests (default one sample). */
  burstBytes?: number;
  /** Samples in the stream; the request that empties it carries drlast (default 0: endless). */
  total?: number;
}

export interface PeripheralStats {
  /** TX: bytes transmitted; RX: samples produced. */
  transferred: number;
  overruns: number;
  level: number;
  requests: number;
  acks: number;
  flushes: number;
  dmaBytes: number;
  /** RX: DMA reads that found fewer bytes than they read (the UNDERRUN register). */
  underruns: number;
  /** RX: bytes those reads took from an empty FIFO, which returns zeros for them. */
  underrunBytes: number;
}

export class DmaPeripheralDevice {
  constructor(
    protected readonly m: Machine,
    readonly index: number,
    readonly kind: "tx-fifo" | "rx-stream",
    readonly base: number,
    readonly dmac: number,
    readonly request: number,
  ) {}

  /** Physical address of the data register (a PL330 program's SAR or DAR). */
  get dataAddr(): number {
    return this.base;
  }

  stats(): PeripheralStats {
    const s = (id: number) => this.m.x.peripheralStat(this.index, id);
    return {
      transferred: s(PERIPH_STAT.transferred), overruns: s(PERIPH_STAT.overruns), level: s(PERIPH_STAT.level),
      requests: s(PERIPH_STAT.requests), acks: s(PERIPH_STAT.acks), flushes: s(PERIPH_STAT.flushes),
      dmaBytes: s(PERIPH_STAT.dmaBytes), underruns: s(PERIPH_STAT.underruns),
      underrunBytes: s(PERIPH_STAT.underrunBytes),
    };
  }
}

export class TxFifoDevice extends DmaPeripheralDevice {
  /** How the model was built: line rate, FIFO depth and request size (what a board file or
   *  datasheet would tell a driver writer). */
  config!: Required<Pick<TxFifoOptions, "baud" | "bitsPerChar" | "depth" | "burstBytes">>;

  /** The bytes sent on the line so far (up to logBytes), in order. */
  transmitted(): Uint8Array {
    const parts: Uint8Array[] = [];
    let from = 0;
    const chunk = 1 << 16;
    const p = this.m.x.scratch(chunk) >>> 0; // a wasm pointer past 2 GiB reads negative as an i32
    for (;;) {
      const n = this.m.x.peripheralLog(this.index, from, p, chunk);
      if (n <= 0) break;
      parts.push(new Uint8Array(this.m.x.memory.buffer, p, n).slice());
      from += n;
    }
    const out = new Uint8Array(from);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

export class RxStreamDevice extends DmaPeripheralDevice {
  /** How the model was built: sample rate and width, FIFO depth, request size, stream length. */
  config!: Required<Pick<RxStreamOptions, "sampleRateHz" | "sampleBytes" | "depth" | "burstBytes" | "total">>;
}

function wire(m: Machine, index: number, o: Wiring, what: string): void {
  if (index < 0) throw new PeripheralError(`${what} at 0x${o.base.toString(16)}: the address map is full or overlaps`);
  if (!m.x.wirePeripheral(index, o.dmac ?? 0, o.request)) {
    throw new PeripheralError(`${what} at 0x${o.base.toString(16)}: PL330 ${o.dmac ?? 0} has no free request line ${o.request}`);
  }
}

/** The option `name` of a peripheral, if given, must be a whole number ≥ min: the silicon takes
 *  integers, and a NaN line rate or a FIFO of no bytes would never move data. */
function checkWhole(what: string, o: Wiring, name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !isWholeIn(v, min)) {
    throw new PeripheralError(`${what} at 0x${o.base.toString(16)}: ${name} must be ${wholeNumberIn(min)}, not ${v}`);
  }
}

/** A rate (baud, samples per second), if given, must be a positive number whose period is at
 *  least a picosecond, the silicon's time step. */
function checkRate(what: string, o: Wiring, name: string, v: number | undefined, unitsPerTick: number): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0 && Math.round((unitsPerTick * 1e12) / v) >= 1)) {
    throw new PeripheralError(`${what} at 0x${o.base.toString(16)}: ${name} must be a positive number (a period of at least 1 ps), not ${v}`);
  }
}

export function addTxFifo(m: Machine, o: TxFifoOptions): TxFifoDevice {
  checkWhole("TX FIFO", o, "bitsPerChar", o.bitsPerChar, 1);
  checkRate("TX FIFO", o, "baud", o.baud, o.bitsPerChar ?? 10);
  checkWhole("TX FIFO", o, "depth", o.depth, 1);
  checkWhole("TX FIFO", o, "burstBytes", o.burstBytes, 1);
  checkWhole("TX FIFO", o, "logBytes", o.logBytes, 0);
  const baud = o.baud ?? 115200;
  const charPs = Math.round(((o.bitsPerChar ?? 10) * 1e12) / baud);
  const index = m.x.addTxFifo(o.base, o.size ?? 0x100, o.depth ?? 64, charPs, o.burstBytes ?? 1, o.logBytes ?? 1 << 20);
  wire(m, index, o, "TX FIFO");
  const dev = new TxFifoDevice(m, index, "tx-fifo", o.base, o.dmac ?? 0, o.request);
  const depth = Math.max(1, o.depth ?? 64);
  dev.config = { baud, bitsPerChar: o.bitsPerChar ?? 10, depth, burstBytes: Math.min(depth, Math.max(1, o.burstBytes ?? 1)) };
  return dev;
}

export function addRxStream(m: Machine, o: RxStreamOptions): RxStreamDevice {
  checkRate("RX stream", o, "sampleRateHz", o.sampleRateHz, 1);
  if (o.sampleBytes !== undefined && ![1, 2, 4].includes(o.sampleBytes)) {
    throw new PeripheralError(`RX stream at 0x${o.base.toString(16)}: sampleBytes must be 1, 2 or 4, not ${o.sampleBytes}`);
  }
  checkWhole("RX stream", o, "depth", o.depth, 1);
  checkWhole("RX stream", o, "burstBytes", o.burstBytes, 1);
  checkWhole("RX stream", o, "total", o.total, 0);
  const sb = o.sampleBytes ?? 2;
  const periodPs = Math.round(1e12 / (o.sampleRateHz ?? 1e6));
  const index = m.x.addRxStream(o.base, o.size ?? 0x100, periodPs, sb, o.depth ?? 64, o.burstBytes ?? sb, o.total ?? 0);
  wire(m, index, o, "RX stream");
  const dev = new RxStreamDevice(m, index, "rx-stream", o.base, o.dmac ?? 0, o.request);
  const depth = Math.max(1, o.depth ?? 64);
  const burst = Math.min(depth * sb, Math.max(sb, o.burstBytes ?? sb));
  dev.config = { sampleRateHz: o.sampleRateHz ?? 1e6, sampleBytes: sb, depth, burstBytes: burst, total: o.total ?? 0 };
  return dev;
}
