// Statements of the PL330 register map (spec pl330 §4, values of §10) that software can check:
// read-only registers ignore writes, write-only and reserved locations read 0, WD keeps only
// its one bit, DBGCMD's reserved encodings run nothing, and CR0/CR3/CR4/DSR/periph_id_2 report
// the configuration they were built with.

import { describe, expect, it } from "vitest";
import { pl330Rig, ST } from "../helpers/pl330-rig.js";

const PROG = 0x00100000;

// Every read-only register of §4 for channel 0, and the configuration/ID block.
const READ_ONLY = [
  0x000, 0x004, 0x024, 0x028, 0x030, 0x034, 0x038, 0x040, 0x100, 0x104, 0x400, 0x404, 0x408, 0x40c, 0x410,
  0xd00, 0xe00, 0xe04, 0xe08, 0xe0c, 0xe10, 0xe14, 0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc,
];

describe("PL330 register map (spec §4)", () => {
  it("ignores writes to its read-only registers", async () => {
    const g = await pl330Rig();
    // Leave channel 0 with state in SAR/DAR/CCR/LC0/LC1/CPC and event 3 pending.
    g.program(PROG, "DMAMOV SAR, 0x1234\nDMAMOV DAR, 0x5678\nDMAMOV CCR, 0x003dc0f7\n.byte 0x20, 4, 0x22, 6\nDMASEV E3\nDMAEND");
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    const before = READ_ONLY.map((o) => g.r(o) >>> 0);
    // Values the spec gives for this state: §2.2 (SAR/DAR/CCR/LC), §10 (CR0, CRD), §4 (IDs).
    expect(before[READ_ONLY.indexOf(0x024)]).toBe(1 << 3);
    expect(before.slice(READ_ONLY.indexOf(0x400), READ_ONLY.indexOf(0x410) + 1)).toEqual([0x1234, 0x5678, 0x003dc0f7, 4, 6]);
    expect(before[READ_ONLY.indexOf(0x104)]).toBe(PROG + 6 * 3 + 4 + 2 + 1); // CPC after DMAEND
    expect(before[READ_ONLY.indexOf(0xe00)]).toBe(0x001e3071);
    expect(before[READ_ONLY.indexOf(0xe14)]).toBe(0x07ff7f73);
    for (const o of READ_ONLY) g.w(o, 0xffffffff);
    for (const o of READ_ONLY) g.w(o, 0);
    expect(READ_ONLY.map((o) => g.r(o) >>> 0)).toEqual(before);
    expect(g.state(0)).toBe(ST.stopped);
  });

  it("reads 0 from INTCLR (write-only) and from a channel block's reserved words 0x414–0x41C", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMAMOV SAR, 0xffffffff\nDMAMOV DAR, 0xffffffff\nDMAEND");
    g.run(1, PROG);
    g.w(0x020, 0xffff);
    g.w(0x02c, 0xffff);
    expect(g.r(0x02c)).toBe(0);
    expect([0x434, 0x438, 0x43c].map((o) => g.r(o))).toEqual([0, 0, 0]);
    expect(g.r(0x420)).toBe(0xffffffff); // SAR1: the block is channel 1's
  });

  it("keeps only WD.wd_irq_only (bit 0) of a write to WD", async () => {
    const g = await pl330Rig();
    expect(g.r(0xe80)).toBe(0);
    g.w(0xe80, 0xffffffff);
    expect(g.r(0xe80)).toBe(1);
    g.w(0xe80, 0xfffffffe);
    expect(g.r(0xe80)).toBe(0);
  });

  it("executes DBGINST0/1 only for DBGCMD 00; 01–11 are reserved and run nothing", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMASEV E0\nDMAEND");
    g.w(0xd08, 0x00a00000); // DMAGO channel 0
    g.w(0xd0c, PROG);
    for (const cmd of [1, 2, 3]) {
      g.w(0xd04, cmd);
      g.settle(0, 1e6);
      expect(g.r(0xd00)).toBe(0);
      expect(g.state(0)).toBe(ST.stopped);
      expect(g.r(0x024)).toBe(0); // the program's DMASEV never ran
    }
    g.w(0xd04, 0);
    expect(g.settle(0, 1e6).state).toBe(ST.stopped);
    expect(g.r(0x024)).toBe(1);
    expect(g.cpc(0)).toBe(PROG + 3);
  });

  it("reports a non-secure manager in CR0[2] and DSR[9], and CR3/CR4 as tied off", async () => {
    // §10: CR0 = 0x001E3071 + 0x4 when the manager is non-secure; CR3 = INS, CR4 = PNS.
    const g = await pl330Rig({ mgrNs: true, irqNs: 0x8005, periphNs: 0x9 });
    expect(g.r(0xe00)).toBe(0x001e3075);
    expect(g.r(0x000)).toBe(1 << 9); // DSR: Stopped, DNS
    expect(g.r(0xe0c)).toBe(0x8005);
    expect(g.r(0xe10)).toBe(0x9);
    const s = await pl330Rig();
    expect([s.r(0x000), s.r(0xe0c), s.r(0xe10)]).toEqual([0, 0, 0]);
  });

  it("reports other configurations in CR0, CR1 and periph_id_2", async () => {
    // Cyclone V (§10): 8 channels, 32 requests, 8 events, r1p2: num_chnls−1 = 7 in [6:4],
    // num_periph_req−1 = 31 in [16:12] with [0] set, num_events−1 = 7 in [21:17].
    const cv = await pl330Rig({ preset: { channels: 8, requests: 32, events: 8, revision: 3, icacheLines: 16, icacheLineBytes: 32 } });
    expect(cv.r(0xe00)).toBe(1 | (7 << 4) | (31 << 12) | (7 << 17));
    expect(cv.r(0xe04)).toBe(5 | (15 << 4)); // 32-byte lines (5), 16 lines
    expect(cv.r(0xfe8)).toBe(0x34);
    // No peripheral request interfaces: CR0[0] clear and num_periph_req not reported.
    const none = await pl330Rig({ preset: { channels: 6, requests: 0, events: 12, revision: 0, icacheLines: 8, icacheLineBytes: 4 } });
    expect(none.r(0xe00)).toBe((5 << 4) | (11 << 17));
    expect(none.r(0xe04)).toBe(2 | (7 << 4)); // 4-byte lines (2), 8 lines
    expect(none.r(0xfe8)).toBe(0x04);
  });
});
