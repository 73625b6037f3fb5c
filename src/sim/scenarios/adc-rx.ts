// adc-rx: samples streamed from an ADC into a ring by a cyclic DMA transfer
// (src/drivers/adc-dma-client.ts). Do the period callbacks keep up with the converter, and how
// long after a period's last sample does its callback run? Parameters:
//   rate     samples per second (default 48000)
//   sample   bytes per sample: 1, 2 or 4 (default 2)
//   burst    samples per DMA request (default 8); no more than the model requests at a time
//            (a model's request is clamped to its FIFO depth) nor than the DMA controller's
//            max_burst (16 on a PL330), or the run is refused
//   depth    FIFO samples (default 64)
//   period   bytes per period (default 512)
//   periods  periods in the ring, at least 2 (default 4)
//   count    period callbacks to capture (default 32)
// rate, sample, burst and depth shape the RX stream model of the default board's UART
// (zynq-7000, serial@e0001000's "rx"), which then streams samples as a converter would; on a
// board given with --board/--dtb the first node with an "rx" DMA peripheral is used as it is
// (burst still sets the slave maxburst), and rate, sample and depth are refused (MODEL_PARAMS):
// they would be shown in the heading but not used.

import type { System, SystemOptions } from "../../system.js";
import type { RxStreamDevice } from "../../hw/dma-peripherals.js";
import { AdcDmaClient } from "../../drivers/adc-dma-client.js";
import { DMA_TRANS_NOERROR, type DmaChan, type DmaSlaveCaps } from "../../dmaengine/types.js";
import { dma_get_slave_caps } from "../../dmaengine/slave-caps.js";
import { parseSize } from "../../units.js";
import { isWholeIn, wholeNumberIn } from "../../whole-number.js";
import type { ModelParams, ScenarioParams } from "../scenarios.js";
import { withTeardown } from "../teardown.js";
import { busyShare, idleClock, sleepUntil } from "./cpu-idle.js";
import { refuseSingleRequestsOnBurstOnlyDmac } from "./periph-burst.js";
import { noDmaPeripheralMessage } from "../../hw/missing-dma-peripheral.js";
import { rxProducerText } from "../../hw/peripheral-name.js";

export interface AdcRxResult {
  peripheral: string;
  sampleRateHz: number;
  sampleBytes: number;
  periodBytes: number;
  periods: number;
  callbacks: number;
  /** Callbacks per second of simulated time, and the converter's period rate. */
  periodsPerSec: number;
  expectedPeriodsPerSec: number;
  /** From the arrival of a period's last sample to its callback (ps). */
  latencyMinPs: number;
  latencyMeanPs: number;
  latencyMaxPs: number;
  /** The capture position from the residue, half a period after a callback (bytes into the
   *  ring), and where the converter was then. */
  midPeriodPointer: number;
  midPeriodExpected: number;
  cpuBusyPercent: number;
  irqs: number;
  overruns: number;
  /** Every period held the samples converted in it, in order. */
  ok: boolean;
}

const num = (v: unknown, fallback: number) => (v === undefined ? fallback : Number(v));

/** The parameters only adcRxSystem reads, and what they shape: a board given by name or tree
 *  brings its own RX model, made from its tree (src/hw/board-peripherals.ts). burst is not one:
 *  run reads it too, as the slave maxburst. */
export const MODEL_PARAMS: ModelParams = {
  names: ["rate", "sample", "depth"],
  model: "the UART's RX stream model of the board adc-rx boots when given none (zynq-7000, serial@e0001000)",
  dmaName: "rx",
  fromTree: "a UART's current-speed sets its rate, one byte per character time, arm,pl330-periph-burst on its PL330 its request size; the rest are the model's defaults; burst still applies, as the slave maxburst",
};

/** The default board's UART RX stream, shaped by the parameters as a converter's samples. */
export function adcRxSystem(params: ScenarioParams): Omit<SystemOptions, "worker"> {
  const sb = num(params.sample, 2) as 1 | 2 | 4;
  return {
    board: "zynq-7000",
    dmaPeripherals: {
      "serial@e0001000": {
        rx: { sampleRateHz: num(params.rate, 48000), sampleBytes: sb, burstBytes: sb * num(params.burst, 8), depth: num(params.depth, 64) },
      },
    },
  };
}

/** The value of sample k at its width, little-endian, as the converter produces it. */
export function expectedPeriod(first: number, n: number, sb: number): Uint8Array {
  const out = new Uint8Array(n * sb);
  for (let i = 0; i < n; i++) for (let b = 0; b < sb; b++) out[i * sb + b] = Math.floor((first + i) / 2 ** (8 * b)) & 0xff;
  return out;
}

/** The model raises a request for at most burstBytes (clamped to its FIFO): a longer slave burst
 *  waits with DMAWFPB for a request a single-request model never raises, or reads past the
 *  samples waiting (spec pl330 §12.2). Said at once, as for the periph-burst pairing, with the
 *  bug kind that lets the mistake run and shows what it does. */
function refuseBurstsLongerThanRequests(node: string, producer: string, maxburst: number, c: RxStreamDevice["config"]): void {
  const req = c.burstBytes / c.sampleBytes;
  if (!(maxburst > req)) return;
  throw new RangeError(
    `burst=${maxburst} samples is more than the peripheral model of ${node} requests at a time ` +
      `(${req}, its FIFO holds ${c.depth}): the transfer would stall or read ${notYetProduced(producer)}; give burst ≤ ${req} ` +
      `(${whatTheMistakeDoes(req)})`,
  );
}

/** Samples the DMA would read before they exist, in the producer's words (rxProducerText). */
function notYetProduced(producer: string): string {
  return producer === "the converter" ? "samples not yet converted" : `samples ${producer} has not yet produced`;
}

