// A bare machine for PL330 benchmarks: 256 MiB of DDR at 0, the Zynq PL330, no kernel; the CPU
// (MMU off) starts programs through the debug interface and idles until the DMAC is done.

import { instantiateSilicon } from "../src/hw/wasm.js";
import { Machine } from "../src/hw/machine.js";
import { ZYNQ_7000, periodPs } from "../src/hw/profile.js";
import { assemble } from "../src/tools/pl330/assembler.js";

const DMAC = 0xf8003000;

export class BarePl330 {
  constructor(readonly m: Machine) {}

  static async create(ramBytes = 256 << 20): Promise<BarePl330> {
    const p = ZYNQ_7000;
    const x = await instantiateSilicon();
    const psPerKiB = (mbps: number) => Math.round((1024 * 1e12) / (mbps * 1e6));
    x.configureMemController(0, p.dram.latencyNs * 1000, psPerKiB(p.dram.bandwidthMBps));
    x.configureCpu(periodPs(p.cpu.clockMHz), p.cpu.mmioNs * 1000, 0, 8, 8, 4);
    if (x.addRam(0, ramBytes, 0) < 0) throw new Error("cannot allocate the benchmark's DRAM");
    const d = p.dmac.preset;
    x.addPl330(DMAC, 0x1000, d.channels, d.requests, d.events, d.dataWidthBits, d.bufferDepth, d.rdCap, d.wrCap,
      d.rdQueue, d.wrQueue, d.icacheLines, d.icacheLineBytes, d.revision, 0, 0, 0, periodPs(p.dmac.axiClockMHz), 0,
      p.dmac.deviceLatencyNs * 1000);
    return new BarePl330(new Machine(x, p));
  }

  load(pa: number, source: string): void {
    this.m.backdoor.write(pa, assemble(source, { base: pa }).bytes);
  }

  /** Runs the program at pc on channel 0 to its end; returns the instructions it retired. */
  run(pc: number): number {
    const { m } = this;
    const before = m.x.pl330Stat(0, 0);
    while (m.cpu.load(DMAC + 0xd00, 4) & 1);
    m.cpu.store(DMAC + 0xd08, 4, 0x00a00000);
    m.cpu.store(DMAC + 0xd0c, 4, pc);
    m.cpu.store(DMAC + 0xd04, 4, 0);
    // The CPU idles for a second of simulated time: the DMAC runs the program to its end in one
    // call (idle devices cost nothing for the rest of it).
    m.idleUntil(m.now() + 1e12);
    if ((m.cpu.load(DMAC + 0x100, 4) & 0xf) !== 0) {
      throw new Error(`channel 0 did not stop (CSR 0x${m.cpu.load(DMAC + 0x100, 4).toString(16)}, FTR 0x${m.cpu.load(DMAC + 0x40, 4).toString(16)})`);
    }
    return m.x.pl330Stat(0, 0) - before;
  }
}

/** ../shared/anchors/c/interp.c's program in DMA-330 encodings: 3 DMAMOVs, then
 *  8 × [DMALP 256 { DMALP 256 { DMALD; DMAST } }], DMAEND — a 64 MiB copy from 0 to 64 MiB with
 *  16-beat bursts, a dispatch-bound 4 MiB one with 1-beat bursts. */
export function interpProgram(beats: 16 | 1, src = 0, dst = 64 << 20): string {
  const body = "DMALP LC0, 256\n DMALP LC1, 256\n  DMALD\n  DMAST\n DMALPEND LC1\nDMALPEND LC0\n";
  return `DMAMOV SAR, ${src}\nDMAMOV DAR, ${dst}\nDMAMOV CCR, SB${beats} SS64 SAI DB${beats} DS64 DAI\n${body.repeat(8)}DMAEND`;
}
