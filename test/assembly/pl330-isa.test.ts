// PL330 instruction semantics (spec pl330 §2.2) and operand checks (§2.1), seen through the
// register file and memory. Expected values are worked out by hand from the spec.

import { describe, expect, it } from "vitest";
import { pl330Rig, pattern, ST } from "../helpers/pl330-rig.js";

const PROG = 0x100000;
const SRC = 0x200000;
const DST = 0x300000;

describe("PL330 instructions", () => {
  it("DMAADDH adds a zero-extended halfword, DMAADNH a negative one", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, 0x1000
      DMAMOV DAR, 0x20000
      DMAADDH SAR, 0xffff
      DMAADNH DAR, 0xfff0
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(0x1000 + 0xffff);
    expect(g.dar(0)).toBe((0x20000 + 0xfffffff0) >>> 0); // 0x20000 - 16
  });

  it("nests counted loops (the body runs n times) and leaves LCn as the raw byte", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, 0
      DMALP 3
        DMALP 4
          DMAADDH SAR, 1
        DMALPEND
      DMALPEND
      .byte 0x20, 31 ; DMALP LC0, 32 with no loop after it
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(12);
    expect(g.r(0x40c) & 0xff).toBe(31); // LC0 ← 32 − 1 by the last DMALP
    expect(g.r(0x410) & 0xff).toBe(0); // LC1 counted down to 0
  });

  it("executes the conditional forms by the request flag: Single at start, set by DMAWFP", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, pattern(64));
    // 4-byte beats × 4: an unconditional load moves 16 bytes, a single one 4.
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB4 SS32 SAI DB4 DS32 DAI
      DMALDB
      DMALDS
      DMASTB
      DMASTS
      DMAWFP P0, burst
      DMALDB
      DMASTB
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(SRC + 4 + 16); // LDB skipped, LDS 4 bytes, then LDB 16
    expect(g.dar(0)).toBe(DST + 4 + 16);
    expect(g.m.backdoor.read(DST, 20)).toEqual(pattern(64).subarray(0, 20));
    expect(g.csr(0) & (1 << 14)).toBe(1 << 14); // the last DMAWFP was a B
  });

  it("DMASTZ writes size × len zero bytes and advances an incrementing DAR", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(DST, new Uint8Array(64).fill(0xee));
    g.program(PROG, `DMAMOV DAR, ${DST}
      DMAMOV CCR, DB3 DS64 DAI
      DMASTZ
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.dar(0)).toBe(DST + 24);
    const out = g.m.backdoor.read(DST, 32);
    expect(out.subarray(0, 24).every((b) => b === 0)).toBe(true);
    expect(out.subarray(24).every((b) => b === 0xee)).toBe(true);
  });

  it("byte-reverses each item of the swap size on the way to the destination", async () => {
    const g = await pl330Rig();
    const src = pattern(16);
    g.m.backdoor.write(SRC, src);
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB2 SS64 SAI DB2 DS64 DAI ES32
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    const want = Uint8Array.from({ length: 16 }, (_, i) => src[(i & ~3) + 3 - (i & 3)]);
    expect(g.m.backdoor.read(DST, 16)).toEqual(want);
  });

  it("realigns an unaligned incrementing burst and moves all of it", async () => {
    const g = await pl330Rig();
    const src = pattern(64);
    g.m.backdoor.write(SRC, src);
    g.program(PROG, `DMAMOV SAR, ${SRC + 3}
      DMAMOV DAR, ${DST + 1}
      DMAMOV CCR, SB4 SS32 SAI DB4 DS32 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(SRC + 3 + 16);
    expect(g.dar(0)).toBe(DST + 1 + 16);
    expect(g.m.backdoor.read(DST + 1, 16)).toEqual(src.subarray(3, 19));
  });

  it("repeats the beat at a fixed source address", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB4 SS16 SAF DB4 DS16 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(SRC);
    expect(Array.from(g.m.backdoor.read(DST, 8))).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });

  it("decodes 0x29/0x2B as DMASTP and 0x2D/0x2F as conditional forever-loop ends", async () => {
    const g = await pl330Rig();
    // DMAADDH SAR,1 ; DMALPEND (nf=0, LC1, B) back 3: the flag is Single, so it falls through.
    g.m.backdoor.write(PROG, Uint8Array.of(0x54, 0x01, 0x00, 0x2f, 0x03, 0x2b, 0x00, 0x00));
    expect(g.run(0, PROG).state).toBe(ST.stopped);
    expect(g.sar(0)).toBe(1);
    expect(g.cpc(0)).toBe(PROG + 8); // 0x2B 0x00 ran as DMASTPB P0 (a no-op under Single)
    // 0x29 with reserved bits set in its peripheral byte is an invalid DMASTP, not a loop end.
    g.m.backdoor.write(PROG + 0x100, Uint8Array.of(0x29, 0x01, 0x00));
    expect(g.run(1, PROG + 0x100).state).toBe(ST.faulting);
    expect(g.ftr(1)).toBe(1 << 1);
  });

  it.each([
    ["undefined 0x02", [0x02], 1 << 0, 0],
    ["undefined 0x14", [0x14], 1 << 0, 0],
    ["undefined 0xff", [0xff], 1 << 0, 0],
    ["DMALD with bs=2 (0x06)", [0x06], 1 << 1, 1],
    ["DMALPEND with bs=2 (0x3a)", [0x3a, 0x00], 1 << 1, 2],
    ["DMAMOV to register 3", [0xbc, 0x03, 0, 0, 0, 0], 1 << 1, 6],
    ["DMASEV with reserved bits", [0x34, 0x01], 1 << 1, 2],
    ["DMASEV E16 (16 events)", [0x34, 16 << 3], 1 << 1, 2],
    ["DMAWFE with bit 0 set", [0x36, 0x01], 1 << 1, 2],
    ["DMAWFP P4 (4 requests)", [0x30, 4 << 3], 1 << 1, 2],
    ["DMAWFP with bs=3 (0x33)", [0x33, 0x00], 1 << 1, 2],
    ["DMAGO in a channel", [0xa0, 0x00, 0, 0, 0, 0], 1 << 0, 6],
  ])("faults on %s (FTR, CPC as the reference model records)", async (_, bytes, ftr, cpcAdvance) => {
    const g = await pl330Rig();
    g.m.backdoor.write(PROG, Uint8Array.from([...bytes, 0x00]));
    expect(g.run(3, PROG).state).toBe(ST.faulting);
    expect(g.ftr(3)).toBe(ftr);
    expect(g.cpc(3)).toBe(PROG + cpcAdvance);
    expect(g.r(0x034)).toBe(1 << 3); // FSRC
    expect(g.m.pendingIrq()).toBe(45); // irq_abort
    g.kill(3);
    g.settle(3);
    expect(g.ftr(3)).toBe(0);
    expect(g.r(0x034)).toBe(0);
    expect(g.m.pendingIrq()).toBe(-1);
  });
});

