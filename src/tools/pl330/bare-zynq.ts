// The bare machine the PL330 conformance corpus assumes (../shared/conformance/pl330/README.md):
// 128 MiB of DDR at 0, 64 KiB of OCM at 0xFFFC0000, the Zynq PL330 at 0xF8003000, MMU off so
// the CPU reaches memory and registers by physical address. No kernel.

import { instantiateSilicon } from "../../hw/wasm.js";
import { Machine } from "../../hw/machine.js";
import { ZYNQ_7000, periodPs } from "../../hw/profile.js";
import type { SiliconExports } from "../../hw/exports.js";

export const DMAC_BASE = 0xf8003000;

/** The Zynq's DDR controller (0) and OCM (1), and its CPU with caches off: what a bare-metal
 *  rig needs before adding memory and devices. */
export function configureBareZynq(x: SiliconExports): void {
  const p = ZYNQ_7000;
  const psPerKiB = (mbps: number) => Math.round((1024 * 1e12) / (mbps * 1e6));
  x.configureMemController(0, p.dram.latencyNs * 1000, psPerKiB(p.dram.bandwidthMBps));
  x.configureMemController(1, p.sram.latencyNs * 1000, psPerKiB(p.sram.bandwidthMBps));
  x.configureCpu(periodPs(p.cpu.clockMHz), p.cpu.mmioNs * 1000, 0, 8, 8, 4);
}

export async function bareZynq(): Promise<Machine> {
  const x = await instantiateSilicon();
  const p = ZYNQ_7000;
  configureBareZynq(x);
  x.addRam(0, 128 * 2 ** 20, 0);
  x.addRam(0xfffc0000, 0x10000, 1);
  const d = p.dmac.preset;
  x.addPl330(DMAC_BASE, 0x1000, d.channels, d.requests, d.events, d.dataWidthBits, d.bufferDepth,
    d.rdCap, d.wrCap, d.rdQueue, d.wrQueue, d.icacheLines, d.icacheLineBytes, d.revision, 0, 0, 0,
    periodPs(p.dmac.axiClockMHz), 0, p.dmac.deviceLatencyNs * 1000);
  x.wirePl330Abort(0, 45);
  for (let e = 0; e < 8; e++) x.wirePl330Irq(0, e, e < 4 ? 46 + e : 72 + e - 4);
  return new Machine(x, p);
}
