// Building a board: memory controllers, RAM, caches, TLB and devices, as the SoC integrator
// wired them. Called once, before the kernel boots.

import { addMmio, setRegionLatency } from "./dram";
import { pl330s, pl310s, DEV_PL330, DEV_PL310, DEV_GICD } from "./devices";
import { Pl330Config } from "./pl330/config";
import { Dmac } from "./pl330/dmac";
import { Pl310 } from "./pl310";
import { l2 } from "./hierarchy";
import { DmaPeripheral, DEV_PERIPHERAL, peripherals } from "./peripherals/peripheral";
import { TxFifo } from "./peripherals/tx-fifo";
import { RxStream } from "./peripherals/rx-stream";

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
  cfg.rdCap = rdCap < 1 ? 1 : rdCap > 8 ? 8 : rdCap;
  cfg.wrCap = wrCap < 1 ? 1 : wrCap > 8 ? 8 : wrCap;
  cfg.rdQueue = rdQ < 1 ? 1 : rdQ > 16 ? 16 : rdQ;
  cfg.wrQueue = wrQ < 1 ? 1 : wrQ > 16 ? 16 : wrQ;
  cfg.icLines = icLines < 1 ? 1 : icLines > 16 ? 16 : icLines;
  cfg.icLineBytes = icLineBytes == 4 || icLineBytes == 8 || icLineBytes == 16 ? icLineBytes : 32;
  cfg.revision = revision & 3;
  cfg.mgrNs = mgrNs;
  cfg.irqNs = irqNs;
  cfg.periphNs = periphNs;
  const d = new Dmac(cfg, cyclePs, coherent, deviceLatencyPs);
  const inst = pl330s.length;
  d.setTraceIndex(inst);
  pl330s.push(d);
  if (addMmio(base, size, DEV_PL330, inst) < 0) return -1;
  return inst;
}

export const PL330_OPT_BOOT = 0; // value: boot address; the manager starts there at reset
export const PL330_OPT_WATCHDOG_CYCLES = 1;
export const PL330_OPT_CHECK_CHANNEL_PROT = 2;
export const PL330_OPT_UNWIRED_REQUESTS_IDLE = 3;

/** Tie-offs and model options that are not part of the AMBA configuration registers' fields
 *  given to createPl330. Returns false for an unknown option. */
export function setPl330Option(inst: i32, option: i32, value: u32): bool {
  const d = pl330s[inst];
  if (option == PL330_OPT_BOOT) {
    d.cfg.bootEn = true;
    d.cfg.bootAddr = value;
    d.reset();
  } else if (option == PL330_OPT_WATCHDOG_CYCLES) d.cfg.watchdogCycles = value < 1 ? 1 : value;
  else if (option == PL330_OPT_CHECK_CHANNEL_PROT) d.cfg.checkChannelProt = value != 0;
  else if (option == PL330_OPT_UNWIRED_REQUESTS_IDLE) d.cfg.unwiredRequestsIdle = value != 0;
  else return false;
  return true;
}

/** The PL310's registers sit on the CPU's private bus: faster than peripherals behind the
 *  central interconnect, which is why `latencyPs` is its own. */
export function createPl310(base: u64, size: u64, latencyPs: i64): i32 {
  const inst = pl310s.length;
  const pl = new Pl310();
  const c = l2;
  if (c != null) pl.configureGeometry(c.ways, c.sets * c.lineBytes);
  pl310s.push(pl);
  const r = addMmio(base, size, DEV_PL310, inst);
  if (r < 0) return -1;
  setRegionLatency(r, latencyPs);
  return inst;
}

function addPeripheral(p: DmaPeripheral, base: u64, size: u64): i32 {
  const inst = peripherals.length;
  p.base = base;
  peripherals.push(p);
  if (addMmio(base, size, DEV_PERIPHERAL, inst) < 0) return -1;
  return inst;
}

/** A UART-like TX FIFO (peripherals/tx-fifo.ts) at base. */
export function createTxFifo(base: u64, size: u64, depth: u32, charPs: i64, burstBytes: u32, logBytes: u32): i32 {
  return addPeripheral(new TxFifo(depth, charPs, burstBytes, logBytes), base, size);
}

/** An ADC-like RX stream (peripherals/rx-stream.ts) at base. */
export function createRxStream(base: u64, size: u64, periodPs: i64, sampleBytes: u32, depthSamples: u32, burstBytes: u32, total: u64): i32 {
  return addPeripheral(new RxStream(periodPs, sampleBytes, depthSamples, burstBytes, total), base, size);
}

/** Wires a peripheral's request interface to request line `line` of a PL330. Returns false if
 *  the line does not exist on that DMAC or is already wired. */
export function wirePeripheral(periph: i32, dmac: i32, line: i32): bool {
  if (periph < 0 || periph >= peripherals.length || dmac < 0 || dmac >= pl330s.length) return false;
  const d = pl330s[dmac];
  if (line < 0 || line >= <i32>d.cfg.numPeriph || d.ports[line] !== null) return false;
  const p = peripherals[periph];
  d.ports[line] = p;
  p.listener = d;
  p.line = line;
  return true;
}

/** The GIC distributor's register window (gic-dist.ts) at base. */
export function createGicDistributor(base: u64, size: u64): i32 {
  return addMmio(base, size, DEV_GICD, 0);
}
