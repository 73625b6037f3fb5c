// Building a board: memory controllers, RAM, caches, TLB and devices, as the SoC integrator
// wired them. Called once, before the kernel boots.

import { addMmio, setRegionLatency } from "./dram";
import { pl330s, pl310s, DEV_PL330, DEV_PL310 } from "./devices";
import { Pl330Config } from "./pl330/config";
import { Dmac } from "./pl330/dmac";
import { Pl310 } from "./pl310";

export function createPl330(
  base: u64, size: u64,
  channels: u32, periph: u32, events: u32, widthBits: u32, depth: u32,
  rdCap: u32, wrCap: u32, rdQ: u32, wrQ: u32, icLines: u32, icLineBytes: u32,
  revision: u32, mgrNs: bool, irqNs: u32, periphNs: u32,
  cyclePs: i64, coherent: bool, deviceLatencyPs: i64,
): i32 {
  const cfg = new Pl330Config();
  cfg.numChannels = channels < 1 ? 1 : channels > 8 ? 8 : channels;
  cfg.numPeriph = periph > 32 ? 32 : periph;
  cfg.numEvents = events < 1 ? 1 : events > 32 ? 32 : events;
  cfg.dataWidthBits = widthBits == 32 || widthBits == 128 ? widthBits : 64;
  cfg.bufferDepth = depth < 1 ? 1 : depth > 1024 ? 1024 : depth;
  cfg.rdCap = rdCap;
  cfg.wrCap = wrCap;
  cfg.rdQueue = rdQ;
  cfg.wrQueue = wrQ;
  cfg.icLines = icLines;
  cfg.icLineBytes = icLineBytes;
  cfg.revision = revision;
  cfg.mgrNs = mgrNs;
  cfg.irqNs = irqNs;
  cfg.periphNs = periphNs;
  const d = new Dmac(cfg, cyclePs, coherent, deviceLatencyPs);
  const inst = pl330s.length;
  pl330s.push(d);
  if (addMmio(base, size, DEV_PL330, inst) < 0) return -1;
  return inst;
}

/** The PL310's registers sit on the CPU's private bus: faster than peripherals behind the
 *  central interconnect, which is why `latencyPs` is its own. */
export function createPl310(base: u64, size: u64, latencyPs: i64): i32 {
  const inst = pl310s.length;
  pl310s.push(new Pl310());
  const r = addMmio(base, size, DEV_PL310, inst);
  if (r < 0) return -1;
  setRegionLatency(r, latencyPs);
  return inst;
}
