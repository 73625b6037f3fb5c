// PL330 events and interrupts (spec pl330 §8), the manager thread and the debug interface (§7),
// seen through the register file and the interrupt lines. Expected values from the spec.

import { describe, expect, it } from "vitest";
import { pl330Rig, pattern, ST } from "../helpers/pl330-rig.js";

const PROG = 0x100000;
const SRC = 0x200000;
const DST = 0x300000;

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

  it("leaves a pending event (INTEN[e] clear) alone on INTCLR; a DMAWFE still consumes it", async () => {
    const g = await pl330Rig();
    g.program(PROG, "DMASEV E3\nDMAEND");
    g.run(0, PROG);
    expect(g.r(0x024)).toBe(1 << 3);
    g.w(0x02c, 1 << 3); // INTEN[3] = 0: "otherwise no effect" (spec pl330 register map)
    expect(g.r(0x024)).toBe(1 << 3);
    g.program(PROG + 0x100, "DMAWFE E3\nDMAEND");
    expect(g.run(1, PROG + 0x100).state).toBe(ST.stopped);
    expect(g.r(0x024)).toBe(0);
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
  it("keeps INTEN bits only for the events the DMAC is built with (the rest RAZ/WI)", async () => {
    const g = await pl330Rig({ preset: { events: 6 } });
    expect((g.r(0xe00) >>> 17) & 0x1f).toBe(5); // CR0.num_events − 1
    g.w(0x020, 0xffffffff);
    expect(g.r(0x020) >>> 0).toBe(0x3f);
    g.w(0x020, 0xa5a5a5a5);
    expect(g.r(0x020) >>> 0).toBe(0x25);
    const full = await pl330Rig({ preset: { events: 32 } });
    full.w(0x020, 0xa5a5a5a5);
    expect(full.r(0x020) >>> 0).toBe(0xa5a5a5a5);
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

  it("adds dbg_instr only to a fault the debug instruction raised, not to one already there", async () => {
    // Spec §6: FTR bit 30 says the aborting instruction came from the debug interface.
    const g = await pl330Rig();
    g.program(PROG, "DMANOP\n.byte 0x24"); // undefined opcode: the program's own fault
    g.go(3, PROG);
    expect(g.settle(3).state).toBe(ST.faulting);
    expect(g.ftr(3)).toBe(1);
    g.debug(0x00340001 | (3 << 8)); // DMASEV 0 sent to channel 3
    g.settle(3, 1e6);
    expect(g.ftr(3)).toBe(1);
    expect(g.r(0x024)).toBe(1); // the DMASEV itself ran: event 0 pending
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

  // The TRM's DBGINST0 description lists channel numbers 0–7 and says nothing of a number the
  // DMAC is not built with; the spec (§7) neither. dmasim executes nothing, faults no thread and
  // returns DBGSTATUS to idle (docs/pl330-divergences.md, modelling choices).
  it("drops a debug instruction addressed to a channel the DMAC does not have", async () => {
    const g = await pl330Rig({ preset: { channels: 4 } });
    g.program(PROG, "DMASEV E1\nDMAEND");
    g.debug(0x00010601); // DMAKILL to channel 6
    g.debug(0x00340501 | ((2 << 3) << 24)); // DMASEV E2 to channel 5
    g.debug(0x00000701 | (0xa0 << 16), PROG); // DMAGO (a manager-only instruction) to channel 7
    for (let i = 0; g.r(0xd00) & 1; i++) if (i > 1e5) throw new Error("DBGSTATUS stuck busy");
    expect([g.r(0x000) & 0xf, g.r(0x030), g.r(0x034), g.r(0x038)]).toEqual([0, 0, 0, 0]); // DSR, FSRD, FSRC, FTRD
    expect([g.r(0x024), g.m.pendingIrq()]).toEqual([0, -1]); // no event, no irq_abort
    expect(g.run(0, PROG).state).toBe(ST.stopped); // the DMAC still works
    expect(g.r(0x024)).toBe(1 << 1);
  });
});
