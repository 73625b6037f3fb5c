// dmasim's note on an RX FIFO underrun (src/report/fifo-burst-excess.ts): an ADC client whose
// src_maxburst moves more bytes per burst than its RX FIFO has waiting when it raises a burst
// request reads the rest from an empty FIFO, which returns zeros; the capture runs on, and the
// first period callback after such reads prints why, with the numbers.
//
// The bytes read from an empty FIFO follow from the FIFO alone. The FIFO raises a burst request
// when L bytes are waiting (and is empty after the previous burst took everything), the
// channel's burst of B bytes takes all of them in far less than a sample time (20.8 µs at
// 48 kS/s), so each burst reads L samples' bytes and B − L bytes from an empty FIFO. A period of
// P bytes is P / B bursts: (P / B) × (B − L) bytes of zeros in it.

import { describe, expect, it } from "vitest";
import { zynqWith } from "../helpers/zynq-peripherals.js";
import { AdcDmaClient } from "../../src/drivers/adc-dma-client.js";
import type { RxStreamDevice } from "../../src/hw/dma-peripherals.js";

/** A capture of `periods` periods of `periodBytes` with src_maxburst `maxburst` (2-byte
 *  samples at 48 kS/s, read `width` bytes a beat) from the Zynq UART's RX stream, which raises
 *  burst requests at `level` bytes: the ring, the converter's count, and dmasim's notes. */
async function capture(level: number, maxburst: number, periodBytes: number, kernel: "modern" | "v4.9" = "modern", width: 2 | 4 = 2) {
  const s = await zynqWith("", { "serial@e0001000": { rx: { sampleRateHz: 48000, sampleBytes: 2, burstBytes: level, depth: 64 } } }, kernel);
  try {
    const model = s.board.peripherals.find((p) => p.dmaName === "rx")!.device as RxStreamDevice;
    const client = AdcDmaClient.probe(s.device("e0001000.serial"), { sampleBytes: width, maxburst });
    const produced: number[] = [];
    const cap = client.start(periodBytes, 4, () => produced.push(model.stats().transferred));
    s.kernel.waitEvent(() => cap.periods.length >= 2, 1e11);
    const r = {
      periods: cap.periods.length, first: cap.firstSample, produced, ring: client.readRing(),
      underrunBytes: model.stats().underrunBytes,
      notes: s.kernel.printk.dmesg().map((l) => l.text).filter((t) => t.includes("RX FIFO underrun (dmasim)")),
    };
    client.remove();
    return r;
  } finally {
    s.dispose();
  }
}

/** Little-endian 16-bit samples first, first+1, … (n of them). */
function samples(first: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => [(first + i) & 0xff, ((first + i) >> 8) & 0xff]).flat();
}

