// The PL330's shared MFIFO (spec pl330 §9): a DMALD reserves its bytes when it issues, a DMAST
// gives them back when its write beats have left, and a load that finds no room waits for that.
// A load that needs exactly the room left fits: capacity is a bound it may reach.

import { describe, expect, it } from "vitest";
import { pl330Rig, pattern, ST, AXI_CYCLE_PS } from "../helpers/pl330-rig.js";
import { ZYNQ_7000 } from "../../src/hw/profile.js";
import { Tracer } from "../../src/trace/recorder.js";

const PROG = 0x100000;
const SRC = 0x200000;
const DST = 0x300000;
const CYC = AXI_CYCLE_PS; // 4500 ps
const LAT = ZYNQ_7000.dram.latencyNs * 1000; // 80 000 ps from address phase to first data
// The DMAC's AXI read and write channel tracks (assembly/trace.ts: TRACK_DMAC + 9, + 10).
const AXI_R = 0x1009;
const AXI_W = 0x100a;
// DRAM time of 8 bytes at the profile's 3838 MB/s, booked per KiB as the rig configures it.
const DRAM_8B = Math.floor((8 * Math.round(1024e12 / (ZYNQ_7000.dram.bandwidthMBps * 1e6))) / 1024);

describe("PL330 MFIFO", () => {
  it("lets a load that waited for a store's room fill the MFIFO exactly, as soon as the room is there", async () => {
    // Two lines of the 64-bit bus: a 16-byte MFIFO. The S forms run as single beats (the
    // request flag is Single at DMAGO, §2.2), so every DMALDS / DMASTS moves 8 bytes in one AXI
    // beat; they are not the lone channel's unconditional DMALD, so each one goes through the
    // general engine, which waits for MFIFO room by itself.
    const g = await pl330Rig({ preset: { bufferDepth: 2 } });
    g.m.backdoor.write(SRC, pattern(24));
    g.m.backdoor.write(DST, new Uint8Array(32));
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB1 SS64 SAI DB1 DS64 DAI
      DMALDS
      DMALDS
      DMASTS
      DMALDS
      DMASTS
      DMASTS
      DMAEND`);
    const tracer = new Tracer(g.m);
    tracer.start();
    const { state } = g.run(0, PROG);
    const { records } = tracer.stop();
    expect(state).toBe(ST.stopped);
    expect(g.ftr(0)).toBe(0);
    expect([g.sar(0), g.dar(0)]).toEqual([SRC + 24, DST + 24]);
    expect(g.m.backdoor.read(DST, 32)).toEqual(Uint8Array.from([...pattern(24), ...new Uint8Array(8)]));
    expect(g.x.pl330Stat(0, 6)).toBe(16); // MFIFO peak: both lines

    const onTrack = (track: number) => records.filter((r) => r.kind === "slice" && r.track === track);
    const reads = onTrack(AXI_R).filter((r) => r.value === 8); // not the i-cache line fill
    const writes = onTrack(AXI_W);
    const program = records.find((r) => r.kind === "slice" && r.name === "program")!;
    // Times from Ra, when LD a's beat starts on the R channel (LAT after it issued at i):
    //   i       LD a issues: 8 reserved          R beat a  [Ra,        Ra+4500]
    //   i+4500  LD b issues: 16 reserved (full)  R beat b  [Ra+4500,   Ra+9000]  (after a's)
    //   i+9000  ST a issues, its data is in at Ra+4500:    W beat a  [Ra+4500, Ra+9000]
    //           → 8 bytes come back at Ra+9000
    //   i+13500 LD c: 16 + 8 > 16, waits for that release; at Ra+9000 8 + 8 = 16 fits and it
    //           issues (nothing else wants the slot)     R beat c  [Ra+89000,  Ra+93500]
    //   Ra+13500 ST b issues, b is in:                     W beat b  [Ra+13500, Ra+18000]
    //   Ra+18000 ST c issues, c is in at Ra+93500:         W beat c  [Ra+93500, Ra+98000]
    //   DMAEND completes at c's write response: one cycle after DRAM took its 8 bytes, which
    //   starts LAT after its W beat started: Ra+93500 + 80000 + DRAM_8B (2084) + 4500.
    const ra = reads[0].start;
    expect(reads.map((r) => [r.start - ra, r.end - ra])).toEqual([
      [0, CYC], [CYC, 2 * CYC], [2 * CYC + LAT, 3 * CYC + LAT]]);
    expect(writes.map((w) => [w.start - ra, w.end - ra])).toEqual([
      [CYC, 2 * CYC], [3 * CYC, 4 * CYC], [3 * CYC + LAT, 4 * CYC + LAT]]);
    expect(program.end - ra).toBe(3 * CYC + LAT + LAT + DRAM_8B + CYC);
    expect(DRAM_8B).toBe(2084); // 8 × round(1024e12 / 3838e6) / 1024, by hand
  });
});
