// An ADC's cyclic capture (src/drivers/adc-dma-client.ts): an ADC node added to the Zynq board
// on PL330 request 2, producing 16-bit samples at 1 MS/s (sample k holds the value k) and
// asking for DMA in bursts of 8 samples. Periods of 128 samples end every 128 µs; the period
// callbacks must follow at that rate, the ring must hold the samples in order, and the residue
// must give the capture position between callbacks.

import { describe, expect, it } from "vitest";
import { zynqWith, ADC_NODE } from "../helpers/zynq-peripherals.js";
import { AdcDmaClient, type AdcPeriod } from "../../src/drivers/adc-dma-client.js";
import { DMA_TRANS_NOERROR } from "../../src/dmaengine/types.js";
import { EINVAL, KernelError } from "../../src/kernel/errno.js";

const SAMPLE_PS = 1e6; // 1 MS/s
const PERIOD_SAMPLES = 128;
const PERIOD_BYTES = 2 * PERIOD_SAMPLES;
const PERIOD_PS = PERIOD_SAMPLES * SAMPLE_PS;

/** Little-endian 16-bit samples first, first+1, … (n of them). */
function samples(first: number, n: number): Uint8Array {
  const b = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    b[2 * i] = (first + i) & 0xff;
    b[2 * i + 1] = ((first + i) >> 8) & 0xff;
  }
  return b;
}

async function adc() {
  const s = await zynqWith(ADC_NODE, { "adc@e0008000": { rx: { sampleRateHz: 1e6, sampleBytes: 2, burstBytes: 16, depth: 64 } } });
  const client = AdcDmaClient.probe(s.device("e0008000.adc"), { sampleBytes: 2, maxburst: 8 });
  return { s, client };
}

describe("ADC cyclic capture", () => {
  it("calls back once per period at the rate the samples arrive, with the samples in the ring", async () => {
    const { s, client } = await adc();
    expect(client.chan.name).toBe("dma0chan2");
    const seen: Uint8Array[] = [];
    const cap = client.start(PERIOD_BYTES, 4, (p: AdcPeriod) => {
      // In the callback the period just finished is stable; the DMA fills the next one.
      seen.push(s.cpu.read(cap.buffer.cpuAddr + p.index * PERIOD_BYTES, PERIOD_BYTES));
    });
    expect(s.kernel.waitEvent(() => cap.periods.length >= 10, 1e12)).toBe(true);
    expect(cap.periods.map((p) => p.index)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(cap.periods.every((p) => p.result.result === DMA_TRANS_NOERROR)).toBe(true);
    cap.periods.forEach((p, n) => {
      // Period n's last sample arrives (n + 1) × 128 µs after sampling starts; the callback
      // follows within a few microseconds (last burst, interrupt, tasklet).
      const end = cap.startedAt + (n + 1) * PERIOD_PS;
      expect(p.at).toBeGreaterThan(end);
      expect(p.at - end).toBeLessThan(5e6);
    });
    seen.forEach((bytes, n) => expect(bytes).toEqual(samples(cap.firstSample + n * PERIOD_SAMPLES, PERIOD_SAMPLES)));
    expect(client.overruns()).toBe(0);
    client.stop();
  });

  it("refuses a ring of one period, which the pl330 would stop after its first; two keep going", async () => {
    const { s, client } = await adc();
    let err: unknown;
    try {
      client.start(PERIOD_BYTES, 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as KernelError).errno).toBe(-EINVAL);
    expect((err as KernelError).message).toBe("-EINVAL: e0008000.adc: a ring of 1 periods; a cyclic capture needs at least 2");
    const cap = client.start(PERIOD_BYTES, 2);
    expect(s.kernel.waitEvent(() => cap.periods.length >= 6, 1e12)).toBe(true);
    expect(cap.periods.map((p) => p.index)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(client.overruns()).toBe(0);
    client.stop();
  });

  it("reports the capture position mid-period from the residue", async () => {
    const { s, client } = await adc();
    const cap = client.start(PERIOD_BYTES, 4);
    // 5.5 periods in: 704 samples = 1408 bytes captured, 384 bytes into the 1024-byte ring.
    s.kernel.waitEvent(() => cap.periods.length >= 5, 1e12);
    s.machine.idleUntil(cap.startedAt + 5.5 * PERIOD_PS);
    s.kernel.irq.handlePending();
    const pos = client.pointer();
    // The DMA trails the converter by less than a 16-byte burst (plus the one in flight).
    expect(pos).toBeLessThanOrEqual(384);
    expect(pos).toBeGreaterThanOrEqual(384 - 32);
    expect(pos % 16).toBe(0);
    client.stop();
    expect(client.pointer()).toBe(0);
  });

  it("starts again after a stop, from the samples converted then", async () => {
    const { s, client } = await adc();
    const first = client.start(PERIOD_BYTES, 2);
    s.kernel.waitEvent(() => first.periods.length >= 2, 1e12);
    client.stop();
    s.machine.idleUntil(s.now() + 50 * SAMPLE_PS); // the converter is off: nothing is produced
    const again = client.start(PERIOD_BYTES, 2);
    expect(again.firstSample).toBeGreaterThanOrEqual(first.firstSample + 2 * PERIOD_SAMPLES);
    s.kernel.waitEvent(() => again.periods.length >= 1, 1e12);
    expect(s.cpu.read(again.buffer.cpuAddr, PERIOD_BYTES)).toEqual(samples(again.firstSample, PERIOD_SAMPLES));
    client.remove();
    expect(s.readFile("/sys/class/dma/dma0chan2/in_use")).toBe("0\n");
  });
});

describe("remove during a capture that stalled (CONFIG_DMA_API_DEBUG)", () => {
  it("terminates the ring's transfer, then frees the ring once: nothing is left for the DMAC's unbind to report", async () => {
    // 100 samples and no more: the 2 × 128-sample ring's first period never ends.
    const s = await zynqWith(ADC_NODE, { "adc@e0008000": { rx: { sampleRateHz: 1e6, sampleBytes: 2, total: 100 } } }, "modern", { dmaDebug: true });
    const client = AdcDmaClient.probe(s.device("e0008000.adc"), { sampleBytes: 2 });
    const dmac = client.chan.device.dev;
    /** The ring in dma-debug's dump: a coherent entry of 2 × 256 = 0x200 bytes. */
    const ring = () => s.kernel.dma.debug.dump().split("\n").filter((l) => / coherent .* L=200 /.test(l));
    const cap = client.start(PERIOD_BYTES, 2);
    expect(s.kernel.waitEvent(() => cap.periods.length > 0, 1e9)).toBe(false);
    expect(ring()).toHaveLength(1);
    client.remove();
    expect(ring()).toEqual([]);
    expect(s.readFile("/sys/class/dma/dma0chan2/in_use")).toBe("0\n");
    s.kernel.device_release_driver(dmac);
    expect(s.kernel.dma.debug.reports).toEqual([]);
    expect(s.kernel.dma.debug.errorCount).toBe(0);
    expect(s.kernel.dma.debug.entries()).toBe(0);
  });
});
