// How dmasim's notes word a channel's burst (src/report/ccr-burst.ts), decoded from the CCR's
// peripheral side as spec pl330 §3 lays it out: SI [0], SS [3:1], SB [7:4], DI [14], DS [17:15],
// DB [21:18]; bytes per beat 2^size, beats len + 1. The UART and ADC clients move 1- and 2-byte
// beats, so these are the widths no client's note reaches yet: 4-byte beats into a TX FIFO, and
// a 128-bit PL330's 16-byte beats out of an RX FIFO.

import { describe, expect, it } from "vitest";
import { ccrBurst } from "../../src/report/ccr-burst.js";

describe("ccrBurst", () => {
  it("a write to a peripheral reads the destination's fields: 4 beats × 4 bytes (DS 2, DB 3), DI clear for a FIFO's fixed address", () => {
    // SI 1, SS 2, SB 3 (the memory side, the same shape) | DI 0 | DS 2 << 15 | DB 3 << 18:
    // 0x1 | 0x4 | 0x30 | 0x10000 | 0xc0000 = 0xd0035.
    expect(ccrBurst(0xd0035, 0, true)).toEqual({
      beats: 4, beatBytes: 4, bytes: 16, text: "4 beats × 4 bytes = 16 bytes (CCR0 0xd0035)",
    });
  });

  it("a read from a peripheral reads the source's fields: 1 beat × 16 bytes (SS 4, SB 0) on a 128-bit PL330", () => {
    // SI 0 (the FIFO's fixed address), SS 4 << 1 | DI 1 << 14 | DS 4 << 15: 0x8 | 0x4000 | 0x20000 = 0x24008.
    expect(ccrBurst(0x24008, 3, false)).toEqual({
      beats: 1, beatBytes: 16, bytes: 16, text: "1 beat × 16 bytes = 16 bytes (CCR3 0x24008)",
    });
  });
});