describe("the RX FIFO underrun note", () => {
  it("names the FIFO's burst level, the channel's burst and CCR, the bytes read from empty and the fix (level 16, src_maxburst 16)", async () => {
    // 32-byte bursts on a FIFO asking at 16 bytes: each burst reads 8 samples and 16 zero bytes.
    // A 512-byte period is 16 bursts: 128 samples and 256 bytes of zeros, so the converter is
    // only 128 samples further at each callback, and period 0's callback says 256.
    const r = await capture(16, 16, 512);
    expect(r.periods).toBe(2);
    expect(r.produced.map((n) => n - r.first)).toEqual([128, 256]);
    const zeros = Array(16).fill(0);
    const period0 = Array.from({ length: 16 }, (_, k) => [...samples(r.first + 8 * k, 8), ...zeros]).flat();
    expect(Array.from(r.ring.subarray(0, 512))).toEqual(period0);
    expect(r.notes).toHaveLength(1);
    // CCR of a DEV_TO_MEM slave transfer: 2-byte beats (SS, DS = 1 at [3:1], [17:15]), 16 beats
    // (15 at [7:4], [21:18]), destination incrementing (bit 14): 0x2 | 0xf0 | 0x4000 | 0x8000 | 0x3c0000.
    expect(r.notes[0]).toBe(
      "WARNING: e0001000.serial: capture period 0: RX FIFO underrun (dmasim): 256 bytes read from an empty FIFO: dma0chan1 (PL330 thread 0, " +
        "request line 1) reads bursts of 16 beats × 2 bytes = 32 bytes (CCR0 0x3cc0f2), src_maxburst 16 × src_addr_width 2, from " +
        "/axi/serial@e0001000 (\"rx\"), whose 128-byte RX FIFO raises a burst request when 16 bytes are waiting; a burst request promises " +
        "the peripheral's burst only, and the PL330 answers it with the whole burst its CCR programs (DMAWFPB, DMALDPB), so each burst meets " +
        "16 bytes waiting (more only if the channel came late) and reads the other 16 from an empty FIFO, which returns zeros for them (its " +
        "UNDERRUN register counts the short reads): the buffer gets 16 bytes of zeros after every 16 bytes of data, and fills faster than " +
        "the peripheral produces; fix: src_maxburst 8 in the client's dma_slave_config (8 beats × 2 bytes = 16 bytes: a burst no larger " +
        "than the FIFO's burst level)",
    );
  });

  it("says what each burst reads from empty when it is not twice the level (src_maxburst 12)", async () => {
    // 24-byte bursts: 16 bytes waiting, 8 from empty. A 480-byte period is 20 bursts: 160 bytes
    // of zeros. CCR: 2 | 11 << 4 | 0x4000 | 0x8000 | 11 << 18 = 0x2cc0b2.
    const r = await capture(16, 12, 480);
    expect(r.produced[0] - r.first).toBe(160);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toContain("capture period 0: RX FIFO underrun (dmasim): 160 bytes read from an empty FIFO: dma0chan1 (PL330 thread 0, " +
      "request line 1) reads bursts of 12 beats × 2 bytes = 24 bytes (CCR0 0x2cc0b2)");
    expect(r.notes[0]).toContain("reads the other 8 from an empty FIFO");
    expect(r.notes[0]).toContain("the buffer gets 8 bytes of zeros after every 16 bytes of data");
    expect(r.notes[0]).toContain("fix: src_maxburst 8 in the client's dma_slave_config");
  });

  it("names a fix of one beat when the level holds one beat and part of another (4-byte beats, level 6, src_maxburst 2)", async () => {
    // The driver reads two 16-bit samples a beat (src_addr_width 4); the FIFO asks at 6 bytes,
    // 3 samples. Each 8-byte burst reads them and 2 bytes from an empty FIFO: a 480-byte period
    // is 60 bursts, 120 bytes of zeros. The largest burst of 4-byte beats within 6 bytes is one
    // beat (6 / 4 rounded down). CCR: SS 2 << 1 | SB 1 << 4 | DI 0x4000 | DS 2 << 15 | DB 1 << 18 = 0x54014.
    const r = await capture(6, 2, 480, "modern", 4);
    expect(r.produced[0] - r.first).toBe(180);
    expect(Array.from(r.ring.subarray(0, 16))).toEqual([...samples(r.first, 3), 0, 0, ...samples(r.first + 3, 3), 0, 0]);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toContain("capture period 0: RX FIFO underrun (dmasim): 120 bytes read from an empty FIFO: dma0chan1 (PL330 thread 0, " +
      "request line 1) reads bursts of 2 beats × 4 bytes = 8 bytes (CCR0 0x54014), src_maxburst 2 × src_addr_width 4, from");
    expect(r.notes[0]).toContain("raises a burst request when 6 bytes are waiting");
    expect(r.notes[0]).toContain("reads the other 2 from an empty FIFO");
    expect(r.notes[0]).toContain("fix: src_maxburst 1 in the client's dma_slave_config (1 beat × 4 bytes = 4 bytes: a burst no larger than the FIFO's burst level)");
  });

  it("is not printed when the burst fits the level: every byte is a sample, in order", async () => {
    // src_maxburst 4 takes 4 of the 8 samples waiting at each request: the other 4 stay, so the
    // converter is 4 samples ahead of the ring at each callback.
    for (const [maxburst, ahead] of [[8, 0], [4, 4]]) {
      const r = await capture(16, maxburst, 512);
      expect([r.underrunBytes, r.notes, r.produced[0] - r.first]).toEqual([0, [], 256 + ahead]);
      expect(Array.from(r.ring.subarray(0, 512))).toEqual(samples(r.first, 256));
    }
  });

  it("is not printed on Linux 4.9, whose slave bursts are single beats whatever the maxburst", async () => {
    const r = await capture(16, 16, 512, "v4.9");
    expect([r.periods, r.underrunBytes, r.notes]).toEqual([2, 0, []]);
  });
});