describe("PL330 security (CR3/CR4 tie-offs secure, manager secure)", () => {
  it.each([
    ["DMASEV on a secure event", "DMASEV E1", 1 << 5],
    ["DMAWFE on a secure event", "DMAWFE E1", 1 << 5],
    ["DMAFLUSHP on a secure peripheral", "DMAFLUSHP P0", 1 << 6],
    ["DMAWFP on a secure peripheral", "DMAWFP P0, single", 1 << 6],
  ])("a non-secure channel faults on %s", async (_, insn, ftr) => {
    const g = await pl330Rig();
    g.program(PROG, `${insn}\nDMAEND`);
    g.go(2, PROG, 1);
    expect(g.settle(2).state).toBe(ST.faulting);
    expect(g.ftr(2)).toBe(ftr);
    expect(g.csr(2) & (1 << 21)).toBe(1 << 21); // CNS
  });

  it("lets a non-secure channel use the events CR3 marks non-secure", async () => {
    const g = await pl330Rig({ irqNs: 1 << 1 });
    g.program(PROG, "DMASEV E1\nDMAEND");
    g.go(2, PROG, 1);
    expect(g.settle(2).state).toBe(ST.stopped);
    expect(g.r(0x024)).toBe(1 << 1);
  });

  it("faults a non-secure manager's DMAGO of a secure channel with dmago_err", async () => {
    const g = await pl330Rig({ mgrNs: true });
    expect(g.r(0x000) & (1 << 9)).toBe(1 << 9); // DSR.DNS
    g.program(PROG, "DMAEND");
    g.go(0, PROG, 0);
    g.settle(0);
    expect(g.r(0x000) & 0xf).toBe(15);
    expect(g.r(0x038)).toBe((1 << 4) | (1 << 30)); // dmago_err | dbg_instr
    expect(g.r(0x030)).toBe(1); // FSRD
  });

  it("with checkChannelProt, faults a non-secure channel asking CCR for secure accesses", async () => {
    const g = await pl330Rig();
    g.x.setPl330Option(0, 2, 1);
    g.program(PROG, "DMAMOV CCR, SB1 SS8 SAI DB1 DS8 DAI\nDMAEND");
    g.go(1, PROG, 1);
    expect(g.settle(1).state).toBe(ST.faulting);
    expect(g.ftr(1)).toBe(1 << 7); // ch_rdwr_err
  });
});

