// The bug kind burst-on-single-requests: a UART driver with dst_maxburst 4 on the Zynq's TX FIFO,
// which raises single requests (one per free byte), sends nothing on a 4.18+ kernel: the channel
// waits in DMAWFPB, and the hang note names the burst stall; with maxburst 1 all 256 bytes leave.
// Linux 4.9 moves slave transfers in 1-beat bursts whatever the maxburst: nothing hangs there.

import { describe, expect, it } from "vitest";
import { bugSystem, BUG_KINDS, type BugResult } from "../../../src/sim/scenarios/bugs.js";
import type { SystemOptions } from "../../../src/system.js";
import { runBug } from "../../helpers/run-bug.js";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ZYNQ_DTS = fileURLToPath(new URL("../../../examples/boards/zynq-7000.dts", import.meta.url));

const burstOnSingles = (options: SystemOptions): Promise<BugResult> => runBug("burst-on-single-requests", options);

describe("bug burst-on-single-requests", () => {
  it("is a bug kind, run on the Zynq board by default", () => {
    expect(BUG_KINDS).toContain("burst-on-single-requests");
    expect(bugSystem({ kind: "burst-on-single-requests" })).toEqual({ board: "zynq-7000" });
  });

  it("hangs in DMAWFP P0, burst with maxburst 4; the note names the burst stall; maxburst 1 sends every byte (modern)", async () => {
    const r = await burstOnSingles(bugSystem({ kind: "burst-on-single-requests" }));
    const d = r.details;
    expect(r.reproduced).toBe(true);
    expect(d.peripheral).toBe("/axi/serial@e0001000");
    expect([d.requestBytes, d.maxburst, d.channelLine]).toEqual([1, 4, 0]);
    expect(d.status).toBe("DMA_IN_PROGRESS");
    expect(d.sentBytes).toBe(0);
    // CSR: Waiting for peripheral (7), line 0, dmawfp_b_ns (bit 14): 0x4007. CCR of a MEM_TO_DEV
    // slave transfer: src_inc (bit 0), 1-byte beats, 4 beats (3 at [7:4] and [21:18]).
    const ccr = 1 | (3 << 4) | (3 << 18);
    expect(d.hangNote).toMatch(/CSR\d 0x4007 \(Waiting for peripheral\), CPC\d 0x[0-9a-f]+: DMAWFP P0, burst; TX burst stall: /);
    expect(d.hangNote).toContain(`raises single requests only (a 64-byte TX FIFO holding 0 bytes, 64 free: it asks for data one byte at a time, and is asking now)`);
    expect(d.hangNote).toMatch(new RegExp(`the channel's burst is 4 beats × 1 byte = 4 bytes \\(CCR\\d 0x${ccr.toString(16)}\\), a burst because dst_maxburst is 4: `));
    // 256 bytes in bursts of 4: the stalled burst is a whole one, not the transfer's tail.
    expect(d.hangNote).toContain("a burst because dst_maxburst is 4: Linux's pl330 (4.18 on) waits for a burst request whenever a burst is longer than 1 beat; " +
      "fix: dst_maxburst 1 in the client's dma_slave_config");
    expect([d.maxburstFixed, d.statusFixed, d.sentBytesFixed, d.wrongBytesFixed]).toEqual([1, "DMA_COMPLETE", 256, 0]);
    expect(r.symptom).toContain(`driver sets dst_maxburst 4 while its TX FIFO raises single requests only`);
    expect(r.fixed).toBe("with dst_maxburst 1 (the FIFO's BURST register) the UART sent 256 of 256 bytes (DMA_COMPLETE), 0 of them wrong");
  });

  it("cannot show on Linux 4.9: its slave transfers are 1-beat bursts whatever the maxburst", async () => {
    const r = await burstOnSingles({ ...bugSystem({ kind: "burst-on-single-requests" }), kernel: "v4.9" });
    expect(r.reproduced).toBe(false);
    expect([r.details.status, r.details.sentBytes, r.details.hangNote]).toEqual(["DMA_COMPLETE", 256, ""]);
    expect(r.symptom).toContain("Linux 4.9's pl330 moves slave transfers in 1-beat bursts whatever the maxburst");
  });

  it("under arm,pl330-periph-burst the fix hangs as well, and the fixed line quotes dmasim's note on it", async () => {
    // The quirk makes Linux's pl330 wait for a burst on every peripheral transfer (_bursts), so
    // maxburst 1 waits in DMAWFPB too, for requests the FIFO (single requests) never raises.
    const dts = readFileSync(ZYNQ_DTS, "utf8") + "\n&dmac_s { arm,pl330-periph-burst; };\n";
    const r = await burstOnSingles({ dts, dtsName: ZYNQ_DTS, dmaPeripherals: { "serial@e0001000": { tx: { burstBytes: 1 } } } });
    expect(r.reproduced).toBe(false);
    expect([r.details.sentBytes, r.details.statusFixed, r.details.sentBytesFixed]).toEqual([0, "DMA_IN_PROGRESS", 0]);
    expect(r.fixed).toMatch(/^with dst_maxburst 1 \(the FIFO's BURST register\) the UART sent 0 of 256 bytes \(DMA_IN_PROGRESS\), 0 of them wrong; dmasim said: WARNING: dmaengine: e0001000\.serial: waitTx timed out \(dmasim\): /);
    expect(r.fixed).toContain("the channel's burst is 1 beat × 1 byte = 1 byte (CCR0 0x1), a burst because /axi/dma-controller@f8003000 has arm,pl330-periph-burst");
  });

  it("says the bug cannot show on a board whose FIFO raises burst requests", async () => {
    // arm64-ref's PL330 has arm,pl330-periph-burst: the board gives its models 16-byte bursts.
    const r = await burstOnSingles({ board: "arm64-ref" });
    expect(r.reproduced).toBe(false);
    expect(r.details.requestBytes).toBe(16);
    expect(r.details.sentBytes).toBe(256);
    expect(r.symptom).toContain("this board's FIFO asks for bursts, so the bug cannot show here");
  });
});