/** The bug kind showing a burst longer than the request: a single-request FIFO never satisfies
 *  a burst channel's DMAWFPB (shown for TX); a burst-request FIFO gets the whole CCR burst read
 *  from it, zeros past the samples waiting. Both run on the default board (no --board). */
function whatTheMistakeDoes(req: number): string {
  return req > 1
    ? "dmasim run bug --param kind=rx-burst-larger-than-fifo-level shows what that mistake does: zeros read from an empty FIFO"
    : "dmasim run bug --param kind=burst-on-single-requests shows what that mistake does, for TX: a channel waiting for a burst request that never comes";
}

/** A slave burst is one CCR burst, at most 16 beats (src_burst_len is 4 bits, spec pl330 §3);
 *  Linux's driver clamps a longer maxburst to that (§12.3), so each request of `maxburst`
 *  samples would be answered with 16 and the capture would trail the converter by the rest. */
function refuseBurstsLongerThanTheDmac(node: string, maxburst: number, chan: DmaChan): void {
  const caps: Partial<DmaSlaveCaps> = {};
  if (dma_get_slave_caps(chan, caps) !== 0 || !caps.max_burst || !(maxburst > caps.max_burst)) return;
  throw new RangeError(
    `burst=${maxburst} samples is more than the DMA controller of ${node} moves in one burst ` +
      `(max_burst ${caps.max_burst}: a PL330 CCR burst is 1..16 beats); give burst ≤ ${caps.max_burst}`,
  );
}

export function run(s: System, params: ScenarioParams = {}): AdcRxResult {
  const periodBytes = parseSize((params.period as string | number | undefined) ?? 512);
  const periods = num(params.periods, 4);
  const count = num(params.count, 32);
  if (!(periodBytes >= 1)) throw new RangeError(`period must be at least one byte, not ${params.period}`);
  if (!isWholeIn(periods, 2)) throw new RangeError(`periods must be ${wholeNumberIn(2)}, not ${params.periods}`);
  if (!(Number.isInteger(count) && count >= 2)) throw new RangeError(`count must be at least 2 callbacks, not ${params.count}`);
  const p = s.board.peripherals.find((x) => x.dmaName === "rx" && x.device.kind === "rx-stream");
  if (!p) throw new Error(noDmaPeripheralMessage(s.board, "rx"));
  const model = p.device as RxStreamDevice;
  refuseSingleRequestsOnBurstOnlyDmac(s, p.node.path, p.device.dmac, model.config.burstBytes > model.config.sampleBytes);
  const pdev = s.kernel.platformBus.devices.find((d) => d.ofNode === p.node);
  if (!pdev) throw new Error(`${p.node.path} has no platform device`);
  const sb = model.config.sampleBytes;
  // The converter's sample clock, in whole picoseconds as the model keeps it.
  const samplePs = Math.round(1e12 / model.config.sampleRateHz);
  const perPeriod = periodBytes / sb;
  const maxburst = num(params.burst, model.config.burstBytes / sb);
  refuseBurstsLongerThanRequests(p.node.path, rxProducerText(p), maxburst, model.config);
  return withTeardown((defer) => {
    const adc = AdcDmaClient.probe(pdev, { sampleBytes: sb, maxburst });
    const removeAdc = defer(() => adc.remove());
    refuseBurstsLongerThanTheDmac(p.node.path, maxburst, adc.chan);
    let ok = true;
    const cap = adc.start(periodBytes, periods, (per) => {
      // The application copies each period out as it completes.
      const n = cap.periods.length - 1;
      const got = s.cpu.read(cap.buffer.cpuAddr + per.index * periodBytes, periodBytes);
      const want = expectedPeriod(cap.firstSample + n * perPeriod, perPeriod, sb);
      if (per.result.result !== DMA_TRANS_NOERROR || got.some((b, i) => b !== want[i])) ok = false;
    });
    const clock = idleClock();
    const t0 = s.now();
    const periodPs = perPeriod * samplePs;
    const captured = sleepUntil(s, clock, () => cap.periods.length >= count, 2 * (count + 2) * periodPs + 10e9);
    const busy = busyShare(clock, s.now() - t0);
    // Half a period after the last callback: where the residue says the DMA is.
    const half = cap.startedAt + (count + 0.5) * periodPs;
    if (s.now() < half) s.machine.idleUntil(half);
    const pointer = adc.pointer();
    const expected = Math.floor((((count + 0.5) * periodBytes) % (periods * periodBytes)) / sb) * sb;
    const latencies = cap.periods.map((per, n) => Math.round(per.at - (cap.startedAt + (n + 1) * periodPs)));
    const overruns = adc.overruns();
    const at = cap.periods.map((per) => per.at);
    removeAdc();
    const span = at[at.length - 1] - at[0];
    return {
      peripheral: p.node.path,
      sampleRateHz: model.config.sampleRateHz,
      sampleBytes: sb,
      periodBytes,
      periods,
      callbacks: cap.periods.length,
      periodsPerSec: span > 0 ? Math.round(((at.length - 1) * 1e12 * 100) / span) / 100 : 0,
      expectedPeriodsPerSec: Math.round((1e12 * 100) / periodPs) / 100,
      latencyMinPs: latencies.length ? Math.min(...latencies) : 0,
      latencyMeanPs: latencies.length ? Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : 0,
      latencyMaxPs: latencies.length ? Math.max(...latencies) : 0,
      midPeriodPointer: pointer,
      midPeriodExpected: expected,
      cpuBusyPercent: Math.round(busy * 1e6) / 1e4,
      irqs: clock.irqs,
      overruns,
      ok: ok && captured && cap.periods.length >= count && overruns === 0,
    };
  });
}
