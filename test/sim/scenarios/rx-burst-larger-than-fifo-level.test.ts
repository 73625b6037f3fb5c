// The bug kind rx-burst-larger-than-fifo-level: an ADC driver with src_maxburst 16 on the Zynq
// UART's RX stream (48 kS/s, 2-byte samples, a 64-sample FIFO) shaped to raise burst requests
// when 16 bytes (8 samples) are waiting. The capture runs on, but half of each burst is read
// from an empty FIFO; with src_maxburst 8 (the FIFO's burst level) none is.
//
// By hand: each request finds 16 bytes waiting and the channel reads 32 (16 beats × 2 bytes),
// the FIFO empty after the first 8 beats (the next sample is 20.8 µs away): 16 bytes of zeros a
// burst. A 512-byte period is 16 bursts, so it ends after 16 × 8 = 128 samples instead of 256,
// every 128 × 20.833333 µs = 2666.67 µs (the sample clock is round(1e12 / 48000) = 20833333 ps)
// instead of 5333.33 µs, with 16 × 16 = 256 bytes of zeros: 1024 over the ring's 4 periods. The
// first 16 bytes of the ring are the 8 samples that were waiting; byte 16 is a zero where the
// 9th sample (value first + 8, whose low byte is not 0 here) belongs.

import { describe, expect, it } from "vitest";
import { bugSystem, BUG_KINDS, type BugResult } from "../../../src/sim/scenarios/bugs.js";
import type { SystemOptions } from "../../../src/system.js";
import { runBug } from "../../helpers/run-bug.js";

const KIND = "rx-burst-larger-than-fifo-level";
const run = (options: SystemOptions): Promise<BugResult> => runBug(KIND, options);

describe("bug rx-burst-larger-than-fifo-level", () => {
  it("is a bug kind, run on the Zynq board with its UART's RX stream asking for bursts at 16 bytes", () => {
    expect(BUG_KINDS).toContain(KIND);
    expect(bugSystem({ kind: KIND })).toEqual({
      board: "zynq-7000",
      dmaPeripherals: { "serial@e0001000": { rx: { sampleRateHz: 48000, sampleBytes: 2, burstBytes: 16, depth: 64 } } },
    });
  });

  it("reads 16 of each 32-byte burst from an empty FIFO with src_maxburst 16; the note says why; src_maxburst 8 reads none", async () => {
    const r = await run(bugSystem({ kind: KIND }));
    const d = r.details;
    expect(r.reproduced).toBe(true);
    expect(d.peripheral).toBe("/axi/serial@e0001000");
    expect([d.periodBytes, d.periods, d.sampleBytes, d.fifoBytes, d.requestBytes, d.maxburst]).toEqual([512, 4, 2, 128, 16, 16]);
    expect([d.periodsCaptured, d.samplesPerPeriod, d.underrunBytes, d.firstWrongByte, d.hangNote]).toEqual([4, 128, 1024, 16, ""]);
    expect(d.periodUs).toBeCloseTo(2666.67, 1);
    // Period 0's callback counts its own 16 bursts: 256 bytes. CCR: 2-byte beats (1 at [3:1] and
    // [17:15]), 16 beats (15 at [7:4] and [21:18]), destination incrementing (bit 14).
    expect(d.underrunNote).toContain("capture period 0: RX FIFO underrun (dmasim): 256 bytes read from an empty FIFO: dma0chan1 " +
      "(PL330 thread 0, request line 1) reads bursts of 16 beats × 2 bytes = 32 bytes (CCR0 0x3cc0f2)");
    expect(d.underrunNote).toContain("whose 128-byte RX FIFO raises a burst request when 16 bytes are waiting");
    expect(d.underrunNote).toContain("reads the other 16 from an empty FIFO, which returns zeros for them");
    expect(d.underrunNote).toContain("fix: src_maxburst 8 in the client's dma_slave_config");
    expect(r.symptom).toContain("driver sets src_maxburst 16 (bursts of 32 bytes) while its 128-byte RX FIFO raises burst requests when " +
      "16 bytes are waiting: the capture runs without an error, yet 4 of 4 512-byte periods came, one every 2666.67 µs while the UART " +
      "produced 128 samples (256 bytes), the samples wrong from byte 16 on, 1024 bytes read from an empty FIFO");
    expect(r.symptom).toContain(`dmasim said: ${d.underrunNote}`);
    expect([d.maxburstFixed, d.periodsCapturedFixed, d.samplesPerPeriodFixed, d.underrunBytesFixed, d.firstWrongByteFixed]).toEqual([8, 4, 256, 0, -1]);
    expect(d.periodUsFixed).toBeCloseTo(5333.33, 1);
    expect(r.fixed).toBe("with src_maxburst 8 (the FIFO's burst level) 4 of 4 512-byte periods came, one every 5333.33 µs while the UART " +
      "produced 256 samples (512 bytes), every sample in order, 0 bytes read from an empty FIFO");
  });

  it("cannot show on Linux 4.9: its slave transfers are 1-beat bursts whatever the maxburst", async () => {
    const r = await run({ ...bugSystem({ kind: KIND }), kernel: "v4.9" });
    expect(r.reproduced).toBe(false);
    expect([r.details.periodsCaptured, r.details.underrunBytes, r.details.firstWrongByte, r.details.underrunNote]).toEqual([4, 0, -1, ""]);
    expect(r.symptom).toContain("Linux 4.9's pl330 moves slave transfers in 1-beat bursts whatever the maxburst");
  });

  it("on an RX stream raising single requests (the plain Zynq board) the burst stalls instead, and says so", async () => {
    const r = await run({ board: "zynq-7000" });
    expect(r.reproduced).toBe(false);
    expect([r.details.requestBytes, r.details.periodsCaptured, r.details.underrunBytes]).toEqual([2, 0, 0]);
    expect(r.details.hangNote).toContain("RX burst stall");
    expect(r.symptom).toContain("the capture stalled with 0 of 4 periods: a FIFO raising single requests stalls a burst channel instead");
    expect([r.details.maxburstFixed, r.details.periodsCapturedFixed, r.details.underrunBytesFixed, r.details.firstWrongByteFixed]).toEqual([1, 4, 0, -1]);
  });

  it("cannot show when the FIFO asks only once a whole burst of 32 bytes is waiting", async () => {
    const r = await run({ board: "zynq-7000", dmaPeripherals: { "serial@e0001000": { rx: { sampleRateHz: 48000, sampleBytes: 2, burstBytes: 32 } } } });
    expect(r.reproduced).toBe(false);
    expect([r.details.requestBytes, r.details.periodsCaptured, r.details.samplesPerPeriod, r.details.underrunBytes]).toEqual([32, 4, 256, 0]);
    expect(r.symptom).toContain("this board's FIFO holds a whole burst of 32 bytes at every burst request, so the bug cannot show here");
  });
});
