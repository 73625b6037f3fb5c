// A device register access happens when it reaches the device, not when its CPU operation
// starts: a TLB miss walks the tables first, and a DMAC must have run up to the instant the
// access arrives. The device here is a PL330 on a Zynq-7000 whose DMA copy ends with DMASEV E0
// (INTEN[0] set, so INT_EVENT_RIS[0] and irq 46 go high at an instant T). T is found on a twin
// machine by waiting for the interrupt; every CPU access starts before T, and only a walk (or a
// register access before it in the same operation) carries it past T.
//
// Walk and register costs by hand from the ZYNQ_7000 profile: a 666.667 MHz CPU (1.5 ns a
// cycle), a TLB miss of 10 cycles (15 ns), and the one first-level section descriptor of the
// DMAC's page held in L2 (the walk that warmed the TLB filled it there, walks allocate in L2),
// read in l2HitCycles = 26 cycles (39 ns); the DMAC's register window answers in 60 ns.

import { describe, expect, it } from "vitest";
import { assemble } from "../../src/tools/pl330/assembler.js";
import { DMAC, INT_EVENT_RIS, INTCLR, IRQ0, machineAt, raiseInstant, timed, zynqWithDmac } from "../helpers/zynq-dmac-copy.js";

const WALK_PS = 15_000 + 39_000;
const REGISTER_PS = 60_000;
/** How long before T each access starts: less than one walk, less than one register access. */
const EARLY_PS = 20_000;

describe("a device register access reaches the device after the walk of its TLB miss", () => {
  it("control: with the TLB warm, a load just before T reads the event not yet raised", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "warm");
    let ris = -1;
    expect(timed(m, () => (ris = m.cpu.load(INT_EVENT_RIS, 4)))).toBe(REGISTER_PS);
    expect(ris).toBe(0);
    expect(m.cpu.load(INT_EVENT_RIS, 4)).toBe(1); // the next load starts after T
    expect(m.pendingIrq()).toBe(IRQ0);
  });

  it("a load that starts before T but reaches the DMAC after its walk reads INT_EVENT_RIS[0] set", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "cold");
    let ris = -1;
    expect(timed(m, () => (ris = m.cpu.load(INT_EVENT_RIS, 4)))).toBe(WALK_PS + REGISTER_PS);
    expect(ris).toBe(1);
  });

  it("a store to INTCLR that reaches the DMAC after T clears the interrupt", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "cold");
    expect(timed(m, () => m.cpu.store(INTCLR, 4, 1))).toBe(WALK_PS + REGISTER_PS);
    expect(m.cpu.load(INT_EVENT_RIS, 4)).toBe(0);
    expect(m.pendingIrq()).toBe(-1);
  });

  it("a register write series (writeSeries) that reaches the DMAC after T clears the interrupt", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "cold");
    expect(timed(m, () => m.cpu.writeSeries(INTCLR, 1, 0, 1))).toBe(WALK_PS + REGISTER_PS);
    expect(m.cpu.load(INT_EVENT_RIS, 4)).toBe(0);
    expect(m.pendingIrq()).toBe(-1);
  });

  it("a word-by-word read of a register (readsl) after a walk reads the event raised", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "cold");
    let words: number[] = [];
    expect(timed(m, () => (words = Array.from(m.cpu.read(INT_EVENT_RIS, 4))))).toBe(WALK_PS + REGISTER_PS);
    expect(words).toEqual([1, 0, 0, 0]);
  });
});

describe("each write of a series reaches the device at its own instant", () => {
  it("of two INTCLR writes, the first before T and the second after, the second clears the interrupt", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "warm");
    expect(timed(m, () => m.cpu.writeSeries(INTCLR, 1, 0, 2))).toBe(2 * REGISTER_PS);
    expect(m.cpu.load(INT_EVENT_RIS, 4)).toBe(0);
    expect(m.pendingIrq()).toBe(-1);
  });

  it("of two reads of INT_EVENT_RIS (readsl), the first before T and the second after, only the second sees it", async () => {
    const T = await raiseInstant();
    const m = await machineAt(T - EARLY_PS, "warm");
    expect(Array.from(m.cpu.read(INT_EVENT_RIS, 8))).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it("of two DBGCMD writes, the second finds the first debug instruction executed and issues its own", async () => {
    // DBGCMD is ignored while a debug instruction waits (DBGSTATUS busy); the first DMASEV
    // executes one AXI cycle (4.5 ns) after its write, long before the second write 60 ns later.
    const m = await zynqWithDmac();
    const WAITER = 0x180000;
    const { bytes } = assemble("DMAWFE E0\nDMAADDH SAR, 1\nDMAWFE E0\nDMAADDH SAR, 1\nDMAEND", { base: WAITER });
    m.backdoor.write(WAITER, bytes);
    m.cpu.store(DMAC + 0xd08, 4, 0x00a00000);
    m.cpu.store(DMAC + 0xd0c, 4, WAITER);
    m.cpu.store(DMAC + 0xd04, 4, 0);
    m.idleUntil(m.now() + 10_000_000);
    expect(m.cpu.load(DMAC + 0x100, 4) & 0xf).toBe(4); // channel 0 waits for event 0
    m.cpu.store(DMAC + 0xd08, 4, 0x00340000); // DMASEV E0 on the manager
    m.cpu.store(DMAC + 0xd0c, 4, 0);
    m.cpu.writeSeries(DMAC + 0xd04, 0, 0, 2);
    m.idleUntil(m.now() + 10_000_000);
    expect(m.cpu.load(DMAC + 0x100, 4) & 0xf).toBe(0); // stopped: both events arrived
    expect(m.cpu.load(DMAC + 0x400, 4)).toBe(2);
  });
});
