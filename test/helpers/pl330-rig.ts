// A bare machine with one PL330 (Zynq configuration unless overridden), driven as a bare-metal
// driver would: MMIO through the CPU port (MMU off), programs assembled from TRM mnemonics and
// written into DRAM, DMAGO through the debug interface.

import { instantiateSilicon } from "../../src/hw/wasm.js";
import { Machine } from "../../src/hw/machine.js";
import { ZYNQ_7000, periodPs } from "../../src/hw/profile.js";
import type { Pl330Preset } from "../../src/hw/pl330-presets.js";
import { assemble } from "../../src/tools/pl330/assembler.js";

export const DMAC = 0xf8003000;
export const AXI_CYCLE_PS = periodPs(ZYNQ_7000.dmac.axiClockMHz); // 4500 ps at 222.222 MHz

export const ST = { stopped: 0, executing: 1, cacheMiss: 2, wfe: 4, barrier: 5, wfp: 7, killing: 8, completing: 9, faultCompleting: 14, faulting: 15 } as const;

export interface RigOptions {
  preset?: Partial<Pl330Preset>;
  ramBytes?: number;
  mgrNs?: boolean;
  irqNs?: number;
  periphNs?: number;
}

export class Rig {
  constructor(readonly m: Machine) {}

  get x() {
    return this.m.x;
  }

  r(off: number): number {
    return this.m.cpu.load(DMAC + off, 4);
  }

  w(off: number, v: number): void {
    this.m.cpu.store(DMAC + off, 4, v >>> 0);
  }

  csr(ch: number): number {
    return this.r(0x100 + 8 * ch);
  }

  state(ch: number): number {
    return this.csr(ch) & 0xf;
  }

  cpc(ch: number): number {
    return this.r(0x104 + 8 * ch);
  }

  ftr(ch: number): number {
    return this.r(0x40 + 4 * ch);
  }

  sar(ch: number): number {
    return this.r(0x400 + 0x20 * ch);
  }

  dar(ch: number): number {
    return this.r(0x404 + 0x20 * ch);
  }

  /** Assembles `src` and writes it at pa; returns the bytes. */
  program(pa: number, src: string): Uint8Array {
    const { bytes } = assemble(src, { base: pa });
    this.m.backdoor.write(pa, bytes);
    return bytes;
  }

  /** Injects a debug instruction (DBGINST0/1, DBGCMD) once DBGSTATUS is idle. */
  debug(inst0: number, inst1 = 0): void {
    for (let i = 0; this.r(0xd00) & 1; i++) if (i > 1e5) throw new Error("DBGSTATUS stuck busy");
    this.w(0xd08, inst0);
    this.w(0xd0c, inst1);
    this.w(0xd04, 0);
  }

  /** DMAGO channel ch at pc, through the manager. */
  go(ch: number, pc: number, ns = 0): void {
    this.debug((ch << 24) | ((0xa0 | (ns << 1)) << 16), pc);
  }

  kill(ch: number): void {
    this.debug(0x00010001 | (ch << 8));
  }

  /** Lets simulated time pass until channel ch is Stopped or Faulting, nothing can progress,
   *  or `limitPs` passed. Returns the state and the time it was first seen. */
  settle(ch: number, limitPs = 1e9): { state: number; at: number } {
    const end = this.m.now() + limitPs;
    let step = 100e3; // polls 100 ns apart, doubling to 100 µs: the time seen is that coarse
    for (;;) {
      const s = this.state(ch);
      if (s === ST.stopped || s === ST.faulting) return { state: s, at: this.m.now() };
      const next = this.x.nextDeviceEvent();
      if (next < 0 || this.m.now() >= end) return { state: s, at: this.m.now() };
      this.m.idleUntil(Math.min(end, Math.max(next, this.m.now() + step)));
      step = Math.min(step * 2, 100e6);
    }
  }

  /** Time from DMAGO to the DMASEV E0 that ends the program at pc (INTEN[0] set), exact to the
   *  picosecond; the interrupt is then cleared. */
  timeToIrq(ch: number, pc: number, limitPs = 1e9): number {
    this.w(0x020, this.r(0x020) | 1);
    this.go(ch, pc);
    const t0 = this.m.now();
    const at = this.m.waitForInterrupt(t0 + limitPs);
    if (at === null) throw new Error("no interrupt");
    this.w(0x02c, 1);
    return at - t0;
  }

  /** Runs a program on channel ch from pc and settles; returns the simulated time it took. */
  run(ch: number, pc: number, limitPs = 1e9): { state: number; ps: number } {
    const t0 = this.m.now();
    this.go(ch, pc);
    const { state, at } = this.settle(ch, limitPs);
    return { state, ps: at - t0 };
  }
}

export async function pl330Rig(opts: RigOptions = {}): Promise<Rig> {
  const p = ZYNQ_7000;
  const x = await instantiateSilicon();
  const psPerKiB = (mbps: number) => Math.round((1024 * 1e12) / (mbps * 1e6));
  x.configureMemController(0, p.dram.latencyNs * 1000, psPerKiB(p.dram.bandwidthMBps));
  x.configureCpu(periodPs(p.cpu.clockMHz), p.cpu.mmioNs * 1000, 0, 8, 8, 4);
  x.addRam(0, opts.ramBytes ?? 32 << 20, 0);
  const d = { ...p.dmac.preset, ...opts.preset };
  x.addPl330(DMAC, 0x1000, d.channels, d.requests, d.events, d.dataWidthBits, d.bufferDepth, d.rdCap, d.wrCap,
    d.rdQueue, d.wrQueue, d.icacheLines, d.icacheLineBytes, d.revision, opts.mgrNs ? 1 : 0, opts.irqNs ?? 0,
    opts.periphNs ?? 0, AXI_CYCLE_PS, 0, p.dmac.deviceLatencyNs * 1000);
  x.wirePl330Abort(0, 45);
  for (let e = 0; e < 8; e++) x.wirePl330Irq(0, e, 46 + e);
  return new Rig(new Machine(x, p));
}

/** Patterned bytes (never 0x00): byte i of a buffer seeded s. */
export function pattern(n: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => ((i * 131 + seed * 17) % 251) + 1);
}

/** Index of the first byte where a and b differ, or -1 (cheaper than toEqual on megabytes). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
