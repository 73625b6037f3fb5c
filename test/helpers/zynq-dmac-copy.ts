// A Zynq-7000 with its PL330 behind the MMU, running a 1 KB copy that ends with DMASEV E0: with
// INTEN[0] set, INT_EVENT_RIS[0] and irq 46 go high at one instant T. Tests that ask what the
// CPU sees around T find T on a twin machine by waiting for the interrupt, then start their
// access a little before it.

import { expect } from "vitest";
import { profileMachine, put32, ZYNQ_7000 } from "./profile-machine.js";
import { MMU_V7_SHORT, type Machine } from "../../src/hw/machine.js";
import { periodPs } from "../../src/hw/profile.js";
import { assemble } from "../../src/tools/pl330/assembler.js";

export const DMAC = 0xf8003000;
export const INT_EVENT_RIS = DMAC + 0x024;
export const INTEN = DMAC + 0x020;
export const INTCLR = DMAC + 0x02c;
export const IRQ0 = 46;
const TTB = 0x4000;
const PROG = 0x100000;
const SRC = 0x200000;
const DST = 0x300000;

/** A Zynq with its DMAC, the MMU on and the DMAC's MB mapped as Device by one section at the
 *  same VA (TEX remap n = 4 under Linux's PRRR), a 1 KB copy program in DRAM. */
export async function zynqWithDmac(): Promise<Machine> {
  const m = await profileMachine(ZYNQ_7000, { ram: [{ base: 0, size: 16 << 20 }] });
  const d = ZYNQ_7000.dmac.preset;
  m.x.addPl330(DMAC, 0x1000, d.channels, d.requests, d.events, d.dataWidthBits, d.bufferDepth, d.rdCap, d.wrCap,
    d.rdQueue, d.wrQueue, d.icacheLines, d.icacheLineBytes, d.revision, 0, 0, 0,
    periodPs(ZYNQ_7000.dmac.axiClockMHz), 0, ZYNQ_7000.dmac.deviceLatencyNs * 1000);
  m.x.wirePl330Irq(0, 0, IRQ0);
  // Section: PA[31:20], TEX[0] (bit 12), AP = 01 (bits 11:10), XN (bit 4), type 0b10.
  put32(m, TTB + (DMAC >>> 20) * 4, 0xf8000000 | 0x1000 | 0x400 | 0x10 | 0x2);
  m.mmu.setTexRemap(0xff0a81a8, 0x40e040e0);
  m.mmu.setDacr(0x55555555);
  m.mmu.setTtbr(0, TTB);
  m.mmu.setFormat(MMU_V7_SHORT);
  m.backdoor.write(SRC, Uint8Array.from({ length: 1024 }, (_, i) => (i % 251) + 1));
  const { bytes } = assemble(`DMAMOV SAR, ${SRC}
    DMAMOV DAR, ${DST}
    DMAMOV CCR, SB16 SS64 SAI DB16 DS64 DAI
    DMALP 8
      DMALD
      DMAST
    DMALPEND
    DMAWMB
    DMASEV E0
    DMAEND`, { base: PROG });
  m.backdoor.write(PROG, bytes);
  return m;
}

/** Enables irq[0] and starts the copy on channel 0 through the debug interface (DMAGO). */
export function startCopy(m: Machine): void {
  m.cpu.store(INTEN, 4, 1);
  m.cpu.store(DMAC + 0xd08, 4, 0x00a00000);
  m.cpu.store(DMAC + 0xd0c, 4, PROG);
  m.cpu.store(DMAC + 0xd04, 4, 0);
}

/** The instant the copy raises irq[0], seen on a twin machine. */
export async function raiseInstant(): Promise<number> {
  const m = await zynqWithDmac();
  startCopy(m);
  const t = m.waitForInterrupt(m.now() + 1e9);
  if (t === null) throw new Error("the copy raised no interrupt");
  return t;
}

/** A machine at `at` (before T), with its TLB cold (the descriptor stays in L2) or warm. */
export async function machineAt(at: number, tlb: "cold" | "warm"): Promise<Machine> {
  const m = await zynqWithDmac();
  startCopy(m);
  expect(m.now()).toBeLessThan(at);
  m.idleUntil(at);
  if (tlb === "cold") m.mmu.tlbiAll();
  return m;
}

/** Runs `access` and returns how long it took. */
export function timed(m: Machine, access: () => void): number {
  const t0 = m.now();
  access();
  return m.now() - t0;
}
