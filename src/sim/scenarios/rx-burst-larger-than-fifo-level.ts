// The bug kind rx-burst-larger-than-fifo-level: an ADC (or audio, or UART RX) driver sets
// src_maxburst 16 (the PL330's longest burst, or a value copied from another SoC's driver) while
// its RX FIFO raises a burst request when 16 bytes, 8 of its 2-byte samples, are waiting. Nothing
// fails: each request is answered, but with the 32 bytes the channel's CCR programs, not the 16
// the FIFO holds (spec pl330 §2.2: a burst request carries no length), so every burst reads 16
// bytes of samples and 16 from an empty FIFO, which returns zeros. The cyclic capture runs twice
// as fast as the converter, its periods half zeros; dmasim's note at the first period callback
// names the level, the burst and the fix: src_maxburst 8, with which the same capture holds every
// sample in order. The TX counterpart is burst-larger-than-fifo-threshold (bytes lost to a full
// FIFO); a FIFO raising single requests stalls a burst channel instead (burst-on-single-requests).
//
// The board is the default Zynq-7000's, with serial@e0001000's RX stream (request line 1) shaped
// as adc-rx shapes it: 48 kS/s, 2-byte samples, a 64-sample FIFO asking at 8 samples.

import type { System } from "../../system.js";
import type { PeripheralInstance } from "../../hw/board.js";
import type { RxStreamDevice } from "../../hw/dma-peripherals.js";
import { AdcDmaClient } from "../../drivers/adc-dma-client.js";
import { reportDmaHang } from "../../report/dma-hang.js";
import { noDmaPeripheralMessage } from "../../hw/missing-dma-peripheral.js";
import type { Defer } from "../teardown.js";
import { idleClock, sleepUntil } from "./cpu-idle.js";
import { expectedPeriod } from "./adc-rx.js";
import type { BugResult } from "./bug-kinds.js";
import { leaveTreeText } from "../../tree-choice.js";
import { rxProducerText } from "../../hw/peripheral-name.js";

/** The driver's src_maxburst: 16 beats per burst, the PL330's longest. */
const MAXBURST = 16;
/** Periods in the ring, and callbacks captured: one lap. */
const PERIODS = 4;

/** What one capture of PERIODS periods with src_maxburst `maxburst` did. */
interface RxCapture {
  maxburst: number;
  periods: number;
  /** Samples the converter produced per period (COUNT's advance over the capture / periods). */
  samplesPerPeriod: number;
  /** Mean time between period callbacks (µs), from the first to the last. */
  periodUs: number;
  /** Bytes the FIFO returned from empty (zeros) during the capture (the model's count). */
  underrunBytes: number;
  /** The first byte of the captured periods that is not the converter's sample stream in
   *  order; -1 when all are. */
  firstWrongByte: number;
  note: string;
  hangNote: string;
}

/** One cyclic capture of PERIODS periods of `periodBytes` by a freshly probed ADC client with
 *  src_maxburst `maxburst`. The client is removed (its channel terminated) before this returns. */
function rxCapture(s: System, p: PeripheralInstance, periodBytes: number, maxburst: number, defer: Defer): RxCapture {
  const pdev = s.kernel.platformBus.devices.find((d) => d.ofNode === p.node);
  if (!pdev) throw new Error(`${p.node.path} has no platform device`);
  const model = p.device as RxStreamDevice;
  const sb = model.config.sampleBytes;
  const logBefore = s.kernel.printk.dmesg().length;
  const adc = AdcDmaClient.probe(pdev, { sampleBytes: sb, maxburst });
  const remove = defer(() => adc.remove());
  const underrunsBefore = model.stats().underrunBytes;
  const got: Uint8Array[] = [];
  const cap = adc.start(periodBytes, PERIODS, (per) => got.push(s.cpu.read(cap.buffer.cpuAddr + per.index * periodBytes, periodBytes)));
  const samplePs = Math.round(1e12 / model.config.sampleRateHz);
  const captured = sleepUntil(s, idleClock(), () => cap.periods.length >= PERIODS, 2 * (PERIODS + 2) * (periodBytes / sb) * samplePs + 10e9);
  if (!captured) reportDmaHang(adc.chan, `${pdev.name}: capture`);
  const produced = model.stats().transferred - cap.firstSample;
  const underrunBytes = model.stats().underrunBytes - underrunsBefore;
  const at = cap.periods.map((per) => per.at);
  const log = s.kernel.printk.dmesg().slice(logBefore).map((l) => l.text);
  remove();
  const stream = new Uint8Array(got.length * periodBytes);
  got.forEach((g, i) => stream.set(g, i * periodBytes));
  const want = expectedPeriod(cap.firstSample, stream.length / sb, sb);
  return {
    maxburst, periods: at.length,
    samplesPerPeriod: at.length ? Math.round(produced / at.length) : 0,
    periodUs: at.length > 1 ? Math.round((at[at.length - 1] - at[0]) / (at.length - 1) / 1e4) / 100 : 0,
    underrunBytes,
    firstWrongByte: stream.findIndex((b, i) => b !== want[i]),
    note: log.find((t) => t.includes("RX FIFO underrun (dmasim)")) ?? "",
    hangNote: log.find((t) => t.includes("timed out (dmasim)")) ?? "",
  };
}

