// The ADC-like RX stream (assembly/peripherals/rx-stream.ts): samples at a set rate, read by
// PL330 programs through the request interface, with period interrupts at the rate the samples
// arrive and drlast ending a DMALPFE loop. Sample k holds the value k.

import { describe, expect, it } from "vitest";
import { pl330Rig, ST } from "../../helpers/pl330-rig.js";
import { addRxStream } from "../../../src/hw/dma-peripherals.js";

const ADC = 0xe0002000;
const PROG = 0x100000;
const DST = 0x300000;
const PERIOD_PS = 1e6; // 1 MS/s

/** The 16-bit little-endian samples first..first+n-1. */
function samples(first: number, n: number): Uint8Array {
  const b = new Uint8Array(2 * n);
  for (let k = 0; k < n; k++) {
    b[2 * k] = (first + k) & 0xff;
    b[2 * k + 1] = ((first + k) >> 8) & 0xff;
  }
  return b;
}

describe("RX stream", () => {
  it("produces a sample per period, keeps the first ones when the FIFO overflows", async () => {
    const g = await pl330Rig();
    addRxStream(g.m, { base: ADC, sampleBytes: 2, depth: 8, request: 0 });
    g.m.idleUntil(20.5 * PERIOD_PS);
    expect(g.m.cpu.load(ADC + 0x0c, 4)).toBe(20); // COUNT
    expect(g.m.cpu.load(ADC + 0x10, 4)).toBe(12); // OVERRUN: 20 produced, 8 kept
    expect([0, 1, 2].map(() => g.m.cpu.load(ADC, 4))).toEqual([0, 1, 2]);
  });

  it("streams bursts to memory with DMAWFPB / DMALDPB as the samples arrive", async () => {
    const g = await pl330Rig();
    const adc = addRxStream(g.m, { base: ADC, sampleBytes: 2, depth: 32, burstBytes: 16, request: 1 });
    g.program(PROG, `DMAMOV SAR, ${ADC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB8 SS16 SAF DB8 DS16 DAI
      DMAFLUSHP P1
      DMALP 16
        DMAWFP P1, burst
        DMALDPB P1
        DMASTB
      DMALPEND
      DMASEV E0
      DMAEND`);
    g.w(0x020, 1);
    g.go(0, PROG);
    const at = g.m.waitForInterrupt(1e9)!;
    expect(g.settle(0).state).toBe(ST.stopped);
    // 128 samples: the last one is there 128 periods after sampling started at time 0.
    expect(at).toBeGreaterThanOrEqual(128 * PERIOD_PS);
    expect(at).toBeLessThan(129 * PERIOD_PS);
    expect(g.m.backdoor.read(DST, 256)).toEqual(samples(0, 128));
    expect(adc.stats().overruns).toBe(0);
  });

  it("reads zeros for the bytes of a burst the FIFO does not hold, and counts them (UNDERRUN)", async () => {
    const g = await pl330Rig();
    const adc = addRxStream(g.m, { base: ADC, sampleBytes: 2, depth: 32, burstBytes: 16, request: 1 });
    // The FIFO asks for a burst at 16 bytes (8 samples); the channel's burst is 16 beats × 2
    // bytes = 32. Each burst: 8 beats find a sample, 8 find the FIFO empty and read 2 zero
    // bytes each (the next sample is 1 µs away, the burst takes nanoseconds). Four bursts:
    // 32 short reads, 64 bytes from an empty FIFO, and the converter only 32 samples on.
    g.program(PROG, `DMAMOV SAR, ${ADC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB16 SS16 SAF DB16 DS16 DAI
      DMAFLUSHP P1
      DMALP 4
        DMAWFP P1, burst
        DMALDPB P1
        DMASTB
      DMALPEND
      DMAEND`);
    expect(g.run(0, PROG, 1e9).state).toBe(ST.stopped);
    const zeros = new Uint8Array(16);
    const want = [0, 1, 2, 3].flatMap((k) => [...samples(8 * k, 8), ...zeros]);
    expect(g.m.backdoor.read(DST, 128)).toEqual(Uint8Array.from(want));
    expect(g.m.cpu.load(ADC + 0x14, 4)).toBe(32); // UNDERRUN: short reads
    expect([adc.stats().underruns, adc.stats().underrunBytes, adc.stats().dmaBytes]).toEqual([32, 64, 128]);
  });

  it("raises a period interrupt every period's worth of samples (cyclic capture)", async () => {
    const g = await pl330Rig();
    addRxStream(g.m, { base: ADC, sampleBytes: 2, depth: 32, burstBytes: 16, request: 1 });
    // Four periods of 4 bursts (32 samples each) into a ring, DMASEV 0 after each period.
    g.program(PROG, `DMAMOV SAR, ${ADC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB8 SS16 SAF DB8 DS16 DAI
      DMALP 4
        DMALP 4
          DMAWFP P1, burst
          DMALDPB P1
          DMASTB
        DMALPEND
        DMASEV E0
      DMALPEND
      DMAEND`);
    g.w(0x020, 1);
    g.go(0, PROG);
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      times.push(g.m.waitForInterrupt(g.m.now() + 1e9)!);
      g.w(0x02c, 1);
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(31 * PERIOD_PS);
      expect(gap).toBeLessThan(33 * PERIOD_PS);
    }
    expect(g.m.backdoor.read(DST, 256)).toEqual(samples(0, 128));
  });

  it("ends a DMALPFE loop at the request flagged last (drlast)", async () => {
    const g = await pl330Rig();
    const adc = addRxStream(g.m, { base: ADC, sampleBytes: 2, depth: 32, burstBytes: 16, total: 40, request: 2 });
    g.program(PROG, `DMAMOV SAR, ${ADC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB8 SS16 SAF DB8 DS16 DAI
      DMAFLUSHP P2
      DMALPFE
        DMAWFP P2, periph
        DMALDPB P2
        DMASTB
      DMALPEND
      DMAEND`);
    expect(g.run(0, PROG, 1e9).state).toBe(ST.stopped);
    expect(g.dar(0)).toBe(DST + 80); // five bursts of eight samples
    expect(g.m.backdoor.read(DST, 80)).toEqual(samples(0, 40));
    expect(g.csr(0) & (1 << 15)).toBe(1 << 15); // the last DMAWFP was a P
    expect(adc.stats().acks).toBe(5);
  });
});