describe("PL330 events and interrupts", () => {
  it("keeps an event pending until a DMAWFE consumes it", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMASEV E3\nDMAEND");
    g.run(0, PROG);
    expect(g.r(0x024)).toBe(1 << 3);
    g.program(PROG + 0x100, "DMAWFE E3\nDMAEND");
    expect(g.run(1, PROG + 0x100).state).toBe(ST.stopped);
    expect(g.r(0x024)).toBe(0);
    expect(g.csr(1)).toBe(3 << 4); // wakeup_number stays after the channel stops
  });

  it("wakes every thread waiting on the event and leaves nothing pending", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMAWFE E5\nDMAADDH SAR, 1\nDMAEND");
    g.go(0, PROG);
    g.go(1, PROG);
    g.settle(0, 1e6);
    expect([g.state(0), g.state(1)]).toEqual([ST.wfe, ST.wfe]);
    expect(g.cpc(0)).toBe(PROG); // CPC stays at the DMAWFE while waiting
    g.debug(0x00340000 | ((5 << 3) << 24)); // DMASEV E5 on the manager
    expect(g.settle(0).state).toBe(ST.stopped);
    expect(g.settle(1).state).toBe(ST.stopped);
    expect([g.sar(0), g.sar(1)]).toEqual([1, 1]);
    expect(g.r(0x024)).toBe(0);
  });

  it("raises irq[e] instead when INTEN[e] is set; INTCLR lowers it only for INTEN bits", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMAWFE E2\nDMAEND");
    g.program(PROG + 0x100, "DMASEV E2\nDMAEND");
    g.w(0x020, 1 << 2);
    g.go(0, PROG);
    g.run(1, PROG + 0x100);
    expect(g.state(0)).toBe(ST.wfe); // an interrupt does not wake a DMAWFE
    expect(g.r(0x024)).toBe(1 << 2);
    expect(g.r(0x028)).toBe(1 << 2);
    expect(g.m.pendingIrq()).toBe(46 + 2);
    g.w(0x02c, 1 << 3); // not in INTEN: no effect
    expect(g.r(0x028)).toBe(1 << 2);
    g.w(0x02c, 1 << 2);
    expect(g.r(0x028)).toBe(0);
    expect(g.r(0x024)).toBe(0);
    expect(g.m.pendingIrq()).toBe(-1);
  });

  it("reports INTMIS as INT_EVENT_RIS & INTEN: enabling a pending event's interrupt raises it", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMASEV E1\nDMAEND");
    g.run(0, PROG);
    expect(g.r(0x028)).toBe(0);
    g.w(0x020, 1 << 1);
    expect(g.r(0x028)).toBe(1 << 1);
    expect(g.m.pendingIrq()).toBe(47);
  });
});