/** The first "rx" RX stream model of the board. */
function adcRxPeripheral(s: System): PeripheralInstance {
  const p = s.board.peripherals.find((q) => q.dmaName === "rx" && q.device.kind === "rx-stream");
  if (p) return p;
  throw new Error(`${noDmaPeripheralMessage(s.board, "rx")}; ${leaveTreeText(s)}`);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function rxBurstLargerThanFifoLevel(s: System, defer: Defer): BugResult {
  const p = adcRxPeripheral(s);
  const { depth, sampleBytes: sb, burstBytes: level } = (p.device as RxStreamDevice).config;
  const fitting = Math.max(1, Math.floor(level / sb));
  // Periods of whole bursts for both captures, at least 512 bytes.
  const step = (sb * MAXBURST * sb * fitting) / gcd(sb * MAXBURST, sb * fitting);
  const periodBytes = Math.ceil(512 / step) * step;
  const bug = rxCapture(s, p, periodBytes, MAXBURST, defer);
  const fix = rxCapture(s, p, periodBytes, fitting, defer);

  const who = `${p.node.path} ("rx")`;
  const producer = rxProducerText(p);
  const fifo = `its ${depth * sb}-byte RX FIFO raises ${level > sb ? `burst requests when ${level} bytes are waiting` : "single requests only (one per sample)"}`;
  return {
    kind: "rx-burst-larger-than-fifo-level",
    symptom: `${who}'s driver sets src_maxburst ${MAXBURST} (bursts of ${MAXBURST * sb} bytes) while ${fifo}: ` + outcome(s, bug, periodBytes, sb, producer),
    fixed: `with src_maxburst ${fitting} (the FIFO's burst level) ${captureText(fix, periodBytes, sb, producer)}` + (fix.hangNote ? `; dmasim said: ${fix.hangNote}` : ""),
    reproduced: bug.underrunBytes > 0 && fix.underrunBytes === 0 && fix.periods === PERIODS && fix.firstWrongByte === -1,
    details: {
      peripheral: p.node.path, periodBytes, periods: PERIODS, sampleBytes: sb, fifoBytes: depth * sb, requestBytes: level, maxburst: MAXBURST,
      periodsCaptured: bug.periods, samplesPerPeriod: bug.samplesPerPeriod, periodUs: bug.periodUs, underrunBytes: bug.underrunBytes,
      firstWrongByte: bug.firstWrongByte, underrunNote: bug.note, hangNote: bug.hangNote,
      maxburstFixed: fitting, periodsCapturedFixed: fix.periods, samplesPerPeriodFixed: fix.samplesPerPeriod, periodUsFixed: fix.periodUs,
      underrunBytesFixed: fix.underrunBytes, firstWrongByteFixed: fix.firstWrongByte,
    },
  };
}

/** A capture as a bug's result says it; `producer` names what produced the samples. */
function captureText(c: RxCapture, periodBytes: number, sb: number, producer: string): string {
  const wrong = c.firstWrongByte < 0 ? "every sample in order" : `the samples wrong from byte ${c.firstWrongByte} on`;
  return `${c.periods} of ${PERIODS} ${periodBytes}-byte periods came, one every ${c.periodUs} µs while ${producer} produced ` +
    `${c.samplesPerPeriod} samples (${c.samplesPerPeriod * sb} bytes), ${wrong}, ${c.underrunBytes} bytes read from an empty FIFO`;
}

/** What the buggy capture did: zeros read from an empty FIFO with dmasim's note, or why the bug
 *  cannot show on this System. */
function outcome(s: System, bug: RxCapture, periodBytes: number, sb: number, producer: string): string {
  if (bug.underrunBytes > 0) {
    return `the capture runs without an error, yet ${captureText(bug, periodBytes, sb, producer)} (zeros in the ring), and dmasim said: ${bug.note}`;
  }
  if (bug.periods < PERIODS) {
    return `the capture stalled with ${bug.periods} of ${PERIODS} periods: a FIFO raising single requests stalls a burst channel ` +
      `instead (as bug kind burst-on-single-requests shows for TX), and dmasim said: ${bug.hangNote}; ${leaveTreeText(s)} for the underrun`;
  }
  const why = s.kernel.version === "v4.9"
    ? `Linux 4.9's pl330 moves slave transfers in 1-beat bursts whatever the maxburst, so the bug needs a 4.18 or later kernel (--kernel modern)`
    : `this board's FIFO holds a whole burst of ${MAXBURST * sb} bytes at every burst request, so the bug cannot show here; ${leaveTreeText(s)}`;
  return `${captureText(bug, periodBytes, sb, producer)}; ${why}`;
}
