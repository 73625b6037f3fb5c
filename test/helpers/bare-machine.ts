// A machine without a kernel, for testing the silicon directly: RAM, caches and TLB from a
// profile, and hand-written page tables where a test needs the MMU on.

import { instantiateSilicon } from "../../src/hw/wasm.js";
import { Machine } from "../../src/hw/machine.js";
import { ZYNQ_7000, ARM64_A53, periodPs, type MachineProfile } from "../../src/hw/profile.js";

export async function bareMachine(opts: { profile?: MachineProfile; ram?: { base: number; size: number }[]; pl330?: number } = {}): Promise<Machine> {
  const p = opts.profile ?? ZYNQ_7000;
  const x = await instantiateSilicon();
  const psPerKiB = (mbps: number) => Math.round((1024 * 1e12) / (mbps * 1e6));
  x.configureMemController(0, p.dram.latencyNs * 1000, psPerKiB(p.dram.bandwidthMBps));
  const l2 = p.l2;
  x.configureCaches(p.l1d.sizeBytes, p.l1d.ways, p.l1d.lineBytes, p.l1d.replacement === "lru" ? 0 : 1,
    l2?.sizeBytes ?? 0, l2?.ways ?? 0, l2?.replacement === "lru" ? 0 : 1, l2 && !l2.outer ? 3 : 1);
  const cyc = 1e6 / p.cpu.clockMHz;
  x.configureCacheCosts(Math.round(p.cpu.l1HitCycles * cyc), Math.round(p.cpu.l2HitCycles * cyc), Math.round(cyc), p.cpu.outstandingMisses);
  x.configureTlb(p.tlb.entries / p.tlb.ways, p.tlb.ways, Math.round(p.cpu.tlbMissCycles * cyc));
  x.configureCpu(Math.round(cyc), p.cpu.mmioNs * 1000, Math.round(cyc), p.cpu.ncReadBytes, p.cpu.ncWriteBytes, p.cpu.writeBufferSlots);
  for (const r of opts.ram ?? [{ base: 0, size: 64 << 20 }]) x.addRam(r.base, r.size, 0);
  if (opts.pl330 !== undefined) {
    const d = p.dmac.preset;
    x.addPl330(opts.pl330, 0x1000, d.channels, d.requests, d.events, d.dataWidthBits, d.bufferDepth,
      d.rdCap, d.wrCap, d.rdQueue, d.wrQueue, d.icacheLines, d.icacheLineBytes, d.revision, 0, 0, 0,
      periodPs(p.dmac.axiClockMHz), 0, p.dmac.deviceLatencyNs * 1000);
    x.wirePl330Abort(0, 45);
    for (let e = 0; e < 8; e++) x.wirePl330Irq(0, e, 46 + e);
  }
  return new Machine(x, p);
}

export { ZYNQ_7000, ARM64_A53 };

/** Writes a 64-bit little-endian descriptor by physical address (backdoor: tables set up before
 *  the MMU is turned on, as a boot loader would leave them). */
export function put64(m: Machine, pa: number, v: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  m.backdoor.write(pa, b);
}

export function put32(m: Machine, pa: number, v: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  m.backdoor.write(pa, b);
}

export const bytes = (...v: number[]) => Uint8Array.from(v);