describe("PL330 manager and debug interface", () => {
  it("faults the manager on a bad debug DMAGO and recovers with a manager DMAKILL", async () => {
    const g = await pl330Rig();
    g.debug(0x00a00000 | (8 << 24), PROG); // channel byte 8: operand invalid
    g.settle(0, 1e6);
    expect(g.r(0x000) & 0xf).toBe(15); // DSR: Faulting
    expect(g.r(0x030)).toBe(1);
    expect(g.r(0x038)).toBe((1 << 1) | (1 << 30));
    expect(g.m.pendingIrq()).toBe(45);
    g.debug(0x00010000); // DMAKILL on the manager
    g.settle(0, 1e6);
    expect([g.r(0x000), g.r(0x030), g.r(0x038)]).toEqual([0, 0, 0]);
    expect(g.m.pendingIrq()).toBe(-1);
  });

  it("faults a channel sent a debug instruction it cannot take (DMAEND) with dbg_instr", async () => {
    const g = await pl330Rig();
    g.debug(0x00000001 | (4 << 8)); // DMAEND to channel 4
    g.settle(4, 1e6);
    expect(g.state(4)).toBe(ST.faulting);
    expect(g.ftr(4)).toBe(0x40000001);
  });

  it("keeps DBGSTATUS busy while a debug DMAKILL waits for the channel's transfers", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, pattern(0x10000));
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
      DMALP 256
        DMALP 2
          DMALD
          DMAST
        DMALPEND
      DMALPEND
      DMAEND`);
    g.go(0, PROG);
    g.m.idleUntil(g.m.now() + 5e6); // 5 µs into a 64 KB copy
    g.debug(0x00010001); // DMAKILL channel 0
    const seen = new Set<string>();
    for (let i = 0; i < 1000 && g.state(0) !== ST.stopped; i++) seen.add(`${g.state(0)}/${g.r(0xd00)}`);
    expect(seen.has(`${ST.killing}/1`)).toBe(true);
    expect(g.state(0)).toBe(ST.stopped);
    expect(g.r(0xd00)).toBe(0);
  });

  it("runs a manager program from the boot address (boot_from_pc)", async () => {
    const g = await pl330Rig();
    g.program(PROG + 0x200, "DMAADDH SAR, 7\nDMAEND");
    g.program(PROG, `DMAGO C5, ${PROG + 0x200}\nDMAWFE E9\nDMAEND`);
    g.x.setPl330Option(0, 0, PROG);
    expect(g.r(0xe00) & 2).toBe(2); // CR0.boot_en
    for (let i = 0; i < 1000 && (g.r(0x000) & 0xf) !== 4; i++) g.m.idleUntil(g.m.now() + 10e3);
    expect(g.settle(5).state).toBe(ST.stopped);
    expect(g.sar(5)).toBe(7);
    expect(g.r(0x000)).toBe(4 | (9 << 4)); // DSR: waiting for event 9
    expect(g.r(0x004)).toBe(PROG + 6); // DPC at the DMAWFE
    g.debug(0x00340000 | ((9 << 3) << 24));
    g.settle(5, 1e6);
    expect(g.r(0x000) & 0xf).toBe(0);
  });
});

describe("PL330 data faults and the watchdog", () => {
  it("faults a DMALD from unmapped memory with data_read_err (imprecise: CPC past it)", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, 0x40000000
      DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI
      DMALD
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 18);
    expect(g.cpc(0)).toBe(PROG + 13);
  });

  it("faults a DMAST to unmapped memory with data_write_err", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, 0x40000000
      DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 17);
  });

  it("faults a fetch from unmapped memory with instr_fetch_err (CPC at the fetch)", async () => {
    const g = await pl330Rig();
    expect(g.run(0, 0x40000000).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 16);
    expect(g.cpc(0)).toBe(0x40000000);
  });

  it("writes the beats it has and faults when a DMAST finds too little data", async () => {
    const g = await pl330Rig();
    g.m.backdoor.write(SRC, Uint8Array.of(9, 8, 7, 6, 5));
    g.m.backdoor.write(DST, new Uint8Array(8).fill(0xee));
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV DAR, ${DST}
      DMAMOV CCR, SB1 SS32 SAI DB2 DS32 DAI
      DMALD
      DMAST
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(1 << 13); // st_data_unavailable
    expect(g.cpc(0)).toBe(PROG + 20); // past the DMAST
    expect(Array.from(g.m.backdoor.read(DST, 8))).toEqual([9, 8, 7, 6, 0xee, 0xee, 0xee, 0xee]);
  });

  it("declares a lock-up when loads fill the MFIFO and nothing will drain it", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
      DMALPFE
        DMALD
      DMALPEND`);
    const { state, ps } = g.run(0, PROG, 1e9);
    expect(state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(0x80000000); // lockup_err
    expect(g.cpc(0)).toBe(PROG + 12); // at the DMALD that could not issue
    expect(g.x.pl330Stat(0, 6)).toBe(1024); // MFIFO peak: 128 lines × 8 B
    expect(ps).toBeGreaterThanOrEqual(1024 * 4500); // the watchdog waited 1024 AXI cycles
  });

  it("with WD.wd_irq_only, signals a lock-up on irq_abort without faulting the channel", async () => {
    const g = await pl330Rig();
    g.w(0xe80, 1);
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
      DMALPFE
        DMALD
      DMALPEND`);
    g.go(0, PROG);
    expect(g.settle(0, 1e8).state).toBe(ST.executing);
    expect(g.m.pendingIrq()).toBe(45);
    expect(g.r(0x034)).toBe(0);
    g.kill(0);
    g.settle(0);
    expect(g.m.pendingIrq()).toBe(-1);
  });

  it("never completes a DMAEND with loaded data left over: lock-up at the DMAEND", async () => {
    const g = await pl330Rig();
    g.program(PROG, `DMAMOV SAR, ${SRC}
      DMAMOV CCR, SB1 SS32 SAI DB1 DS32 DAI
      DMALD
      DMAEND`);
    expect(g.run(0, PROG).state).toBe(ST.faulting);
    expect(g.ftr(0)).toBe(0x80000000);
    expect(g.cpc(0)).toBe(PROG + 13);
  });
});

describe("PL330 forever loops", () => {
  it("end at the caller's time bound: the channel is still executing, the host returns", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMALPFE\nDMANOP\nDMALPEND\nDMAEND");
    g.go(0, PROG);
    const t0 = g.m.now();
    expect(g.m.waitForInterrupt(t0 + 1e9)).toBe(t0 + 1e9); // 1 ms passes, no interrupt
    expect(g.state(0)).toBe(ST.executing);
    // About one instruction per AXI cycle ran in that millisecond.
    expect(g.x.pl330Stat(0, 0)).toBeGreaterThan(1e9 / 4500 / 2);
    g.kill(0);
    expect(g.settle(0).state).toBe(ST.stopped);
  });
});
