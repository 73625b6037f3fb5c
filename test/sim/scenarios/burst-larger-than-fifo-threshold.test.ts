// The bug kind burst-larger-than-fifo-threshold: a UART driver with dst_maxburst 16 on the Zynq's
// TX FIFO (64 bytes) shaped to raise burst requests at 8 free bytes. The send completes, but
// bytes are lost to overruns; with dst_maxburst 8 (the FIFO's BURST register) none are.
//
// Bytes lost, by hand: 256 bytes are 16 bursts of 16. Bursts 1–4 fill the FIFO (64 bytes, one
// already in the shift register: 63 held); from then on each burst request goes up when 8 bytes
// are free and brings 16, so bursts 5–16 lose 8 each: 12 × 8 = 96, and 160 reach the wire. With
// bursts of 8 every burst fits the 8 free bytes: none lost.

import { describe, expect, it } from "vitest";
import { bugSystem, BUG_KINDS, type BugResult } from "../../../src/sim/scenarios/bugs.js";
import type { SystemOptions } from "../../../src/system.js";
import { runBug } from "../../helpers/run-bug.js";

const KIND = "burst-larger-than-fifo-threshold";
const run = (options: SystemOptions): Promise<BugResult> => runBug(KIND, options);

describe("bug burst-larger-than-fifo-threshold", () => {
  it("is a bug kind, run on the Zynq board with its UART's TX FIFO raising 8-byte burst requests", () => {
    expect(BUG_KINDS).toContain(KIND);
    expect(bugSystem({ kind: KIND })).toEqual({
      board: "zynq-7000",
      dmaPeripherals: { "serial@e0001000": { tx: { baud: 115200, depth: 64, burstBytes: 8 } } },
    });
  });

  it("loses 96 of 256 bytes to TX FIFO overruns with dst_maxburst 16; the note says why; dst_maxburst 8 loses none", async () => {
    const r = await run(bugSystem({ kind: KIND }));
    const d = r.details;
    expect(r.reproduced).toBe(true);
    expect(d.peripheral).toBe("/axi/serial@e0001000");
    expect([d.bytes, d.fifoDepth, d.requestBytes, d.maxburst, d.channelLine]).toEqual([256, 64, 8, 16, 0]);
    expect([d.status, d.lostBytes, d.sentBytes, d.hangNote]).toEqual(["DMA_COMPLETE", 96, 160, ""]);
    // CCR: src_inc (bit 0), 1-byte beats, 16 beats (15 at [7:4] and [21:18]).
    expect(d.overrunNote).toContain("TX FIFO overrun (dmasim): 96 bytes lost: dma0chan0 (PL330 thread 0, request line 0) writes bursts of " +
      "16 beats × 1 byte = 16 bytes (CCR0 0x3c00f1)");
    expect(d.overrunNote).toContain("whose 64-byte TX FIFO raises a burst request when 8 bytes are free (its BURST register)");
    expect(d.overrunNote).toContain("each burst meets 8 free bytes and the FIFO drops the other 8");
    expect(d.overrunNote).toContain("fix: dst_maxburst 8 in the client's dma_slave_config");
    expect(r.symptom).toContain("driver sets dst_maxburst 16 while its 64-byte TX FIFO raises burst requests when 8 bytes are free: " +
      "the send completed (DMA_COMPLETE), yet 96 of 256 bytes never reached the wire, lost to TX FIFO overruns (160 sent");
    expect(r.symptom).toContain(`dmasim said: ${d.overrunNote}`);
    expect([d.maxburstFixed, d.statusFixed, d.sentBytesFixed, d.lostBytesFixed, d.wrongBytesFixed]).toEqual([8, "DMA_COMPLETE", 256, 0, 0]);
    expect(r.fixed).toBe("with dst_maxburst 8 (the FIFO's BURST register) the UART sent 256 of 256 bytes (DMA_COMPLETE), 0 of them wrong, 0 lost to TX FIFO overruns");
  });

  it("cannot show on Linux 4.9: its slave transfers are 1-beat bursts whatever the maxburst", async () => {
    const r = await run({ ...bugSystem({ kind: KIND }), kernel: "v4.9" });
    expect(r.reproduced).toBe(false);
    expect([r.details.status, r.details.sentBytes, r.details.lostBytes, r.details.overrunNote]).toEqual(["DMA_COMPLETE", 256, 0, ""]);
    expect(r.symptom).toContain("Linux 4.9's pl330 moves slave transfers in 1-beat bursts whatever the maxburst");
  });

  it("on a FIFO raising single requests (the plain Zynq board) the burst stalls instead, and says so", async () => {
    const r = await run({ board: "zynq-7000" });
    expect(r.reproduced).toBe(false);
    expect([r.details.requestBytes, r.details.status, r.details.sentBytes, r.details.lostBytes]).toEqual([1, "DMA_IN_PROGRESS", 0, 0]);
    expect(r.details.hangNote).toContain("TX burst stall");
    expect(r.symptom).toContain("while its 64-byte TX FIFO raises single requests only (one per free byte): ");
    expect(r.symptom).toContain("a FIFO raising single requests stalls a burst channel instead (bug kind burst-on-single-requests)");
    expect(r.fixed).toBe("with dst_maxburst 1 (the FIFO's BURST register) the UART sent 256 of 256 bytes (DMA_COMPLETE), 0 of them wrong, 0 lost to TX FIFO overruns");
  });

  it("cannot show on a board whose FIFO takes the whole burst at each request", async () => {
    // arm64-ref's PL330 has arm,pl330-periph-burst: the board gives its models 16-byte bursts.
    const r = await run({ board: "arm64-ref" });
    expect(r.reproduced).toBe(false);
    expect([r.details.requestBytes, r.details.sentBytes, r.details.lostBytes]).toEqual([16, 256, 0]);
    expect(r.symptom).toContain("this board's FIFO takes a burst of 16 bytes at every burst request, so the bug cannot show here");
  });
});
